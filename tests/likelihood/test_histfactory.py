"""The compiled HistFactory likelihood against pyhf (logpdf, gradient, the Belle II fit)."""

from __future__ import annotations

import numpy as np
import pyhf
import pytest

from fitkit.data.registry import data_file
from fitkit.inference.profile import as_cost, fit_nuisances
from fitkit.likelihood.histfactory import (
    CompiledWorkspace,
    WorkspaceCost,
    code4_factor,
    code4p_delta,
    load_workspace,
)

WS_PATH = data_file("belle2-knunu-2023", "combined_likelihood.json")  # shipped in data/, sha256-verified


@pytest.fixture(scope="module")
def belle2() -> tuple[dict, CompiledWorkspace]:
    spec = load_workspace(WS_PATH)
    return spec, CompiledWorkspace(spec)


def _pyhf_order(cw: CompiledWorkspace, model: pyhf.pdf.Model) -> list[int]:
    return [cw.index[n] for n in model.config.par_names]


def test_logpdf_matches_pyhf_at_random_points(belle2):
    spec, cw = belle2
    ws = pyhf.Workspace(spec)
    model = ws.model()
    data = ws.data(model)
    perm = _pyhf_order(cw, model)
    assert sorted(model.config.par_names) == sorted(cw.parameters)
    init = np.asarray(model.config.suggested_init())
    rng = np.random.default_rng(7)
    for _ in range(6):
        x = init + rng.normal(0, 0.5, init.size) * np.where(init == 1.0, 0.05, 1.0)
        ref = -float(model.logpdf(x, data)[0])
        xc = np.empty_like(x)
        xc[perm] = x
        assert cw.nll(xc[None])[0] == pytest.approx(ref, rel=1e-8)


def test_analytic_gradient_matches_finite_differences(belle2):
    _, cw = belle2
    rng = np.random.default_rng(3)
    x = cw.init + rng.normal(0, 0.3, cw.init.size) * np.where(cw.init == 1.0, 0.05, 1.0)
    _, g, _ = cw.nll_and_grad(x[None])
    eps = 1e-6
    shifts = np.eye(x.size) * eps
    num = (cw.nll(x + shifts) - cw.nll(x - shifts)) / (2 * eps)  # batched over all shifts
    assert np.allclose(g[0], num, rtol=1e-5, atol=1e-4)


@pytest.mark.slow
def test_signal_strength_matches_belle2_and_pyhf(belle2):
    """arXiv:2311.14647: mu = 4.6 +- 1.3 (ITA + HTA combined); pyhf gives 4.61 +- 1.32."""
    _, cw = belle2
    res = fit_nuisances(WorkspaceCost(cw))
    assert res.valid
    assert res.values["mu"] == pytest.approx(4.6, abs=0.05)
    assert res.errors["mu"] == pytest.approx(1.3, abs=0.05)
    # twice_nll against pyhf's own fit value at the same point
    spec, _ = belle2
    ws = pyhf.Workspace(spec)
    model = ws.model()
    x = np.array([res.values[n] for n in model.config.par_names])
    assert res.twice_nll == pytest.approx(-2 * float(model.logpdf(x, ws.data(model))[0]), rel=1e-9)


def test_interpolation_codes_are_smooth_at_the_joins():
    """code 4 and 4p are continuous with continuous first derivatives at |alpha| = 1."""
    a = np.array([1 - 1e-9, 1 + 1e-9, -1 + 1e-9, -1 - 1e-9])
    f, d = code4_factor(a, np.array(1.2), np.array(0.7))
    assert f[0] == pytest.approx(f[1], abs=1e-7) and d[0] == pytest.approx(d[1], rel=1e-6)
    assert f[2] == pytest.approx(f[3], abs=1e-7) and d[2] == pytest.approx(d[3], rel=1e-6)
    delta, dd = code4p_delta(a, np.array(3.0), np.array(1.0))
    assert delta[0] == pytest.approx(delta[1], abs=1e-7) and dd[0] == pytest.approx(dd[1], rel=1e-6)


def test_shapesys_and_lumi_against_pyhf():
    spec = pyhf.simplemodels.uncorrelated_background([5.0, 6.0], [50.0, 52.0], [3.0, 7.0]).spec
    spec["channels"][0]["samples"][0]["modifiers"].append({"name": "lumi", "type": "lumi", "data": None})
    spec["channels"][0]["samples"][1]["modifiers"].append({"name": "lumi", "type": "lumi", "data": None})
    ws_spec = {
        "channels": spec["channels"],
        "observations": [{"name": "singlechannel", "data": [53.0, 65.0]}],
        "measurements": [
            {
                "name": "m",
                "config": {
                    "poi": "mu",
                    "parameters": [{"name": "lumi", "auxdata": [1.0], "sigmas": [0.02], "bounds": [[0.5, 1.5]], "inits": [1.0]}],
                },
            }
        ],
        "version": "1.0.0",
    }
    ws = pyhf.Workspace(ws_spec)
    model = ws.model()
    cw = CompiledWorkspace(ws_spec)
    perm = _pyhf_order(cw, model)
    x = np.array([1.03, 0.7, 1.1, 0.95])[: len(perm)]
    x = np.asarray(model.config.suggested_init()) * 0 + x
    xc = np.empty_like(x)
    xc[perm] = x
    assert cw.nll(xc[None])[0] == pytest.approx(-float(model.logpdf(x, ws.data(model))[0]), rel=1e-10)


def test_workspace_cost_composes_with_iminuit():
    from iminuit import Minuit
    from iminuit.cost import NormalConstraint

    spec = pyhf.simplemodels.uncorrelated_background([5.0, 6.0], [50.0, 52.0], [3.0, 7.0]).spec
    ws_spec = {
        "channels": spec["channels"],
        "observations": [{"name": "singlechannel", "data": [53.0, 65.0]}],
        "measurements": [{"name": "m", "config": {"poi": "mu", "parameters": []}}],
        "version": "1.0.0",
    }
    cost = WorkspaceCost(CompiledWorkspace(ws_spec)) + NormalConstraint("mu", 1.0, 0.1)
    m = Minuit(cost, **{"mu": 1.0, "uncorr_bkguncrt[0]": 1.0, "uncorr_bkguncrt[1]": 1.0})
    m.limits["mu"] = (0, 10)
    m.migrad()
    assert m.valid
    # the constraint pulls mu towards 1 from the data-preferred (53+65-102)/11 = 1.45
    assert 1.0 < m.values["mu"] < 1.45


@pytest.mark.slow
def test_pyhf_term_profiles_nuisances_and_composes():
    """Term ``pyhf``: cost of mu alone (232 nuisances profiled); + a Gaussian on mu in one MIGRAD."""
    from iminuit import Minuit
    from iminuit.cost import NormalConstraint

    from fitkit.likelihood import TermContext
    from fitkit.likelihood.histfactory import build_pyhf_term
    from fitkit.models import get_model

    cost = as_cost(build_pyhf_term(
        {"workspace": "belle2-knunu-2023/combined_likelihood.json"}, get_model("knunu-mu"), context=TermContext()
    ))
    assert list(cost._parameters) == ["mu"]
    assert cost(1.0) - cost(4.6) == pytest.approx(7.4, abs=0.6)  # (2.7 sigma)^2
    m = Minuit(cost + NormalConstraint("mu", 1.0, 1.0), mu=3.0)
    m.migrad()
    # Gaussian mean of 4.6 +- 1.33 and 1 +- 1: about 2.3
    assert 2.0 < m.values["mu"] < 2.7
