"""Two-body kinematics of H1 -> H2 l l: the Källén function, lepton velocity, q^2 limits.

Units: GeV and GeV^2.

Example:
    >>> round(float(kallen(5.27934**2, 0.493677**2, 0.0)), 3)  # (m_B^2 - m_K^2)^2 at q^2 = 0
    763.291
    >>> round(float(beta_lepton(1.0, 0.1056583755)), 4)
    0.9774
"""

from __future__ import annotations

import numpy as np

__all__ = ["kallen", "beta_lepton", "q2_limits"]


def kallen(a: np.ndarray | float, b: np.ndarray | float, c: np.ndarray | float) -> np.ndarray:
    """Källén function lambda(a, b, c) = a^2 + b^2 + c^2 - 2(ab + bc + ca) (002 eq. (4.12)).

    With a = m_B^2, b = m_M^2, c = q^2 it is the (GeV^4) triangle function of the decay.
    """
    a, b, c = np.asarray(a), np.asarray(b), np.asarray(c)
    return a * a + b * b + c * c - 2.0 * (a * b + b * c + c * a)


def beta_lepton(q2: np.ndarray | float, m_l: float) -> np.ndarray:
    """Lepton velocity in the dilepton rest frame, beta = sqrt(1 - 4 m_l^2 / q^2) (0 below threshold)."""
    q2 = np.asarray(q2, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        x = 1.0 - 4.0 * m_l * m_l / q2
    return np.sqrt(np.clip(x, 0.0, None))


def q2_limits(m_initial: float, m_final: float, m_l: float) -> tuple[float, float]:
    """Physical range of q^2 in GeV^2: [4 m_l^2, (m_H1 - m_H2)^2]."""
    return 4.0 * m_l * m_l, (m_initial - m_final) ** 2
