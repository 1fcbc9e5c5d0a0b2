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
    width_b_to_zprime,
)
from fitkit.theory.formfactors import a2_t3, form_factors


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
    assert float(width_b_to_zprime("B+->K+", np.array(m_z), g / 2, g / 2, 4)[0]) == pytest.approx(ref, rel=1e-12, abs=0)


def test_dim6_equals_dim4_with_q2_over_lambda2():
    """Eq. (5) is eq. (3) with g -> g m_Z'^2 / Lambda^2 (the operator d^nu Z'_{mu nu} ~ m^2 Z'_mu)."""
    m_z, lam_np = np.array(1.5), 800.0
    d4 = width_b_to_zprime("B+->K+", m_z, 0.5, 0.5, 4)
    d6 = width_b_to_zprime("B+->K+", m_z, 0.5, 0.5, 6, lam_np)
    assert float(d6[0]) == pytest.approx(float(d4[0]) * (m_z**2 / lam_np**2) ** 2, rel=1e-12, abs=0)
    d4s = width_b_to_zprime("B+->K*+", m_z, 0.25, 0.75, 4)
    d6s = width_b_to_zprime("B+->K*+", m_z, 0.25, 0.75, 6, lam_np)
    assert float(d6s[0]) == pytest.approx(float(d4s[0]) * (m_z**2 / lam_np**2) ** 2, rel=1e-12, abs=0)


def test_rates_vanish_at_threshold_and_scale_as_couplings_squared():
    m_thr = np.array(M_BPLUS - M_KPLUS)
    assert float(width_b_to_zprime("B+->K+", m_thr, 1e-8, 0.0, 4)[0]) == 0.0
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


def _kstar_width_from_four_vectors(m_z: float, g_l: float, g_r: float) -> float:
    """Gamma(B+ -> K*+ Z') from explicit four-vectors and polarisation vectors (B at rest).

    M = eps_Z*_mu <K*(k, eps)| s-bar gamma^mu (g_V + g_A gamma5)/2 b |B(p)>, g_V = g_R + g_L,
    g_A = g_R - g_L, with the standard matrix elements (1503.05534 eq. (2.2)-(2.3)):
    <V|V^mu|B> = 2 V/(m_B+m_V) eps^{mu nu rho sigma} eps*_nu p_rho k_sigma,
    <V|A^mu|B> = i [(m_B+m_V) A1 eps*^mu - A2/(m_B+m_V) (eps*.q) (p+k)^mu] + O(q^mu)
    (the q^mu terms vanish against eps_Z). Gamma = |k|/(8 pi m_B^2) sum_pol |M|^2.
    """
    m_b, m_v = M_BPLUS, M_KSTARPLUS
    q2 = m_z * m_z
    ff = form_factors("B->K*", q2)
    a2, _ = a2_t3(ff, np.asarray(q2), m_b, m_v)
    v, a1 = float(ff["V"]), float(ff["A1"])
    a2 = float(a2)
    kk = math.sqrt((m_b**2 - (m_v + m_z) ** 2) * (m_b**2 - (m_v - m_z) ** 2)) / (2 * m_b)
    e_v, e_z = math.hypot(m_v, kk), math.hypot(m_z, kk)
    p = np.array([m_b, 0, 0, 0.0])
    k = np.array([e_v, 0, 0, kk])
    q = p - k
    metric = np.diag([1.0, -1, -1, -1])

    def pols(energy: float, mom: float, mass: float) -> list[np.ndarray]:
        sign = 1.0 if mom > 0 else -1.0
        return [
            np.array([0, -1, -1j, 0]) / math.sqrt(2),
            np.array([0, 1, -1j, 0]) / math.sqrt(2),
            np.array([abs(mom), 0, 0, sign * energy]) / mass,
        ]

    levi = np.zeros((4, 4, 4, 4))
    for perm in __import__("itertools").permutations(range(4)):
        levi[perm] = np.linalg.det(np.eye(4)[list(perm)])
    lower = lambda x: metric @ x  # noqa: E731
    g_v, g_a = g_r + g_l, g_r - g_l
    total = 0.0
    for eps_v in pols(e_v, kk, m_v):
        ev = eps_v.conj()
        vec = 2 * v / (m_b + m_v) * np.einsum("mnrs,n,r,s->m", levi, lower(ev), lower(p), lower(k))
        axial = 1j * ((m_b + m_v) * a1 * ev - a2 / (m_b + m_v) * (ev @ lower(q)) * (p + k))
        current = 0.5 * (g_v * vec + g_a * axial)
        for eps_z in pols(e_z, -kk, m_z):
            total += abs(eps_z.conj() @ lower(current)) ** 2
    return kk / (8 * math.pi * m_b**2) * total


@pytest.mark.parametrize("couplings", [(1e-8, 0.0), (0.0, 1e-8), (-1e-8, 1e-8)], ids=["g_L", "g_R", "axial"])
@pytest.mark.parametrize("m_z", [1.0, 2.0, 3.0, 4.0])
def test_kstar_zprime_width_against_four_vector_evaluation(couplings, m_z):
    """003 eqs. (7), (10), (11) (without lambda on the A1 term) against explicit helicity sums."""
    g_l, g_r = couplings
    ref = _kstar_width_from_four_vectors(m_z, g_l, g_r)
    got = float(width_b_to_zprime("B+->K*+", np.array([m_z]), g_l, g_r, 4)[0])
    assert got == pytest.approx(ref, rel=1e-9, abs=0)


def test_axial_kstar_rate_no_longer_carries_lambda_on_a1():
    """The rendered 003 eq. (11), lambda (1 + m_V/m_B)^2 A1^2, would lower the axial rate by
    0.8/7.3/25/55 % at m = 1/2/3/4 GeV for B+ -> K*+ (issue 14 quoted 0.8/6.3/20/46 %)."""
    m = np.array([1.0, 2.0, 3.0, 4.0])
    lam = phase_space_lambda(M_BPLUS, M_KSTARPLUS, m)
    ff = form_factors("B->K*", m**2)
    r = M_KSTARPLUS / M_BPLUS
    f_a_printed = lam * (1 + r) ** 2 * ff["A1"] ** 2 + 32 * M_KSTARPLUS**2 / m**2 * ff["A12"] ** 2
    f_a = (1 + r) ** 2 * ff["A1"] ** 2 + 32 * M_KSTARPLUS**2 / m**2 * ff["A12"] ** 2
    printed = M_BPLUS / (32 * math.pi) * np.sqrt(lam) * f_a_printed * 4e-16
    got = width_b_to_zprime("B+->K*+", m, -1e-8, 1e-8, 4)
    assert got == pytest.approx(M_BPLUS / (32 * math.pi) * np.sqrt(lam) * f_a * 4e-16, rel=1e-12)
    assert 1 - printed / got == pytest.approx([0.008, 0.073, 0.252, 0.546], abs=0.003)
