"""Three-body P+ -> μ+ ν_μ Z_D with Z_D radiated off the muon, 002 eqs. (4.26)-(4.30).

For L ⊃ μ̄ (g_V γ_α + g_A γ_α γ5) μ Z_D^α (eq. (4.26)) and g_{L,R} = g_V ∓ g_A, 002 prints the
spin-summed squared amplitude as eq. (4.27) (:func:`amplitude_squared`, transcribed term by
term), with Q^2 = m_P^2 - 2 m_P E_ν the virtual-muon mass and E_D = m_P - E_μ - E_ν, and

    Γ(P -> μ ν Z_D) = 1/(64 π^3 m_P) ∫ dE_μ dE_ν Σ|M|^2,                 (4.28)

over E_μ in [m_μ, (m_P^2 + m_μ^2 - M^2)/(2 m_P)] (4.29) and the E_ν interval (4.30). The same
formula with f_K -> f_π, V_us -> V_ud, m_K -> m_π gives π -> μ ν Z_D (002 sec. 4.6).

fitkit also evaluates Σ|M|^2 from its definition with explicit Dirac traces
(:func:`amplitude_squared_traces`, the default ``method="traces"``), normalised so that the same
code reproduces Γ(P -> μ ν) = G_F^2 f_P^2 |V|^2 m_P m_μ^2 (1 - m_μ^2/m_P^2)^2/(8π) with
f_K = 155.7 MeV. The printed (4.27) is half of it where the longitudinal Z_D dominates
(M_ZD << m_P: ratio 1.99-2.00 at 1-10 MeV, 1.96 at 30 MeV, 1.88 at 100 MeV for a vector
coupling; tests/constraints/test_radiative.py),
as if (4.27) had been derived with the f_K ≈ 110 MeV normalisation of the decay constant; the
subleading terms differ too. ``method="printed"`` integrates (4.27) as printed.

Quadrature: the E_μ interval on Gauss-Legendre nodes, and for each E_μ the E_ν interval mapped
to s = Q^2 - m_μ^2 on log-spaced Gauss-Legendre nodes (the integrand peaks as 1/s^2 near the
soft-collinear edge), vectorised as arrays of shape (n_masses, n_Eμ, n_Eν). 32 x 32 nodes give a
relative accuracy better than 1e-4 for M_ZD >= 1 MeV. Σ|M|^2 is quadratic in (g_V, g_A): the three
coefficient integrals are computed once per distinct mass and memoised.

Example:
    >>> r = width_ratio("K", np.array([0.01]), np.array([0.01]), np.array([0.0]))
    >>> f"{float(r[0]):.3e}"
    '1.446e-03'
"""

from __future__ import annotations

from functools import cache

import numpy as np

from fitkit import constants as K

__all__ = ["MESONS", "amplitude_squared", "amplitude_squared_traces", "width_two_body", "width_three_body", "width_ratio"]

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


# Dirac matrices (Dirac representation) and the metric diag(1, -1, -1, -1)
_I2, _Z2 = np.eye(2), np.zeros((2, 2))
_SIGMA = (np.array([[0, 1], [1, 0]]), np.array([[0, -1j], [1j, 0]]), np.array([[1, 0], [0, -1]]))
_GAMMA = np.array(
    [np.block([[_I2, _Z2], [_Z2, -_I2]])] + [np.block([[_Z2, s], [-s, _Z2]]) for s in _SIGMA], dtype=complex
)
_G5 = 1j * _GAMMA[0] @ _GAMMA[1] @ _GAMMA[2] @ _GAMMA[3]
_METRIC = np.array([1.0, -1.0, -1.0, -1.0])
_ONE = np.eye(4, dtype=complex)


def _slash(p: np.ndarray) -> np.ndarray:
    return np.einsum("...m,mij->...ij", p * _METRIC, _GAMMA)


