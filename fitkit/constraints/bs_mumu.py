"""B_s -> μ+μ- with the Z_D contribution to C10 at q^2 = m_Bs^2, 002 eqs. (4.7)-(4.9) (Fig. 4).

002 eq. (4.7) without scalar and pseudoscalar operators:

    B(B_s -> μμ) = τ_Bs f_Bs^2 m_Bs^3 G_F^2 α^2 / (64 π^3) |V_tb V_ts^*|^2 sqrt(1 - 4 m_μ^2/m_Bs^2)
                   x 4 m_μ^2/m_Bs^2 |C10|^2

(the rendering prints |V_tb V_ts^*| unsquared; the amplitude is linear in the CKM factor, so
the rate carries its square). The NP shift δC10 is 002 eq. (2.11) at q^2 = m_Bs^2
(:func:`fitkit.models.dark_z.wilson.wilson_coefficients`, physical convention), C10' = 0. The
prediction scales the SM expectation (4.8): B = B_SM |C10^SM + δC10|^2 / |C10^SM|^2, which
cancels f_Bs, τ_Bs and CKM (the tree-level formula gives 3.33e-9 for the SM; the 3.67e-9 of (4.8)
adds the time-integration factor 1/(1 - y_s) and higher-order corrections). It is compared with LHCb 2021 (4.9), errors added in quadrature
(statistical error on the side of the prediction) with the scaled SM error, two-sided, 3σ.

Example:
    >>> c = BsMuMu()
    >>> f"{float(c.predict({'M_ZD': [0.03], 'eps': [0.0], 'eps_Z': [0.0]})[0]):.3e}"
    '3.670e-09'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from fitkit import constants as K
from fitkit.constraints.base import Case, Constraint, inputs, unpack
from fitkit.constraints.zd import branching_ratios
from fitkit.models.dark_z import ckm_lambdas, wilson_coefficients
from fitkit.theory.wilson_sm import sm_coefficients

__all__ = ["BsMuMu", "br_bs_mumu", "delta_c10"]


def br_bs_mumu(C10: np.ndarray | complex, f_Bs: float, alpha: float = K.ALPHA_EM_MB) -> np.ndarray:
    """B(B_s -> μμ) of 002 eq. (4.7) with C_S = C_P = C'_i = 0 (untagged, prompt).

    Example:
        >>> f"{float(br_bs_mumu(-4.1665, 0.2303)):.2e}"  # C10_SM of fitkit.theory.wilson_sm
        '3.33e-09'
    """
    lam_t = abs(ckm_lambdas("bs")[2])
    r = 4 * K.M_MU**2 / K.M_BS**2
    tau_gev = K.TAU_BS / K.HBAR_GEV_S
    pref = tau_gev * f_Bs**2 * K.M_BS**3 * K.G_F**2 * alpha**2 / (64 * np.pi**3) * lam_t**2 * np.sqrt(1 - r)
    return pref * r * np.abs(np.asarray(C10)) ** 2


def delta_c10(M: np.ndarray, eps: np.ndarray, eps_Z: np.ndarray, g_mu: np.ndarray, case: str) -> np.ndarray:
    """δC10,μ at q^2 = m_Bs^2 (complex), 002 eq. (2.11)."""
    width = branching_ratios(M, eps, eps_Z, g_mu, case)["total"]
    _, c10 = wilson_coefficients(K.M_BS**2, M_ZD=M, Gamma_ZD=width, eps=eps, eps_Z=eps_Z, g_direct=g_mu)
    return c10


class BsMuMu(Constraint):
    """B(B_s -> μμ) with δC10 against LHCb 2021 (3σ)."""

    name = "bs_mumu"
    title = "B_s -> mu mu"
    equations = "002 (4.7)-(4.9), (2.11)"
    unit = ""

    def __init__(self) -> None:
        d = inputs(self.name)
        self.sm, self.sm_err = float(d["br_sm"]["value"]), float(d["br_sm"]["error"])
        e = d["br_exp"]
        self.exp, self.up, self.down, self.syst = (float(e[k]) for k in ("value", "stat_up", "stat_down", "syst"))
        self.cl, self.source = float(d["cl"]["value"]), e["source"]
        self.c10_sm = sm_coefficients().C10

    def predict(self, points: Mapping[str, Any], case: Case = "A") -> np.ndarray:
        """B(B_s -> μμ) including δC10."""
        M, eps, epsZ, gmu = unpack(points)
        ratio = np.abs(self.c10_sm + delta_c10(M, eps, epsZ, gmu, case)) ** 2 / self.c10_sm**2
        return self.sm * ratio

    def significance(self, points: Mapping[str, Any], case: Case = "A") -> np.ndarray:
        """(B - B_exp)/σ."""
        p = self.predict(points, case)
        stat = np.where(p > self.exp, self.up, self.down)
        sigma = np.sqrt(stat**2 + self.syst**2 + (self.sm_err * p / self.sm) ** 2)
        return (p - self.exp) / sigma

    def measurement(self) -> dict[str, Any]:
        """LHCb 2021, 002 eq. (4.9)."""
        return {"value": self.exp, "error_up": float(np.hypot(self.up, self.syst)), "error_down": float(np.hypot(self.down, self.syst)), "source": self.source}
