"""Z_D couplings to leptons per model case and its leptonic widths and branching ratios.

Couplings (L ⊃ Z_Dα f̄ γ^α (v + a γ5) f), from
:func:`fitkit.models.dark_z.couplings.lepton_couplings` and
:func:`~fitkit.models.dark_z.couplings.neutrino_couplings` (002 eqs. (2.2), (2.5), (3.1)-(3.2)):

- muon: v = -e eps + g/(4 c_W)(4 s_W^2 - 1) eps_Z + g_mu, a = g/(4 c_W) eps_Z (all cases; g_mu = 0 in A);
- electron: as the muon with g_D^e = 0 in Cases A and B; in Case C 002 (sec. 3) tunes g_D^e so
  that Z_D does not couple to electrons, and treats every electron observable as SM-like (it
  drops APV and K -> μ ν e+e- for Case C, secs. 4.5, 4.7); fitkit follows it and sets v_e = a_e = 0.
  (A vector g_D^e can only cancel the vector part; the eps_Z-induced axial coupling
  g/(4 c_W) eps_Z would remain and give B(Z_D -> e+e-) = 1/7 below the dimuon threshold.);
- neutrino (each flavour, left-handed): v = -a = g/(4 c_W) eps_Z.

Widths (GeV), 002 eqs. (2.15)-(2.16) written for general couplings,

    Γ(Z_D -> f f̄) = M/(12π) β [v^2 (1 + 2 r) + a^2 (1 - 4 r)],  r = m_f^2/M^2,  β = sqrt(1 - 4 r),

which is (2.15) for the mixing couplings and (2.16) for one neutrino flavour. 002 uses (2.16)
as the whole invisible width (its sec. 4.9 quotes B(Z_D -> νν̄) ≈ 70% below the dimuon
threshold for Case A, which is the one-flavour value 2/3); ``n_nu`` selects 1 (as 002) or 3
(the sum over flavours, the physical default).

Approximation: the hadronic width (002 eq. (2.17), VMD / R-ratio) is not included here. It opens
at M_ZD = 2 m_π ≈ 0.28 GeV; below that the branching ratios are exact. Above it, the leptonic and
invisible branching ratios are overestimated by 1 + Γ_had/Γ_lept, e.g. by ≈ 2.2 at the ρ peak
and ≈ 1 + R(√s)/3 in general for the photon-like part; the constraints where this matters
(b_knunu, k_pinunu above 0.28 GeV) are then conservative.

Example:
    >>> br = branching_ratios(np.array([0.05]), np.array([1.6e-5]), np.array([2e-3]), np.array([0.0]), "A", n_nu=1)
    >>> round(float(br["nunu"][0]), 3)
    0.665
"""

from __future__ import annotations

import numpy as np

from fitkit import constants as K
from fitkit.models.dark_z.couplings import lepton_couplings, neutrino_couplings

__all__ = ["N_NU", "muon_couplings", "electron_couplings", "width_ff", "widths", "branching_ratios"]

#: Neutrino flavours in the invisible width (module docstring): 3 physically, 1 as in 002.
N_NU: int = 3


def muon_couplings(eps: np.ndarray, eps_Z: np.ndarray, g_mu: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(v, a) of the muon, 002 eqs. (2.2), (2.5), (3.1)."""
    return lepton_couplings(eps, eps_Z, g_mu)


def electron_couplings(eps: np.ndarray, eps_Z: np.ndarray, case: str) -> tuple[np.ndarray, np.ndarray]:
    """(v, a) of the electron; Case C decouples the electron (002 sec. 3, eq. (3.2))."""
    v, a = lepton_couplings(eps, eps_Z, 0.0)
    if case == "C":
        v, a = np.zeros_like(v), np.zeros_like(a)
    return v, a


def width_ff(M: np.ndarray, m_f: float, v: np.ndarray, a: np.ndarray) -> np.ndarray:
    """Γ(Z_D -> f f̄) in GeV for couplings (v, a), zero below threshold (002 eqs. (2.15)-(2.16))."""
    M = np.asarray(M, dtype=float)
    r = np.where(M > 2 * m_f, m_f**2 / np.maximum(M, 1e-30) ** 2, 0.25)
    beta = np.sqrt(np.clip(1.0 - 4.0 * r, 0.0, None))
    return M / (12.0 * np.pi) * beta * (v**2 * (1.0 + 2.0 * r) + a**2 * (1.0 - 4.0 * r))


def widths(M: np.ndarray, eps: np.ndarray, eps_Z: np.ndarray, g_mu: np.ndarray, case: str, *, n_nu: int = N_NU) -> dict[str, np.ndarray]:
    """Partial widths (GeV) to e+e-, mu+mu-, tau+tau- and neutrinos (summed over ``n_nu`` flavours)."""
    ve, ae = electron_couplings(eps, eps_Z, case)
    vm, am = muon_couplings(eps, eps_Z, g_mu)
    vt, at = lepton_couplings(eps, eps_Z, 0.0)
    vn, an = neutrino_couplings(eps_Z)
    return {
        "ee": width_ff(M, K.M_E, ve, ae),
        "mumu": width_ff(M, K.M_MU, vm, am),
        "tautau": width_ff(M, K.M_TAU, vt, at),
        "nunu": n_nu * width_ff(M, 0.0, vn, an),
    }


def branching_ratios(M: np.ndarray, eps: np.ndarray, eps_Z: np.ndarray, g_mu: np.ndarray, case: str, *, n_nu: int = N_NU) -> dict[str, np.ndarray]:
    """Branching ratios of :func:`widths` and the total width (key ``"total"``, GeV)."""
    w = widths(M, eps, eps_Z, g_mu, case, n_nu=n_nu)
    total = sum(w.values())
    safe = np.where(total > 0, total, 1.0)
    out = {k: np.where(total > 0, x / safe, 0.0) for k, x in w.items()}
    out["total"] = total
    return out
