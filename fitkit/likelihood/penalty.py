"""The asymmetric Gaussian penalty, written once for every likelihood and fit that needs it.

chi^2(x) = ((x - mean) / sigma)^2 with sigma = ``sigma_below`` for x <= mean and ``sigma_above``
for x > mean (the "side" convention for a measurement quoted as mean +sigma_above -sigma_below);
an infinite sigma switches that side off (a one-sided limit). Used by the external branching-ratio
constraints (:mod:`fitkit.likelihood.bknunu_external`), the Gaussian penalties of the compiled
HistFactory workspaces (:mod:`fitkit.likelihood.histfactory`) and the template fits of
:mod:`fitkit.inference.template_scan`.

Example:
    >>> chi2, d1, d2 = asymmetric_gaussian(np.array([-1.0, 0.0, 2.0]), 0.0, 1.0, 2.0)
    >>> chi2.tolist(), d1.tolist(), d2.tolist()
    ([1.0, 0.0, 1.0], [-2.0, 0.0, 1.0], [2.0, 2.0, 0.5])
    >>> asymmetric_gaussian(np.array([-3.0, 3.0]), 0.0, np.inf, 1.0)[0].tolist()
    [0.0, 9.0]
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["asymmetric_gaussian"]


def asymmetric_gaussian(
    x: ArrayLike, mean: ArrayLike, sigma_below: ArrayLike, sigma_above: ArrayLike
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """chi^2 of the asymmetric Gaussian penalty and its first and second derivatives in ``x``.

    All arguments broadcast; ``x``, ``mean`` and the sigmas in the same unit. Returns
    (chi^2, d chi^2/dx, d^2 chi^2/dx^2); the derivatives of the side in use (at x = mean the
    second derivative is the lower side's).
    """
    d = np.asarray(x, float) - np.asarray(mean, float)
    sig = np.where(d > 0, np.asarray(sigma_above, float), np.asarray(sigma_below, float))
    finite = np.isfinite(sig)
    w = np.where(finite, 1.0 / np.where(finite, sig, 1.0) ** 2, 0.0)
    return w * d * d, 2.0 * w * d, 2.0 * w
