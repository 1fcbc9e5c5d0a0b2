"""Z_D partial widths and branching ratios, 002 eqs. (2.15)-(2.17) and sec. 5.1.

Widths in GeV; masses in GeV. With the couplings (v, a) of L ⊃ Z_D ℓ̄ γ (v + a γ5) ℓ
(:func:`~fitkit.models.dark_z.couplings.lepton_couplings`),

    Γ(Z_D → ℓ+ℓ-) = β/(12π M) [v^2 (M^2 + 2 m^2) + a^2 (M^2 - 4 m^2)],   β = (1 - 4m^2/M^2)^{1/2},

which for the mixing couplings is 002 eq. (2.15) term by term (checked in the tests) and also
covers the direct couplings g_D^μ, g_D^e of Cases B and C.

Neutrinos: 002 eq. (2.16), e^2 M eps_Z^2/(96π c_W^2 s_W^2), is the width into *one* flavour
(εZ^2 times Γ(Z → ν ν̄) scaled to M). The total invisible width sums ``n_nu`` flavours
(default 3). The paper's remark "B(Z_D → νν̄) ~ 70% below the dimuon threshold" (sec. 4.9)
corresponds to one flavour (0.665 for eps = 0); ``n_nu=1`` reproduces it.

Hadrons: 002 eq. (2.17), Γ(Z_D → H) = Γ(Z_D → μ+μ-) R(M^2) with R from
:func:`~fitkit.models.dark_z.hadrons.r_hadrons`. fitkit rescales the vector part with the
mixing-induced muon vector coupling for a massless muon (R is defined against the point-like
μ+μ- cross section; the direct g_D^μ does not couple to quarks); the axial Z-type coupling is
counted at quark level, 3 colours x (u, d, s) x (g/4c_W eps_Z)^2 M/(12π), switched on with the
continuum step of R above the φ (002 sec. 2.3: "for the axial vector coupling ... quark level
decays"). Below 2 m_π there is no hadronic width.

Extra invisible width (002 sec. 5.1): ``f_inv`` x Γ(νν̄, all flavours), f_inv in [0.1, 1].

Example:
    >>> w = widths(np.array([0.01]), eps=1.6e-5, eps_Z=2e-3)
    >>> round(float(w["nunu"][0] / w["total"][0]), 3)
    0.858
"""

from __future__ import annotations

import numpy as np

from fitkit import constants as K
from fitkit.models.dark_z.couplings import ALPHA_DARKZ, lepton_couplings
from fitkit.models.dark_z.hadrons import load_vmd, r_hadrons
from fitkit.models.dark_z.inputs import electroweak

__all__ = ["gamma_ll", "gamma_ll_eq215", "gamma_nunu", "gamma_hadrons", "widths", "branching_ratios"]


def gamma_ll(M: np.ndarray | float, v: np.ndarray | float, a: np.ndarray | float, m_l: float) -> np.ndarray:
    """Γ(Z_D → ℓ+ℓ-) for couplings (v, a), zero below threshold (GeV)."""
    M = np.asarray(M, dtype=float)
    r = np.where(M > 2 * m_l, m_l**2 / M**2, 0.25)
    beta = np.sqrt(1.0 - 4.0 * r)
    g = beta * M / (12.0 * np.pi) * (np.asarray(v) ** 2 * (1.0 + 2.0 * r) + np.asarray(a) ** 2 * (1.0 - 4.0 * r))
    return np.where(M > 2 * m_l, g, 0.0)


def gamma_ll_eq215(
    M: np.ndarray | float, eps: np.ndarray | float, eps_Z: np.ndarray | float, m_l: float, *, alpha: float = ALPHA_DARKZ
) -> np.ndarray:
    """002 eq. (2.15) as printed (mixing couplings only), GeV."""
    e, _, s, c = electroweak(alpha)
    M = np.asarray(M, dtype=float)
    ok = M > 2 * m_l
    Ms = np.where(ok, M, 1.0)
    eps, eps_Z = np.asarray(eps, dtype=float), np.asarray(eps_Z, dtype=float)
    m2, M2, s2 = m_l**2, Ms**2, s**2
    bracket = (
        8 * c**2 * s2 * eps**2 * (2 * m2 + M2)
        - 4 * c * s * (4 * s2 - 1) * eps * eps_Z * (2 * m2 + M2)
        + eps_Z**2 * (m2 * (16 * s2**2 - 8 * s2 - 1) + M2 * (8 * s2**2 - 4 * s2 + 1))
    )
    g = e**2 / (96 * np.pi * c**2 * s2 * Ms) * np.sqrt(1 - 4 * m2 / M2) * bracket
    return np.where(ok, g, 0.0)


