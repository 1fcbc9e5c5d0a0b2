"""B -> X_s l l beyond leading order (fitkit/theory/inclusive.py) against flavio 2.7.1.

Each piece is compared with the flavio function that implements it (or, where flavio has none,
with an independent form); then the rate. Measured (``pytest -s`` prints the numbers):

- SM <BR> fitkit/flavio - 1: [1, 6] -0.67 % (mu), -0.56 % (e); [1, 3.5] -0.41 %, -0.27 %;
  [3.5, 6] -1.00 %, -0.91 % (leading order: -1.4 %, -5.1 % at [1, 6]). fitkit differs from flavio
  in three deliberate places: the 1/m_c^2 correction (Buchalla, Isidori, Rey; not in flavio:
  -0.94 % at [1, 6]), the 1/m_b^2 correction of |C10|^2 (flavio leaves it out: -0.17 %) and the QED
  term e_17 (flavio sets it to zero: +0.07 % mu, +0.15 % e). With these switched to flavio's choice
  fitkit is +0.23 ... +0.54 % above flavio, and with flavio's delta C7, delta C9 as well (they carry
  the massless-u-quark two-loop terms fitkit leaves out) the two codes agree to 0.08 % at every bin
  up to m_b^2.
- NP/SM at 50 seeded points per lepton (C9, C10, C9', C10' in [-2, 2]), bins [1, 3.5], [3.5, 6],
  [1, 6]: max 0.92 % (mu), 1.55 % (e), median 0.23 %, 0.33 % (leading order: up to 6.9 %). A
  fourth deliberate difference dominates it: fitkit gives the primed coefficients the QED and
  1/m_b^2 terms of their unprimed parity mirrors, flavio none; with flavio's choices max 0.74 %,
  0.53 %, median 0.20 %, 0.17 %.
- q^2 > 14.4 GeV^2 (pinned, not a goal of issue 14): -10.6 % (mu), -12.5 % (e). Causes, isolated
  below: fitkit holds the O_1, O_2 two-loop functions at s-hat = 0.45 above q^2 ~ 10 GeV^2
  (wilson_sm; flavio uses arXiv:0810.4077): +7 %; the 1/m_b^2 correction of |C10|^2 near the end
  point, where the heavy-quark expansion breaks down: -21 % (mu), -25 % (e). With flavio's
  choices and its delta C7, delta C9 the high-q^2 bin agrees to 0.07 %. (Measured on a trial merge
  with branch 14c's high-q^2 O_1, O_2 functions: as is -16.9 %, -19.8 %; flavio's choices +0.6 %,
  +0.7 %; all tests here pass.)
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from fitkit.constants import ALPHA_S_MZ, M_LEPTON
from fitkit.theory import constant_wc, predict
from fitkit.theory import inclusive as inc
from fitkit.theory import inclusive_corrections as ic
from fitkit.theory.observables import point_rule
from fitkit.theory.wilson_sm import delta_c7_q2, delta_c9_two_loop, sm_coefficients

SM = sm_coefficients(inc.MU_INCLUSIVE)
S = np.array([0.02, 0.05, 0.1, 0.2, 0.3, 0.45, 0.55, 0.7, 0.85])
LOW_BINS = [(1.0, 3.5), (3.5, 6.0), (1.0, 6.0)]
HIGH_BIN = (14.4, inc.q2_limits("mu")[1])
FL = {"mu": "mumu", "e": "ee"}


@pytest.fixture(scope="module")
def bxll(flavio_ref):
    from flavio.physics.bdecays import bxll

    return bxll


def flavio_wc(shifts: dict[str, float] | None = None, lepton: str = "mu") -> dict[str, complex]:
    """A flavio-style Wilson-coefficient dict (SM at mu_b = 5 GeV plus shifts) for bxll's helpers."""
    shifts, ll = shifts or {}, FL[lepton]
    wc = {f"C{i}_bs": getattr(SM, f"C{i}") for i in range(1, 7)}
    wc |= {"C7eff_bs": SM.C7eff + shifts.get("C7", 0.0), "C8eff_bs": SM.C8eff}
    wc |= {f"C9_bs{ll}": SM.C9 + shifts.get("C9", 0.0), f"C10_bs{ll}": SM.C10 + shifts.get("C10", 0.0)}
    return wc


