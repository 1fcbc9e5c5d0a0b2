"""Gauss-Legendre quadrature over q^2 bins, with a resonance-adapted variant.

Plain bins use ``n`` Gauss-Legendre nodes (:func:`numpy.polynomial.legendre.leggauss`) shared by
all parameter points: nodes and weights have shape ``(1, n)``. Bins reaching down to the photon
pole (q2max/q2min > 3), where the B -> V l l rate grows like 1/q^2, are integrated in ln q^2
(:func:`gauss_legendre_log_bin`), which makes the pole term flat.

Near a narrow resonance at q^2 = M^2 with width Gamma the integrand contains
|1/(q^2 - M^2 + i M Gamma)|^2 and its interference with the smooth SM amplitude. The adapted
rule substitutes q^2 = M^2 + M Gamma sinh(t) over the whole bin, which flattens the Breit-Wigner
peak (dq^2 = M Gamma cosh t dt) and its 1/(q^2 - M^2)^2 tails, and splits the t-range into
a left and a right part at the peak, with ``n`` Gauss-Legendre nodes each. Nodes and weights
then depend on the point: shape ``(n_points, 2 n)``. :func:`fitkit.theory.predict` uses this rule
for the points whose resonance lies inside a bin or within 10 % of its width from an edge, and
the shared plain rule for all others (whose Breit-Wigner is smooth across the bin).

Example:
    >>> x, w = gauss_legendre_bin(1.0, 6.0, 5)
    >>> round(float((w * x**2).sum()), 6)  # int_1^6 x^2 dx = 215/3
    71.666667
    >>> m, g = np.array([2.0]), np.array([1e-6])
    >>> x, w = resonance_bin(1.0, 6.0, m, g)
    >>> bw = m * g / np.pi / ((x - m**2) ** 2 + (m * g) ** 2)
    >>> round(float((w * bw).sum()), 5)  # a normalised Breit-Wigner inside the bin
    1.0
"""

from __future__ import annotations

from functools import cache

import numpy as np

__all__ = ["leggauss", "gauss_legendre_bin", "gauss_legendre_log_bin", "resonance_bin", "bin_rule"]


@cache
def leggauss(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Legendre nodes and weights on [-1, 1] (cached)."""
    x, w = np.polynomial.legendre.leggauss(n)
    x.flags.writeable = False
    w.flags.writeable = False
    return x, w


def gauss_legendre_bin(q2min: float, q2max: float, n: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """Nodes and weights, shape ``(1, n)``, of the n-point rule on [q2min, q2max]."""
    x, w = leggauss(n)
    half = 0.5 * (q2max - q2min)
    return (q2min + half * (x + 1.0))[None, :], (half * w)[None, :]


def gauss_legendre_log_bin(q2min: float, q2max: float, n: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """Nodes and weights, shape ``(1, n)``, of the n-point rule in u = ln q^2 (dq^2 = q^2 du).

    Example:
        >>> x, w = gauss_legendre_log_bin(0.0009, 1.0, 10)
        >>> round(float((w / x).sum()), 6)  # int dq2/q2 = ln(1/0.0009)
        7.013116
    """
    u, w = gauss_legendre_bin(np.log(q2min), np.log(q2max), n)
    x = np.exp(u)
    return x, w * x


def resonance_bin(
    q2min: float | np.ndarray,
    q2max: float | np.ndarray,
    mass: np.ndarray,
    width: np.ndarray,
    n: int = 16,
) -> tuple[np.ndarray, np.ndarray]:
    """Resonance-adapted rule on [q2min, q2max] for Breit-Wigners at ``mass``, ``width`` (GeV).

    Substitution q^2 = M^2 + M Gamma sinh(t), with the t-range split at the peak t = 0 into a
    left and a right part (either may be empty), each integrated with ``n`` Gauss-Legendre nodes.
    ``mass`` and ``width`` have shape ``(n_points,)``; nodes and weights have shape
    ``(n_points, 2 n)``. ``q2min``, ``q2max`` may also be arrays ``(n_points, 1)``: one bin per
    point (:class:`fitkit.theory.bin_set.BinSet` integrates all (point, bin) pairs at once).
    """
    m = np.asarray(mass, dtype=float).reshape(-1, 1)
    g = np.maximum(np.asarray(width, dtype=float).reshape(-1, 1), 1e-300)
    scale = m * g
    t_lo = np.arcsinh((q2min - m * m) / scale)
    t_hi = np.arcsinh((q2max - m * m) / scale)
    x, w = leggauss(n)
    u = 0.5 * (x + 1.0)
    parts_t, parts_w = [], []
    for lo, hi in ((np.minimum(t_lo, 0.0), np.minimum(t_hi, 0.0)), (np.maximum(t_lo, 0.0), np.maximum(t_hi, 0.0))):
        parts_t.append(lo + (hi - lo) * u[None, :])
        parts_w.append((hi - lo) * 0.5 * w[None, :])
    # An empty side (the peak outside the bin) would put zero-weight nodes exactly on the pole,
    # where a Breit-Wigner with Gamma = 0 is infinite (0 x inf = NaN): move them onto the other side.
    left_empty = (parts_w[0] == 0.0).all(axis=1, keepdims=True)
    right_empty = (parts_w[1] == 0.0).all(axis=1, keepdims=True)
    parts_t[0] = np.where(left_empty, parts_t[1], parts_t[0])
    parts_t[1] = np.where(right_empty & ~left_empty, parts_t[0], parts_t[1])
    t = np.concatenate(parts_t, axis=1)
    wt = np.concatenate(parts_w, axis=1)
    return m * m + scale * np.sinh(t), wt * scale * np.cosh(t)


def bin_rule(
    q2min: float,
    q2max: float,
    resonances: tuple[np.ndarray, np.ndarray] | None = None,
    n: int = 10,
) -> tuple[np.ndarray, np.ndarray]:
    """Plain rule without resonances, :func:`resonance_bin` with them."""
    if resonances is None:
        return gauss_legendre_bin(q2min, q2max, n)
    return resonance_bin(q2min, q2max, resonances[0], resonances[1])
