"""K -> π Z_D(-> νν̄) through the s -> d Z_D monopole, 002 eqs. (4.19)-(4.22), sec. 4.4.

As for B -> K Z_D (:mod:`fitkit.constraints.b_knunu`, 002 eq. (4.10)), with the s -> d vertex
h_sd = h(M^2) of :func:`fitkit.models.dark_z.couplings.monopole_vertex` (``transition="sd"``)
and g_V = h_sd/2:

    Γ(K+ -> π+ Z_D) = |h_sd/2|^2 λ^{3/2}(m_K^2, m_π^2, M^2) |f_+(M^2)|^2 / (16 π m_K^3 M^2),

with the K_l3 form factor f_+(t) = f_+(0) (1 + λ'_+ t/m_π^2 + λ''_+ t^2/m_π^4) (FLAG f_+(0), PDG
slopes). For K_L -> π0 Z_D only the CP-violating part survives: in the isospin limit
Γ(K_L -> π0 Z_D) is the same expression with (Im h_sd)^2 in place of |h_sd|^2 and the K_L, π0
masses (the 1/√2 of the π0 and of K_L = (K0 - K̄0)/√2 cancel against the factor 2 of the
imaginary part).

Comparison: B(K+ -> π+ νν̄) = B_SM (4.21) + B(K+ -> π+ Z_D) B(Z_D -> νν̄) against NA62 (4.19),
two-sided at 2σ, where M_ZD^2 lies in one of the NA62 missing-mass-squared signal regions
(a two-body decay has m_miss^2 = M_ZD^2; the region around m_π0^2 is not part of the search);
B(K_L -> π0 νν̄) against the KOTO 90% CL limit (4.20). The constraint reports the K+ mode; the
point is excluded if either comparison excludes it (:meth:`KPiNuNu.exclusion_cl`).

Example:
    >>> c = KPiNuNu()
    >>> f"{float(c.predict({'M_ZD': [0.05], 'eps': [0.0], 'eps_Z': [0.0]})[0]):.2e}"
    '8.40e-11'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from scipy import stats

from fitkit import constants as K
from fitkit.constraints.b_knunu import branching_fraction
from fitkit.constraints.base import Case, Constraint, inputs, unpack
from fitkit.constraints.zd import branching_ratios
from fitkit.models.dark_z import monopole_vertex
from fitkit.theory.kinematics import kallen

__all__ = ["KPiNuNu", "width_k_to_pi"]


def width_k_to_pi(M: np.ndarray, g_V: np.ndarray, m_K: float, m_pi: float, fplus: tuple[float, float, float]) -> np.ndarray:
    """Γ(K -> π Z_D) in GeV for the vector coupling ``g_V``; ``fplus`` = (f_+(0), λ'_+, λ''_+)."""
    M = np.asarray(M, dtype=float)
    t = M**2
    lam = np.clip(kallen(m_K**2, m_pi**2, t), 0.0, None)
    y = t / K.M_PIPLUS**2
    fp = fplus[0] * (1.0 + fplus[1] * y + fplus[2] * y**2)
    return np.abs(g_V) ** 2 * lam**1.5 * fp**2 / (16 * np.pi * m_K**3 * t)


class KPiNuNu(Constraint):
    """K+ -> π+ νν̄ (NA62, 2σ) and K_L -> π0 νν̄ (KOTO, 90% CL) with on-shell Z_D."""

    name = "k_pinunu"
    title = "K -> pi Z_D(-> nu nu), NA62 / KOTO"
    equations = "002 (4.19)-(4.22)"
    unit = ""

    def __init__(self) -> None:
        d = inputs(self.name)
        self.d = d
        self.fplus = (float(d["fplus0"]["value"]), float(d["slope_lin"]["value"]), float(d["slope_quad"]["value"]))
        e = d["br_exp_kplus"]
        self.exp, self.up, self.down, self.syst = (float(e[k]) for k in ("value", "stat_up", "stat_down", "syst"))
        self.sm_k, self.sm_k_err = float(d["br_sm_kplus"]["value"]), float(d["br_sm_kplus"]["error"])
        self.sm_l = float(d["br_sm_klong"]["value"])
        self.sig_l = float(d["limit_klong"]["value"]) / stats.norm.ppf(float(d["limit_klong"]["cl"]))
        self.cl = float(d["cl"]["value"])
        self.cl_koto = float(d["limit_klong"]["cl"])
        self.regions = [tuple(v["value"]) for v in inputs("k_pinunu_regions").values()]

    def branching_ratios(self, points: Mapping[str, Any], case: Case = "A") -> tuple[np.ndarray, np.ndarray]:
        """(B(K+ -> π+ νν̄), B(K_L -> π0 νν̄)) including the SM."""
        M, eps, epsZ, gmu = unpack(points)
        h = monopole_vertex(M**2, eps, epsZ, transition="sd")
        bnn = branching_ratios(M, eps, epsZ, gmu, case)["nunu"]
        open_p = M < K.M_KPLUS - K.M_PIPLUS
        open_l = M < float(self.d["m_klong"]["value"]) - K.M_PI0
        Mp = np.where(open_p, M, 0.1)
        Ml = np.where(open_l, M, 0.1)
        gp = width_k_to_pi(Mp, h / 2, K.M_KPLUS, K.M_PIPLUS, self.fplus)
        gl = width_k_to_pi(Ml, np.imag(h) / 2, float(self.d["m_klong"]["value"]), K.M_PI0, self.fplus)
        bp = self.sm_k + np.where(open_p, branching_fraction(gp, float(self.d["tau_kplus_s"]["value"])), 0.0) * bnn
        bl = self.sm_l + np.where(open_l, branching_fraction(gl, float(self.d["tau_klong_s"]["value"])), 0.0) * bnn
        return bp, bl

    def _in_regions(self, M: np.ndarray) -> np.ndarray:
        m2 = M**2
        return np.any([(m2 >= lo) & (m2 <= hi) for lo, hi in self.regions], axis=0)

    def predict(self, points: Mapping[str, Any], case: Case = "A") -> np.ndarray:
        """B(K+ -> π+ νν̄) (SM + Z_D)."""
        return self.branching_ratios(points, case)[0]

    def pulls(self, points: Mapping[str, Any], case: Case = "A") -> tuple[np.ndarray, np.ndarray]:
        """(z_NA62, z_KOTO): NA62 pull (0 outside its signal regions) and B_L/σ_KOTO."""
        bp, bl = self.branching_ratios(points, case)
        stat = np.where(bp > self.exp, self.up, self.down)
        sigma = np.sqrt(stat**2 + self.syst**2 + (self.sm_k_err) ** 2)
        zp = np.where(self._in_regions(unpack(points)[0]), (bp - self.exp) / sigma, 0.0)
        return zp, bl / self.sig_l

    def significance(self, points: Mapping[str, Any], case: Case = "A") -> np.ndarray:
        """The NA62 pull, or the KOTO one where that excludes more strongly."""
        zp, zl = self.pulls(points, case)
        cl_p = 2 * stats.norm.cdf(np.abs(zp)) - 1
        return np.where(stats.norm.cdf(zl) > cl_p, zl, zp)

    def exclusion_cl(self, points: Mapping[str, Any], case: Case = "A") -> np.ndarray:
        """max(2Φ(|z_NA62|) - 1, Φ(z_KOTO)) rescaled so that either nominal CL maps to :attr:`cl`."""
        zp, zl = self.pulls(points, case)
        cl_p = 2 * stats.norm.cdf(np.abs(zp)) - 1
        # KOTO's 90% CL limit is put on the NA62 (2 sigma) scale: z_KOTO * 2 / Phi^-1(0.9)
        cl_l = 2 * stats.norm.cdf(np.maximum(zl, 0.0) * 2.0 / stats.norm.ppf(self.cl_koto)) - 1
        return np.maximum(cl_p, cl_l)

    def chi2(self, points: Mapping[str, Any], case: Case = "A") -> np.ndarray:
        """z_NA62^2 + max(z_KOTO, 0)^2."""
        zp, zl = self.pulls(points, case)
        return zp**2 + np.maximum(zl, 0.0) ** 2

    def measurement(self) -> dict[str, Any]:
        """NA62 (4.19) and the KOTO limit (4.20)."""
        d = self.d
        return {
            "value": self.exp, "error_up": float(np.hypot(self.up, self.syst)), "error_down": float(np.hypot(self.down, self.syst)),
            "source": d["br_exp_kplus"]["source"],
            "klong": {"upper_limit": d["limit_klong"]["value"], "cl": self.cl_koto, "source": d["limit_klong"]["source"]},
        }
