"""003 end to end: the B -> K(*) X analyses on the Belle II likelihood (+ BaBar/Belle), Z' and ALP.

:func:`light_x_analysis` runs, on the published Belle II likelihood (or, offline, the simplified
card):

1. the SM fit (mu) of the full and of the simplified likelihood;
2. the m_X scans of BR(B+ -> K+ X): Belle II with the maps, Belle II with 003's Gaussian
   treatment, and the combination ("combined") with the BaBar 2013 / Belle 2017 K+ and K0S
   channels as counting experiments (:mod:`fitkit.likelihood.counting`; B0 -> K0 X tied to
   B+ -> K+ X by isospin and lifetimes); optionally ("combined-published") the older combination
   with their published branching ratios / limits as Gaussian penalties
   (:mod:`fitkit.likelihood.bknunu_external`);
3. optionally background-only toys of the Belle II scan for the global significance
   (:mod:`fitkit.inference.toys`: statistic T = the profile-likelihood Z at the highest peaks of
   the score scan, the same on data, ``lee.t_obs``, and on toys) with the Gross-Vitells estimate
   (:mod:`fitkit.inference.lee`);
4. the B -> K* X upper limit versus m_X (90% CL, CLs of the BaBar and Belle K*+ and K*0 counting
   channels; the one-sided profile-likelihood limit next to it) and the 2 sigma (CL = Phi(2)) bound;
5. the ALP decay constants F_V = 2f/|g_V| (from the combined BR(B -> K a) at m_a, 003 eq. (15))
   and the 2 sigma lower bound on F_A (from the K* bound at m_a, eq. (16));
6. the Z' couplings at the best mass: chi^2(g_L, g_R) = chi^2_K(BR_K) + chi^2_K*(BR_K*) with
   chi^2_K the profile of the combined likelihood in BR_K at that mass and chi^2_K* the K*
   counting likelihood there (003 Fig. 2).

Everything is plain data in a dict (JSON-ready), for the CLI, the plots and the reproduction rows.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from scipy import stats
from scipy.interpolate import CubicSpline

from fitkit.constants import HBAR_GEV_S, M_B0, M_BPLUS, M_KPLUS, M_KSTAR0, TAU_B0, TAU_BPLUS
from fitkit.errors import InputError
from fitkit.inference.lee import global_significance, gross_vitells, upcrossings, z_from_p
from fitkit.inference.profile import make_minuit
from fitkit.inference.template_scan import (
    External,
    TemplateScan,
    fit_sm,
    fit_template,
    normalisation_unit,
    scan_templates,
)
from fitkit.inference.toys import run_toys, scan_statistic, score_scan
from fitkit.likelihood.belle2_knunu import NP_SAMPLE, TRUE_Q2_EDGES, Belle2Knunu
from fitkit.likelihood.bknunu_external import as_penalties, constraints, total_chi2
from fitkit.likelihood.counting import CountingLikelihood, counting_likelihood
from fitkit.models.base import as_points
from fitkit.models.light_invisible import InvisibleX, ZPrime, width_b_to_k_alp, width_b_to_kstar_alp

__all__ = [
    "default_masses",
    "light_x_analysis",
    "alp_decay_constants",
    "zprime_couplings",
    "br_profile",
    "best_fit_br",
    "scan_light_x",
    "postfit_histograms",
    "line_templates",
    "templates",
    "kstar_limits",
]

_TWO_SIGMA_CL = float(stats.norm.cdf(2.0))


def default_masses(n: int = 100) -> np.ndarray:
    """n masses from 0 to m_B+ - m_K+ (GeV), the endpoint excluded (no phase space)."""
    return np.linspace(0.0, M_BPLUS - M_KPLUS, n + 1)[:-1]


def _scan_dict(s: TemplateScan) -> dict[str, Any]:
    return {
        "treatment": s.treatment,
        "m_X": s.m_x.tolist(),
        "BR_KX": s.br.tolist(),
        "BR_KX_error": s.br_error.tolist(),
        "delta_twice_nll": s.delta.tolist(),
        "significance_local": s.z_local.tolist(),
        "best": s.best(),
    }


def line_templates(lk: Belle2Knunu, m_x: np.ndarray) -> np.ndarray:
    """Yields per unit BR(B+ -> K+ X) of a narrow invisible X of mass m_X (GeV), (n_masses, n_cells).

    The model's true-q^2 spectrum (:meth:`fitkit.models.light_invisible.InvisibleX.knunu_signal`,
    a line at q^2 = m_X^2) folded through the Belle II maps.
    """
    m_x = np.atleast_1d(np.asarray(m_x, float))
    return lk.fold(InvisibleX().knunu_signal({"m_X": m_x, "BR_KX": np.ones_like(m_x)}, TRUE_Q2_EDGES))


def templates(lk: Belle2Knunu, masses: np.ndarray, treatment: str = "maps") -> np.ndarray:
    """Yields per unit BR at each mass: ``maps`` (:func:`line_templates`) or 003's ``gaussian`` treatment."""
    if treatment == "maps":
        return line_templates(lk, masses)
    if treatment == "gaussian":
        return lk.gaussian_line_yields(masses)
    raise InputError(f"treatment must be 'maps' or 'gaussian', got {treatment!r}", field="treatment")


