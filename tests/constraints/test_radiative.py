"""Three-body P -> mu nu Z_D, 002 eqs. (4.26)-(4.30)."""

import numpy as np
import pytest

from fitkit import constants as K
from fitkit.constraints.radiative import amplitude_squared, width_ratio, width_two_body


def test_quadrature_converged():
    M = np.array([0.001, 0.03, 0.3])
    for method in ("traces", "printed"):
        a = width_ratio("K", M, 0.01, 0.003, method=method)
        b = width_ratio("K", M, 0.01, 0.003, n=96, method=method)
        assert np.allclose(a, b, rtol=1e-4)


def test_printed_eq_4_27_is_half_the_traces_for_longitudinal_emission():
    M = np.array([0.001, 0.01])
    r = width_ratio("K", M, 0.01, 0.0) / width_ratio("K", M, 0.01, 0.0, method="printed")
    assert np.allclose(r, 2.0, rtol=0.01)


def test_ward_identity_of_the_traces():
    # M -> 0: M^2 Σ|M|^2 (vector) -> |M_0|^2 = 4 G_F^2 V^2 f^2 [2 (p_nu.p_K)(p_mu.p_K) - m_K^2 p_nu.p_mu]
    from fitkit.constraints.radiative import _momenta, amplitude_squared_traces

    mK, M = K.M_KPLUS, 1e-4
    E_mu, E_nu = np.array([0.15, 0.2, 0.22]), np.array([0.2, 0.15, 0.2])
    T = amplitude_squared_traces(mK, np.full(3, M), E_mu, E_nu, 0.1557, 0.2243)
    pK, pmu, pnu, _ = _momenta(mK, np.full(3, M), E_mu, E_nu)

    def dot(a, b):
        return a[..., 0] * b[..., 0] - np.sum(a[..., 1:] * b[..., 1:], axis=-1)

    m0 = 4 * K.G_F**2 * 0.2243**2 * 0.1557**2 * (2 * dot(pnu, pK) * dot(pmu, pK) - mK**2 * dot(pnu, pmu))
    assert np.allclose(M**2 * T[0], m0, rtol=1e-3)


def test_amplitude_positive_on_dalitz_region():
    rng = np.random.default_rng(1)
    mK, mm = K.M_KPLUS, K.M_MU
    for M in (0.005, 0.1, 0.3):
        E_mu = mm + (mK**2 + mm**2 - M**2 - 2 * mK * mm) / (2 * mK) * rng.random(2000)
        p = np.sqrt(E_mu**2 - mm**2)
        a = mK**2 + mm**2 - M**2 - 2 * mK * E_mu
        lo, hi = a / (2 * (mK - E_mu + p)), a / (2 * (mK - E_mu - p))
        E_nu = lo + (hi - lo) * rng.random(2000)
        for gL, gR in ((1.0, 0.0), (0.0, 1.0), (1.0, 1.0), (1.0, -0.5)):
            amp = amplitude_squared(E_mu, E_nu, mK, M, gL, gR, 0.1557, 0.2243)
            assert np.all(amp >= -1e-12 * np.max(np.abs(amp)))


def test_scaling_threshold_and_helicity():
    r = width_ratio("K", np.array([0.01, 0.01, K.M_KPLUS - K.M_MU + 1e-3]), np.array([0.01, 0.02, 0.01]), 0.0)
    assert r[1] / r[0] == pytest.approx(4.0) and r[2] == 0.0
    r = width_ratio("K", np.array([0.01, 0.01, K.M_KPLUS - K.M_MU + 1e-3]), np.array([0.01, 0.02, 0.01]), 0.0, method="printed")
    assert r[1] / r[0] == pytest.approx(4.0) and r[2] == 0.0
    # the W produces a left-handed muon: a purely right-handed Z_D coupling needs a chirality
    # flip (terms ~ m_mu^2 in (4.27)) and gives a smaller rate
    left = width_ratio("K", np.array([0.05]), 0.5, -0.5)[0]
    right = width_ratio("K", np.array([0.05]), 0.5, 0.5)[0]
    assert right < 0.25 * left


def test_two_body_widths():
    # Gamma(K -> mu nu) tau_K = 0.64 (PDG 0.6356) at tree level; pi -> mu nu ~ 1
    assert width_two_body("K") * 1.238e-8 / K.HBAR_GEV_S == pytest.approx(0.6356, rel=0.05)
    assert width_two_body("pi") * 2.6033e-8 / K.HBAR_GEV_S == pytest.approx(1.0, rel=0.05)


def test_goldstone_estimate_of_longitudinal_emission():
    # for M -> 0 the longitudinal mode dominates: Gamma_3/Gamma_2 ~ g^2 m_K^2 / (32 pi^2 M^2)
    g, M = 0.01, 0.003
    r = width_ratio("K", np.array([M]), g, 0.0)[0]
    est = g**2 * K.M_KPLUS**2 / (32 * np.pi**2 * M**2)
    assert 0.3 < r / est < 3.0
