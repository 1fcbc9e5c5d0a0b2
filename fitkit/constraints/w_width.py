"""W width: Γ(W -> ℓ ν Z_D) against the measured Γ_W, 002 eqs. (4.40)-(4.42) and (5.4).

002 eq. (4.40) (from its ref. [14]), for m_ℓ, M_ZD << M_W and a longitudinally enhanced Z_D,

    Γ(W -> ℓ ν Z_D) ≃ (C - C̃)^2 G_F M_W^5 / (512 √2 π^3 M_ZD^2),

with the effective vector and axial Z_D ℓ ℓ couplings in the normalisation of 002 sec. 4.9:
C = -e eps + (g/c_W) eps_Z g_V^ℓ + g_D^ℓ and C̃ = (g/c_W) eps_Z g_A^ℓ, g_V^ℓ = (-1 + 4 s_W^2)/2,
g_A^ℓ = -1/2 (the sign of the eps term relative to eps_Z and g_D is that of the physical vector
coupling of :func:`fitkit.models.dark_z.couplings.lepton_couplings`; it matters only when both
are comparable). Note that in this normalisation the Z-type part of C - C̃ = 2 s_W^2 (g/c_W) eps_Z
is twice the right-handed coupling of L ⊃ Z_D ℓ̄ γ (v + a γ5) ℓ; we follow 002, which reproduces
its eq. (4.42).

Two readings (``mode``):

- ``"invisible"`` (002 eq. (4.41)): the new W -> ℓ + invisible rate, Γ(W -> ℓνZ_D) B(Z_D -> νν̄);
- ``"total"`` (002 eq. (5.4) and its ref. [14]): every Z_D decay adds to Γ_W. This is the
  reading of the registered ``w_width`` constraint (the measured quantity is the total width);
  for Case A below the dimuon threshold it gives eps_Z < 0.066 (M_ZD/100 MeV) instead of 0.08.

The muon is the lepton (the direct coupling g_mu of Cases B and C is to muons). The new
contribution must lie within the uncertainty of Γ_W = 2.085 ± 0.042 GeV; z = ΔΓ/σ(Γ_W), one-sided,
excluded at 2σ (002).

Example:
    >>> c = WWidth(mode="total")
    >>> round(float(c.predict({"M_ZD": [0.1], "eps": [0.0], "eps_Z": [0.0], "g_mu": [0.022]})[0]), 4)
    0.0843
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Literal

import numpy as np

from fitkit import constants as K
from fitkit.constraints.base import Case, Constraint, inputs, unpack
from fitkit.constraints.zd import N_NU, branching_ratios
from fitkit.models.dark_z import electroweak

__all__ = ["WWidth", "width_w_lnu_zd", "effective_couplings"]


def effective_couplings(eps: np.ndarray, eps_Z: np.ndarray, g_direct: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(C, C̃) of 002 sec. 4.9 (module docstring), dimensionless."""
    e, g, s, c = electroweak()
    gV, gA = (-1.0 + 4.0 * s**2) / 2.0, -0.5
    C = -e * np.asarray(eps) + g / c * np.asarray(eps_Z) * gV + np.asarray(g_direct)
    Ct = g / c * np.asarray(eps_Z) * gA
    return C, Ct


def width_w_lnu_zd(M: np.ndarray, C: np.ndarray, Ct: np.ndarray) -> np.ndarray:
    """Γ(W -> ℓ ν Z_D) in GeV, 002 eq. (4.40); ``M`` in GeV."""
    return (C - Ct) ** 2 * K.G_F * K.M_W**5 / (512.0 * math.sqrt(2.0) * math.pi**3 * np.asarray(M) ** 2)


class WWidth(Constraint):
    """Γ(W -> μ ν Z_D) (times B(Z_D -> νν̄) in ``"invisible"`` mode) within the Γ_W error."""

    name = "w_width"
    title = "W width, W -> mu nu Z_D"
    equations = "002 (4.40)-(4.42), (5.4)"
    unit = "GeV"
    one_sided = True

    def __init__(self, mode: Literal["invisible", "total"] = "invisible", n_nu: int = N_NU) -> None:
        d = inputs(self.name)
        self.mode, self.n_nu = mode, n_nu
        self.gamma_w, self.sigma = float(d["gamma_w"]["value"]), float(d["gamma_w"]["error"])
        self.cl = float(d["cl"]["value"])
        self.source = d["gamma_w"]["source"]

    def predict(self, points: Mapping[str, Any], case: Case = "A") -> np.ndarray:
        """New contribution to Γ(W -> μ + X) in GeV."""
        M, eps, epsZ, gmu = unpack(points)
        C, Ct = effective_couplings(eps, epsZ, gmu)
        gam = width_w_lnu_zd(M, C, Ct)
        if self.mode == "invisible":
            gam = gam * branching_ratios(M, eps, epsZ, gmu, case, n_nu=self.n_nu)["nunu"]
        return gam

    def significance(self, points: Mapping[str, Any], case: Case = "A") -> np.ndarray:
        """ΔΓ / σ(Γ_W)."""
        return self.predict(points, case) / self.sigma

    def measurement(self) -> dict[str, Any]:
        """Γ_W = 2.085 ± 0.042 GeV; the new width must stay within the error."""
        return {"value": self.gamma_w, "error": self.sigma, "unit": "GeV", "compared": "new width vs error", "source": self.source}
