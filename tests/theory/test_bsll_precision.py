"""Issue 14: SM rates and NP/SM ratios of the exclusive b -> s l l modes against flavio 2.7.1 at
50 seeded random points per lepton (C9, C10, C9', C10' in [-2, 2]), bins [0.1, 0.98], [1.1, 2.5],
[2.5, 4], [4, 6], [15, 19].

flavio is slow, so it is evaluated through the linearity of the amplitudes in the Wilson
coefficients: at every q^2 node the CP-averaged rate is a quadratic polynomial in the real shifts.
For B -> P l l it depends on u = (C9 + C9', C10 + C10') only (parity), for B -> V l l it is
Q_u(u) + Q_v(v) with v = (C9 - C9', C10 - C10') (A_perp depends on u, A_par, A_0, A_t on v, and
they do not interfere in dGamma/dq2). The polynomial is fixed by 6 (P) or 11 (V) flavio calls per
node and checked at one extra mixed point; then any point costs nothing. Both codes use the same
nodes (2 per bin, Gauss-Legendre, in ln q^2 for the first bin).

Two comparisons (measured with 2 nodes per bin; numbers printed with ``pytest -s``):

- ``as is``: flavio 2.7.1 with its defaults. With the two-loop O_1, O_2 matrix elements
  F_{1,2}^(7,9)(q^2) of hep-ph/0109140 (fitkit/theory/charm_two_loop.py) and the QCD-factorisation
  amplitudes of hep-ph/0106067 and hep-ph/0412400 for the vector modes (fitkit/theory/qcdf.py), the
  issue-14 goals hold for every mode in every bin below 6 GeV^2: SM within 1.6 % (B -> K 0.2 %;
  vector modes -1.6 ... -0.4 %, before QCD factorisation -6.4 ... +0.9 %), NP/SM max 1.8 % (B -> K;
  vector modes 0.8 %, before 6.0 %), medians <= 0.24 %. Not reached, pinned at the measured size: [15, 19]
  (SM +3.9 ... +4.7 %, NP/SM up to 13.2 %): fitkit holds the O_1, O_2 functions at s-hat = 0.45
  above it, flavio has the complete high-q^2 functions of arXiv:0810.4077.
- ``matched``: flavio with fitkit's O(alpha_s) shifts of C7eff and C9eff, y_s and m_K*+ -- the same
  physics in both codes. Every mode in every bin then agrees within 0.9 % (NP/SM max 1.2 %,
  medians <= 0.16 %), which isolates the as-is [15, 19] difference as the missing high-q^2
  functions. (Without the QCD-factorisation amplitudes the vector modes were -5.9 ... +0.7 % below
  6 GeV^2, NP/SM max 5.2 %: they were the whole low-q^2 residual. With the b -> s amplitudes
  instead of the CP average, fitkit/theory/qcdf.py, B+ -> K*+ was +1.2 % off, NP/SM 1.4 %.)
"""

from __future__ import annotations

import contextlib
import warnings

import numpy as np
import pytest

from fitkit.constants import M_KSTARPLUS
from fitkit.theory import bsll

BINS = [(0.1, 0.98), (1.1, 2.5), (2.5, 4.0), (4.0, 6.0), (15.0, 19.0)]
MODES = {
    "B+->Kmumu": (("B+", "K"), "mu"),
    "B0->K*mumu": (("B0", "K*"), "mu"),
    "B+->K*mumu": (("B+", "K*"), "mu"),
    "Bs->phimumu": (("Bs", "phi"), "mu"),
    "B+->Kee": (("B+", "K"), "e"),
    "B0->K*ee": (("B0", "K*"), "e"),
}
N_POINTS = 50
N_NODES = 2


def nodes(q2min: float, q2max: float, n: int) -> tuple[np.ndarray, np.ndarray]:
    x, w = np.polynomial.legendre.leggauss(n)
    if q2max > 3 * q2min:
        u = 0.5 * np.log(q2max / q2min) * (x + 1) + np.log(q2min)
        return np.exp(u), 0.5 * np.log(q2max / q2min) * w * np.exp(u)
    return 0.5 * (q2max - q2min) * (x + 1) + q2min, 0.5 * (q2max - q2min) * w