# --- pieces -------------------------------------------------------------------------------------


def test_sigma9_tau99_reproduce_the_one_loop_omega():
    """(1 + a sigma9)^2 (1 + a tau99) = 1 + 2 a omega(s) at O(a), omega of the vector current
    (Buras, Muenz hep-ph/9501281; independent of flavio)."""
    s = S
    l1, ls = np.log1p(-s), np.log(s)
    omega = (
        -2 / 9 * np.pi**2 - 4 / 3 * ic.li2(s) - 2 / 3 * ls * l1 - (5 + 4 * s) / (3 * (1 + 2 * s)) * l1
        - 2 * s * (1 + s) * (1 - 2 * s) / (3 * (1 - s) ** 2 * (1 + 2 * s)) * ls
        + (5 + 9 * s - 6 * s * s) / (6 * (1 - s) * (1 + 2 * s))
    )  # fmt: skip
    np.testing.assert_allclose(2 * ic.sigma9(s) + ic.tau99(s), 2 * omega, rtol=1e-12)


def test_hlmw_omega_79():
    """sigma7 + sigma9 + tau79 = 2 omega_79 of HLMW hep-ph/0512066 eq. (131) (pole-mass log)."""
    s, mu, mb = S, 5.0, SM.m_b_pole
    l1, ls = np.log1p(-s), np.log(s)
    omega79 = (
        -4 / 3 * ic.li2(s) - 2 / 3 * l1 * ls - 2 / 9 * np.pi**2 - (2 + 7 * s) / (9 * s) * l1
        - 2 * s * (3 - 2 * s) / (9 * (1 - s) ** 2) * ls + (5 - 9 * s) / (18 * (1 - s)) - 4 / 3 * np.log(mu / mb)
    )  # fmt: skip
    np.testing.assert_allclose(ic.sigma7(s, mu, mb) + ic.sigma9(s) + ic.tau79(s), 2 * omega79, rtol=1e-12)


def test_charm_loop_f_is_one_function_across_the_threshold():
    """HLMW eq. (132): both branches are 3/(2r) [arcsin(sqrt r)/sqrt(r(1-r)) - 1] at r + i0, and
    F = 1 + 4r/5 + O(r^2)."""
    r = np.array([1e-4, 0.2, 0.6, 0.95, 1.05, 1.8, 4.0])
    rc = r + 1e-14j
    ref = 1.5 / rc * (np.arcsin(np.sqrt(rc)) / np.sqrt(rc * (1 - rc)) - 1)
    np.testing.assert_allclose(ic.charm_loop_f(r), ref, rtol=1e-9)
    assert ic.charm_loop_f(np.array([1e-4]))[0].real == pytest.approx(1 + 0.8e-4, abs=1e-7)


def test_li2_known_values():
    np.testing.assert_allclose(ic.li2(np.array([0.0, 0.5, 1.0])), [0.0, np.pi**2 / 12 - np.log(2) ** 2 / 2, np.pi**2 / 6], rtol=1e-14, atol=1e-15)


def test_alpha_s_factors_equal_flavio(bxll):
    mb = SM.m_b_pole
    for s in S:
        assert ic.sigma9(s) == pytest.approx(bxll.sigma9(s), rel=1e-12)
        assert ic.sigma7(s, 5.0, mb) == pytest.approx(bxll.sigma7(s, 5.0, mb), rel=1e-12)
        assert ic.tau77(s) == pytest.approx(bxll.tau77(s), rel=1e-12)
        assert ic.tau79(s) == pytest.approx(bxll.tau79(s), rel=1e-12)
        assert ic.tau99(s) == pytest.approx(bxll.tau99(s), rel=1e-12)


def test_phi_u_equals_flavio(bxll):
    ours = ic.phi_u(SM.alpha_s, SM.alpha_e, ALPHA_S_MZ, SM.m_b_pole)
    ref = bxll.f_u(SM.alpha_e, SM.alpha_s, 0.1184, SM.m_b_pole, ic.LAMBDA_1, ic.LAMBDA_2)
    # flavio's alpha_s(M_Z) = 0.1184 against fitkit's 0.1180 enters only the O(alpha_e) term
    assert ours == pytest.approx(ref, rel=2e-4)
    assert ours == pytest.approx(0.789, abs=1e-3)


