"""B -> K(*) Z_D, 002 eqs. (4.10)-(4.18)."""

import numpy as np
import pytest

from fitkit import constants as K
from fitkit.constraints.b_knunu import BKNuNu
from fitkit.theory.formfactors import form_factors
from fitkit.theory.kinematics import kallen
from fitkit.theory.narrow import width_b_to_vector


def test_sm_limit():
    c = BKNuNu()
    bk, bks = c.branching_ratios({"M_ZD": [0.1, 1.0], "eps": 0.0, "eps_Z": 0.0})
    assert np.allclose(bk, 4.4e-6) and np.allclose(bks, 11.6e-6)


def test_eq_4_10_equals_longitudinal_helicity_amplitude():
    # B -> K V: only H_0 = g_V f_+ lambda^{1/2}/M contributes; Gamma = lambda^{1/2}/(16 pi m_B^3) |H_0|^2
    M = np.array([0.05, 0.5, 2.0])
    lam = kallen(K.M_BPLUS**2, K.M_KPLUS**2, M**2)
    H0 = 1e-8 * form_factors("B->K", M**2)["f+"] * np.sqrt(lam) / M
    ref = np.sqrt(lam) / (16 * np.pi * K.M_BPLUS**3) * H0**2
    assert np.allclose(width_b_to_vector("B+->K", M, 1e-8, 1e-8), ref, rtol=1e-12)  # g_V = (g_L + g_R)/2


def test_kstar_transverse_rate_for_heavy_limit():
    # for M -> 0 with a pure vector coupling only H_+- survive and tend to g_V x 0 + g_A ...:
    # a vector-only coupling and M -> 0 gives a finite rate from V (no 1/M^2 growth)
    g = width_b_to_vector("B0->K*", np.array([1e-3, 2e-3]), 1e-8, 1e-8)
    assert g[0] == pytest.approx(g[1], rel=0.01)


def test_light_dark_z_is_longitudinally_enhanced_and_below_inclusive():
    # Gamma(B -> K Z_D) + Gamma(B -> K* Z_D) grow as 1/M^2 for M << m_B and stay below the
    # partonic b -> s Z_D width of the same vertex (inclusive >= exclusive)
    from fitkit.models.dark_z.couplings import monopole_vertex
    from fitkit.models.dark_z.model import partonic_width_b_to_s

    M = np.array([0.01, 0.02, 0.2])
    h = monopole_vertex(M**2, 0.0, 1e-4, transition="bs")
    gk = width_b_to_vector("B+->K", M, h, 0 * h)
    gks = width_b_to_vector("B+->K*", M, h, 0 * h)
    assert gk[0] / gk[1] == pytest.approx(4.0, rel=0.01)
    incl = partonic_width_b_to_s(M, h)
    assert np.all(gk + gks < incl) and np.all(gk + gks > 0.2 * incl)
