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


# ---------------------------------------------------------------- analytic Hessian, sparse kernels, batches


def _second_differences(f, x: np.ndarray, block: np.ndarray, eps: float) -> np.ndarray:
    """d2 f / dx_i dx_j for i, j in ``block`` by central differences; ``f`` maps (n, n_par) points to (n,)."""
    unit = np.eye(x.size)[block] * eps
    out = np.empty((block.size, block.size))
    for a in range(block.size):
        for b in range(a, block.size):
            ui, uj = unit[a], unit[b]
            v = f(np.stack([x + ui + uj, x + ui - uj, x - ui + uj, x - ui - uj]))
            out[a, b] = out[b, a] = (v[0] - v[1] - v[2] + v[3]) / (4 * eps * eps)
    return out


def _random_point(cw: CompiledWorkspace, seed: int, spread: float = 0.7) -> np.ndarray:
    rng = np.random.default_rng(seed)
    # alphas beyond +-1 too (the exponential / linear extrapolations of codes 4 and 4p)
    return cw.init + rng.normal(0, spread, cw.init.size) * np.where(cw.init == 1.0, 0.05, 1.5)


@pytest.fixture(scope="module")
def belle2_with_clone(belle2) -> CompiledWorkspace:
    """The Belle II workspace with a copy of the ITA signal whose nominal is set per call (as in belle2_knunu)."""
    spec, _ = belle2
    cw = CompiledWorkspace(spec)
    parent = next(s for ch, s in cw.samples if "sgn" in s.lower())
    cw.add_clone(parent, "np_signal", normfactor="br_np")
    return cw


def test_analytic_hessian_matches_finite_differences_of_the_gradient(belle2):
    _, cw = belle2
    for seed in (1, 2):
        x = _random_point(cw, seed)
        h = cw.hessian(x)
        num = cw.numerical_hessian(x, step=1e-6)
        assert np.allclose(h, h.T, rtol=0, atol=1e-9 * np.abs(h).max())
        assert np.allclose(h, num, rtol=1e-6, atol=1e-6 * np.abs(h).max())


def test_hessian_with_zero_signal_strength_toy_data_and_injected_nominal(belle2_with_clone):
    """mu = 0 (a factor that vanishes), replaced counts and aux data, an injected sample's nominal."""
    cw = belle2_with_clone
    x = _random_point(cw, 5)
    x[cw.index["mu"]] = 0.0
    x[cw.index["br_np"]] = 0.7
    rng = np.random.default_rng(11)
    kw = {
        "data": rng.poisson(cw.data).astype(float),
        "aux": cw.gauss_sigma * rng.normal(size=cw.gauss_index.size) + cw.vector()[cw.gauss_index] * (cw.gauss_sigma != 1.0),
        "nominal": {"np_signal": rng.uniform(0.5, 3.0, cw.sample_cells("np_signal").size)},
    }
    free = np.flatnonzero(~cw.fixed)[::3]
    h = cw.hessian(x, free, **kw)
    num = cw.numerical_hessian(x, free, step=1e-6, **kw)
    assert np.allclose(h, num, rtol=1e-6, atol=1e-6 * np.abs(h).max())


def test_hessian_matches_second_differences_of_pyhf_logpdf(belle2):
    """pyhf as the reference: second differences of its -logpdf in a block of parameters of every kind."""
    spec, cw = belle2
    ws = pyhf.Workspace(spec)
    model = ws.model()
    data = ws.data(model)
    perm = np.array(_pyhf_order(cw, model))  # pyhf position -> fitkit index
    x = _random_point(cw, 9, spread=0.4)
    kinds = {}
    for name in cw.parameters:
        kinds.setdefault(cw.param_type[name.split("[")[0]], []).append(cw.index[name])
    block = np.array(sorted({i for idx in kinds.values() for i in idx[:4]}))

    def nll_pyhf(xc: np.ndarray) -> float:
        return -float(model.logpdf(xc[perm], data)[0])

    num = _second_differences(lambda pts: np.array([nll_pyhf(p) for p in pts]), x, block, 1e-4)
    h = cw.hessian(x, block)
    assert np.allclose(h, num, rtol=1e-4, atol=1e-4 * np.abs(h).max())


