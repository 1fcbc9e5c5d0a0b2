"""B_s - B̄_s mixing: Δ_mix = ΔM_Bs^NP / ΔM_Bs^SM, 002 eqs. (4.1)-(4.6) (Fig. 3).

SM short-distance mass difference, 002 eq. (4.1) with the Inami-Lim function (4.2):

    ΔM_Bs^SM = G_F^2 M_Bs / (6π^2) M_W^2 (V_tb V_ts^*)^2 η_B f_Bs^2 B̂_Bs S_0(m̄_t^2/M_W^2),
    S_0(x) = (4x - 11x^2 + x^3)/(4(1-x)^2) - 3 x^3 ln x / (2 (1-x)^3)

(the standard S_0 of Inami-Lim / Buras; the text rendering of (4.2) prints "3 x ln x / 2(1-x)^2",
a transcription slip: that form is not the box function and gives S_0(x_t) < 0). NP from the
monopole operator, eq. (4.3):

    ΔM_Bs^NP = (1/3) f_Bs^2 B̂_Bs M_Bs (E^{0,Z}_{b,s})_L^2 / (M_Bs^2 - M_ZD^2) (1 - 5/8 m_b^2/M_ZD^2),

with (E^{0,Z})_L from :func:`fitkit.models.dark_z.couplings.penguin_couplings` (002 eq. (B.7)) and
m_b = m_b(m_b). Δ_mix = Re ΔM^NP / |ΔM^SM| (eq. (4.6)) is free of f_Bs^2 B̂_Bs. Since Δ_mix <= 0,
002 compares it with the 6.5% lower uncertainty of ΔM^SM = 18.4 (+0.7 -1.2) ps^-1 (4.4) and
draws the 2σ line: z = -Δ_mix / 0.065, one-sided, excluded at 2σ.

Example:
    >>> c = BsMixing()
    >>> round(float(c.predict({"M_ZD": [0.1], "eps": [0.0], "eps_Z": [1e-3]})[0]), 5)
    -0.00571
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from fitkit import constants as K
from fitkit.constraints.base import Case, Constraint, inputs, unpack
from fitkit.models.dark_z import ckm_lambdas, load_inputs, penguin_couplings

__all__ = ["BsMixing", "inami_lim_s0", "delta_m_sm", "delta_m_np"]


def inami_lim_s0(x: np.ndarray | float) -> np.ndarray:
    """S_0(x) of 002 eq. (4.2) (Inami-Lim box function), dimensionless.

    Example:
        >>> round(float(inami_lim_s0((163.53 / 80.3692) ** 2)), 4)
        2.323
    """
    x = np.asarray(x, dtype=float)
    return (4 * x - 11 * x**2 + x**3) / (4 * (1 - x) ** 2) - 3 * x**3 * np.log(x) / (2 * (1 - x) ** 3)


def delta_m_sm(f2B: float, eta_B: float) -> float:
    """|ΔM_Bs^SM| of 002 eq. (4.1) in GeV for f_Bs^2 B̂_Bs = ``f2B`` (GeV^2)."""
    mt = load_inputs().quark_mass["t"]
    lam_t = ckm_lambdas("bs")[2]
    val = K.G_F**2 * K.M_BS / (6 * np.pi**2) * K.M_W**2 * lam_t**2 * eta_B * f2B * inami_lim_s0((mt / K.M_W) ** 2)
    return float(abs(val))


def delta_m_np(M: np.ndarray, eps_Z: np.ndarray, f2B: float, *, transition: str = "bs", m_meson: float = K.M_BS, m_q: float | None = None) -> np.ndarray:
    """Re ΔM^NP in GeV of 002 eq. (4.3) (``transition="sd"``, M_K, m_s: eq. (4.24))."""
    E = penguin_couplings(0.0, eps_Z, transition=transition).E0Z_L  # type: ignore[arg-type]
    mq = load_inputs().quark_mass["b" if transition == "bs" else "s"] if m_q is None else m_q
    M = np.asarray(M, dtype=float)
    val = f2B * m_meson * E**2 / (3.0 * (m_meson**2 - M**2)) * (1.0 - 5.0 / 8.0 * mq**2 / M**2)
    return np.real(val)


class BsMixing(Constraint):
    """Δ_mix of 002 eq. (4.6) against the 6.5% lower SM uncertainty (2σ, one-sided)."""

    name = "bs_mixing"
    title = "B_s mixing, Delta_mix"
    equations = "002 (4.1)-(4.6)"
    unit = ""
    one_sided = True

    def __init__(self) -> None:
        d = inputs(self.name)
        self.f2B = float(d["fBs_sqrtB"]["value"]) ** 2
        self.eta_B = float(d["eta_B"]["value"])
        sm = d["delta_m_sm_ps"]
        self.rel_error = float(sm["error_down"]) / float(sm["value"])
        self.cl = float(d["cl"]["value"])
        self.source = sm["source"]

    def predict(self, points: Mapping[str, Any], case: Case = "A") -> np.ndarray:
        """Δ_mix = ΔM^NP / ΔM^SM (dimensionless, <= 0 below the B_s mass)."""
        M, _, epsZ, _ = unpack(points)
        return delta_m_np(M, epsZ, self.f2B) / delta_m_sm(self.f2B, self.eta_B)

    def significance(self, points: Mapping[str, Any], case: Case = "A") -> np.ndarray:
        """-Δ_mix / (relative lower SM error)."""
        return -self.predict(points, case) / self.rel_error

    def measurement(self) -> dict[str, Any]:
        """The 6.5% lower uncertainty of ΔM^SM that Δ_mix must stay within."""
        return {"value": 0.0, "error": self.rel_error, "compared": "-Delta_mix vs relative lower SM error", "source": self.source}
