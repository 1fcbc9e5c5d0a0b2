"""One-loop Z_D contribution to the muon anomalous magnetic moment, 002 eqs. (6.1)-(6.3).

For L ⊃ Z_Dα μ̄ γ^α (v + a γ5) μ (ref. [83], Lindner, Platscher, Queiroz),

    Δa_μ = m^2/(4π^2) ∫_0^1 dx [v^2 x^2 (1-x) + a^2 (x (1-x)(x-4) - 2 x^3 m^2/M^2)]
                                / (m^2 x^2 + M^2 (1-x)),

which is 002 eq. (6.2) for the mixing couplings and eq. (6.3) for a pure vector coupling
g_D^μ. :func:`delta_a_mu` takes general (v, a); :func:`a_mu_eq62` is (6.2) as printed, where the
photon-like (e eps) and Z-like vector pieces are squared separately (their cross term
2 e eps g (4 s_W^2 - 1) eps_Z/(4 c_W) is dropped); :func:`a_mu_eq63` is (6.3).
The x-integral is done with :func:`scipy.integrate.quad_vec`, vectorised over points.

Experimental value, eq. (6.1): Δa_μ = a_μ^exp - a_μ^SM = 251(59) x 10^-11 (:data:`DELTA_A_MU_EXP`).

Example:
    >>> f"{float(a_mu_eq63(0.0302, 0.033)):.3e}"
    '7.402e-06'
"""

from __future__ import annotations

import numpy as np
from scipy.integrate import quad_vec

from fitkit import constants as K
from fitkit.models.dark_z.couplings import ALPHA_DARKZ
from fitkit.models.dark_z.inputs import electroweak

__all__ = ["DELTA_A_MU_EXP", "delta_a_mu", "a_mu_eq62", "a_mu_eq63"]

#: 002 eq. (6.1): (a_mu^exp - a_mu^SM, error), BNL E821 + FNAL 2021 vs the 2020 white paper.
DELTA_A_MU_EXP: tuple[float, float] = (251e-11, 59e-11)


def delta_a_mu(
    M: np.ndarray | float, v: np.ndarray | float, a: np.ndarray | float = 0.0, *, m_l: float = K.M_MU
) -> np.ndarray:
    """Δa_ℓ for vector and axial couplings (v, a) of a vector boson of mass M (GeV); any shape."""
    M, v, a = np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in (M, v, a)))
    m2 = m_l**2
    M2 = M**2

    def integrand(x: float) -> np.ndarray:
        den = m2 * x**2 + M2 * (1.0 - x)
        vec = v**2 * x**2 * (1.0 - x)
        ax = a**2 * (x * (1.0 - x) * (x - 4.0) - 2.0 * x**3 * m2 / M2)
        return (vec + ax) / den

    val, _ = quad_vec(integrand, 0.0, 1.0, epsrel=1e-9)
    return m2 / (4.0 * np.pi**2) * val


def a_mu_eq62(
    M: np.ndarray | float, eps: np.ndarray | float, eps_Z: np.ndarray | float, *, alpha: float = ALPHA_DARKZ
) -> np.ndarray:
    """002 eq. (6.2) as printed: Case A, mixing couplings, vector pieces squared separately."""
    e, g, s, c = electroweak(alpha)
    eps, eps_Z = np.asarray(eps, dtype=float), np.asarray(eps_Z, dtype=float)
    v_photon = e * eps
    v_z = g * (4 * s**2 - 1) / (4 * c) * eps_Z
    a = g / (4 * c) * eps_Z
    return delta_a_mu(M, v_photon, 0.0) + delta_a_mu(M, v_z, a)


def a_mu_eq63(M: np.ndarray | float, g_mu: np.ndarray | float) -> np.ndarray:
    """002 eq. (6.3): Cases B and C, direct vector coupling g_D^μ only."""
    return delta_a_mu(M, g_mu, 0.0)