def _bar(x: np.ndarray) -> np.ndarray:
    return _GAMMA[0] @ np.conj(np.swapaxes(x, -1, -2)) @ _GAMMA[0]


def _momenta(m_P: float, M: np.ndarray, E_mu: np.ndarray, E_nu: np.ndarray) -> tuple[np.ndarray, ...]:
    """Four-momenta (..., 4) of P, μ+, ν, Z_D in the P rest frame for energies (E_μ, E_ν)."""
    mm = K.M_MU
    p = np.sqrt(np.clip(E_mu**2 - mm**2, 0.0, None))
    E_D = m_P - E_mu - E_nu
    cos = np.clip((E_D**2 - M**2 - p**2 - E_nu**2) / (2 * p * E_nu), -1.0, 1.0)
    sin = np.sqrt(1.0 - cos**2)
    zero = np.zeros_like(p)
    p_mu = np.stack([E_mu, zero, zero, p], axis=-1)
    p_nu = np.stack([E_nu, E_nu * sin, zero, E_nu * cos], axis=-1)
    p_P = np.stack([np.full_like(p, m_P), zero, zero, zero], axis=-1)
    return p_P, p_mu, p_nu, p_P - p_mu - p_nu


def amplitude_squared_traces(m_P: float, M: np.ndarray, E_mu: np.ndarray, E_nu: np.ndarray, f_P: float, V: float) -> np.ndarray:
    """Σ|M|^2 of P+ -> μ+ ν Z_D from explicit Dirac traces, as the (vv, va, aa) coefficients.

    Tree level, Z_D radiated off the μ+ of M_0 = (G_F/√2) V f_P ū_ν p̸_P (1 - γ5) v_μ with the
    vertex γ^β (v + a γ5) and the massive-vector polarisation sum -g + k k/M^2:

        Σ|M|^2 = G_F^2 V^2 f_P^2/2 Σ_{ββ'} P_{ββ'} Tr[p̸_ν X_β (p̸_μ - m_μ) X̄_β'],
        X_β = p̸_P (1 - γ5) (-p̸_μ - k̸ + m_μ) γ_β (v + a γ5) / ((p_μ + k)^2 - m_μ^2),

    returned as an array (3, ...) with Σ|M|^2 = v^2 T[0] + v a T[1] + a^2 T[2]. For M -> 0 the
    longitudinal part obeys the Ward identity k_β X^β = -v p̸_P (1 - γ5) (the current is not
    conserved because only the muon carries the Z_D charge).
    """
    p_P, p_mu, p_nu, k = _momenta(m_P, M, E_mu, E_nu)
    mm = K.M_MU
    den = np.einsum("...m,...m->...", (p_mu + k) * _METRIC, p_mu + k) - mm**2
    S = (-_slash(p_mu) - _slash(k) + mm * _ONE) / den[..., None, None]
    left = _slash(p_P) @ (_ONE - _G5) @ S  # (..., 4, 4)
    A = np.einsum("...ij,bjk->...bik", left, _GAMMA)  # vector vertex, index b lower via metric below
    B = A @ _G5
    Mk = np.asarray(M, dtype=float)
    pol = -np.diag(_METRIC)[None] + np.einsum("...b,...c->...bc", k * _METRIC, k * _METRIC) / (Mk**2)[..., None, None]
    nu, mu = _slash(p_nu), _slash(p_mu) - mm * _ONE

    def tr(X: np.ndarray, Y: np.ndarray) -> np.ndarray:
        # Σ_{b,c} pol_{bc} Tr[ν X_b μ Ȳ_c]
        W = np.einsum("...ij,...bjk->...bik", nu, X)
        Z = np.einsum("...ij,...cjk->...cik", mu, _bar(Y))
        return np.einsum("...bc,...bij,...cji->...", pol, W, Z).real

    norm = K.G_F**2 * V**2 * f_P**2 / 2.0
    return norm * np.stack([tr(A, A), tr(A, B) + tr(B, A), tr(B, B)])