@pytest.mark.parametrize("shift", [{}, {"C7": 0.3, "C9": -1.5, "C10": 2.0}])
def test_power_corrections_equal_flavio_for_c7_c9(bxll, shift):
    mb = SM.m_b_pole
    wc = flavio_wc(shift)
    c7, c9, c10 = wc["C7eff_bs"], wc["C9_bsmumu"], wc["C10_bsmumu"]
    for s in S:
        w = ic.power_corrections_mb2(np.array(s), mb)
        ref = sum(bxll.Phill_pc_mb2(i, s, ic.LAMBDA_1, ic.LAMBDA_2, mb, wc, "s", "mu") for i in ("T", "L"))
        ours = w["77"] * c7**2 + w["79"] * c7 * c9 + w["99"] * c9**2
        assert ours == pytest.approx(ref, rel=1e-10, abs=1e-14)
        # fitkit adds w["99"] |C10|^2 (V and A lepton currents alike for m_l -> 0), flavio does not
        ref_c10 = sum(bxll.Phill_pc_mb2(i, s, ic.LAMBDA_1, ic.LAMBDA_2, mb, wc | {"C9_bsmumu": c10}, "s", "mu") for i in ("T", "L"))
        assert w["77"] * c7**2 + w["79"] * c7 * c10 + w["99"] * c10**2 == pytest.approx(ref_c10, rel=1e-10)


@pytest.mark.parametrize("lepton", ["mu", "e"])
@pytest.mark.parametrize("shift", [{}, {"C7": 0.3, "C9": -1.5, "C10": 2.0}])
def test_qed_weights_equal_flavio(bxll, lepton, shift):
    """HHL eq. (4.19) for the rate; flavio 2.7.1 has e_17 = 0 where fitkit has 4/3 e_27 (its effect on
    the bins is measured in sm_table)."""
    mb, m_l = SM.m_b_pole, M_LEPTON[lepton]
    wc = flavio_wc(shift, lepton)
    ll = FL[lepton]
    for s in S:
        e = ic.qed_weights(np.array(s), mb, m_l, SM.alpha_e)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = bxll.Phill_logqed("BR", s, mb, m_l, SM.alpha_s, SM.alpha_e, wc, "s", lepton, SM.m_c_pole)
        c = {1: wc["C1_bs"], 2: wc["C2_bs"], 7: wc["C7eff_bs"], 9: wc[f"C9_bs{ll}"], 10: wc[f"C10_bs{ll}"]}
        terms = {(1, 1), (1, 2), (2, 2), (2, 7), (2, 9), (1, 9), (7, 7), (7, 9), (9, 9), (10, 10)}
        ours = sum((e[f"{i}{j}"] * c[i] * np.conj(c[j])).real for i, j in terms)
        assert ours == pytest.approx(ref, rel=1e-7, abs=1e-14)


def test_tree_bracket_equals_flavio_f_ll(bxll):
    q2 = S * SM.m_b_pole**2
    had = inc.hadronic("mu", q2)
    c7, c9, c10 = -0.3 + 0.01j, 4.2 + 0.3j, -4.1
    ours = inc._phi_tree(had, np.full(S.shape, c7), np.full(S.shape, c9), np.full(S.shape, c10))
    x = M_LEPTON["mu"] / SM.m_b_pole
    ref = [bxll.f_ll(s, x, SM.alpha_s, c7, c9, c10, 0.0, 0.0) for s in S]
    np.testing.assert_allclose(ours, ref, rtol=1e-12)