def test_hessian_of_shapesys_lumi_and_shapefactor_models():
    spec = pyhf.simplemodels.uncorrelated_background([5.0, 6.0], [50.0, 52.0], [3.0, 7.0]).spec
    for smp in spec["channels"][0]["samples"]:
        smp["modifiers"].append({"name": "lumi", "type": "lumi", "data": None})
    spec["channels"][0]["samples"][1]["modifiers"].append({"name": "shape", "type": "shapefactor", "data": None})
    ws_spec = {
        "channels": spec["channels"],
        "observations": [{"name": "singlechannel", "data": [53.0, 65.0]}],
        "measurements": [
            {"name": "m", "config": {"poi": "mu", "parameters": [{"name": "lumi", "auxdata": [1.0], "sigmas": [0.02], "bounds": [[0.5, 1.5]], "inits": [1.0]}]}}
        ],
        "version": "1.0.0",
    }
    cw = CompiledWorkspace(ws_spec)
    x = np.array([1.02, 0.7, 1.1, 0.9, 1.05, 0.95])[: cw.init.size]
    assert cw.init.size == 6  # lumi, mu, shape[0], shape[1], uncorr_bkguncrt[0], [1]
    h = cw.hessian(x)
    num = _second_differences(cw.nll, x, np.arange(x.size), 1e-5)  # of -ln L itself, not of the gradient
    assert np.allclose(h, num, rtol=1e-5, atol=1e-3)


def test_sparse_coefficient_matrices_give_the_same_numbers(belle2, monkeypatch):
    """Large workspaces store the interpolation coefficients as scipy.sparse: the same numbers."""
    import fitkit.likelihood.histfactory as hf

    spec, cw = belle2
    monkeypatch.setattr(hf, "_DENSE_LIMIT", 0)
    cs = CompiledWorkspace(spec)
    assert hf.sparse.issparse(cs._h_coef) and hf.sparse.issparse(cs._n_kernel.poly)
    x = _random_point(cw, 4)[None]
    for a, b in zip(cw.nll_and_grad(x), cs.nll_and_grad(x), strict=True):
        assert np.allclose(a, b, rtol=1e-12, atol=1e-12)
    assert np.allclose(cw.hessian(x[0]), cs.hessian(x[0]), rtol=1e-12, atol=1e-9)


def test_batched_evaluation_equals_point_by_point(belle2_with_clone):
    cw = belle2_with_clone
    pts = np.stack([_random_point(cw, s) for s in range(5)])
    nom = {"np_signal": np.random.default_rng(2).uniform(0.5, 3.0, (5, cw.sample_cells("np_signal").size))}
    v, g, gn = cw.nll_and_grad(pts, nominal=nom)
    for k in range(5):
        vk, gk, gnk = cw.nll_and_grad(pts[k : k + 1], nominal={"np_signal": nom["np_signal"][k]})
        assert v[k] == pytest.approx(vk[0], rel=1e-13)
        assert np.allclose(g[k], gk[0], rtol=1e-12, atol=1e-12)
        assert np.allclose(gn[k], gnk[0], rtol=1e-12, atol=1e-12)


def test_workspace_cost_reuses_pieces_only_at_the_same_point(belle2):
    _, cw = belle2
    cost = WorkspaceCost(cw)
    x1, x2 = _random_point(cw, 1), _random_point(cw, 2)
    cost.value(x1)
    g2 = cost.grad(x2)  # not the cached point
    assert np.allclose(g2, 2.0 * cw.nll_and_grad(x2[None])[1][0], rtol=1e-13)
    assert cost.value(x2) == pytest.approx(2.0 * cw.nll(x2[None])[0], rel=1e-14)
    assert np.allclose(cost.grad(x2), g2, rtol=0, atol=0)
    cost.data = cw.data + 1.0  # replaced counts after the cache was filled: the gradient follows them
    assert np.allclose(cost.grad(x2), 2.0 * cw.nll_and_grad(x2[None], data=cw.data + 1.0)[1][0], rtol=1e-13)


