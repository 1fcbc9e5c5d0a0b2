"""Three-body P+ -> μ+ ν_μ Z_D with Z_D radiated off the muon, 002 eqs. (4.26)-(4.30).

For L ⊃ μ̄ (g_V γ_α + g_A γ_α γ5) μ Z_D^α (eq. (4.26)) and g_{L,R} = g_V ∓ g_A, the
spin-summed squared amplitude is 002 eq. (4.27) (:func:`amplitude_squared`, transcribed term by
term), with Q^2 = m_P^2 - 2 m_P E_ν the virtual-muon mass, E_D = m_P - E_μ - E_ν, and

    Γ(P -> μ ν Z_D) = 1/(64 π^3 m_P) ∫ dE_μ dE_ν Σ|M|^2,                 (4.28)

over E_μ in [m_μ, (m_P^2 + m_μ^2 - M^2)/(2 m_P)] (4.29) and the E_ν interval (4.30). The same
formula with f_K -> f_π, V_us -> V_ud, m_K -> m_π gives π -> μ ν Z_D (002 sec. 4.6).

Quadrature: the E_μ interval on Gauss-Legendre nodes, and for each E_μ the E_ν interval mapped
to s = Q^2 - m_μ^2 on log-spaced Gauss-Legendre nodes (the integrand peaks as 1/s^2 near the
soft-collinear edge), vectorised as arrays of shape (n_points, n_Eμ, n_Eν). 64 x 64 nodes give
a relative accuracy better than 3e-5 for M_ZD >= 1 MeV (tests/constraints/test_radiative.py).

Example:
    >>> r = width_ratio("K", np.array([0.01]), np.array([0.01]), np.array([0.0]))
    >>> f"{float(r[0]):.3e}"
    '7.256e-04'
"""

from __future__ import annotations

from functools import cache

import numpy as np

from fitkit import constants as K

__all__ = ["MESONS", "amplitude_squared", "width_two_body", "width_three_body", "width_ratio"]

#: meson -> (mass in GeV, decay constant in GeV, CKM element (row u, column d or s)).
MESONS: dict[str, tuple[float, float, tuple[int, int]]] = {
    "K": (K.M_KPLUS, 0.1557, (0, 1)),  # f_K: FLAG, 002 sec. 4.4
    "pi": (K.M_PIPLUS, 0.1302, (0, 0)),  # f_pi: FLAG 2021
}


@cache
def _gl(n: int) -> tuple[np.ndarray, np.ndarray]:
    x, w = np.polynomial.legendre.leggauss(n)
    return 0.5 * (x + 1.0), 0.5 * w


def amplitude_squared(
    E_mu: np.ndarray, E_nu: np.ndarray, m_P: float, M: np.ndarray, g_L: np.ndarray, g_R: np.ndarray, f_P: float, V: float
) -> np.ndarray:
    """Σ_spins |M|^2 of 002 eq. (4.27) (dimensionless); all arrays broadcast."""
    mm2 = K.M_MU**2
    mK, mK2 = m_P, m_P**2
    M2 = M**2
    Q2 = mK2 - 2.0 * mK * E_nu
    E_D = mK - E_mu - E_nu
    tL = g_L**2 * Q2**2 * (
        2 * E_mu * mK * (mm2 + M2 - Q2) - 2 * E_D * mK * M2 - mK2 * mm2 + mK2 * Q2 - mm2**2 + mm2 * Q2
        + 2 * M2**2 - mm2 * M2 - M2 * Q2
    )
    tLR = 6 * g_L * g_R * mm2 * M2 * Q2 * (Q2 - mK2)
    tR = g_R**2 * mm2 * (
        -2 * E_mu * mK**3 * (mm2 + M2 - Q2)
        + 2 * E_D * (E_nu * M2 * (mK2 - Q2) + mK**3 * (Q2 - mm2) + mK * Q2 * (mm2 + M2 - Q2))
        + mK2**2 * mm2 + mK2**2 * M2 - mK2**2 * Q2 + mK2 * mm2**2 - mK2 * mm2 * Q2 - 3 * mK2 * M2**2
        + 2 * mK2 * mm2 * M2 + M2**2 * Q2 - mm2 * M2 * Q2
    )
    return K.G_F**2 * f_P**2 * V**2 / ((Q2 - mm2) ** 2 * M2) * (tL + tLR + tR)


