"""Narrow light vectors: Gaussian bin fraction (002 eq. (2.14)) and H1 -> H2 V widths (002, 003)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import quad

from fitkit.theory import (
    gaussian_bin_fraction,
    width_b_to_vector,
    width_b_to_vector_dim5,
    width_b_to_vector_dim6,
)
from fitkit.theory.formfactors import form_factors
from fitkit.theory.narrow import RESOLUTION, vector_channel


def test_resolutions_of_002():
    assert RESOLUTION == {"e": 0.010, "mu": 0.002}


def test_gaussian_fraction_is_the_integral_of_eq_2_14():
    masses = np.array([0.30, 1.0, 1.049, 1.2])
    got = gaussian_bin_fraction(masses, 1.0, 1.1, 0.01)  # bin sqrt(q2) in [1, 1.0488]
    for m, g in zip(masses, got):
        ref = quad(lambda q, m=m: np.exp(-((q - m) ** 2) / (2 * 0.01**2)) / (np.sqrt(2 * np.pi) * 0.01), 1.0, np.sqrt(1.1))[0]
        assert g == pytest.approx(ref, abs=1e-10)
    assert got.shape == (4,)
    assert got[0] < 1e-12 and 0.45 < got[1] < 0.55


@pytest.mark.parametrize("ch", ["B+->K", "B0->K"])
def test_b_to_k_width_eq_4_10_and_003_eq_3(ch):
    """002 eq. (4.10) (dimensionful λ) and 003 eq. (3) (dimensionless λ) are the same formula."""
    c = vector_channel(ch)
    M, gL, gR = 1.3, 3e-9, 1e-9
    lam = c.m_B**4 + c.m_M**4 + M**4 - 2 * (c.m_B**2 * c.m_M**2 + c.m_M**2 * M**2 + c.m_B**2 * M**2)
    fp = float(form_factors("B->K", M**2)["f+"])
    eq_410 = abs(gL + gR) ** 2 / (64 * np.pi) * lam**1.5 / (c.m_B**3 * M**2) * fp**2
    lam_hat = lam / c.m_B**4
    eq_3 = abs(gL + gR) ** 2 * c.m_B**3 / (64 * np.pi * M**2) * lam_hat**1.5 * fp**2
    got = width_b_to_vector(ch, M, gL, gR)[0]
    assert got == pytest.approx(eq_410, rel=1e-12)
    assert got == pytest.approx(eq_3, rel=1e-12)


@pytest.mark.parametrize("ch", ["B0->K*", "B+->K*", "Bs->phi"])
def test_b_to_vector_width_against_003_eq_7(ch):
    """Vector coupling (g_A = 0): 003 eqs. (7), (10). Axial coupling: the longitudinal A12 term of
    003 eq. (11) and the S-wave transverse term (1 + m_V/m_B)^2 A1^2 (see narrow.py)."""
    c = vector_channel(ch)
    M = 1.1
    ff = form_factors(c.transition, M**2)
    r = c.m_M / c.m_B
    lam_hat = (c.m_B**4 + c.m_M**4 + M**4 - 2 * (c.m_B**2 * c.m_M**2 + c.m_M**2 * M**2 + c.m_B**2 * M**2)) / c.m_B**4
    g = 1e-9
    f_v = lam_hat * (1 + r) ** -2 * float(ff["V"]) ** 2
    vector = width_b_to_vector(ch, M, g / 2, g / 2)[0]  # g_V = g, g_A = 0
    assert vector == pytest.approx(c.m_B / (32 * np.pi) * np.sqrt(lam_hat) * g**2 * f_v, rel=1e-12)
    f_a = (1 + r) ** 2 * float(ff["A1"]) ** 2 + 32 * c.m_M**2 / M**2 * float(ff["A12"]) ** 2
    axial = width_b_to_vector(ch, M, -g / 2, g / 2)[0]  # g_V = 0, g_A = g
    assert axial == pytest.approx(c.m_B / (32 * np.pi) * np.sqrt(lam_hat) * g**2 * f_a, rel=1e-12)
    # no interference between g_V and g_A in the total rate (parity)
    both = width_b_to_vector(ch, M, 0.0, g)[0]
    assert both == pytest.approx(0.25 * (width_b_to_vector(ch, M, g, g)[0] + width_b_to_vector(ch, M, -g, g)[0]), rel=1e-12)


def test_002_helicity_amplitudes_eq_4_13():
    """The A12 form of H_0 used by fitkit equals 002 eq. (4.13) written with A1, A2."""
    from fitkit.theory.formfactors import a2_t3

    c = vector_channel("B0->K*")
    M, gA = 0.9, 1.0
    q2 = np.array(M**2)
    ff = form_factors("B->K*", q2)
    a2, _ = a2_t3(ff, q2, c.m_B, c.m_M)
    x = (c.m_B**2 - c.m_M**2 - M**2) / (2 * c.m_M * M)
    h0_002 = gA * (-0.5 * (c.m_B + c.m_M) * ff["A1"] * x + c.m_M * M / (c.m_B + c.m_M) * a2 * (x**2 - 1))
    h0_fitkit = -4.0 * gA * c.m_B * c.m_M * ff["A12"] / M
    assert float(h0_fitkit) == pytest.approx(float(h0_002), rel=1e-10)


def test_dimension_6_is_dimension_4_rescaled():
    M, Lam = np.array([0.5, 2.0]), 1000.0
    d6 = width_b_to_vector_dim6("B0->K*", M, 1e-3, 2e-3, Lam)
    d4 = width_b_to_vector("B0->K*", M, 1e-3 * M**2 / Lam**2, 2e-3 * M**2 / Lam**2)
    np.testing.assert_allclose(d6, d4, rtol=1e-12)


def test_dimension_5_scaling_and_threshold():
    M = np.array([0.5, 1.0, 4.0, 5.0])
    w = width_b_to_vector_dim5("B+->K", M, 1e-8, 0.0, 1e3)
    assert np.all(w[:3] > 0) and w[3] == 0.0  # closed above m_B - m_K
    w2 = width_b_to_vector_dim5("B+->K", M, 1e-8, 0.0, 2e3)
    np.testing.assert_allclose(w2[:3], w[:3] / 4, rtol=1e-12)
    # B -> K V from a dipole grows like M^2 at small M (003 eq. (4)), unlike the 1/M^2 of dim 4
    small = width_b_to_vector_dim5("B+->K", np.array([0.01, 0.02]), 1e-8, 0.0, 1e3)
    assert small[1] / small[0] == pytest.approx(4.0, rel=1e-2)


def test_widths_vanish_above_threshold_and_are_vectorised():
    M = np.array([0.1, 1.0, 4.5, 5.0])
    for ch in ["B+->K", "B0->K*", "Bs->phi"]:
        w = width_b_to_vector(ch, M, np.full(4, 1e-9), np.zeros(4))
        assert w.shape == (4,) and w[-1] == 0.0 and np.all(w[:2] > 0)
    with pytest.raises(ValueError):
        width_b_to_vector("B->pi", 1.0, 1.0, 1.0)


def test_onshell_offshell_switch():
    """Inside (smeared peak overlaps the bin): SM + BR x BR x G; outside: q2-dependent WCs."""
    from fitkit.theory import constant_wc, predict
    from fitkit.theory.narrow import onshell_contribution, switched_prediction, use_onshell

    name, q2 = "<dBR/dq2>(B+->Kmumu)", (1.1, 2.0)
    mass = np.array([1.2, 1.0487, 2.0])  # inside, at the upper edge (sqrt 1.1 = 1.0488), outside
    width = np.full(3, 1e-6)
    br = np.full(3, 1e-7)
    assert use_onshell(mass, *q2, 0.002).tolist() == [True, True, False]
    frac = onshell_contribution(name, q2, mass, br) * (q2[1] - q2[0]) / br
    assert frac[0] == pytest.approx(1.0) and frac[1] == pytest.approx(0.5, abs=0.05) and frac[2] < 1e-12

    def wc(q2_nodes, lepton):
        return {"C9": 1e-3 / (q2_nodes - mass[:, None] ** 2 + 1j * mass[:, None] * width[:, None])}

    out = switched_prediction(name, q2, wc, mass, width, br)
    sm = predict(name, q2)[0]
    assert out[0] == pytest.approx(sm + 1e-7 / 0.9)
    assert out[2] == pytest.approx(predict(name, q2, wc, resonances=(mass, width))[2])
    assert out[2] != pytest.approx(predict(name, q2, constant_wc({}))[0], rel=1e-9)


def test_dimension_5_massless_limit_is_b_to_kstar_gamma():
    """M -> 0 with g^{(5)}_R/Λ = 4 G_F/sqrt2 |V_tb V_ts^*| C7 e m_b/(16 pi^2) (the O_7 coupling of
    002 eq. (2.9)) reproduces the textbook B -> K* gamma rate
    Γ = G_F^2 alpha |V_tb V_ts^*|^2 m_B^3 m_b^2 |C7|^2 (1 - m_K*^2/m_B^2)^3 T1(0)^2 / (32 pi^4)."""
    from fitkit.constants import ALPHA_EM_0, G_F, ckm_matrix

    V = ckm_matrix()
    xi = abs(V[2, 2] * V[2, 1].conjugate())
    c7, mb = -0.3, 4.2
    e = np.sqrt(4 * np.pi * ALPHA_EM_0)
    g_over_lambda = 4 * G_F / np.sqrt(2) * xi * abs(c7) * e * mb / (16 * np.pi**2)
    c = vector_channel("B0->K*")
    t1 = float(form_factors("B->K*", 0.0)["T1"])
    ref = G_F**2 * ALPHA_EM_0 * xi**2 * c.m_B**3 * mb**2 * c7**2 * (1 - c.m_M**2 / c.m_B**2) ** 3 * t1**2 / (32 * np.pi**4)
    got = width_b_to_vector_dim5("B0->K*", 1e-4, 0.0, g_over_lambda, 1.0)[0]
    assert got == pytest.approx(ref, rel=1e-5)


def test_resonance_rule_has_no_node_on_a_pole_outside_the_bin() -> None:
    """A zero-width resonance below or above the bin (the SM point of a scan) gives finite rates."""
    import numpy as np

    from fitkit.theory.quadrature import resonance_bin

    mass = np.array([0.5, 3.0])  # M^2 = 0.25 (below [1, 6]) and 9 (above)
    nodes, weights = resonance_bin(1.0, 6.0, mass, np.zeros(2))
    assert np.all(np.abs(nodes - mass[:, None] ** 2) > 0.1)
    assert np.allclose(weights.sum(axis=1), 5.0)
    bw = 1.0 / (nodes - mass[:, None] ** 2)
    assert np.all(np.isfinite((bw * weights).sum(axis=1)))