def _basis_integrals(meson: str, M: np.ndarray, n: int, method: str) -> np.ndarray:
    """(I_vv, I_va, I_aa) of shape (3, len(M)): Γ = v^2 I_vv + v a I_va + a^2 I_aa (GeV)."""
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
    if method == "traces":
        E_mu_b = np.broadcast_to(E_mu, E_nu.shape)
        T = amplitude_squared_traces(m_P, np.broadcast_to(Ms, E_nu.shape), E_mu_b, E_nu, f_P, V)
        return np.sum(weight * T, axis=(-2, -1))
    out = []
    for gv, ga in ((1.0, 0.0), (1.0, 1.0), (0.0, 1.0)):
        amp = amplitude_squared(E_mu, E_nu, m_P, Ms, gv - ga, gv + ga, f_P, V)
        out.append(np.sum(weight * amp, axis=(-2, -1)))
    vv, mixed, aa = out
    return np.stack([vv, mixed - vv - aa, aa])


_CACHE: dict[tuple[str, int, str, float], np.ndarray] = {}


def _cached_basis(meson: str, masses: np.ndarray, n: int, method: str) -> np.ndarray:
    """:func:`_basis_integrals` for distinct masses, memoised per (meson, n, method, mass)."""
    keys = [(meson, n, method, float(m)) for m in masses]
    uncached = np.array([m for m, k in zip(masses, keys) if k not in _CACHE])
    if uncached.size:
        new = _basis_integrals(meson, uncached, n, method)
        for idx, m in enumerate(uncached):
            _CACHE[(meson, n, method, float(m))] = new[:, idx]
        if len(_CACHE) > 20000:
            _CACHE.clear()
    return np.stack([_CACHE[k] if k in _CACHE else _basis_integrals(meson, np.array([k[3]]), n, method)[:, 0] for k in keys], axis=1)


def width_three_body(
    meson: str, M: np.ndarray, g_V: np.ndarray, g_A: np.ndarray, *, n: int = 32, method: str = "traces"
) -> np.ndarray:
    """Γ(P -> μ ν Z_D) in GeV, 002 eqs. (4.28)-(4.30); zero where M >= m_P - m_μ. Shapes (n_points,).

    ``method="traces"`` (default) integrates :func:`amplitude_squared_traces`, ``"printed"`` the
    printed eq. (4.27) (:func:`amplitude_squared`). Σ|M|^2 is quadratic in (g_V, g_A): the three
    coupling-independent integrals are computed once per distinct mass (a grid of masses x
    couplings costs one integral per mass).
    """
    m_P = MESONS[meson][0]
    M = np.atleast_1d(np.asarray(M, dtype=float))
    shape = np.broadcast_shapes(M.shape, np.shape(g_V), np.shape(g_A))
    M = np.broadcast_to(M, shape).ravel()
    gV = np.broadcast_to(np.asarray(g_V, dtype=float), shape).ravel()
    gA = np.broadcast_to(np.asarray(g_A, dtype=float), shape).ravel()
    open_ = M < m_P - K.M_MU
    masses, inverse = np.unique(np.where(open_, M, 0.5 * (m_P - K.M_MU)), return_inverse=True)
    if method not in ("traces", "printed"):
        raise ValueError(f"unknown method {method!r}; use 'traces' or 'printed'")
    basis = _cached_basis(meson, masses, n, method)[:, inverse]
    gamma = gV**2 * basis[0] + gV * gA * basis[1] + gA**2 * basis[2]
    return np.where(open_, gamma, 0.0).reshape(shape)


def width_ratio(meson: str, M: np.ndarray, g_V: np.ndarray, g_A: np.ndarray, *, n: int = 32, method: str = "traces") -> np.ndarray:
    """Γ(P -> μ ν Z_D) / Γ(P -> μ ν)."""
    return width_three_body(meson, M, g_V, g_A, n=n, method=method) / width_two_body(meson)