def width_two_body(meson: str) -> float:
    """Γ(P -> μ ν) = G_F^2 f^2 |V|^2 m_P m_μ^2 (1 - m_μ^2/m_P^2)^2 / (8π) in GeV (tree level)."""
    m_P, f_P, (i, j) = MESONS[meson]
    V = abs(K.ckm_matrix()[i, j])
    return K.G_F**2 * f_P**2 * V**2 * m_P * K.M_MU**2 * (1 - K.M_MU**2 / m_P**2) ** 2 / (8 * np.pi)


def _basis_integrals(meson: str, M: np.ndarray, n: int) -> np.ndarray:
    """(I_LL, I_LR, I_RR) of shape (3, len(M)): Γ = g_L^2 I_LL + g_L g_R I_LR + g_R^2 I_RR."""
    m_P, f_P, (i, j) = MESONS[meson]
    V = abs(K.ckm_matrix()[i, j])
    mm = K.M_MU
    Ms = M[:, None, None]
    u, wu = _gl(n)
    v, wv = _gl(n)
    e_lo, e_hi = mm, (m_P**2 + mm**2 - Ms**2) / (2 * m_P)
    E_mu = e_lo + (e_hi - e_lo) * u[None, :, None]
    p_mu = np.sqrt(np.clip(E_mu**2 - mm**2, 0.0, None))
    a = m_P**2 + mm**2 - Ms**2 - 2 * m_P * E_mu
    en_lo = a / (2 * (m_P - E_mu + p_mu))
    en_hi = a / (2 * (m_P - E_mu - p_mu))
    # s = Q^2 - m_mu^2 = m_P^2 - m_mu^2 - 2 m_P E_nu, decreasing in E_nu
    s_hi = m_P**2 - mm**2 - 2 * m_P * en_lo
    s_lo = np.maximum(m_P**2 - mm**2 - 2 * m_P * en_hi, 1e-300)
    ratio = np.log(s_hi / s_lo)
    s = s_lo * np.exp(ratio * v[None, None, :])
    E_nu = (m_P**2 - mm**2 - s) / (2 * m_P)
    weight = wv * s * ratio / (2 * m_P) * (wu * (e_hi - e_lo)[..., 0])[..., None] / (64 * np.pi**3 * m_P)
    out = []
    for gL, gR in ((1.0, 0.0), (1.0, 1.0), (0.0, 1.0)):
        amp = amplitude_squared(E_mu, E_nu, m_P, Ms, gL, gR, f_P, V)
        out.append(np.sum(weight * amp, axis=(-2, -1)))
    ll, mixed, rr = out
    return np.stack([ll, mixed - ll - rr, rr])


def width_three_body(meson: str, M: np.ndarray, g_V: np.ndarray, g_A: np.ndarray, *, n: int = 64) -> np.ndarray:
    """Γ(P -> μ ν Z_D) in GeV, 002 eqs. (4.28)-(4.30); zero where M >= m_P - m_μ. Shapes (n_points,).

    Σ|M|^2 is quadratic in (g_L, g_R): the three coupling-independent integrals are computed once
    per distinct mass (a grid of masses x couplings costs one integral per mass).
    """
    m_P = MESONS[meson][0]
    M = np.atleast_1d(np.asarray(M, dtype=float))
    shape = np.broadcast_shapes(M.shape, np.shape(g_V), np.shape(g_A))
    M = np.broadcast_to(M, shape).ravel()
    gV = np.broadcast_to(np.asarray(g_V, dtype=float), shape).ravel()
    gA = np.broadcast_to(np.asarray(g_A, dtype=float), shape).ravel()
    open_ = M < m_P - K.M_MU
    masses, inverse = np.unique(np.where(open_, M, 0.5 * (m_P - K.M_MU)), return_inverse=True)
    basis = _basis_integrals(meson, masses, n)[:, inverse]
    gL, gR = gV - gA, gV + gA
    gamma = gL**2 * basis[0] + gL * gR * basis[1] + gR**2 * basis[2]
    return np.where(open_, gamma, 0.0).reshape(shape)


def width_ratio(meson: str, M: np.ndarray, g_V: np.ndarray, g_A: np.ndarray, *, n: int = 64) -> np.ndarray:
    """Γ(P -> μ ν Z_D) / Γ(P -> μ ν)."""
    return width_three_body(meson, M, g_V, g_A, n=n) / width_two_body(meson)