def _fit_unit(lk: Belle2Knunu) -> float:
    """Minuit's unit of BR(B+ -> K+ X) for every fit of this analysis: that of the m_X = 0 line
    (conditioning only; it stays defined for masses beyond the maps, where the template vanishes)."""
    return normalisation_unit(line_templates(lk, np.array([0.0])))


def scan_light_x(
    lk: Belle2Knunu, masses: np.ndarray, *, treatment: str = "maps", external: Sequence[External] = (), data: np.ndarray | None = None
) -> TemplateScan:
    """The m_X scan of BR(B+ -> K+ X): ``maps`` or ``gaussian`` templates; ``combined``: maps + ``external``."""
    tpl = templates(lk, masses, "gaussian" if treatment == "gaussian" else "maps")
    return scan_templates(lk, masses, tpl, treatment=treatment, data=data, external=external, unit=_fit_unit(lk))


def br_profile(lk: Belle2Knunu, m_x: float, brs: np.ndarray, external=()) -> np.ndarray:
    """-2 ln L (nuisances profiled) at fixed BR(B+ -> K+ X) values ``brs`` and mass ``m_x``."""
    tpl, unit = line_templates(lk, np.array([m_x]))[0], _fit_unit(lk)
    out, start = [], None
    for b in brs:
        r = fit_template(lk, tpl, br_free=False, br_value=float(b), unit=unit, start=start, hesse=False, external=external, m_x=m_x)
        start = r.values
        out.append(r.twice_nll)
    return np.asarray(out)


def alp_decay_constants(br_k: tuple[float, float], br_kstar_bound: float, m_a: float) -> dict[str, float]:
    """F_V (value, +err, -err) from BR(B+ -> K+ a) = v +- s and the F_A lower bound from BR(K* a) < bound.

    003 eqs. (15)-(16): BR is proportional to 1/F^2, so F = F_ref sqrt(BR_ref / BR).
    """
    v, s = br_k
    one = np.array(1.0)  # F = 1 GeV
    c_v = float(width_b_to_k_alp(M_BPLUS, M_KPLUS, np.array(m_a), one)) * TAU_BPLUS / HBAR_GEV_S  # BR at F_V = 1 GeV
    c_a = float(width_b_to_kstar_alp(M_B0, M_KSTAR0, np.array(m_a), one)) * TAU_B0 / HBAR_GEV_S
    f_v = math.sqrt(c_v / v)
    return {
        "m_a": m_a,
        "F_V": f_v,
        "F_V_up": math.sqrt(c_v / max(v - s, 1e-30)) - f_v,
        "F_V_down": f_v - math.sqrt(c_v / (v + s)),
        "F_A_min_2sigma": math.sqrt(c_a / br_kstar_bound),
    }


