"""The 003 analysis driver: ALP decay constants, Z' couplings, and an offline run on the simplified card."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.interpolate import CubicSpline

from fitkit.analyses.paper003.light_x import alp_decay_constants, light_x_analysis, zprime_couplings
from fitkit.data.registry import dataset_dir
from fitkit.likelihood.bknunu_external import constraints
from fitkit.models.light_invisible import ALP, ZPrime

_FULL = dataset_dir("belle2-knunu-2023")  # shipped in data/, sha256-verified


def test_alp_decay_constant_inverts_eq_15():
    """F_V from a branching ratio gives back that branching ratio through eq. (15)."""
    res = alp_decay_constants((5.1e-6, 2.1e-6), 3.8e-5, 2.0)
    brs = ALP().branching_ratios({"m_a": 2.0, "F_V": res["F_V"], "F_A": res["F_A_min_2sigma"]})
    assert brs["B+->K+"][0] == pytest.approx(5.1e-6, rel=1e-10, abs=0)
    assert brs["B0->K*0"][0] == pytest.approx(3.8e-5, rel=1e-10, abs=0)
    assert res["F_V_up"] > res["F_V_down"] > 0  # BR ~ 1/F^2: asymmetric errors


def test_zprime_best_couplings_reproduce_the_preferred_rate():
    """With a parabola in BR_K around 8e-6 and no K* information, the fit sits on that BR."""
    brs = np.linspace(0.0, 2e-5, 41)
    chi2_k = CubicSpline(brs, ((brs - 8e-6) / 2.5e-6) ** 2)
    res = zprime_couplings(chi2_k, [], 2.0, dim=4, n=81)
    br = ZPrime(4).branching_ratios({"m_Zp": 2.0, "g_L": res["g_L"], "g_R": res["g_R"]})["B+->K+"][0]
    assert br == pytest.approx(8e-6, rel=0.02, abs=0)
    assert 1e-9 < abs(res["g_V"]) < 1e-7
    # the K* data (BaBar + Belle) then bound the axial part
    res_ks = zprime_couplings(chi2_k, constraints("K*"), 2.0, dim=4, n=81)
    assert res_ks["chi2_min"] < 3.0


@pytest.mark.slow
def test_offline_analysis_on_the_simplified_card():
    """Everything runs without the published files (make run on a fresh machine)."""
    r = light_x_analysis(None, masses=np.array([1.5, 2.1, 2.7]), treatments=("maps", "combined"))
    assert r["likelihood"] == "simplified"
    assert abs(r["sm"]["mu"] - 4.6) < 0.5
    best = r["scans"]["maps"]["best"]
    assert best["m_X"] == pytest.approx(2.1) and best["significance_local"] > 3.0
    assert r["alp"]["F_V"] > 1e8 and np.isfinite(r["kstar_limit"]["BR_KstarX_UL90_value"])


def test_kstar_limits_from_counting_channels_vs_mass():
    """CLs limits on BR(B0 -> K*0 X): flat below threshold (SM-averaged efficiencies), inf above,
    the 2 sigma bound above the 90% one, within a factor 1.5 of the profile-likelihood limit."""
    from fitkit.analyses.paper003.light_x import kstar_limits
    from fitkit.constants import M_B0, M_KSTAR0
    from fitkit.likelihood.counting import counting_likelihood

    masses = np.array([0.5, 2.0, M_B0 - M_KSTAR0 + 0.05])
    lim = kstar_limits(counting_likelihood("K*"), masses, m_ref=2.0)
    ul = np.asarray(lim["BR_KstarX_UL90"])
    assert ul[0] == pytest.approx(ul[1], rel=1e-12) and np.isinf(ul[2])
    assert lim["BR_KstarX_UL90_value"] == pytest.approx(ul[1], rel=1e-12)
    assert 1e-5 < ul[1] < lim["BR_KstarX_2sigma"] < 3e-5
    assert lim["BR_KstarX_UL90_profile"][1] == pytest.approx(ul[1], rel=0.5)


def test_zprime_with_the_kstar_counting_chi2():
    """The K* counting chi^2 (a callable) bounds the axial coupling like the published-BR list."""
    from fitkit.analyses.paper003.light_x import _kstar_chi2
    from fitkit.likelihood.counting import counting_likelihood

    brs = np.linspace(0.0, 2e-5, 41)
    chi2_k = CubicSpline(brs, ((brs - 8e-6) / 2.5e-6) ** 2)
    chi2_ks = _kstar_chi2(counting_likelihood("K*"), 2.0)
    res = zprime_couplings(chi2_k, chi2_ks, 2.0, dim=4, n=81)
    assert res["chi2_min"] < 3.0
    assert abs(res["g_A"]) < abs(res["g_V"])


@pytest.mark.slow
def test_combination_above_the_maps_range_is_the_counting_result():
    """Where the Belle II X template vanishes (m_X = 4.69 GeV) its profile is flat: the combined
    fit is the BaBar/Belle counting fit alone (no NaN from a failed HESSE of the Belle II fit)."""
    from fitkit.analyses.paper003.light_x import line_templates, scan_light_x
    from fitkit.likelihood.belle2_knunu import Belle2Knunu
    from fitkit.likelihood.counting import counting_likelihood

    lk = Belle2Knunu(_FULL)
    k = counting_likelihood("K")
    m = np.array([4.69])
    assert line_templates(lk, m).sum() == 0.0
    r = scan_light_x(lk, m, external=[k.external()], treatment="combined")
    assert r.br[0] == pytest.approx(float(k.best_fit(4.69)[0]), rel=0.02)
    assert np.isfinite(r.br_error[0]) and r.br_error[0] > 2e-6


@pytest.mark.slow
def test_combined_scan_is_the_combined_fit_definition():
    """`fitkit knunu scan`'s combined treatment and likelihoods/knunu-light-x-combined.yaml are one
    likelihood (Belle II profiled + the K counting channels): at m_X = 2.05 GeV the scan's best BR
    and -2 Delta ln L against BR = 0 are those of the fit definition's cost minimised by MIGRAD."""
    from fitkit import api
    from fitkit.analyses.paper003.light_x import scan_light_x
    from fitkit.inference.fit import minimize
    from fitkit.likelihood.belle2_knunu import Belle2Knunu
    from fitkit.likelihood.counting import counting_likelihood

    scan = scan_light_x(Belle2Knunu(_FULL), np.array([2.05]), external=[counting_likelihood("K").external()], treatment="combined")
    problem = api.problem("knunu-light-x-combined").with_fixed({"m_X": 2.05})
    assert [type(c).__name__ for c in problem.costs] == ["ProfiledCost", "CountingCost"]
    m, phys = minimize(problem, {"BR_KX": float(scan.br[0])}, hesse=False)
    cost = problem.cost
    null = cost(*[0.0 if n == "BR_KX" else {**problem.fixed, **phys}[n] for n in problem.parameter_names])
    assert phys["BR_KX"] == pytest.approx(scan.br[0], rel=0.01)
    assert null - m.fval == pytest.approx(scan.delta[0], abs=0.02)
