"""Two-loop O_1, O_2 matrix elements F_{1,2}^(7,9)(s-hat) (hep-ph/0109140, fitkit/theory/charm_two_loop.py)
against flavio 2.7.1, and their limits.

flavio tabulates the complete functions (C++ code of arXiv:0810.4077) on a grid in
(mu/m_b, z, s-hat) and interpolates linearly; at the grid nodes the interpolation is exact, so the
comparison is made there: mu/m_b in {0.5, 1.0, 1.5}, z in {0.08, 0.10, 0.12}, s-hat = 0.03 ... 0.36.
Measured: the largest |F_fitkit - F_flavio| over the 4 functions and 324 nodes is below 5e-4
(|F| ~ 0.5-25), i.e. the same expansion (0810.4077 uses hep-ph/0109140 below s-hat = 0.4).
"""

from __future__ import annotations

import numpy as np
import pytest

from fitkit.theory import charm_two_loop as ct
from fitkit.theory.wilson_sm import r2_dipole

MU_HAT = (0.5, 1.0, 1.5)
Z_NODES = (0.08, 0.10, 0.12)
S_NODES = 0.03 * np.arange(1, 13)
FUNCTIONS = {"F_17": ct.f17_low, "F_19": ct.f19_low, "F_27": ct.f27_low, "F_29": ct.f29_low}


@pytest.mark.parametrize("name", FUNCTIONS)
def test_low_q2_functions_equal_flavio_at_its_grid_nodes(flavio_ref, name):
    from flavio.physics.bdecays import matrixelements as me

    reference = getattr(me, name)
    for mu_hat in MU_HAT:
        for z in Z_NODES:
            ours = FUNCTIONS[name](S_NODES, z, np.log(mu_hat))  # one vectorised call per (mu, z)
            theirs = np.array([complex(reference(mu_hat, z, float(s))) for s in S_NODES])
            np.testing.assert_allclose(ours, theirs, rtol=0, atol=5e-4, err_msg=f"{name} mu/m_b={mu_hat} z={z}")


@pytest.mark.parametrize("mc", [1.3, 1.5, 1.68])
def test_f27_at_zero_is_the_dipole_function_r2(mc):
    """F_2^(7)(0) = -r_2(z) + 416/81 ln(mu/m_b) (Greub, Hurth, Wyler hep-ph/9603404 eqs. (4.4)-(4.5),
    exact in z): the z-expansion of Appendix B reproduces it to 2e-5."""
    z = (mc / 4.8) ** 2
    l_mu = np.log(4.2 / 4.8)
    assert complex(ct.f27_low(np.array(0.0), z, l_mu)) == pytest.approx(-r2_dipole(z) + 416 / 81 * l_mu, abs=2e-5)
    assert complex(ct.f17_low(np.array(0.0), z, l_mu)) == pytest.approx(complex(ct.f27_low(np.array(0.0), z, l_mu)) / -6)


def test_f9_mu_dependence_is_quadratic_with_the_printed_l_mu_squared_terms():
    """F_1^(9) and F_2^(9) depend on L_mu = ln(mu/m_b) through linear and quadratic terms only, the
    quadratic ones -256/243 L_mu^2 and 512/81 L_mu^2 (hep-ph/0109140 eq. (56)): the second difference
    in L_mu is constant and equals twice those coefficients."""
    s, z, h = np.array([0.1, 0.2]), 0.1, 0.1
    for f, c2 in ((ct.f29_low, 512 / 81), (ct.f19_low, -256 / 243)):
        second = (f(s, z, h) - 2 * f(s, z, 0.0) + f(s, z, -h)) / h**2
        np.testing.assert_allclose(second, 2 * c2, rtol=1e-10)


def test_vectorised_over_any_shape():
    s = np.linspace(0.01, 0.45, 12).reshape(3, 4)
    out = ct.f19_low(s, 0.12, 0.0)
    assert out.shape == (3, 4) and out.dtype == complex
    np.testing.assert_allclose(out[1, 2], ct.f19_low(np.array(s[1, 2]), 0.12, 0.0))


# --- high q^2: massless-quark functions (hep-ph/0403185) and the low-recoil form of wilson_sm ---

S_HIGH = np.linspace(0.02, 0.96, 48)