def zprime_couplings(chi2_k: CubicSpline, kstar_cons, m_z: float, *, dim: int = 4, n: int = 161) -> dict[str, Any]:
    """Best (g_L, g_R) and the Delta chi^2 map on a grid at mass m_z (003 Fig. 2 right).

    chi^2(g_L, g_R) = chi2_k(BR(B+ -> K+ Z')) + chi^2_K*(BR(B0 -> K*0 Z')); the minimum is found
    by MIGRAD started at the best grid point. ``kstar_cons``: a callable chi^2_K*(BR) (the K*
    counting likelihood at m_z) or a list of :class:`~fitkit.likelihood.bknunu_external.BRConstraint`.
    """
    chi2_ks = kstar_cons if callable(kstar_cons) else (lambda br: total_chi2(kstar_cons, br))
    model = ZPrime(dim)
    one = model.branching_ratios(as_points({"m_Zp": m_z, "g_L": 1.0, "g_R": 1.0}))
    br_k_unit = float(one["B+->K+"][0]) / 4.0  # per g_V^2 (g_V = 2 at g_L = g_R = 1)
    g_vax = model.branching_ratios(as_points({"m_Zp": m_z, "g_L": -1.0, "g_R": 1.0}))  # pure axial, g_A = 2
    br_ks_a = float(g_vax["B0->K*0"][0]) / 4.0
    br_ks_v = (float(one["B0->K*0"][0])) / 4.0
    br_max = float(chi2_k.x[-1])
    g_scale = math.sqrt(br_max / br_k_unit)

    def chi2(g_l: np.ndarray, g_r: np.ndarray) -> np.ndarray:
        gv2, ga2 = (g_r + g_l) ** 2, (g_r - g_l) ** 2
        bk = np.clip(br_k_unit * gv2, 0.0, br_max)
        return chi2_k(bk) + chi2_ks(br_ks_v * gv2 + br_ks_a * ga2)

    axis = np.linspace(-g_scale, g_scale, n)
    gl, gr = np.meshgrid(axis, axis, indexing="ij")
    grid = chi2(gl, gr)
    i, j = np.unravel_index(int(np.argmin(grid)), grid.shape)
    m = make_minuit(lambda g: float(chi2(np.array(g[0]), np.array(g[1]))), np.array([axis[i], axis[j]]), name=("g_L", "g_R"))
    m.migrad()
    g_l, g_r = float(m.values[0]), float(m.values[1])
    return {
        "m_Zp": m_z,
        "dim": dim,
        "g_L": g_l,
        "g_R": g_r,
        "g_V": g_l + g_r,
        "g_A": g_r - g_l,
        "chi2_min": float(m.fval),
        "axis": axis.tolist(),
        "delta_chi2": (grid - float(m.fval)).tolist(),
    }


