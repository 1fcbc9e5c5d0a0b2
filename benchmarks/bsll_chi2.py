"""Benchmark: chi^2 of the 27 b -> s l l observables of 002 Table 1 for a light vector,
delta C9(q^2) = a / (q^2 - M^2 + i M Gamma) (lepton universal), fitkit against flavio in its best mode.

All modes compute the same chi^2: ratio mode of 002 (prediction = card SM x (SM+NP)/SM), 002 eq.
(5.1) with experimental and SM errors in quadrature (asymmetric errors averaged), each bin
integrated with the quadrature rule fitkit uses for that point (``point_rule``: 10 shared
Gauss-Legendre nodes, or 2 x 12 Breit-Wigner adapted nodes when M^2 lies within 10 % of the bin
width of the bin). Modes, all timed in this run:

- fitkit batched: all bins at once (:class:`fitkit.theory.bin_set.BinSet`), the points in the
  chunks of a fit's Gaussian chi^2 (grids, scans);
- fitkit per point: one point per call, as MIGRAD calls a cost;
- flavio best: flavio 2.7.1 takes constant Wilson coefficients only, so the rates are evaluated
  node by node, but everything point-independent is hoisted: the SM integrals (ratio-mode
  denominators) are computed once, and at the shared nodes the rate's exact quadratic
  dependence on delta C9 = x + i y (amplitudes linear in C9), dBR = A + B_x x + B_y y + C_xx x^2
  + C_yy y^2 + C_xy x y, is tabulated once from 6 flavio calls per node (checked against a direct
  call; the general form is needed: Bs -> phi mu mu, time-integrated with Bs mixing in flavio,
  has C_xx != C_yy). Per point
  only the adapted nodes of bins near the resonance need flavio calls. The set-up is timed and
  printed separately (not included in the per-point time);
- flavio naive (``--naive-points``): the previous benchmark's mode, every node of every bin by a
  flavio call at every point (the SM integrals too).

The chi^2 agree to < 0.1 except where a resonance sits in the B0 -> K* e e [0.03^2, 1] GeV^2 bin
(measured: 151.85 vs 150.80 at M = 0.163 GeV, 123.10 vs 122.54 at 0.289 GeV; before fitkit had
the QCD-factorisation amplitudes, 160.29 and 127.71): the ratio mode scales the resonant excess
by Gamma_NP/Gamma_SM of each code, and the codes' SM rates at the photon pole differ by ~1 %.

Times are CPU seconds of this process (``time.process_time``: robust on a shared machine), min
and median of ``--runs`` runs, per point. Every ratio is printed; the last line is
``speedup_vs_flavio_best: <flavio best / fitkit batched, per point, min over runs>``.
Run: ``python benchmarks/bsll_chi2.py [--points N] [--per-point N] [--flavio-points K] [--naive-points K] [--runs R]``.
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from fitkit.data.catalog import default_data_dir, load_card
from fitkit.data.observables import parse_observable
from fitkit.data.schema import Measurement
from fitkit.likelihood.gaussian import BATCH_ELEMENTS, NODES_PER_MEASUREMENT
from fitkit.theory.bin_set import BinSet
from fitkit.theory.observables import point_rule

Points = dict[str, np.ndarray]


def table1() -> list[Measurement]:
    """The 27 measurements of 002 Table 1 (data/bsll cards, tag table1-002, superseded included)."""
    try:
        from fitkit.data.catalog import Catalog

        ms = Catalog().select(tags=["table1-002"], include_superseded=True)
    except Exception:  # another area's card may be mid-edit: read the bsll cards directly
        ms = [Measurement.from_entry(e, c) for p in sorted(Path(default_data_dir(), "bsll").glob("*.yaml"))
              for c in [load_card(p)] for e in c.measurements]  # fmt: skip
    return [m for m in ms if "table1-002" in m.tags]


def sigma2(m: Measurement) -> float:
    exp2 = sum((0.5 * (up + down)) ** 2 for up, down in m.errors.values())
    return exp2 + (m.sm_error or 0.0) ** 2


def random_points(n: int, seed: int = 1) -> Points:
    rng = np.random.default_rng(seed)
    M = 10 ** rng.uniform(np.log10(0.1), np.log10(3.0), n)
    return {
        "a": rng.uniform(-0.05, 0.05, n),  # GeV^2
        "M": M,  # GeV
        "Gamma": M * 10 ** rng.uniform(-5, -2, n),  # GeV
    }


def subset(pts: Points, sl: slice) -> Points:
    return {k: v[sl] for k, v in pts.items()}


def delta_c9(a: float, M: float, G: float, q2: np.ndarray) -> np.ndarray:
    """The Breit-Wigner shift a / (q^2 - M^2 + i M Gamma)."""
    return a / (q2 - M**2 + 1j * M * G)


# -- fitkit ------------------------------------------------------------------------------------
def fitkit_chi2(ms: list[Measurement], pts: Points) -> np.ndarray:
    a, M, G = pts["a"], pts["M"], pts["Gamma"]

    def wc(q2, lepton):
        return {"C9": a[:, None] / (q2 - M[:, None] ** 2 + 1j * M[:, None] * G[:, None])}

    bins = _bin_set(tuple((m.observable, m.q2) for m in ms))
    card_sm = np.array([m.sm for m in ms])
    th = card_sm * bins.integrals(wc, resonances=(M, G)) / bins.sm
    return np.sum((th - np.array([m.value for m in ms])) ** 2 / np.array([sigma2(m) for m in ms]), axis=1)


def fitkit_batched(ms: list[Measurement], pts: Points) -> np.ndarray:
    """All points, in the chunks a fit's :meth:`fitkit.likelihood.gaussian.GaussianChi2.batch` uses."""
    size = max(1, BATCH_ELEMENTS // (len(ms) * NODES_PER_MEASUREMENT))
    n = len(pts["a"])
    return np.concatenate([fitkit_chi2(ms, subset(pts, slice(i, i + size))) for i in range(0, n, size)])


@lru_cache(maxsize=4)
def _bin_set(items: tuple) -> BinSet:
    """All bins at once (:class:`fitkit.theory.bin_set.BinSet`), built once as a fit builds it."""
    return BinSet(items)


def fitkit_per_point(ms: list[Measurement], pts: Points) -> np.ndarray:
    """One point per call, as MIGRAD evaluates a cost."""
    return np.array([fitkit_chi2(ms, subset(pts, slice(i, i + 1)))[0] for i in range(len(pts["a"]))])


# -- flavio ------------------------------------------------------------------------------------
def _flavio():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import flavio
        import wilson
    return flavio, wilson


def flavio_dbr(m: Measurement, q2: float, c9: complex | None) -> float:
    """flavio's dBR/dq2 of the measurement's decay at ``q2`` (SM for ``c9`` None)."""
    flavio, wilson = _flavio()
    o = parse_observable(m.observable)
    ll = {"e": "ee", "mu": "mumu"}[o.lepton]
    name = f"dBR/dq2({o.initial}->{o.final}{ll})"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if c9 is None:
            return float(flavio.sm_prediction(name, q2=q2))
        w = wilson.Wilson({f"C9_bs{ll}": c9}, scale=4.8, eft="WET", basis="flavio")
        return float(flavio.np_prediction(name, w, q2=q2))


@dataclass
class FlavioBin:
    """Point-independent flavio numbers of one bin: shared nodes, weights, the quadratic
    coefficients of dBR/dq2 in delta C9 at the nodes, and the SM integral."""

    x: np.ndarray
    w: np.ndarray
    coef: np.ndarray  # (6, n_nodes): A, B_x, B_y, C_xx, C_yy, C_xy
    sm: float

    def rate(self, d: np.ndarray) -> np.ndarray:
        """dBR/dq2 at the nodes for shifts ``d`` (complex, per node)."""
        x, y = d.real, d.imag
        return np.einsum("kn,kn->n", self.coef, np.stack([np.ones_like(x), x, y, x * x, y * y, x * y]))


def flavio_setup(ms: list[Measurement]) -> tuple[list[FlavioBin], float]:
    """The hoisted part of flavio's best mode (6 calls per shared node); returns the tables and the
    largest relative deviation of the quadratic form from a direct call (one check per bin)."""
    bins, worst = [], 0.0
    for m in ms:
        x, w = point_rule(m.observable, *m.q2)  # type: ignore[misc]
        f = {d: np.array([flavio_dbr(m, float(q), d) for q in x]) for d in (0j, 1 + 0j, -1 + 0j, 1j, -1j, 1 + 1j)}
        A = f[0j]
        bx, by = (f[1 + 0j] - f[-1 + 0j]) / 2, (f[1j] - f[-1j]) / 2
        cxx, cyy = (f[1 + 0j] + f[-1 + 0j]) / 2 - A, (f[1j] + f[-1j]) / 2 - A
        cxy = f[1 + 1j] - A - bx - by - cxx - cyy
        b = FlavioBin(x=x, w=w, coef=np.stack([A, bx, by, cxx, cyy, cxy]), sm=float(np.sum(w * A)))
        d = 0.37 - 0.81j  # the quadratic form is exact: check one node against a direct call
        worst = max(worst, abs(b.rate(np.full(x.size, d))[0] / flavio_dbr(m, float(x[0]), d) - 1))
        bins.append(b)
    return bins, worst


def flavio_best_chi2(ms: list[Measurement], bins: list[FlavioBin], pts: Points) -> np.ndarray:
    out = np.zeros(len(pts["a"]))
    for i in range(len(pts["a"])):
        a, M, G = float(pts["a"][i]), float(pts["M"][i]), float(pts["Gamma"][i])
        for m, b in zip(ms, bins):
            x, w = point_rule(m.observable, *m.q2, M, G)  # type: ignore[misc]
            if x.shape == b.x.shape and np.array_equal(x, b.x):  # shared nodes: the tabulated quadratic form
                npv = float(np.sum(b.w * b.rate(delta_c9(a, M, G, b.x))))
            else:  # nodes adapted to this point's resonance: flavio at each of them
                npv = sum(wi * flavio_dbr(m, float(xi), complex(delta_c9(a, M, G, xi))) for xi, wi in zip(x, w))
            out[i] += (m.sm * npv / b.sm - m.value) ** 2 / sigma2(m)
    return out


def flavio_naive_chi2(ms: list[Measurement], pts: Points) -> np.ndarray:
    """Every node of every bin by a flavio call at every point, the SM integrals included."""
    out = np.zeros(len(pts["a"]))
    for i in range(len(pts["a"])):
        a, M, G = pts["a"][i], pts["M"][i], pts["Gamma"][i]
        for m in ms:
            x0, w0 = point_rule(m.observable, *m.q2)  # type: ignore[misc]
            sm = sum(wi * flavio_dbr(m, float(xi), None) for xi, wi in zip(x0, w0))
            x, w = point_rule(m.observable, *m.q2, M, G)  # type: ignore[misc]
            npv = sum(wi * flavio_dbr(m, float(xi), complex(delta_c9(a, M, G, xi))) for xi, wi in zip(x, w))
            out[i] += (m.sm * npv / sm - m.value) ** 2 / sigma2(m)
    return out


# -- timing ------------------------------------------------------------------------------------
def per_point_cpu(run: Callable[[], np.ndarray], n_points: int, runs: int) -> tuple[float, float, np.ndarray]:
    """CPU seconds per point of ``run`` (min and median over ``runs``) and its last result."""
    times, result = [], np.zeros(0)
    for _ in range(runs):
        c0 = time.process_time()
        result = run()
        times.append((time.process_time() - c0) / n_points)
    return min(times), statistics.median(times), result


def fmt(t: float) -> str:
    return f"{t * 1e3:.3f} ms" if t >= 1e-3 else f"{t * 1e6:.1f} us"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=10_000, help="fitkit batched")
    parser.add_argument("--per-point", type=int, default=100, help="fitkit one point per call")
    parser.add_argument("--flavio-points", type=int, default=5, help="flavio best mode")
    parser.add_argument("--naive-points", type=int, default=1, help="flavio naive mode (0: skip)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    ms = table1()
    chi2_sm = sum((m.sm - m.value) ** 2 / sigma2(m) for m in ms)
    print(f"observables: {len(ms)}   chi2_SM (card SM values) = {chi2_sm:.2f}   [002: 93.56]")
    pts = random_points(args.points)
    fitkit_chi2(ms, random_points(16, seed=7))  # warm the caches of the shared nodes

    t_b, t_b_med, chi2 = per_point_cpu(lambda: fitkit_batched(ms, pts), args.points, args.runs)
    print(f"fitkit batched ({args.points} points): {fmt(t_b)}/point (median {fmt(t_b_med)}); chi2 min {chi2.min():.2f}, median {np.median(chi2):.2f}")
    one = subset(pts, slice(0, args.per_point))
    t_p, t_p_med, chi2_p = per_point_cpu(lambda: fitkit_per_point(ms, one), args.per_point, args.runs)
    assert np.allclose(chi2_p, chi2[: args.per_point], rtol=1e-10), "per-point and batched chi2 differ"
    print(f"fitkit per point ({args.per_point} calls of 1 point, as MIGRAD calls it): {fmt(t_p)}/point (median {fmt(t_p_med)})")

    flavio_dbr(ms[0], 2.0, None)  # imports, flavio's own caches
    c0 = time.process_time()
    bins, worst = flavio_setup(ms)
    t_setup = time.process_time() - c0
    n_nodes = sum(b.x.size for b in bins)
    print(f"flavio best, set-up once: {n_nodes} shared nodes x 6 calls in {t_setup:.1f} s CPU "
          f"(quadratic form vs direct call: max relative deviation {worst:.1e})")  # fmt: skip
    k = args.flavio_points
    sub = subset(pts, slice(0, k))
    t_f, t_f_med, chi2_f = per_point_cpu(lambda: flavio_best_chi2(ms, bins, sub), k, args.runs)
    print(f"flavio best ({k} points): {fmt(t_f)}/point (median {fmt(t_f_med)})")
    for i in range(k):
        print(f"  point {i}: a={sub['a'][i]:+.4f} GeV^2 M={sub['M'][i]:.4f} GeV Gamma={sub['Gamma'][i]:.2e} GeV  "
              f"chi2 fitkit {chi2[i]:.3f}  flavio {chi2_f[i]:.3f}")  # fmt: skip
    ratios = {
        "fitkit per point / fitkit batched": t_p / t_b,
        "flavio best / fitkit per point": t_f / t_p,
        "flavio best / fitkit batched": t_f / t_b,
    }
    if args.naive_points:
        kn = args.naive_points
        t_n, t_n_med, _ = per_point_cpu(lambda: flavio_naive_chi2(ms, subset(pts, slice(0, kn))), kn, args.runs)
        print(f"flavio naive, node by node ({kn} points): {fmt(t_n)}/point (median {fmt(t_n_med)})")
        ratios["flavio naive / flavio best"] = t_n / t_f
        ratios["flavio naive / fitkit batched (the previous benchmark's ratio)"] = t_n / t_b
    print("ratios of CPU time per point (min over runs):")
    for label, r in ratios.items():
        print(f"  {label}: {r:.3g}")
    print(f"speedup_vs_flavio_best: {t_f / t_b:.0f}")


if __name__ == "__main__":
    main()
