"""Look-elsewhere effect of the m_X scan: global significance from toys and Gross-Vitells.

Gross and Vitells (arXiv:1005.1891, eq. (4)-(5)): for a test statistic q(m) that is
asymptotically chi^2 with s = 1 degree of freedom at each mass, the probability that its
maximum over the scanned range exceeds u is bounded (and for large u approximated) by

    p_global(u) ~= P(chi^2_1 > u) / 2 + <N(u0)> exp(-(u - u0) / 2),

with <N(u0)> the mean number of upcrossings of q(m) over a low reference level u0, estimated
from a few toys or from the observed scan. The one-sided statistic (only an excess counts)
halves the chi^2 tail (1007.1727 eq. (16)). Here q = Z^2 for Z > 0 and 0 otherwise.

Example:
    >>> upcrossings(np.array([[0.0, 2.0, 0.0, 2.0, 2.0, 0.0]]), 1.0).tolist()
    [2]
    >>> round(gross_vitells(9.0, n_up=0.0, u0=1.0), 6) == round(float(stats.chi2.sf(9.0, 1) / 2), 6)
    True
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

__all__ = ["upcrossings", "gross_vitells", "z_from_p", "p_from_z", "global_significance"]


def upcrossings(q: np.ndarray, u0: float) -> np.ndarray:
    """Number of upcrossings of level u0 along the last axis of q (n_scans, n_masses)."""
    above = np.atleast_2d(q) > u0
    return np.sum(~above[:, :-1] & above[:, 1:], axis=1) + above[:, 0]


def gross_vitells(u: float, *, n_up: float, u0: float) -> float:
    """Global p-value of max q >= u from the mean upcrossings ``n_up`` at level ``u0`` (1005.1891 eq. (5))."""
    return float(stats.chi2.sf(u, 1) / 2 + n_up * math.exp(-(u - u0) / 2))


def p_from_z(z: float) -> float:
    """One-sided p-value of a Gaussian significance."""
    return float(stats.norm.sf(z))


def z_from_p(p: float) -> float:
    """Gaussian significance of a one-sided p-value."""
    return float(stats.norm.isf(min(max(p, 1e-300), 1.0)))


def global_significance(z_obs: float, z_max_toys: np.ndarray) -> tuple[float, float]:
    """(p_global, Z_global) from the toys' maximum significances: P(max Z >= z_obs)."""
    n = z_max_toys.size
    p = (np.sum(z_max_toys >= z_obs) + 1) / (n + 1)
    return float(p), z_from_p(float(p))