def test_sm_effective_coefficients_match_flavio_below_the_charm_threshold(flavio_ref, bxll):
    """C~7, C~9 of fitkit at q^2 <= 8 GeV^2 against flavio's inclusive_wc: the difference is the
    massless-u-quark two-loop terms fitkit leaves out (|delta| <= 0.02)."""
    fl = flavio_ref.flavio
    par = fl.default_parameters.get_central_all()
    q2 = np.array([1.0, 3.0, 6.0, 8.0])
    had = inc.hadronic("mu", q2)
    for i, q in enumerate(q2):
        ref = bxll.inclusive_wc(float(q), fl.WilsonCoefficients(), par, "s", "mu", SM.m_b_pole)["wc_eff"]
        assert abs(had["c7t_sm"][i] - ref["7"]) < 0.005
        assert abs(had["c9t_sm"][i] - ref["v"]) < 0.02
        assert had["c10t_sm"][i] == pytest.approx(ref["a"], rel=1e-4)


# --- the rate -------------------------------------------------------------------------------------


def flavio_choices(had: dict) -> dict:
    """fitkit's hadronic dict with flavio 2.7.1's three choices: no 1/m_b^2 weight for |C10|^2,
    e_17 = 0 and no 1/m_c^2 correction."""
    out = dict(had)
    out["m7"], out["m9"] = 0 * had["m7"], 0 * had["m9"]
    e = ic.qed_weights(had["s"], SM.m_b_pole, M_LEPTON[had["lepton"]], SM.alpha_e)
    out["e1010"] = e["1010"]
    out["e7"] = SM.C2 * e["27"]
    return out


def bin_rate(lepton: str, a: float, b: float, variant: str, flavio=None) -> float:
    """fitkit's SM bin rate on its own nodes, as is or with flavio's choices ('choices') and also
    flavio's delta C7, delta C9 ('matched')."""
    x, w = point_rule(f"<BR>(B->Xs{FL[lepton]})", a, b)
    had = inc.hadronic(lepton, x) | {"lepton": lepton}
    if variant != "as_is":
        had = flavio_choices(had)
    if variant == "matched":
        from flavio.physics.bdecays import matrixelements as me
        from flavio.physics.bdecays.wilsoncoefficients import wctot_dict

        par = flavio.default_parameters.get_central_all()
        wc = wctot_dict(flavio.WilsonCoefficients(), "bsmumu", 5.0, par, nf_out=5)
        d7 = np.array([me.delta_C7(par, wc, float(q), 5.0, "bs") for q in x])
        d9 = np.array([me.delta_C9(par, wc, float(q), 5.0, "bs") for q in x])
        had["c7t_sm"] = had["c7t_sm"] - delta_c7_q2(x, 5.0) + d7
        had["c9t_sm"] = had["c9t_sm"] - delta_c9_two_loop(x, 5.0) + d9
    return float(np.sum(w * inc.dbr_dq2_from(had, lepton, None)))


@pytest.fixture(scope="module")
def sm_table(flavio_ref):
    out = {}
    for lep in ("mu", "e"):
        for a, b in [*LOW_BINS, HIGH_BIN]:
            ref = flavio_ref.prediction(f"<BR>(B->Xs{FL[lep]})", a, b)
            out[(lep, a, b)] = {v: bin_rate(lep, a, b, v, flavio_ref.flavio) / ref - 1 for v in ("as_is", "choices", "matched")}
    print("\nlepton bin: fitkit/flavio - 1 (as is, flavio's choices, + flavio's delta C7/9)")
    for k, v in out.items():
        print(k, " ".join(f"{100 * d:+6.2f} %" for d in v.values()))
    return out


@pytest.mark.slow
@pytest.mark.parametrize("lepton", ["mu", "e"])
def test_sm_low_q2_bins_agree_with_flavio(sm_table, lepton):
    """Issue-14 goal (3 %); measured -0.27 ... -1.00 % (the 1/m_c^2 correction, -0.9 %, is not in
    flavio). The reference is flavio's own <BR> (adaptive integral), so fitkit's bin rule is checked
    too."""
    for a, b in LOW_BINS:
        d = sm_table[(lepton, a, b)]
        assert abs(d["as_is"]) < 0.012, (a, b, d)
        assert 0.0 < d["choices"] < 0.007, (a, b, d)
        assert abs(d["matched"]) < 0.0015, (a, b, d)


