"""The batched gradient of GaussianChi2 (fitkit.likelihood.batched, issue 15) against an analytic
gradient (a model linear in its parameters) and against independent finite differences of the
chi^2 (the 002 Z_D fits)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pytest

from fitkit import api
from fitkit.data.catalog import Catalog
from fitkit.data.schema import Measurement
from fitkit.likelihood.gaussian import GaussianChi2
from fitkit.likelihood.hooks import Differentiable
from fitkit.models.base import Model, Parameter


class LinearModel(Model):
    """prediction_i = SM_i (1 + a s_i + k t_i): linear in a (linear scale) and k (log scale)."""

    name = "linear"
    parameters = {
        "a": Parameter("a", default=0.0, bounds=(-0.9, 2.0)),
        "k": Parameter("k", default=0.1, bounds=(1e-3, 1.0), scale="log"),
    }

    def slopes(self, measurements: Sequence[Measurement]) -> tuple[np.ndarray, np.ndarray]:
        n = len(measurements)
        return np.linspace(0.5, 1.5, n), np.linspace(-1.0, 1.0, n)

    def predict(self, measurements: Sequence[Measurement], params: Mapping[str, np.ndarray]) -> np.ndarray:
        sm = np.array([m.sm for m in measurements])
        s, t = self.slopes(measurements)
        return sm[None, :] * (1 + params["a"][:, None] * s[None, :] + params["k"][:, None] * t[None, :])


@pytest.fixture(scope="module")
def muon() -> list[Measurement]:
    return Catalog().select(tags=["table1-002", "muon"], include_superseded=True)


@pytest.mark.parametrize("correlated", [False, True])
@pytest.mark.parametrize("point", [(0.3, 0.1), (-0.9, 0.02), (2.0, 1.0), (0.0, 1e-3)])  # interior and at the bounds
def test_gradient_equals_the_analytic_gradient_of_a_linear_model(muon, correlated: bool, point: tuple[float, float]) -> None:
    """chi^2 = r^T C^-1 r with r linear in (a, k): gradient 2 J^T C^-1 r, exact for central and
    one-sided differences up to rounding (tolerance 1e-7 relative to the largest component)."""
    model = LinearModel()
    corr = {(muon[0].id, muon[1].id): 0.4, (muon[2].id, muon[5].id): -0.3} if correlated else None
    cost = GaussianChi2(muon, model, correlations=corr, asymmetric_errors="average")
    assert isinstance(cost, Differentiable)
    a, k = point
    th = cost.predictions({"a": a, "k": k})[0]
    sm = np.array([m.sm for m in muon])
    s, t = model.slopes(muon)
    jac = np.stack([sm * s, sm * t], axis=1)  # d th / d (a, k)
    sig = cost._fixed_sig
    cov = sig[:, None] * (cost._rho if cost._rho is not None else np.eye(len(muon))) * sig[None, :] + np.diag(cost._sig_th**2)
    expected = 2 * jac.T @ np.linalg.solve(cov, th - cost._exp)
    got = cost.gradient({"a": a, "k": k}, ["a", "k"])
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-7 * np.abs(expected).max())
    # iminuit's interface gives the same numbers
    np.testing.assert_allclose(cost.grad(a, k), got, rtol=1e-15)


def test_gradient_stays_inside_the_bounds(muon, monkeypatch: pytest.MonkeyPatch) -> None:
    cost = GaussianChi2(muon, LinearModel(), asymmetric_errors="average")
    seen: list[dict[str, np.ndarray]] = []
    batch = GaussianChi2.batch

    def spy(self, params, **kw):
        seen.append({n: np.asarray(v) for n, v in params.items()})
        return batch(self, params, **kw)

    monkeypatch.setattr(GaussianChi2, "batch", spy)
    cost.gradient({"a": -0.9, "k": 1.0}, ["a", "k"])
    assert len(seen) == 1  # one vectorised call for the whole gradient
    assert seen[0]["a"].min() >= -0.9 and seen[0]["k"].max() <= 1.0
    assert seen[0]["a"].size == 5  # the point and two displaced points per parameter


def _reference_gradient(cost: GaussianChi2, point: Mapping[str, float], wrt: Sequence[str], h: float = 1e-4) -> np.ndarray:
    """Richardson-extrapolated central differences of single-point chi^2 calls, in coordinate
    units (log10 for log-scale parameters), error O(h^4)."""
    out = []
    for n in wrt:
        log = cost.specs[n].scale == "log"

        def f(step: float, n: str = n, log: bool = log) -> float:
            q = dict(point)
            q[n] = point[n] * 10**step if log else point[n] + step
            return float(cost(*[q[p] for p in cost._parameters]))

        def diff(step: float) -> float:
            return (f(step) - f(-step)) / (2 * step)

        out.append((4 * diff(h / 2) - diff(h)) / 3 / (point[n] * math.log(10.0) if log else 1.0))
    return np.array(out)


@pytest.mark.parametrize(
    ("name", "point"),
    [
        ("darkz-A", {"M_ZD": 0.0222, "eps": 0.000999999, "eps_Z": 0.001999999}),  # best fit, mixings at their bounds
        ("darkz-A", {"M_ZD": 0.2, "eps": 1e-4, "eps_Z": 1e-5}),
        ("darkz-A", {"M_ZD": 0.05, "eps": 3e-6, "eps_Z": 1e-3}),
        ("darkz-B", {"M_ZD": 0.0103, "eps": 1e-4, "eps_Z": 1e-5, "g_mu": -1.2}),
        ("darkz-B", {"M_ZD": 0.01, "eps": 1e-4, "eps_Z": 1e-5, "g_mu": -0.5}),  # M_ZD at its bound
        ("darkz-C", {"M_ZD": 0.03, "eps": 1e-4, "eps_Z": 1e-4, "g_mu": -0.12}),
    ],
)
def test_darkz_gradient_equals_finite_differences_of_the_chi2(name: str, point: dict[str, float]) -> None:
    """The 002 fits (side errors, relative theory errors): batched gradient vs Richardson
    differences of single chi^2 calls, |delta g| <= 1e-6 + 1e-5 |g| in coordinate units
    (measured on these points: |delta g| < 1e-7)."""
    cost = api.problem(name).costs[0]
    wrt = list(point)
    got = cost.gradient(point, wrt)
    ref = _reference_gradient(cost, point, wrt)
    units = cost.coordinate_units(np.array([point[n] for n in wrt]), wrt)
    assert np.all(np.abs((got - ref) * units) <= 1e-6 + 1e-5 * np.abs(ref * units))
