"""The asymmetric Gaussian penalty: sides, one-sided limits and derivatives."""

import numpy as np

from fitkit.likelihood.penalty import asymmetric_gaussian


def test_sides_and_derivatives_match_finite_differences() -> None:
    x = np.array([-2.3, -0.4, 0.7, 3.1])
    chi2, d1, d2 = asymmetric_gaussian(x, 0.2, 0.5, 1.5)
    assert np.allclose(chi2, np.where(x > 0.2, ((x - 0.2) / 1.5) ** 2, ((x - 0.2) / 0.5) ** 2), rtol=1e-14)
    h = 1e-6
    up, dn = asymmetric_gaussian(x + h, 0.2, 0.5, 1.5)[0], asymmetric_gaussian(x - h, 0.2, 0.5, 1.5)[0]
    assert np.allclose(d1, (up - dn) / (2 * h), rtol=1e-7)
    assert np.allclose(d2, (up - 2 * chi2 + dn) / h**2, rtol=1e-3)


def test_infinite_sigma_switches_a_side_off() -> None:
    chi2, d1, d2 = asymmetric_gaussian(np.array([-5.0, 5.0]), 0.0, 2.0, np.inf)
    assert chi2.tolist() == [6.25, 0.0] and d1[1] == 0.0 and d2[1] == 0.0
