"""Z_D couplings to leptons per model case, and its branching ratios, for the constraints.

Couplings (L ⊃ Z_Dα f̄ γ^α (v + a γ5) f), from
:func:`fitkit.models.dark_z.couplings.lepton_couplings` (002 eqs. (2.2), (2.5), (3.1)-(3.2)):

- muon: v = -e eps + g/(4 c_W)(4 s_W^2 - 1) eps_Z + g_mu, a = g/(4 c_W) eps_Z (g_mu = 0 in Case A);
- electron: g_D^e = 0 in Cases A and B; in Case C g_D^e is tuned to cancel the mixing-induced
  vector coupling (:func:`fitkit.models.dark_z.model.tuned_electron_coupling`, 002 sec. 3), so
  only the eps_Z-suppressed axial coupling remains.

Widths and branching ratios are those of the model, :func:`fitkit.models.dark_z.widths.widths`
(002 eqs. (2.15)-(2.17): leptons, neutrinos, hadrons), with ``n_nu`` neutrino flavours: 3 by
default (the physical sum); 002 uses its eq. (2.16), the width into one flavour, as the whole
invisible width (its sec. 4.9 quotes B(Z_D -> νν̄) ≈ 70% for Case A below the dimuon threshold,
which is the one-flavour value 0.665), reproduced with ``n_nu=1``.

Example:
    >>> br = branching_ratios(np.array([0.05]), np.array([1.6e-5]), np.array([2e-3]), np.array([0.0]), "A", n_nu=1)
    >>> round(float(br["nunu"][0]), 3)
    0.665
"""

from __future__ import annotations

import numpy as np

from fitkit.models.dark_z import lepton_couplings, tuned_electron_coupling, widths

__all__ = ["N_NU", "muon_couplings", "electron_direct", "branching_ratios"]

#: Neutrino flavours in the invisible width (module docstring): 3 physically, 1 as in 002.
N_NU: int = 3


def muon_couplings(eps: np.ndarray, eps_Z: np.ndarray, g_mu: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(v, a) of the muon, 002 eqs. (2.2), (2.5), (3.1)."""
    return lepton_couplings(eps, eps_Z, g_mu)


def electron_direct(eps: np.ndarray, eps_Z: np.ndarray, case: str) -> np.ndarray:
    """The direct electron coupling g_D^e: tuned in Case C, zero otherwise (002 eq. (3.2))."""
    return tuned_electron_coupling(eps, eps_Z) if case == "C" else np.zeros_like(np.asarray(eps, dtype=float))


def branching_ratios(
    M: np.ndarray, eps: np.ndarray, eps_Z: np.ndarray, g_mu: np.ndarray, case: str, *, n_nu: int = N_NU
) -> dict[str, np.ndarray]:
    """Branching ratios (keys ee, mumu, tautau, nunu, invisible, hadrons) and ``total`` width (GeV)."""
    w = widths(M, eps=eps, eps_Z=eps_Z, g_mu=g_mu, g_e=electron_direct(eps, eps_Z, case), n_nu=n_nu)
    total = np.asarray(w["total"])
    safe = np.where(total > 0, total, 1.0)
    out = {k: np.where(total > 0, np.asarray(x) / safe, 0.0) for k, x in w.items() if k != "total"}
    out["total"] = total
    return out