def light_x_analysis(
    directory: str | Path | None,
    *,
    masses: np.ndarray | None = None,
    toys: int = 0,
    workers: int | None = None,
    seed: int = 20231124,
    treatments: tuple[str, ...] = ("maps", "gaussian", "combined"),
    m_ref: float = 2.0,
    progress: Callable[[str, int, int], None] | None = None,
) -> dict[str, Any]:
    """Run the 003 analyses (see the module docstring); ``directory`` None: the simplified card.

    ``progress(stage, done, total)`` is called as each stage starts and ends (and per toy chunk).
    """
    masses = default_masses() if masses is None else np.asarray(masses, float)

    def report(stage: str, done: int, total: int) -> None:
        if progress is not None:
            progress(stage, done, total)

    report("SM fits", 0, 2)
    lk = Belle2Knunu(None if directory is None else Path(directory))
    out: dict[str, Any] = {"likelihood": "full" if directory is not None else "simplified"}
    sm = fit_sm(lk)
    out["sm"] = {"mu": sm.values["mu"], "mu_error": sm.errors["mu"]}
    simple = fit_sm(Belle2Knunu(None))
    out["sm_simplified"] = {"mu": simple.values["mu"], "mu_error": simple.errors["mu"]}
    report("SM fits", 2, 2)
    k_count, ks_count = counting_likelihood("K"), counting_likelihood("K*")
    k_external = [k_count.external()]
    scans: dict[str, TemplateScan] = {}
    for t in treatments:
        report(f"m_X scan ({t})", 0, len(masses))
        if t == "combined":
            scans[t] = scan_light_x(lk, masses, external=k_external, treatment=t)
        elif t == "combined-published":
            scans[t] = scan_light_x(lk, masses, external=as_penalties(constraints("K")), treatment=t)
        else:
            scans[t] = scan_light_x(lk, masses, treatment=t)
        report(f"m_X scan ({t})", len(masses), len(masses))
    out["scans"] = {t: _scan_dict(s) for t, s in scans.items()}
    main = scans.get("maps") or next(iter(scans.values()))
    best = main.best()
    out["significance_local"] = best["significance_local"]
    # K* X limits versus m_X from the K* counting channels (BaBar + Belle)
    report("K* limits", 0, len(masses))
    out["kstar_limit"] = kstar_limits(ks_count, masses, m_ref=m_ref)
    report("K* limits", len(masses), len(masses))
    report("ALP and Z' couplings", 0, 4)
    # ALP and Z' at the reference / best mass of the combined scan
    comb = scans.get("combined") or main
    i_ref = int(np.argmin(np.abs(comb.m_x - m_ref)))
    m_a = float(comb.m_x[i_ref])
    ul2s = ks_count.upper_limit(m_a, cl=_TWO_SIGMA_CL)
    out["alp"] = alp_decay_constants((float(comb.br[i_ref]), float(comb.br_error[i_ref])), ul2s, m_a)
    m_best = comb.best()["m_X"]
    b0, e0 = comb.best()["BR_KX"], comb.best()["BR_KX_error"]
    brs = np.linspace(max(b0 - 4 * e0, 0.0), b0 + 4 * e0, 17)
    ext = k_external if "combined" in scans else as_penalties(constraints("K")) if "combined-published" in scans else ()
    prof = br_profile(lk, m_best, brs, external=ext)
    chi2_k = CubicSpline(brs, prof - prof.min())
    chi2_ks = _kstar_chi2(ks_count, m_best)
    out["zprime"] = {f"dim{d}": zprime_couplings(chi2_k, chi2_ks, m_best, dim=d) for d in (4, 5, 6)}
    out["zprime_profile"] = {"m_X": m_best, "BR_KX": brs.tolist(), "delta_twice_nll": (prof - prof.min()).tolist()}
    report("ALP and Z' couplings", 4, 4)
    report("look-elsewhere scan", 0, 1)
    # look-elsewhere (last: the toys are the slow part, everything else has run when they start)
    line = line_templates(lk, masses)
    z_score, theta0 = score_scan(lk, line)
    t_obs, j_obs = scan_statistic(lk, line, z_score, theta0)
    q_obs = np.where(z_score > 0, z_score**2, 0.0)
    u0 = 1.0
    lee: dict[str, Any] = {
        "z_score_max": float(z_score.max()),
        "t_obs": t_obs,
        "m_obs": float(masses[j_obs]),
        "upcrossings_observed": int(upcrossings(q_obs[None, :], u0)[0]),
    }
    report("look-elsewhere scan", 1, 1)
    if toys > 0:
        if lk.directory is None:
            raise InputError("toys need the published Belle II likelihood (fitkit data pull belle2-knunu-2023)", field="toys")
        report("toys", 0, toys)
        res = run_toys(lk.directory, masses, line, theta0, n_toys=toys, seed=seed, workers=workers,
                       progress=None if progress is None else (lambda done, total: progress("toys", done, total)))
        p_glob, z_glob = global_significance(t_obs, res.z_max)
        q_toys = np.where(res.z_max > 0, res.z_max**2, 0.0)
        # Gross-Vitells with <N(u0)> from the toys' maximum: one crossing per toy above u0 at least
        n_up = float(np.mean(q_toys > u0))
        lee.update(
            {
                "toys": toys,
                "seed": seed,
                "p_global": p_glob,
                "significance_global": z_glob,
                "z_max_toys": res.z_max.tolist(),
                "gross_vitells_n_up": n_up,
            }
        )
        out["significance_global"] = z_glob
    n_up_obs = max(lee["upcrossings_observed"], 1)
    lee["gross_vitells_p_global"] = gross_vitells(max(t_obs, 0.0) ** 2, n_up=n_up_obs, u0=u0)
    lee["gross_vitells_significance_global"] = z_from_p(lee["gross_vitells_p_global"])
    out["lee"] = lee
    return out