@pytest.mark.parametrize("mu_hat", MU_HAT)
def test_seidel_functions_equal_flavio(flavio_ref, mu_hat):
    """A, B, C of hep-ph/0403185 eqs. (29)-(31) against flavio 2.7.1's implementation of the same
    equations at 48 s-hat nodes in [0.02, 0.96] (m_b = 4.8 GeV): equal to 1e-9 (measured 3e-14,
    2e-8 at s-hat = 0.98 where the (1 - s)^-4 terms cancel)."""
    from flavio.physics.bdecays import matrixelements as me

    mb, l_mu = 4.8, np.log(mu_hat)
    ours = {"A": ct.seidel_a(S_HIGH, l_mu), "B": ct.seidel_b(S_HIGH, l_mu), "C": ct.seidel_c(S_HIGH, l_mu)}
    for name, fn in (("A", me.SeidelA), ("B", me.SeidelB), ("C", me.SeidelC)):
        theirs = np.array([complex(fn(float(s) * mb**2, mb, mu_hat * mb)) for s in S_HIGH])
        np.testing.assert_allclose(ours[name], theirs, rtol=0, atol=1e-9, err_msg=name)


def test_massless_f27_at_zero_is_the_dipole_function_r2_at_zero_mass():
    """Two independent calculations: Seidel's A(s -> 0) (hep-ph/0403185 eq. (29)) gives F_2^(7) = 6 A(0)
    = 1666/243 + 80/81 pi i - 416/81 ln(m_b/mu), which is -r_2(z -> 0) of Greub, Hurth, Wyler
    (hep-ph/9603404 eqs. (4.4)-(4.5)); at s-hat = 1e-6 the difference is 2e-5 (s ln s terms)."""
    for l_mu in (0.0, np.log(0.5)):
        f27 = complex(ct.f27_massless(np.array(1e-6), l_mu))
        assert f27 == pytest.approx(-r2_dipole(1e-12) + 416 / 81 * l_mu, abs=1e-4)
        assert complex(ct.f17_massless(np.array(1e-6), l_mu)) == pytest.approx(f27 / -6, abs=1e-12)


def test_massless_functions_vectorised_and_held_near_s_equal_one():
    s = np.linspace(0.5, 0.95, 12).reshape(3, 4)
    out = ct.f29_massless(s, 0.1)
    assert out.shape == (3, 4) and out.dtype == complex
    np.testing.assert_allclose(out[2, 1], ct.f29_massless(np.array(s[2, 1]), 0.1))
    # above S_HAT_MAX_MASSLESS (q^2 > 22.8 GeV^2) the functions are evaluated at it: finite, continuous
    top = ct.f19_massless(np.array([ct.S_HAT_MAX_MASSLESS, 0.995, 1.2]), 0.0)
    assert np.all(np.isfinite(top)) and np.all(top == top[0])


Q2_HIGH_NODES = np.arange(14.0, 22.51, 0.5)


def _flavio_o12(me, name7_or_9: str, q2: np.ndarray, z: float) -> np.ndarray:
    """-alpha_s/(4 pi) [C1 F_1 + C2 F_2] from flavio's tabulated 0810.4077 functions (mu = 4.8 GeV)."""
    from fitkit.theory.wilson_sm import sm_coefficients

    s = sm_coefficients()
    mb = s.m_b_pole
    f1, f2 = (me.F_17, me.F_27) if name7_or_9 == "7" else (me.F_19, me.F_29)
    k = -s.alpha_s / (4 * np.pi)
    return np.array([k * (s.C1 * f1(4.8 / mb, z, x) + s.C2 * f2(4.8 / mb, z, x)) for x in q2 / mb**2])


def test_high_q2_o1_o2_terms_against_flavio(flavio_ref):
    """The O_1, O_2 part of delta C9eff and delta C7eff from q^2 = 14 GeV^2 on (wilson_sm: massless
    two-loop functions of hep-ph/0403185 + the one-loop charm function with m_c(mu) MS-bar, the
    low-recoil form of hep-ph/0404250 eq. (55)) against flavio 2.7.1's -alpha_s/(4 pi) [C1 F_1 + C2 F_2]
    with the pole-scheme functions of 0810.4077 (z = (m_c^pole/m_b)^2 for F^(9), (1.5/m_b)^2 for F^(7)),
    at 18 nodes 14 ... 22.5 GeV^2. Measured: C9 0.014-0.040 (0.040 at 14 GeV^2, <= 0.028 on
    [14.5, 19]), C7 0.047-0.062 (almost all imaginary: the O(alpha_s m_c^2/q^2) terms left out)."""
    from flavio.physics.bdecays import matrixelements as me

    from fitkit.theory import wilson_sm as w

    s = w.sm_coefficients()
    k = -s.alpha_s / (4 * np.pi)
    q2 = Q2_HIGH_NODES
    ours9 = w.delta_c9_two_loop(q2) - k * s.C8eff * w.f8_9(q2)
    ours7 = w.delta_c7_q2(q2) - k * s.C8eff * w.f8_7(q2)
    d9 = np.abs(ours9 - _flavio_o12(me, "9", q2, (s.m_c_pole / s.m_b_pole) ** 2))
    d7 = np.abs(ours7 - _flavio_o12(me, "7", q2, (1.5 / s.m_b_pole) ** 2))
    assert d9.max() < 0.045 and d9[(q2 >= 14.5) & (q2 <= 19.0)].max() < 0.03, d9
    assert d7.max() < 0.065, d7
    # without the high-q^2 form (functions held at s-hat = 0.45, the previous approximation) C9 was off by 0.2-0.3
    z, l_mu, at_045 = (s.m_c_pole / s.m_b_pole) ** 2, np.log(4.8 / s.m_b_pole), np.full_like(q2, 0.45)
    held = k * (s.C1 * ct.f19_low(at_045, z, l_mu) + s.C2 * ct.f29_low(at_045, z, l_mu))
    assert np.abs(held - _flavio_o12(me, "9", q2, z)).min() > 0.15