def points() -> dict[str, np.ndarray]:
    """50 seeded points per lepton, columns C9, C10, C9p, C10p."""
    rng = np.random.default_rng(14)
    return {lep: rng.uniform(-2.0, 2.0, size=(N_POINTS, 4)) for lep in ("mu", "e")}


def _uv(c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return c[..., [0, 1]] + c[..., [2, 3]], c[..., [0, 1]] - c[..., [2, 3]]


class Quadratic:
    """f(u) [+ g(v)]: quadratic polynomials in two variables each, from flavio at design points."""

    def __init__(self, rate, vector: bool) -> None:
        self.vector = vector
        parts = ("u", "v") if vector else ("u",)
        self.c0 = rate(np.zeros(4))
        self.coef = {}
        for part in parts:

            def at(x1: float, x2: float, part: str = part) -> float:
                # u = (C9 + C9', C10 + C10') with v = 0 means C9 = C9' = u1/2 (and C10 likewise)
                if not vector:
                    return rate(np.array([x1, x2, 0.0, 0.0]))
                sgn = 1.0 if part == "u" else -1.0
                return rate(np.array([x1 / 2, x2 / 2, sgn * x1 / 2, sgn * x2 / 2]))

            f1p, f1m, f2p, f2m, f12 = at(1, 0), at(-1, 0), at(0, 1), at(0, -1), at(1, 1)
            b1, b2 = (f1p - f1m) / 2, (f2p - f2m) / 2
            a11, a22 = (f1p + f1m) / 2 - self.c0, (f2p + f2m) / 2 - self.c0
            a12 = f12 - self.c0 - b1 - b2 - a11 - a22
            self.coef[part] = (b1, b2, a11, a22, a12)
        check = np.array([0.7, -1.3, -0.4, 0.9])
        assert self(check[None, :])[0] == pytest.approx(rate(check), rel=1e-6)

    def __call__(self, c: np.ndarray) -> np.ndarray:
        u, v = _uv(c) if self.vector else (c[..., [0, 1]] + c[..., [2, 3]], None)
        out = np.full(c.shape[0], self.c0)
        for part, x in (("u", u), ("v", v)):
            if part not in self.coef:
                continue
            b1, b2, a11, a22, a12 = self.coef[part]
            out = out + b1 * x[:, 0] + b2 * x[:, 1] + a11 * x[:, 0] ** 2 + a22 * x[:, 1] ** 2 + a12 * x[:, 0] * x[:, 1]
        return out


@contextlib.contextmanager
def matched_flavio(flavio):
    """flavio with fitkit's O(alpha_s) shifts of C7eff and C9eff (wilson_sm.delta_c7_q2 and
    delta_c9_two_loop: above s-hat = 0.45 the O_1, O_2 functions are held, and the xi_u/xi_t
    two-loop terms are absent) and fitkit's y_s and m_K*+: the same physics in both codes."""
    from flavio.physics.bdecays import matrixelements as me

    from fitkit.theory.wilson_sm import MU_B, delta_c7_q2, delta_c9_two_loop

    orig7, orig9 = me.delta_C7, me.delta_C9

    def delta_c7(par, wc, q2, scale, qiqj):
        assert scale == MU_B
        return complex(delta_c7_q2(np.array(q2)))

    def delta_c9(par, wc, q2, scale, qiqj):
        assert scale == MU_B
        return complex(delta_c9_two_loop(np.array(q2)))

    params = flavio.default_parameters
    saved = {k: params.get_central(k) for k in ("DeltaGamma/Gamma_Bs", "m_K*+")}
    me.delta_C7, me.delta_C9 = delta_c7, delta_c9
    params.set_constraint("DeltaGamma/Gamma_Bs", 2 * bsll.Y_S)
    params.set_constraint("m_K*+", M_KSTARPLUS)
    try:
        yield
    finally:
        me.delta_C7, me.delta_C9 = orig7, orig9
        for k, v in saved.items():
            params.set_constraint(k, v)


def flavio_forms(flavio_ref) -> dict[tuple[str, int], list[Quadratic]]:
    """Quadratic forms at the nodes of every (mode, bin)."""
    out = {}
    for name, (key, lep) in MODES.items():
        vector = bsll.channel(key).kind == "V"
        for i, (a, b) in enumerate(BINS):
            x, _ = nodes(a, b, N_NODES)

            def rate(c: np.ndarray, q2: float, name: str = name, lep: str = lep) -> float:
                return flavio_ref.differential(f"dBR/dq2({name})", q2, {k: float(v) for k, v in zip(("C9", "C10", "C9p", "C10p"), c) if v != 0.0})

            out[(name, i)] = [Quadratic(lambda c, q=float(q): rate(c, q), vector) for q in x]
    return out


def fitkit_rates(name: str, i: int, c: np.ndarray) -> np.ndarray:
    """Bin integral of fitkit's dBR/dq2 with the same nodes, one row per point (first row: SM)."""
    key, lep = MODES[name]
    x, w = nodes(*BINS[i], N_NODES)
    shifts = {k: c[:, j : j + 1] for j, k in enumerate(("C9", "C10", "C9p", "C10p"))}
    return (bsll.dbr_dq2(key, lep, x[None, :], shifts) * w).sum(axis=1)


def compare(forms) -> tuple[dict, dict]:
    """SM fitkit/flavio - 1 per (mode, bin), and NP/SM ratio deviations per (mode, bin)."""
    pts = points()
    sm, ratio = {}, {}
    for (name, i), qs in forms.items():
        c = np.vstack([np.zeros((1, 4)), pts[MODES[name][1]]])
        _, w = nodes(*BINS[i], N_NODES)
        fl = sum(wk * q(c) for wk, q in zip(w, qs))
        fk = fitkit_rates(name, i, c)
        sm[(name, i)] = fk[0] / fl[0] - 1
        ratio[(name, i)] = (fk[1:] / fk[0]) / (fl[1:] / fl[0]) - 1
    return sm, ratio


@pytest.fixture(scope="module")
def results(flavio_ref):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        as_is = compare(flavio_forms(flavio_ref))
        with matched_flavio(flavio_ref.flavio):
            matched = compare(flavio_forms(flavio_ref))
    return {"as_is": as_is, "matched": matched}


def table(res) -> str:
    """The measured numbers (printed with -s; quoted in the issue-14 report)."""
    lines = []
    for kind in ("as_is", "matched"):
        sm, ratio = res[kind]
        for name in MODES:
            cells = [f"{100 * sm[(name, i)]:+5.1f}" for i in range(len(BINS))]
            maxes = [f"{100 * np.abs(ratio[(name, i)]).max():4.1f}" for i in range(len(BINS))]
            medians = [f"{100 * np.median(np.abs(ratio[(name, i)])):4.2f}" for i in range(len(BINS))]
            lines.append(f"{kind:8s} {name:12s} SM % {' '.join(cells)} | NP/SM max % {' '.join(maxes)} | median % {' '.join(medians)}")
    return "\n".join(lines)


@pytest.mark.slow
def test_matched_flavio_meets_the_issue_14_goals(results):
    """Same physics in both codes: every mode in every bin within 0.9 % (SM), NP/SM max 1.2 %,
    medians <= 0.16 % (pinned at measured + ~0.5 %; the issue-14 goals are 3 %, 3 %, 1 %)."""
    print("\n" + table(results))
    sm, ratio = results["matched"]
    for (name, i), d in sm.items():
        dev = np.abs(ratio[(name, i)])
        assert abs(d) < 0.015, (name, BINS[i], d)
        assert dev.max() < 0.017, (name, BINS[i], dev.max())
        assert np.median(dev) <= 0.004, (name, BINS[i], np.median(dev))


@pytest.mark.slow
def test_flavio_as_is_meets_the_goals_below_6_and_pins_the_rest(results):
    """flavio 2.7.1 with defaults. Goals met in every bin below 6 GeV^2 for every mode (measured SM
    within 1.6 %, NP/SM max 1.8 %, medians <= 0.24 %; asserted 2 %, 2.3 %, 0.5 %). Pinned
    (measured + ~1 %): [15, 19] SM +3.9 ... +4.7 %, NP/SM max 13.2 % (high-q^2 O_1, O_2 functions of
    0810.4077, isolated by the matched test)."""
    print("\n" + table(results))
    sm, ratio = results["as_is"]
    for (name, i), d in sm.items():
        dev = np.abs(ratio[(name, i)])
        if i == 4:
            assert 0.03 < d < 0.055 and dev.max() < 0.145 and np.median(dev) < 0.016, (name, d, dev.max())
        else:
            assert abs(d) < 0.02 and dev.max() < 0.023 and np.median(dev) <= 0.005, (name, BINS[i], d, dev.max())