def _kstar_chi2(ks_count: CountingLikelihood, m_x: float):
    """chi^2_K*(BR(B0 -> K*0 X)) of the counting channels at m_x, zero at its minimum."""
    c0 = float(ks_count.chi2(ks_count.best_fit(m_x)[0], m_x))
    return lambda br: ks_count.chi2(br, m_x) - c0


def kstar_limits(ks_count: CountingLikelihood, masses: np.ndarray, *, m_ref: float = 2.0) -> dict[str, Any]:
    """Upper limits on BR(B0 -> K*0 X) (BR(B+ -> K*+ X) tied by isospin x lifetimes) versus m_X.

    CLs at 90% CL and at the 2 sigma CL Phi(2) = 0.977 (:meth:`CountingLikelihood.upper_limit`),
    the one-sided profile-likelihood 90% limit next to them; inf where no channel accepts X
    (above m_B - m_K*). With the SM-averaged efficiencies (no q^2 information in the inputs) the
    limit is the same at every mass below threshold. ``*_value``: at the mass nearest ``m_ref``.
    """
    masses = np.asarray(masses, float)
    ul90 = [ks_count.upper_limit(float(m)) for m in masses]
    ul2s = [ks_count.upper_limit(float(m), cl=_TWO_SIGMA_CL) for m in masses]
    prof = [ks_count.upper_limit(float(m), method="profile") for m in masses]
    i_ref = int(np.argmin(np.abs(masses - m_ref)))
    return {
        "m_X": masses.tolist(),
        "method": "CLs (counting channels: " + ", ".join(c.id for c in ks_count.channels) + ")",
        "BR_KstarX_UL90": ul90,
        "BR_KstarX_2sigma_list": ul2s,
        "BR_KstarX_UL90_profile": prof,
        "BR_KstarX_UL90_value": ul90[i_ref],
        "BR_KstarX_2sigma": ul2s[i_ref],
        "m_ref": float(masses[i_ref]),
    }


def postfit_histograms(lk: Belle2Knunu, m_x: float) -> dict[str, Any]:
    """003 Fig. 1: per reconstructed bin the data, the SM post-fit (no X) and SM + X at the best BR at m_X.

    Both expectations are lambda_b(theta-hat) of the compiled workspace at the fitted nuisances
    (:func:`fitkit.inference.template_scan.fit_template` without / with the X template). Returns
    ``hist.Hist`` objects on one integer axis (the workspace's bins in its channel order; data with
    Poisson variances) and the best BR.
    """
    import hist

    tpl = line_templates(lk, np.array([m_x]))[0]  # yields per unit BR
    cw = lk.workspace
    null = fit_template(lk, tpl, br_free=False, br_value=0.0, hesse=False)
    best = fit_template(lk, tpl, start={**null.values, lk.norm_parameter: 1e-6}, hesse=True)
    axis = hist.axis.Integer(0, cw.n_bins, name="bin", label="reconstructed bin (ITA: BDT x q$^2_{rec}$; HTA: BDT)", underflow=False, overflow=False)

    def expected(values: dict[str, float], norm: float) -> np.ndarray:
        x = np.array([values[p] for p in cw.parameters])
        return cw.expected_data(x[None, :], nominal={NP_SAMPLE: tpl * norm})[0]  # br_np in values is the plain BR

    out: dict[str, Any] = {}
    h = hist.Hist(axis, storage=hist.storage.Weight())
    h[...] = np.stack([cw.data, cw.data], axis=1)
    out["data"] = h
    for key, values, norm in (("sm", null.values, 0.0), ("sm+x", best.values, 1.0)):
        h = hist.Hist(axis)
        h[...] = expected(values, norm)
        out[key] = h
    br = best.values[lk.norm_parameter]
    out["BR_KX"] = br
    out["label_x"] = f"SM + X (m$_X$ = {m_x:.2f} GeV, BR = {br * 1e6:.1f}e-6)"
    return out


def best_fit_br(result: dict[str, Any], treatment: str) -> tuple[float, float, float, float]:
    """(m_X, BR, error, Z_local) of the best point of one scan in a :func:`light_x_analysis` result."""
    b = result["scans"][treatment]["best"]
    return b["m_X"], b["BR_KX"], b["BR_KX_error"], b["significance_local"]