def test_interpolation_second_derivatives():
    """code 4 and 4p: the second derivatives used by the Hessian against differences of the first."""
    from fitkit.likelihood.histfactory import _Code4Kernel, _code4p_shape

    a = np.array([[-2.3, -1.0 - 1e-3, -0.4, 0.0, 0.3, 0.999, 1.7]])
    kernel = _Code4Kernel(np.arange(a.size), np.full(a.size, 1.3), np.full(a.size, 0.6))
    eps = 1e-6
    f, d1, d2 = kernel(a, 2)
    assert np.allclose(d2, (kernel(a + eps, 1)[1] - kernel(a - eps, 1)[1]) / (2 * eps), rtol=1e-6, atol=1e-8)
    assert np.allclose(d1, (kernel(a + eps, 0)[0] - kernel(a - eps, 0)[0]) / (2 * eps), rtol=1e-6, atol=1e-8)
    g, g1, g2 = _code4p_shape(a, 2)
    assert np.allclose(g2, (_code4p_shape(a + eps, 1)[1] - _code4p_shape(a - eps, 1)[1]) / (2 * eps), atol=1e-6)


def test_non_positive_normsys_factor_is_an_input_error():
    from fitkit.errors import InputError

    spec = pyhf.simplemodels.uncorrelated_background([5.0], [50.0], [3.0]).spec
    spec["channels"][0]["samples"][1]["modifiers"].append({"name": "bad", "type": "normsys", "data": {"hi": 1.1, "lo": 0.0}})
    ws_spec = {
        "channels": spec["channels"],
        "observations": [{"name": "singlechannel", "data": [53.0]}],
        "measurements": [{"name": "m", "config": {"poi": "mu", "parameters": []}}],
        "version": "1.0.0",
    }
    with pytest.raises(InputError, match="normsys"):
        CompiledWorkspace(ws_spec)


@pytest.mark.slow
def test_gradient_and_hessian_match_pyhf_jax_autodiff(belle2):
    """With jax installed (extra ``bench``): pyhf's own autodiff of its logpdf is the reference."""
    jax = pytest.importorskip("jax")
    spec, cw = belle2
    pyhf.set_backend("jax")
    try:
        ws = pyhf.Workspace(spec)
        model = ws.model()
        data = pyhf.tensorlib.astensor(ws.data(model))
        perm = np.array(_pyhf_order(cw, model))
        x = _random_point(cw, 13, spread=0.5)

        def nll(p):
            return -model.logpdf(p, data)[0]

        p = pyhf.tensorlib.astensor(x[perm])
        grad = jax.jit(jax.grad(nll))
        g_ref = np.asarray(grad(p))
        # Hessian columns as Hessian-vector products (forward over reverse) for every 25th parameter
        cols = np.arange(0, perm.size, 25)
        hvp = jax.jit(lambda v: jax.jvp(grad, (p,), (v,))[1])
        h_ref = np.stack([np.asarray(hvp(pyhf.tensorlib.astensor(np.eye(perm.size)[k]))) for k in cols], axis=1)
    finally:
        pyhf.set_backend("numpy")
    g = cw.nll_and_grad(x[None])[1][0][perm]
    h = cw.hessian(x)[np.ix_(perm, perm)][:, cols]
    assert np.allclose(g, g_ref, rtol=1e-9, atol=1e-9 * np.abs(g_ref).max())
    assert np.allclose(h, h_ref, rtol=1e-9, atol=1e-9 * np.abs(h_ref).max())
