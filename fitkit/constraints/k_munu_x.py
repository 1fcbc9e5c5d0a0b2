"""K+ -> μ+ ν Z_D with Z_D -> invisible (NA62) or Z_D -> e+e- (m_ee > 145 MeV), 002 sec. 4.5.

B(K+ -> μ+ ν Z_D) = τ_K+ Γ(K+ -> μ ν Z_D) / ħ with the three-body width of 002 eqs.
(4.27)-(4.30) (:func:`fitkit.constraints.radiative.width_three_body`; by default with the Dirac-trace
|M|^2, about twice the printed (4.27) for light Z_D; ``method="printed"`` uses (4.27)), the muon couplings
g_V = v, g_A = a of :func:`fitkit.constraints.zd.muon_couplings` (002 eq. (4.26) and text:
g_V = -e ε + g/(4 c_W) ε_Z (4 s_W^2 - 1) + g_D^μ; |g_A| = g/(4 c_W) ε_Z), times the Z_D branching
ratio of :mod:`fitkit.constraints.zd`:

- ``k_munu_x``: B(K -> μ ν Z_D) B(Z_D -> νν̄) < 1.0 x 10^-6 at 90% CL (NA62, eq. (4.31));
  the bound does not apply to a pure dark photon (no νν̄ decay), which the BR factor ensures;
- ``k_munu_ee``: B(K -> μ ν Z_D) B(Z_D -> e+e-) for 0.145 GeV < M_ZD < m_K - m_μ as an
  enhancement of B(K+ -> μ+ ν e+e-) = (7.06 ± 0.31) x 10^-8 (eq. (4.32)), which agrees with the
  SM: z = B_NP/0.31e-8, one-sided, 3σ (002 Fig. 7). As in 002 (sec. 4.5) it does not apply to
  Case C, where the electron coupling is tuned away (the remaining eps_Z-suppressed axial
  coupling would give B(Z_D -> e+e-) = 1/7 below the dimuon threshold).

Example:
    >>> c = KMuNuX()
    >>> bool(c.excluded({"M_ZD": [0.0103], "eps": [1e-4], "eps_Z": [1e-5], "g_mu": [0.28]}, "B")[0])
    True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from scipy import stats

from fitkit import constants as K
from fitkit.constraints.base import Case, Constraint, inputs, unpack
from fitkit.constraints.radiative import width_three_body
from fitkit.constraints.zd import branching_ratios, muon_couplings

__all__ = ["KMuNuX", "KMuNuEE", "br_k_munu_zd"]


def br_k_munu_zd(M: np.ndarray, eps: np.ndarray, eps_Z: np.ndarray, g_mu: np.ndarray, tau_s: float, *, method: str = "traces") -> np.ndarray:
    """B(K+ -> μ+ ν Z_D) (on-shell Z_D, before its decay); ``method`` as in :func:`width_three_body`."""
    v, a = muon_couplings(eps, eps_Z, g_mu)
    return width_three_body("K", M, v, a, method=method) * tau_s / K.HBAR_GEV_S


class KMuNuX(Constraint):
    """B(K+ -> μ+ ν Z_D(-> νν̄)) against NA62 (90% CL)."""

    name = "k_munu_x"
    title = "K+ -> mu+ nu Z_D(-> invisible), NA62"
    equations = "002 (4.26)-(4.31)"
    unit = ""
    one_sided = True
    channel = "nunu"

    def __init__(self, method: str = "traces") -> None:
        d = inputs("k_munu_x")
        self.d, self.tau, self.method = d, float(d["tau_kplus_s"]["value"]), method
        self._init_data()

    def _init_data(self) -> None:
        lim = self.d["limit_invisible"]
        self.limit, self.cl, self.source = float(lim["value"]), float(self.d["cl_invisible"]["value"]), lim["source"]
        self.sigma = self.limit / stats.norm.ppf(float(lim["cl"]))

    def predict(self, points: Mapping[str, Any], case: Case = "A") -> np.ndarray:
        """B(K+ -> μ+ ν Z_D) B(Z_D -> channel)."""
        M, eps, epsZ, gmu = unpack(points)
        br = branching_ratios(M, eps, epsZ, gmu, case)[self.channel]
        return br_k_munu_zd(M, eps, epsZ, gmu, self.tau, method=self.method) * br

    def applies(self, points: Mapping[str, Any], case: Case = "A") -> np.ndarray:
        """Kinematically open: M_ZD < m_K - m_μ."""
        return unpack(points)[0] < K.M_KPLUS - K.M_MU

    def significance(self, points: Mapping[str, Any], case: Case = "A") -> np.ndarray:
        """B / σ with σ = UL/Φ^-1(0.9)."""
        return self.predict(points, case) / self.sigma

    def measurement(self) -> dict[str, Any]:
        """NA62 90% CL upper limit, 002 eq. (4.31)."""
        return {"upper_limit": self.limit, "cl": 0.90, "source": self.source}


class KMuNuEE(KMuNuX):
    """B(K+ -> μ+ ν Z_D(-> e+e-)) within 3σ of eq. (4.32), for M_ZD > 145 MeV."""

    name = "k_munu_ee"
    title = "K+ -> mu+ nu Z_D(-> e+e-)"
    equations = "002 (4.26)-(4.30), (4.32)"
    channel = "ee"

    def _init_data(self) -> None:
        m = self.d["br_exp_ee"]
        self.value, self.sigma, self.m_min = float(m["value"]), float(m["error"]), float(m["m_ee_min"])
        self.cl, self.source = float(self.d["cl_ee"]["value"]), m["source"]

    def applies(self, points: Mapping[str, Any], case: Case = "A") -> np.ndarray:
        """m_ee > 145 MeV, kinematically open, Cases A and B."""
        M = unpack(points)[0]
        return (M > self.m_min) & (M < K.M_KPLUS - K.M_MU) & (case != "C")

    def measurement(self) -> dict[str, Any]:
        """B(K+ -> μ+ ν e+e-), m_ee > 145 MeV, 002 eq. (4.32)."""
        return {"value": self.value, "error": self.sigma, "source": self.source}
