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
