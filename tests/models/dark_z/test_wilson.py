"""Normalisation of C9, C10 to 002 eq. (2.9): SM penguin limits, heavy-mediator limit, dimension."""

from __future__ import annotations

import numpy as np
import pytest

from fitkit import constants as K
from fitkit.models.dark_z.couplings import ALPHA_DARKZ, ckm_lambdas
from fitkit.models.dark_z.wilson import normalisation, wilson_coefficients

from .test_couplings import c0, d0

A = ALPHA_DARKZ  # the model's one scheme (alpha_e(mu_b)); the tests use the defaults


def _tree_factor() -> float:
    """g^2/(4 sqrt2 G_F M_W^2): 1 at tree level; the inputs alpha(m_b), s_W^2, M_W, G_F differ by ~4%."""
    e2 = 4 * np.pi * A
    return e2 / K.SIN2_THETA_W / (4 * np.sqrt(2) * K.G_F * K.M_W**2)


def test_dark_z_reproduces_sm_z_penguin():
    # eps_Z = 1, M_ZD = M_Z, q^2 -> 0: C10 = -C_0(x_t)/s_W^2, C9 = C_0 (1 - 4 s_W^2)/s_W^2
    # default scheme, no alpha passed: one alpha in vertices, lepton couplings and (2.9)
    C9, C10 = wilson_coefficients(1e-9, M_ZD=K.M_Z, Gamma_ZD=0.0, eps=0.0, eps_Z=1.0)
    lam = ckm_lambdas("bs")
    xs = (np.array([2.16e-3, 1.273, 163.53]) / K.M_W) ** 2
    c0_eff = (lam * c0(xs)).sum() / lam[2]
    norm = _tree_factor() * K.M_W**2 / ((1 - K.SIN2_THETA_W) * K.M_Z**2)
    assert complex(C10) == pytest.approx(-c0_eff / K.SIN2_THETA_W * norm, rel=1e-6)
    assert complex(C9) == pytest.approx(c0_eff * (1 - 4 * K.SIN2_THETA_W) / K.SIN2_THETA_W * norm, rel=1e-6)
    assert C10.real < -3  # same sign as the SM C10 = -Y_0/s_W^2
    # the numbers: -C_0/s_W^2 = -3.325 (GIM sum over u, c, t), tree relation r = 0.9751 with
    # alpha_e(mu_b) = 1/132.12, MS-bar s_W^2 and M_Z; C10 = -3.242 (alpha(0) in the couplings and
    # alpha(m_b) in (2.9), the earlier mixture, gave -3.034)
    assert -c0_eff.real / K.SIN2_THETA_W == pytest.approx(-3.325, abs=1e-3)
    assert norm == pytest.approx(np.pi * A / (np.sqrt(2) * K.G_F * K.SIN2_THETA_W * (1 - K.SIN2_THETA_W) * K.M_Z**2))
    assert norm == pytest.approx(0.9751, abs=1e-4)
    assert C10.real == pytest.approx(-3.242, abs=1e-3)


def test_dark_photon_reproduces_sm_photon_penguin():
    # eps = 1, M -> 0: C9 = -sum_j lambda_j D_0(x_j)/lambda_t, q^2 independent
    lam = ckm_lambdas("bs")
    xs = (np.array([2.16e-3, 1.273, 163.53]) / K.M_W) ** 2
    expect = -(lam * d0(xs)).sum() / lam[2] * _tree_factor()
    q2 = np.array([0.5, 2.0, 5.0])
    C9, C10 = wilson_coefficients(q2, M_ZD=1e-7, Gamma_ZD=0.0, eps=1.0, eps_Z=0.0)
    np.testing.assert_allclose(C9, expect, rtol=1e-6)
    np.testing.assert_allclose(C10, 0.0, atol=1e-12)


def test_heavy_mediator_gives_constant_wc():
    q2 = np.array([0.1, 1.0, 6.0])
    C9, C10 = wilson_coefficients(q2, M_ZD=500.0, Gamma_ZD=0.0, eps=0.0, eps_Z=1e-2, g_direct=0.1)
    np.testing.assert_allclose(C9 / C9[0], 1.0, rtol=1e-3)
    np.testing.assert_allclose(C10 / C10[0], 1.0, rtol=1e-3)


def test_light_mediator_scales_as_inverse_q2_and_shapes():
    q2 = np.array([[1.0, 2.0, 4.0]])
    g = np.array([[0.1], [0.2]])
    C9, _ = wilson_coefficients(q2, M_ZD=0.01, Gamma_ZD=1e-9, eps=1e-4, eps_Z=1e-4, g_direct=g)
    assert C9.shape == (2, 3)
    np.testing.assert_allclose(C9[:, 0] / C9[:, 2], 4.0, rtol=2e-3)
    np.testing.assert_allclose(C9[1] / C9[0], 2.0, rtol=1e-3)


def test_normalisation_dimension():
    # N = 4 G_F/sqrt2 alpha/(4 pi) lambda_t  [GeV^-2]; times GeV^2 it scales with G_F
    N = normalisation()
    assert abs(N) == pytest.approx(4 * K.G_F / np.sqrt(2) * ALPHA_DARKZ / (4 * np.pi) * 0.04106, rel=0.01)
    # the same alpha as the rate engine's prefactor (bsll: G_F alpha_e(mu_b) |xi_t|)
    from fitkit.theory.wilson_sm import sm_coefficients

    assert ALPHA_DARKZ == sm_coefficients().alpha_e
    assert N.real < 0  # V_tb V_ts* < 0


def test_printed_convention_differs_by_sign_and_two():
    kw = dict(M_ZD=0.01, Gamma_ZD=0.0, eps=0.0, eps_Z=1e-3)
    _, c10_phys = wilson_coefficients(1.0, **kw)
    _, c10_print = wilson_coefficients(1.0, convention="printed", **kw)
    # printed (2.11): E^0Z (as in B.7) x g/c_W eps_Z g_A: twice the physical value (same sign)
    assert complex(c10_print) == pytest.approx(2 * complex(c10_phys), rel=1e-9)
    # a direct muon coupling (Cases B, C) enters with opposite signs in the two conventions
    c9_phys, _ = wilson_coefficients(1.0, M_ZD=0.01, Gamma_ZD=0.0, eps=0.0, eps_Z=1e-4, g_direct=0.1)
    c9_print, _ = wilson_coefficients(1.0, M_ZD=0.01, Gamma_ZD=0.0, eps=0.0, eps_Z=1e-4, g_direct=0.1, convention="printed")
    assert complex(c9_print) == pytest.approx(-complex(c9_phys), rel=0.05)
    with pytest.raises(ValueError, match="convention"):
        wilson_coefficients(1.0, convention="other", **kw)  # type: ignore[arg-type]