@pytest.mark.parametrize("lepton", ["mu", "e"])
def test_size_of_the_charm_power_correction(lepton):
    """Pinned: the 1/m_c^2 correction lowers <BR>[1, 6] by 0.94 % (mu, e)."""
    x, w = point_rule(f"<BR>(B->Xs{FL[lepton]})", 1.0, 6.0)
    had = inc.hadronic(lepton, x)
    off = had | {"m7": 0 * had["m7"], "m9": 0 * had["m9"]}
    ratio = np.sum(w * inc.dbr_dq2_from(had, lepton, None)) / np.sum(w * inc.dbr_dq2_from(off, lepton, None))
    assert ratio - 1 == pytest.approx(-0.0094, abs=0.0005)


@pytest.mark.slow
@pytest.mark.parametrize("lepton", ["mu", "e"])
def test_sm_high_q2_bin_is_isolated(sm_table, lepton):
    """Measured: -10.6 % (mu), -12.5 % (e) as is; +6.9 %, +8.0 % with flavio's choices (the O_1, O_2
    functions of wilson_sm held at s-hat = 0.45 above 10.4 GeV^2); 0.07 % with flavio's delta C7,
    delta C9 as well. Pinned: the matched agreement and the size of fitkit's deliberate choices
    (-17.5 %, -20.5 % of flavio's rate, almost all the 1/m_b^2 term of |C10|^2), which do not depend
    on the high-q^2 O_1, O_2 functions (being replaced in wilson_sm)."""
    d = sm_table[(lepton, *HIGH_BIN)]
    assert -0.23 < d["as_is"] - d["choices"] < -0.15, d
    assert abs(d["matched"]) < 0.0015, d


def random_points(lepton: str) -> np.ndarray:
    """50 seeded points (C9, C10, C9', C10') uniform in [-2, 2]."""
    return np.random.default_rng({"mu": 14, "e": 15}[lepton]).uniform(-2.0, 2.0, (50, 4))


@pytest.mark.slow
@pytest.mark.parametrize("lepton", ["mu", "e"])
def test_np_over_sm_at_random_points(flavio_ref, lepton):
    """Issue-14 goal: NP/SM within 3 % at every point, median <= 1 %. Measured as is: max 0.92 %
    (mu), 1.55 % (e), median 0.23 %, 0.33 % -- mostly the QED and 1/m_b^2 terms of the primed
    coefficients, which flavio leaves out (for electrons the QED log is large); with flavio's
    choices (no primed QED and 1/m_b^2 terms, see flavio_choices) max 0.74 %, 0.53 %, median 0.20 %,
    0.17 %.
    flavio is evaluated on fitkit's nodes (differential rates, constant coefficients); fitkit's
    rate is that of predict (checked for the first bin)."""
    keys = ("C9", "C10", "C9p", "C10p")
    pts = random_points(lepton)
    name = f"<BR>(B->Xs{FL[lepton]})"
    shifts = {k: pts[:, j : j + 1] for j, k in enumerate(keys)}
    devs: dict[str, list[np.ndarray]] = {"as_is": [], "choices": []}
    for a, b in LOW_BINS:
        x, w = point_rule(name, a, b)
        had = inc.hadronic(lepton, x) | {"lepton": lepton}
        fl_sm = sum(wi * flavio_ref.differential(name, float(xi)) for xi, wi in zip(x, w))
        fl = np.array([sum(wi * flavio_ref.differential(name, float(xi), dict(zip(keys, p))) for xi, wi in zip(x, w)) for p in pts])
        fk = np.sum(w * inc.dbr_dq2_from(had, lepton, shifts), axis=1)
        if (a, b) == LOW_BINS[0]:
            np.testing.assert_allclose(fk, predict(name, (a, b), lambda q2, lep: shifts), rtol=1e-10)  # noqa: ARG005
        fk_sm = np.sum(w * inc.dbr_dq2_from(had, lepton, None))
        devs["as_is"].append((fk / fk_sm) / (fl / fl_sm) - 1)
        ch = flavio_choices(had)
        primed = ch["pref"] * inc._phi_qed_mb2(ch, 0.0, shifts["C9p"], shifts["C10p"])
        fk_ch = np.sum(w * (inc.dbr_dq2_from(ch, lepton, shifts) - primed), axis=1)
        fk_ch_sm = np.sum(w * inc.dbr_dq2_from(ch, lepton, None))
        devs["choices"].append((fk_ch / fk_ch_sm) / (fl / fl_sm) - 1)
    dev = {k: np.abs(np.concatenate(v)) for k, v in devs.items()}
    for k, d in dev.items():
        print(f"\n{lepton} {k}: NP/SM max {100 * d.max():.2f} %, median {100 * np.median(d):.2f} %")
    assert dev["as_is"].max() < 0.02 and np.median(dev["as_is"]) < 0.005
    assert dev["choices"].max() < 0.008 and np.median(dev["choices"]) < 0.0025


