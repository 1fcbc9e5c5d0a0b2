"""Z_D widths, 002 eqs. (2.15)-(2.17), R(s), and g-2, eqs. (6.2)-(6.3)."""

from __future__ import annotations

import numpy as np
import pytest

from fitkit import constants as K
from fitkit.models.dark_z.couplings import ALPHA_DARKZ, lepton_couplings
from fitkit.models.dark_z.g_minus_2 import a_mu_eq62, a_mu_eq63, delta_a_mu
from fitkit.models.dark_z.hadrons import r_hadrons
from fitkit.models.dark_z.widths import (
    branching_ratios,
    gamma_hadrons,
    gamma_ll,
    gamma_ll_eq215,
    gamma_nunu,
    widths,
)

M = np.array([0.005, 0.05, 0.25, 0.8, 1.9])


@pytest.mark.parametrize("lep", ["e", "mu"])
@pytest.mark.parametrize("eps,eps_Z", [(1e-3, 0.0), (0.0, 2e-3), (1.6e-5, 2e-3), (1e-4, 1e-4)])
def test_general_width_is_eq_215(lep, eps, eps_Z):
    m = K.M_LEPTON[lep]
    v, a = lepton_couplings(eps, eps_Z)
    np.testing.assert_allclose(gamma_ll(M, v, a, m), gamma_ll_eq215(M, eps, eps_Z, m), rtol=1e-12)


def test_dark_photon_width_and_threshold():
    # pure dark photon, massless limit: alpha eps^2 M / 3
    eps = 1e-3
    g = gamma_ll(1.0, *lepton_couplings(eps, 0.0), K.M_E)
    assert float(g) == pytest.approx(ALPHA_DARKZ * eps**2 / 3, rel=1e-5)
    assert float(gamma_ll(0.2, *lepton_couplings(eps, 0.0), K.M_MU)) == 0.0


def test_nunu_is_scaled_z_width():
    # eq. (2.16) = eps_Z^2 x Gamma(Z -> nu nu) per flavour at M_ZD = M_Z (G_F M_Z^3 / 12 sqrt2 pi, tree)
    e2 = 4 * np.pi * ALPHA_DARKZ
    gz = e2 / (K.SIN2_THETA_W * (1 - K.SIN2_THETA_W)) * K.M_Z / (96 * np.pi)
    assert float(gamma_nunu(K.M_Z, 1.0)) == pytest.approx(gz)


def test_branching_ratio_quoted_in_sec_4_9():
    # "B(Z_D -> nu nu) ~ 70% below the dimuon threshold" for eps_Z ~ 1e-3: one flavour
    br = branching_ratios(0.1, eps=0.0, eps_Z=1e-3, n_nu=1)
    assert float(br["nunu"]) == pytest.approx(0.665, abs=0.01)
    br3 = branching_ratios(0.1, eps=0.0, eps_Z=1e-3)
    assert float(br3["nunu"]) == pytest.approx(0.856, abs=0.01)


def test_case_c_electron_cancellation_and_invisible_extra():
    w0 = widths(np.array([0.05]), eps=1e-4, eps_Z=1e-4)
    w1 = widths(np.array([0.05]), eps=1e-4, eps_Z=1e-4, f_inv=0.5)
    assert float(w1["total"][0] - w0["total"][0]) == pytest.approx(0.5 * float(w0["nunu"][0]))
    e, g = np.sqrt(4 * np.pi * ALPHA_DARKZ), np.sqrt(4 * np.pi * ALPHA_DARKZ / K.SIN2_THETA_W)
    c = np.sqrt(1 - K.SIN2_THETA_W)
    g_e = e * 1e-4 - g / (4 * c) * (4 * K.SIN2_THETA_W - 1) * 1e-4
    v, a = lepton_couplings(1e-4, 1e-4, g_e)
    assert abs(float(v)) < 1e-18 and float(a) > 0


def test_r_hadrons_vmd():
    assert float(r_hadrons(0.27**2)) == 0.0
    # continuum above the phi: 2 (1 + alpha_s/pi), 002 sec. 2.3
    assert float(r_hadrons(1.8**2)) == pytest.approx(2 * (1 + 0.3 / np.pi), rel=0.1)
    # phi peak: 9 B_ee B_had / alpha^2
    assert float(r_hadrons(1.019461**2)) == pytest.approx(9 * 2.979e-4 * 0.985 / K.ALPHA_EM_0**2, rel=0.03)
    # hadronic width follows (2.17): Gamma_mumu(massless) x R for a dark photon
    g_had = gamma_hadrons(0.8, 1e-3, 0.0)
    g_mm0 = gamma_ll(0.8, *lepton_couplings(1e-3, 0.0), 0.0)
    assert float(g_had) == pytest.approx(float(g_mm0 * r_hadrons(0.64)))


def test_g_minus_2_paper_numbers():
    # 002 sec. 6 at the paper's best fits: a_mu^B = 7.7e-4, a_mu^C = 7.38e-6, a_mu^A = -3.45e-7
    assert float(a_mu_eq63(0.0103, 0.28)) == pytest.approx(7.7e-4, rel=0.01)
    assert float(a_mu_eq63(0.0302, 0.033)) == pytest.approx(7.38e-6, rel=0.01)
    # with alpha(0) (the paper's e): -3.68e-7, 7% off (the axial term dominates, sensitive to
    # s_W^2 and alpha); fitkit's one scheme alpha_e(mu_b) gives -3.82e-7 (a_mu ~ e^2)
    assert float(a_mu_eq62(0.01007, 1.6e-5, 2e-3, alpha=K.ALPHA_EM_0)) == pytest.approx(-3.45e-7, rel=0.1)
    assert float(a_mu_eq62(0.01007, 1.6e-5, 2e-3)) == pytest.approx(-3.82e-7, rel=0.005)


def test_g_minus_2_limits():
    # heavy vector: v^2 m^2/(12 pi^2 M^2) ; light vector: v^2/(8 pi^2)
    v = 0.01
    assert float(delta_a_mu(100.0, v)) == pytest.approx(v**2 * K.M_MU**2 / (12 * np.pi**2 * 100.0**2), rel=1e-3)
    assert float(delta_a_mu(1e-5, v)) == pytest.approx(v**2 / (8 * np.pi**2), rel=1e-3)
    # vectorised
    out = delta_a_mu(np.array([0.01, 0.1]), np.array([0.1, 0.2]), 0.0)
    assert out.shape == (2,) and np.all(out > 0)
    assert float(delta_a_mu(0.1, 0.0, 0.01)) < 0
