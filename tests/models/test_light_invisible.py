"""003 sec. III: B -> K(*) Z' and ALP rates against the two-body formula and limits."""

from __future__ import annotations

import math

import numpy as np
import pytest

from fitkit.constants import HBAR_GEV_S, M_BPLUS, M_KPLUS, M_KSTARPLUS, TAU_B0, TAU_BPLUS
from fitkit.models.light_invisible import (
    ALP,
    InvisibleX,
    ZPrime,
    line_in_true_bins,
    phase_space_lambda,
    width_b_to_k_alp,
    width_b_to_k_zprime,
    width_b_to_kstar_zprime,
)
from fitkit.theory.formfactors import form_factors


def test_dim4_width_equals_two_body_formula():
    """Gamma = |p_K| / (8 pi m_B^2) |M|^2 with M = (g_V / 2) (p_B + p_K).eps f_+ (longitudinal Z' only).

    Eq. (2): g_L P_L + g_R P_R = (g_V + g_A gamma_5) / 2, so the vector current comes with g_V / 2;
    sum over polarisations |(p_B + p_K).eps|^2 = m_B^4 lambda / m_Z^2 (lambda of 003 eq. (6)).
    """
    m_z, g = 2.0, 1e-8
    lam = float(phase_space_lambda(M_BPLUS, M_KPLUS, np.array(m_z)))
    p_k = M_BPLUS * math.sqrt(lam) / 2
    fp = float(form_factors("B->K", m_z**2)["f+"])
    m2 = (g / 2) ** 2 * fp**2 * M_BPLUS**4 * lam / m_z**2
    ref = p_k / (8 * math.pi * M_BPLUS**2) * m2
    assert float(width_b_to_k_zprime(M_BPLUS, M_KPLUS, np.array(m_z), g, 4)) == pytest.approx(ref, rel=1e-12, abs=0)


def test_dim6_equals_dim4_with_q2_over_lambda2():
    """Eq. (5) is eq. (3) with g -> g m_Z'^2 / Lambda^2 (the operator d^nu Z'_{mu nu} ~ m^2 Z'_mu)."""
    m_z, lam_np = np.array(1.5), 800.0
    d4 = width_b_to_k_zprime(M_BPLUS, M_KPLUS, m_z, 1.0, 4)
    d6 = width_b_to_k_zprime(M_BPLUS, M_KPLUS, m_z, 1.0, 6, lam_np)
    assert float(d6) == pytest.approx(float(d4) * (m_z**2 / lam_np**2) ** 2, rel=1e-12, abs=0)
    d4s = width_b_to_kstar_zprime(M_BPLUS, M_KSTARPLUS, m_z, 1.0, 0.5, 4)
    d6s = width_b_to_kstar_zprime(M_BPLUS, M_KSTARPLUS, m_z, 1.0, 0.5, 6, lam_np)
    assert float(d6s) == pytest.approx(float(d4s) * (m_z**2 / lam_np**2) ** 2, rel=1e-12, abs=0)


def test_rates_vanish_at_threshold_and_scale_as_couplings_squared():
    m_thr = np.array(M_BPLUS - M_KPLUS)
    assert float(width_b_to_k_zprime(M_BPLUS, M_KPLUS, m_thr, 1e-8, 4)) == 0.0
    z = ZPrime(4)
    a = z.branching_ratios({"m_Zp": 2.0, "g_L": 1e-8, "g_R": 1e-8})
    b = z.branching_ratios({"m_Zp": 2.0, "g_L": 2e-8, "g_R": 2e-8})
    assert b["B+->K+"][0] == pytest.approx(4 * a["B+->K+"][0], rel=1e-12, abs=0)


def test_vector_couplings_do_not_feed_kstar_axial_and_vice_versa():
    """003: only g_V enters B -> K Z' / B -> K a; g_A (g_R = -g_L) gives no B -> K signal."""
    z = ZPrime(4).branching_ratios({"m_Zp": 2.0, "g_L": -1e-8, "g_R": 1e-8})
    assert z["B+->K+"][0] == 0.0 and z["B+->K*+"][0] > 0
    alp = ALP().branching_ratios({"m_a": 2.0, "F_V": 3e8, "F_A": np.inf})
    assert alp["B+->K+"][0] > 0 and alp["B+->K*+"][0] == 0.0


def test_alp_width_in_terms_of_decay_constant():
    """Eq. (15): |g_V|^2/(64 pi f^2) with F_V = 2f/|g_V| is 1/(16 pi F_V^2)."""
    f, g_v, m_a = 1e8, 0.5, np.array(2.0)
    direct = g_v**2 * M_BPLUS**3 / (64 * math.pi * f**2) * (1 - M_KPLUS**2 / M_BPLUS**2) ** 2 * np.sqrt(
        phase_space_lambda(M_BPLUS, M_KPLUS, m_a)
    ) * form_factors("B->K", m_a**2)["f0"] ** 2
    assert float(width_b_to_k_alp(M_BPLUS, M_KPLUS, m_a, 2 * f / g_v)) == pytest.approx(float(direct), rel=1e-12, abs=0)


def test_isospin_and_lifetimes_for_neutral_modes():
    brs = InvisibleX().branching_ratios({"BR_KX": 1e-5, "BR_KstarX": 2e-5})
    assert brs["B0->K0"][0] == pytest.approx(1e-5 * TAU_B0 / TAU_BPLUS, rel=1e-12, abs=0)
    z = ZPrime(4).branching_ratios({"m_Zp": 2.0, "g_L": 1e-8, "g_R": 1e-8})
    assert z["B0->K0"][0] / z["B+->K+"][0] == pytest.approx(TAU_B0 / TAU_BPLUS, rel=0.02, abs=0)
    assert HBAR_GEV_S > 0


def test_line_is_normalised_and_local():
    edges = np.concatenate([[-1.0], np.linspace(0, 22.885, 101)])
    s = line_in_true_bins(np.array([0.5, 4.0, 22.0, 30.0]), np.array([1.0, 2.0, 3.0, 4.0]), edges)
    assert s.sum(axis=1) == pytest.approx([1.0, 2.0, 3.0, 0.0])
    assert np.count_nonzero(s[1]) <= 2 and s[:, 0].sum() == 0