@pytest.mark.slow
@pytest.mark.parametrize("shift", [{"C9": -1.0}, {"C10": 1.0}, {"C9p": 1.0}, {"C7": 0.05}, {"C7p": 0.1}])
def test_np_ratio_with_c7_and_flavio_bin_integral(flavio_ref, shift):
    """Single shifts (including C7, C7') with flavio's own adaptive bin integral."""
    name = "<BR>(B->Xsmumu)"
    ours = predict(name, (1.0, 6.0), constant_wc(shift))[0] / predict(name, (1.0, 6.0))[0]
    ref = flavio_ref.prediction(name, 1.0, 6.0, shifts=shift) / flavio_ref.prediction(name, 1.0, 6.0)
    assert ours == pytest.approx(ref, rel=0.005)


# --- structure ------------------------------------------------------------------------------------


def test_primed_operators_do_not_interfere():
    """For m_s = 0 primed operators add incoherently: BR(C9' = x) = BR(C9' = -x)."""
    a = predict("<BR>(B->Xsmumu)", (1.0, 6.0), constant_wc({"C9p": 0.8}))[0]
    b = predict("<BR>(B->Xsmumu)", (1.0, 6.0), constant_wc({"C9p": -0.8}))[0]
    assert a == pytest.approx(b, rel=1e-12) and a > predict("<BR>(B->Xsmumu)", (1.0, 6.0))[0]


@pytest.mark.parametrize("lepton", ["mu", "e"])
def test_narrow_width_factor_is_the_c9_squared_weight(lepton):
    """The |C9|^2 coefficient of dBR/dq^2 (second difference in a constant C9 shift) equals
    narrow_width_factor times its leading-order value."""
    q2 = np.array([0.5, 2.0, 5.0, 16.0])
    had = inc.hadronic(lepton, q2)
    d = 0.7
    r = [inc.dbr_dq2_from(had, lepton, {"C9": np.array([[v]])})[0] for v in (-d, 0.0, d)]
    quad = (r[0] + r[2] - 2 * r[1]) / (2 * d * d)
    s, x = q2 / SM.m_b_pole**2, (M_LEPTON[lepton] / SM.m_b_pole) ** 2
    lo = inc._norm_lo() * (1 - s) ** 2 * (1 + 2 * s) * np.sqrt(1 - 4 * x / s) * (1 + 2 * x / s)
    np.testing.assert_allclose(quad, inc.narrow_width_factor(q2, lepton) * lo, rtol=1e-9)


def test_vectorised_over_points_and_nodes():
    q2 = np.array([[1.5, 2.5, 4.0]])
    had = inc.hadronic("mu", q2)
    c9 = np.array([[-1.0], [0.5]])
    both = inc.dbr_dq2_from(had, "mu", {"C9": c9, "C10p": np.array([[0.3], [-0.2]])})
    for i in range(2):
        one = inc.dbr_dq2_from(had, "mu", {"C9": c9[i : i + 1], "C10p": np.array([[0.3, -0.2][i]])})
        np.testing.assert_allclose(both[i], one[0], rtol=1e-13)


def test_outside_phase_space_is_zero_and_unknown_key_rejected():
    had = inc.hadronic("mu", np.array([0.01, 3.0, 30.0]))
    r = inc.dbr_dq2_from(had, "mu", None)
    assert r[0] == 0.0 and r[2] == 0.0 and r[1] > 0.0
    with pytest.raises(ValueError, match="CS"):
        inc.dbr_dq2_from(had, "mu", {"CS": np.array(1.0)})
