"""Inference core on a small analytic problem and on the SM fits of 002."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pytest

from fitkit.data.catalog import Catalog
from fitkit.data.schema import Measurement
from fitkit.fitdef import build_problem, load_definition
from fitkit.inference import fit, profile_scan
from fitkit.inference.fit import FitGradient, minimize, significance_from_delta_chi2
from fitkit.likelihood.batched import WithoutGradient
from fitkit.models.base import Model, Parameter


class ShiftModel(Model):
    """prediction = SM x (1 + a) for B+ -> K observables, SM x (1 + b) for the others."""

    name = "shift"
    parameters = {
        "a": Parameter("a", default=0.0, bounds=(-0.9, 2.0)),
        "b": Parameter("b", default=0.5, bounds=(-1.0, 1.0)),
    }

    def predict(self, measurements: Sequence[Measurement], params: Mapping[str, np.ndarray]) -> np.ndarray:
        sm = np.array([m.sm for m in measurements])
        is_k = np.array(["(B+->K" in m.observable and "K*" not in m.observable for m in measurements])
        shift = np.where(is_k[None, :], params["a"][:, None], params["b"][:, None])
        return sm[None, :] * (1 + shift)

    def sm_point(self) -> dict[str, float]:
        return {"a": 0.0, "b": 0.0}


@pytest.fixture
def shift_fit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import fitkit.models as models

    models._registry.cache_clear()
    monkeypatch.setitem(models._registry(), "shift", ShiftModel)
    p = tmp_path / "shift.yaml"
    p.write_text(
        "name: shift\nmodel: shift\ndata: {tags: [table1-002, muon]}\n"
        "parameters:\n  a: {start: 0.1}\n"
        "fixed: {b: 0.0}\nfit: {grid: {a: 30}, starts: 2}\n"
    )
    return build_problem(load_definition(p))


def test_one_parameter_fit_matches_analytic_minimum(shift_fit) -> None:
    r = fit(shift_fit)
    # analytic: chi2(a) = sum ((1+a) s_i - x_i)^2 / sig_i^2 is quadratic away from the kinks of 'side'
    ms = Catalog().select(tags=["table1-002", "muon"], include_superseded=True)
    a = np.linspace(-0.9, 2.0, 20001)
    chi2 = shift_fit.costs[0].batch({"a": a, "b": np.zeros_like(a)})
    assert r.parameters["a"].value == pytest.approx(a[np.argmin(chi2)], abs=1e-3)
    assert r.chi2_min == pytest.approx(chi2.min(), abs=1e-6)
    assert r.chi2_sm == pytest.approx(shift_fit.costs[0].batch({"a": np.zeros(1), "b": np.zeros(1)})[0])
    assert r.ndof == len(ms) - 1
    assert r.pull_sm == pytest.approx(np.sqrt(r.chi2_sm - r.chi2_min))
    # HESSE error: Delta chi2 = 1 half-width
    err = r.parameters["a"].error
    i0 = np.argmin(chi2)
    inside = a[chi2 <= chi2[i0] + 1]
    assert err == pytest.approx((inside.max() - inside.min()) / 2, rel=0.05)


def test_profile_scan_1d_levels(shift_fit) -> None:
    r = fit(shift_fit)
    scan = profile_scan(shift_fit, "a", points=(50,), chi2_min=r.chi2_min)
    assert scan.levels == (1.0, 4.0, 9.0)
    assert scan.delta_chi2.min() >= -1e-9
    assert scan.delta_chi2.min() < 0.05


def test_significance_conversion() -> None:
    assert significance_from_delta_chi2(4.0, 1) == pytest.approx(2.0, abs=1e-9)
    assert significance_from_delta_chi2(2.30, 2) == pytest.approx(1.0, abs=0.01)
    assert significance_from_delta_chi2(0.0, 2) == 0.0


def test_sm_fits_of_002() -> None:
    for name, n in (("bsll-sm", 27), ("bsll-sm-muon", 21)):
        r = fit(build_problem(load_definition(name)))
        assert r.ndata == n and r.ndof == n and not r.parameters
        assert r.chi2_min == r.chi2_sm
        assert len(r.observables) == n
        assert len(r.provenance["sha256"]) == 64


@pytest.fixture
def shift2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import fitkit.models as models

    models._registry.cache_clear()
    monkeypatch.setitem(models._registry(), "shift", ShiftModel)
    p = tmp_path / "shift2.yaml"
    p.write_text(
        "name: shift2\nmodel: shift\ndata: {tags: [table1-002, muon]}\n"
        "parameters:\n  a: {start: 0.0}\n  b: {start: 0.0}\nfit: {grid: {a: 15, b: 15}}\n"
    )
    return build_problem(load_definition(p))


def test_profile_scan_2d_grid_and_migrad_agree(shift2) -> None:
    problem = shift2
    r = fit(problem)
    assert r.significance_sm > 3  # the K+ mumu and K*/phi rates are all below the SM
    grid = profile_scan(problem, "a", "b", points=(25, 25), chi2_min=r.chi2_min)
    assert grid.levels == (2.30, 6.18, 11.83)
    assert grid.chi2.shape == (25, 25)
    assert grid.delta_chi2.min() >= -1e-9
    one_d_grid = profile_scan(problem, "a", points=(9,), profile_points=400, chi2_min=r.chi2_min)
    one_d_migrad = profile_scan(problem, "a", points=(9,), method="migrad", chi2_min=r.chi2_min)
    assert np.allclose(one_d_grid.chi2, one_d_migrad.chi2, atol=0.05)


def test_minimize_uses_the_gradient_and_finds_the_same_minimum(shift2) -> None:
    m, phys = minimize(shift2, {"a": 0.5, "b": -0.5})
    assert m.valid and m.ngrad > 0  # MIGRAD used the costs' batched gradient
    plain = dataclasses.replace(shift2, costs=[WithoutGradient(c) for c in shift2.costs])
    m0, phys0 = minimize(plain, {"a": 0.5, "b": -0.5})
    assert m0.valid and m0.ngrad == 0  # numerical derivatives of MINUIT
    assert m.fval == pytest.approx(m0.fval, abs=1e-6)
    assert phys["a"] == pytest.approx(phys0["a"], abs=1e-4) and phys["b"] == pytest.approx(phys0["b"], abs=1e-4)
    np.testing.assert_allclose(m.errors, m0.errors, rtol=1e-3)  # HESSE as before


def test_fit_gradient_is_the_derivative_in_fit_coordinates() -> None:
    """darkz-C: M_ZD on a log scale, g_mu linear, eps and eps_Z fixed (zero entries). Reference:
    central differences of the total cost in Minuit's coordinates, step 1e-6."""
    from fitkit import api

    problem = api.problem("darkz-C")
    names = problem.parameter_names
    free = {p.name: p for p in problem.free}
    x = np.array([float(free[n].to_fit(v)) if n in free else problem.fixed[n] for n, v in
                  zip(names, [{"M_ZD": 0.03, "g_mu": -0.12}.get(n, 0.0) for n in names])])  # fmt: skip

    def f(y: np.ndarray) -> float:
        return float(problem.cost(*[float(free[n].from_fit(v)) if n in free else float(v) for n, v in zip(names, y)]))

    got = FitGradient(problem)(x)
    for i, n in enumerate(names):
        if n not in free:
            assert got[i] == 0.0
            continue
        e = np.zeros(len(x))
        e[i] = 1e-6
        assert got[i] == pytest.approx((f(x + e) - f(x - e)) / 2e-6, rel=1e-4, abs=1e-5)
