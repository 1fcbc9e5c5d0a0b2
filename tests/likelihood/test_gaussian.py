"""Gaussian chi^2 (002 eq. (5.1)): conventions, correlations, composition with iminuit costs."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from iminuit.cost import NormalConstraint

from fitkit.data.catalog import Catalog
from fitkit.likelihood.gaussian import ASYMMETRIC_CONVENTIONS, GaussianChi2, experimental_sigmas
from fitkit.models import get_model


@pytest.fixture(scope="module")
def muon():
    return Catalog().select(tags=["table1-002", "muon"], include_superseded=True)


def test_chi2_by_hand(muon) -> None:
    cost = GaussianChi2(muon, get_model("sm"), asymmetric_errors="average")
    by_hand = 0.0
    for m in muon:
        s2 = sum(((u + d) / 2) ** 2 for u, d in m.errors.values()) + m.sm_error**2
        by_hand += (m.sm - m.value) ** 2 / s2
    assert cost() == pytest.approx(by_hand, rel=1e-12)


def test_conventions_order(muon) -> None:
    sig = {c: experimental_sigmas(muon, c, np.ones(len(muon))) for c in ASYMMETRIC_CONVENTIONS}
    assert np.all(sig["max"] >= sig["rms"] - 1e-30) and np.all(sig["rms"] >= sig["average"] - 1e-30)
    up = experimental_sigmas(muon, "side", np.ones(len(muon)))
    down = experimental_sigmas(muon, "side", -np.ones(len(muon)))
    assert np.all(np.maximum(up, down) <= sig["max"] * (1 + 1e-12))


def test_correlation_matches_covariance_formula(muon) -> None:
    a, b = muon[0].id, muon[1].id
    plain = GaussianChi2(muon[:2], get_model("sm"), asymmetric_errors="average")
    corr = GaussianChi2(muon[:2], get_model("sm"), correlations={(a, b): 0.5}, asymmetric_errors="average")
    s = experimental_sigmas(muon[:2], "average")
    th = np.array([m.sm_error for m in muon[:2]])
    cov = np.diag(s**2 + th**2)
    cov[0, 1] = cov[1, 0] = 0.5 * s[0] * s[1]
    r = np.array([m.sm - m.value for m in muon[:2]])
    assert corr() == pytest.approx(r @ np.linalg.solve(cov, r), rel=1e-10)
    assert corr() != pytest.approx(plain())


def test_costs_compose_by_plus(muon) -> None:
    cost = GaussianChi2(muon, get_model("sm"))
    total = cost + NormalConstraint("x", 1.0, 0.5)
    assert total(3.0) == pytest.approx(cost() + 16.0)


@settings(max_examples=50, deadline=None)
@given(
    shifts=st.lists(st.floats(-0.9, 2.0, allow_nan=False), min_size=1, max_size=8),
    convention=st.sampled_from(ASYMMETRIC_CONVENTIONS),
)
def test_chi2_is_nonnegative_and_vanishes_at_data(shifts: list[float], convention: str) -> None:
    ms = Catalog().select(tags=["table1-002"], include_superseded=True)
    cost = GaussianChi2(ms, get_model("sm"), asymmetric_errors=convention)
    exp = np.array([m.value for m in ms])
    th = exp[None, :] * (1 + np.array(shifts)[:, None])
    chi2 = cost.residual_chi2(th)
    assert np.all(chi2 >= 0)
    assert cost.residual_chi2(exp[None, :])[0] == 0.0
    # monotonic in the size of a common relative shift on each side of the data
    pos = sorted(s for s in shifts if s > 0)
    assert np.all(np.diff(cost.residual_chi2(exp[None, :] * (1 + np.array(pos)[:, None]))) >= 0)


def test_relative_theory_errors_scale_with_the_prediction(muon) -> None:
    absolute = GaussianChi2(muon, get_model("sm"), asymmetric_errors="average")
    relative = GaussianChi2(muon, get_model("sm"), asymmetric_errors="average", theory_errors="relative")
    sm = np.array([m.sm for m in muon])
    # at the SM prediction the two agree; at 0.7 x SM the relative error is 0.7 x the SM error
    assert relative() == pytest.approx(absolute(), rel=1e-12)
    th = 0.7 * sm
    s_exp = experimental_sigmas(muon, "average")
    s_th = 0.7 * np.array([m.sm_error for m in muon])
    exp = np.array([m.value for m in muon])
    by_hand = np.sum((th - exp) ** 2 / (s_exp**2 + s_th**2))
    assert relative.residual_chi2(th[None, :])[0] == pytest.approx(by_hand, rel=1e-12)
    assert relative.residual_chi2(th[None, :])[0] > absolute.residual_chi2(th[None, :])[0]


def test_relative_theory_errors_with_correlations(muon) -> None:
    a, b = muon[0].id, muon[1].id
    corr = GaussianChi2(muon[:2], get_model("sm"), correlations={(a, b): 0.5}, theory_errors="relative")
    th = np.array([[0.8 * m.sm for m in muon[:2]]])
    s = experimental_sigmas(muon[:2], "average")
    t = 0.8 * np.array([m.sm_error for m in muon[:2]])
    cov = np.diag(s**2 + t**2)
    cov[0, 1] = cov[1, 0] = 0.5 * s[0] * s[1]
    r = th[0] - np.array([m.value for m in muon[:2]])
    assert corr.residual_chi2(th)[0] == pytest.approx(r @ np.linalg.solve(cov, r), rel=1e-10)


def test_unknown_theory_error_mode_is_an_input_error(muon) -> None:
    from fitkit.errors import InputError

    with pytest.raises(InputError, match="theory_errors.*unknown theory-error mode 'scaled'"):
        GaussianChi2(muon, get_model("sm"), theory_errors="scaled")  # type: ignore[arg-type]


def _darkz_points(n: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(7)
    return {
        "M_ZD": 10 ** rng.uniform(np.log10(0.05), np.log10(4.0), n),
        "eps": rng.uniform(-1e-3, 1e-3, n),
        "eps_Z": rng.uniform(-1e-2, 1e-2, n),
        "g_mu": rng.uniform(-1e-3, 1e-3, n),
    }


def test_batch_in_chunks_equals_one_evaluation(muon) -> None:
    cost = GaussianChi2(muon, get_model("darkz-B"))
    pts = _darkz_points(23)
    whole = cost.batch(pts, chunk=10**6)
    assert np.all(np.isfinite(whole)) and np.ptp(whole) > 0
    for chunk in (1, 5, 22):
        np.testing.assert_array_equal(cost.batch(pts, chunk=chunk), whole)


def test_batch_default_chunk_bounds_the_points_per_call(muon, monkeypatch) -> None:
    import fitkit.likelihood.gaussian as gaussian

    cost = GaussianChi2(muon, get_model("darkz-B"))
    monkeypatch.setattr(gaussian, "BATCH_ELEMENTS", 4 * len(muon) * gaussian.NODES_PER_MEASUREMENT)
    assert cost.chunk_size() == 4
    sizes: list[int] = []
    predict = cost.model.predict

    def spy(measurements, params):
        sizes.append(len(next(iter(params.values()))))
        return predict(measurements, params)

    monkeypatch.setattr(cost.model, "predict", spy)
    pts = _darkz_points(10)
    values = cost.batch(pts)
    assert sizes == [4, 4, 2]
    monkeypatch.setattr(cost.model, "predict", predict)
    np.testing.assert_array_equal(values, cost.batch(pts, chunk=10))
    with pytest.raises(ValueError, match="chunk"):
        cost.batch(pts, chunk=0)