def test_pole_scheme_functions_carry_the_mass_counterterm(flavio_ref):
    """Why the high-q^2 form works: in flavio's pole-scheme F_2^(9) (0810.4077) the m_c dependence above
    threshold is, to 2-11 %, the charm-mass counterterm C_F (4 + 3 ln(mu^2/m_c^2)) m_c dh/dm_c that
    charm_mass_scheme_shift resums by moving the one-loop function to m_c(mu) (checked at
    s-hat = 0.65 ... 0.9, z = 0.08, 0.10, mu = m_b)."""
    from flavio.physics.bdecays import matrixelements as me

    from fitkit.theory.wilson_sm import loop_h

    mb = 4.8
    for z in (0.08, 0.10):
        mc = np.sqrt(z) * mb
        s = np.linspace(0.65, 0.9, 6)
        counterterm = 4 / 3 * (4 + 6 * np.log(mb / mc)) * (loop_h(s * mb**2, mc * (1 + 1e-6), mb) - loop_h(s * mb**2, mc * (1 - 1e-6), mb)) / 2e-6
        shift = np.array([me.F_29(1.0, z, x) for x in s]) - ct.f29_massless(s, 0.0)
        np.testing.assert_array_less(np.abs(shift / counterterm - 1), 0.12)


def test_low_q2_terms_unchanged_and_blend_continuous():
    """Below s-hat = 0.45 (q^2 < 10.36 GeV^2) delta C9eff, delta C7eff are exactly the hep-ph/0109140
    expansions; the weight of the high-q^2 form rises linearly to 1 at Q2_HIGH = 14 GeV^2."""
    from fitkit.theory import wilson_sm as w

    s = w.sm_coefficients()
    k, l_mu, z = -s.alpha_s / (4 * np.pi), np.log(4.8 / s.m_b_pole), (s.m_c_pole / s.m_b_pole) ** 2
    q2 = np.linspace(0.5, 0.45 * s.m_b_pole**2, 40)
    sh = q2 / s.m_b_pole**2
    low9 = k * (s.C1 * ct.f19_low(sh, z, l_mu) + s.C2 * ct.f29_low(sh, z, l_mu) + s.C8eff * w.f8_9(q2))
    np.testing.assert_allclose(w.delta_c9_two_loop(q2), low9, rtol=1e-13)
    weight = w.high_q2_weight(np.array([10.0, 0.45 * s.m_b_pole**2, 12.18, w.Q2_HIGH, 20.0]))
    np.testing.assert_allclose(weight, [0.0, 0.0, 0.5, 1.0, 1.0], atol=2e-3)
    fine = np.linspace(9.0, 16.0, 701)
    # no jump at either end of the blend (largest step 0.011 per 0.01 GeV^2, at the cusp of the pole-mass
    # one-loop function at 4 m_c^2 = 11.3 GeV^2)
    assert np.abs(np.diff(w.delta_c9_two_loop(fine))).max() < 0.02


def test_dilogarithm_on_the_unit_circle_equals_scipy():
    """Li_2(e^{i phi}) from the Clausen series (used in B(s), where scipy's complex spence is slow)
    equals scipy's spence to 1e-13 on [-pi, pi]."""
    from scipy.special import spence

    phi = np.linspace(-np.pi, np.pi, 1001)
    np.testing.assert_allclose(ct._li2_unit_circle(phi), spence(1.0 - np.exp(1j * phi)), rtol=0, atol=1e-13)
