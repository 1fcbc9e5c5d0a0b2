"""K - K̄ mixing: ΔM_K^NP from the s -> d Z_D monopole, 002 eqs. (4.23)-(4.25).

SM short-distance part, eq. (4.23) (charm box, η_1 = 1.38):

    ΔM_K^SM = G_F^2 M_K / (6π^2) M_W^2 (V_cd V_cs^*)^2 η_1 f_K^2 B̂_K S_0(m_c^2/M_W^2),

and NP, eq. (4.24), the analogue of (4.3) with (E^{0,Z}_{s,d})_L, M_K and m_s = m_s(2 GeV)
(:func:`fitkit.constraints.bs_mixing.delta_m_np`). With the inputs of
``data/constraints/low_energy.yaml`` the SM part is 61% of the measured 3.484(6) x 10^-12 MeV
(4.25); the rest is long distance, and η_cc carries a ~40% NNLO uncertainty (Brod, Gorbahn,
arXiv:1108.2036). The constraint therefore asks that the NP shift stays within the SM
uncertainty: z = ΔM_K^NP / sqrt((0.4 ΔM_K^SM)^2 + σ_exp^2), two-sided, 2σ.

Example:
    >>> c = DeltaMK()
    >>> f"{float(c.predict({'M_ZD': [0.01], 'eps': [0.0], 'eps_Z': [1e-3]})[0]):.2e}"  # GeV
    '-1.71e-19'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from fitkit import constants as K
from fitkit.constraints.base import Case, Constraint, inputs, unpack
from fitkit.constraints.bs_mixing import delta_m_np, inami_lim_s0

__all__ = ["DeltaMK", "delta_mk_sm"]


def delta_mk_sm(f2B: float, eta_1: float) -> float:
    """ΔM_K^SM of 002 eq. (4.23) in GeV for f_K^2 B̂_K = ``f2B`` (GeV^2)."""
    V = K.ckm_matrix()
    lam_c = V[1, 0] * V[1, 1].conjugate()
    val = K.G_F**2 * K.M_K0 / (6 * np.pi**2) * K.M_W**2 * lam_c**2 * eta_1 * f2B * inami_lim_s0((K.M_C_MSBAR / K.M_W) ** 2)
    return float(abs(val))


class DeltaMK(Constraint):
    """ΔM_K^NP (eq. (4.24)) within the uncertainty of the SM prediction (4.23)."""

    name = "delta_mk"
    title = "K mixing, Delta M_K^NP"
    equations = "002 (4.23)-(4.25)"
    unit = "GeV"

    def __init__(self) -> None:
        d = inputs(self.name)
        self.f2B = float(d["f_K"]["value"]) ** 2 * float(d["B_K"]["value"])
        self.sm = delta_mk_sm(self.f2B, float(d["eta_1"]["value"]))
        self.exp, self.exp_err = float(d["delta_m_exp_gev"]["value"]), float(d["delta_m_exp_gev"]["error"])
        self.sigma = float(np.hypot(float(d["sm_relative_error"]["value"]) * self.sm, self.exp_err))
        self.cl, self.source = float(d["cl"]["value"]), d["delta_m_exp_gev"]["source"]

    def predict(self, points: Mapping[str, Any], case: Case = "A") -> np.ndarray:
        """Re ΔM_K^NP in GeV, eq. (4.24)."""
        M, _, epsZ, _ = unpack(points)
        return delta_m_np(M, epsZ, self.f2B, transition="sd", m_meson=K.M_K0)

    def significance(self, points: Mapping[str, Any], case: Case = "A") -> np.ndarray:
        """ΔM_K^NP / σ(SM)."""
        return self.predict(points, case) / self.sigma

    def measurement(self) -> dict[str, Any]:
        """ΔM_K^exp, the SM short-distance value and the uncertainty the NP shift is compared with."""
        return {"value": self.exp, "error": self.exp_err, "sm": self.sm, "compared_error": self.sigma, "unit": "GeV", "source": self.source}