def gamma_nunu(M: np.ndarray | float, eps_Z: np.ndarray | float, *, alpha: float = ALPHA_DARKZ) -> np.ndarray:
    """002 eq. (2.16): Γ(Z_D → ν ν̄) of one neutrino flavour, GeV."""
    e, _, s, c = electroweak(alpha)
    return e**2 * np.asarray(M, dtype=float) * np.asarray(eps_Z, dtype=float) ** 2 / (96 * np.pi * c**2 * s**2)


def gamma_hadrons(
    M: np.ndarray | float, eps: np.ndarray | float, eps_Z: np.ndarray | float, *, alpha: float = ALPHA_DARKZ
) -> np.ndarray:
    """Hadronic width, 002 eq. (2.17) with fitkit's R(s) (module docstring), GeV."""
    M = np.asarray(M, dtype=float)
    v, a = lepton_couplings(eps, eps_Z, alpha=alpha)
    vector = gamma_ll(M, v, 0.0, 0.0) * r_hadrons(M**2)  # R(s) from data: alpha(0) of the measured Gamma_ee
    p = load_vmd()
    step = np.where(M > 2 * K.M_PIPLUS, 0.5 * (1.0 + np.tanh((M - p.onset) / p.smoothing)), 0.0)
    axial = 9.0 * a**2 * M / (12.0 * np.pi) * step
    return vector + axial


def widths(
    M: np.ndarray | float,
    *,
    eps: np.ndarray | float,
    eps_Z: np.ndarray | float,
    g_mu: np.ndarray | float = 0.0,
    g_e: np.ndarray | float = 0.0,
    f_inv: float = 0.0,
    n_nu: int = 3,
    alpha: float = ALPHA_DARKZ,
) -> dict[str, np.ndarray]:
    """Partial and total widths (GeV): keys ee, mumu, tautau, nunu, invisible, hadrons, total.

    ``g_mu``/``g_e`` are the direct vector couplings of Cases B/C (eqs. (3.1)-(3.2)); ``f_inv``
    the extra invisible width in units of Γ(νν̄) (sec. 5.1); ``n_nu`` the neutrino flavours.
    """
    M = np.asarray(M, dtype=float)
    out: dict[str, np.ndarray] = {}
    for name, lep, g_d in (("ee", "e", g_e), ("mumu", "mu", g_mu), ("tautau", "tau", 0.0)):
        v, a = lepton_couplings(eps, eps_Z, g_d, alpha=alpha)
        out[name] = gamma_ll(M, v, a, K.M_LEPTON[lep])
    out["nunu"] = n_nu * gamma_nunu(M, eps_Z, alpha=alpha)
    out["invisible"] = f_inv * out["nunu"]
    out["hadrons"] = gamma_hadrons(M, eps, eps_Z, alpha=alpha)
    shape = np.broadcast_shapes(*(x.shape for x in out.values()))
    out = {k: np.broadcast_to(x, shape) for k, x in out.items()}
    out["total"] = sum(out.values())  # type: ignore[assignment]
    return out


def branching_ratios(M: np.ndarray | float, **kwargs: object) -> dict[str, np.ndarray]:
    """Partial widths of :func:`widths` divided by the total (same keys but ``total``).

    Example:
        >>> br = branching_ratios(0.03, eps=1e-4, eps_Z=1e-4, g_mu=0.033)
        >>> round(float(br["ee"]) + float(br["nunu"]), 6)  # below the dimuon threshold
        1.0
    """
    w = widths(M, **kwargs)  # type: ignore[arg-type]
    tot = np.where(w["total"] > 0, w["total"], 1.0)
    return {k: x / tot for k, x in w.items() if k != "total"}
