"""B -> K(*) Z_D(-> νν̄) on shell, 002 eqs. (4.10)-(4.18) (Fig. 5).

The b -> s Z_D vertex is L ⊃ h (s̄ γ^μ P_L b) Z_Dμ with h = h(M_ZD^2) of
:func:`fitkit.models.dark_z.couplings.monopole_vertex` (002 eqs. (2.6), (B.3), (B.7), (B.9)), so
the vector and axial couplings of the quark current are g_V = h/2, g_A = -h/2. The widths are
those of :func:`fitkit.theory.narrow.width_b_to_vector` with g_L = h, g_R = 0 (written once there):

    Γ(B -> K Z_D)  = |g_V|^2 λ^{3/2} |f_+(M^2)|^2 / (16 π m_B^3 M^2),                   (4.10)
    Γ(B -> K* Z_D) = λ^{1/2} / (16 π m_B^3) (|H_0|^2 + |H_+|^2 + |H_-|^2),                 (4.11)
    H_0 = g_A [(m_B + m_K*) A_1 x - 2 m_K* M A_2 (x^2 - 1)/(m_B + m_K*)],
    H_± = g_A (m_B + m_K*) A_1 ∓ g_V 2 m_K* M V sqrt(x^2 - 1)/(m_B + m_K*),             (4.13)

with λ of (4.12) and x = (m_B^2 - m_K*^2 - M^2)/(2 m_K* M). 002 writes g_{V(A)} = E_L ± E_R,
i.e. twice the couplings above, with 64π in (4.10) and amplitudes (4.13) printed with an overall
factor -1/2 (H_0) and 1/2 (H_±): both rates are identical to the ones here. The 1/M^2 of (4.10)
and the x of H_0 are the longitudinal enhancement (m_B/M)^2 of a vector coupled to the
non-conserved monopole current E^{0,Z}: for a light Z_D these rates are large (e.g.
B(B+ -> K+ Z_D) ~ 0.1 at M_ZD = 30 MeV, ε_Z = 1e-4), in line with the 'dark Z' estimate
B(B -> K Z_d) ~ 0.1 (ε_Z m_Z/M_ZD)^2 of Davoudiasl, Lee, Marciano (arXiv:1203.2947), 002 ref.
[56]. The branching ratio is Γ/(Γ_B + Γ), so that it stays below one. Form factors: B -> K from
GRvDV 2023, B -> K* from BSZ 2015 (:func:`fitkit.theory.formfactors.form_factors`).

The prediction B_SM + B(B -> K(*) Z_D) B(Z_D -> νν̄) is compared with the 90% CL upper limits
(4.16) for B+ -> K+ νν̄ and (4.18) for B0 -> K*0 νν̄ (one-sided Gaussian reading); the constraint
reports the K+ mode and the larger significance of the two.

Example:
    >>> c = BKNuNu()
    >>> f"{float(c.predict({'M_ZD': [1.0], 'eps': [0.0], 'eps_Z': [0.0]})[0]):.1e}"
    '4.4e-06'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from scipy import stats

from fitkit import constants as K
from fitkit.constraints.base import Case, Constraint, inputs, unpack
from fitkit.constraints.zd import branching_ratios
from fitkit.models.dark_z import monopole_vertex
from fitkit.theory.narrow import width_b_to_vector

__all__ = ["BKNuNu"]


def branching_fraction(width: np.ndarray, tau_s: float) -> np.ndarray:
    """Γ/(Γ_SM + Γ) for a new partial width ``width`` of a particle of SM lifetime ``tau_s``."""
    g0 = K.HBAR_GEV_S / tau_s
    return width / (g0 + width)


class BKNuNu(Constraint):
    """B+ -> K+ νν̄ and B0 -> K*0 νν̄ with on-shell Z_D against the 90% CL limits."""

    name = "b_knunu"
    title = "B -> K(*) Z_D(-> nu nu)"
    equations = "002 (4.10)-(4.18)"
    unit = ""
    one_sided = True

    def __init__(self) -> None:
        d = inputs(self.name)
        self.d = d
        self.cl = float(d["cl"]["value"])
        z = stats.norm.ppf(0.90)
        self.sig_k = float(d["limit_kplus"]["value"]) / z
        self.sig_ks = float(d["limit_kstar0"]["value"]) / z

    def branching_ratios(self, points: Mapping[str, Any], case: Case = "A") -> tuple[np.ndarray, np.ndarray]:
        """(B(B+ -> K+ νν̄), B(B0 -> K*0 νν̄)) including the SM, eqs. (4.14)-(4.15)."""
        M, eps, epsZ, gmu = unpack(points)
        h = monopole_vertex(M**2, eps, epsZ, transition="bs")
        bnn = branching_ratios(M, eps, epsZ, gmu, case)["nunu"]
        open_k = M < K.M_BPLUS - K.M_KPLUS
        open_ks = M < K.M_B0 - K.M_KSTAR0
        zero = np.zeros_like(h)  # L ⊃ h (s̄ γ^μ P_L b) Z_Dμ: g_L = h, g_R = 0 (g_V = h/2, g_A = -h/2 above)
        gk = branching_fraction(width_b_to_vector("B+->K", M, h, zero), K.TAU_BPLUS)
        gks = branching_fraction(width_b_to_vector("B0->K*", M, h, zero), K.TAU_B0)
        bk = float(self.d["br_sm_kplus"]["value"]) + np.where(open_k, gk, 0.0) * bnn
        bks = float(self.d["br_sm_kstar0"]["value"]) + np.where(open_ks, gks, 0.0) * bnn
        return bk, bks

    def predict(self, points: Mapping[str, Any], case: Case = "A") -> np.ndarray:
        """B(B+ -> K+ νν̄) (SM + Z_D)."""
        return self.branching_ratios(points, case)[0]

    def significance(self, points: Mapping[str, Any], case: Case = "A") -> np.ndarray:
        """max(B_K/σ_K, B_K*/σ_K*), σ = UL/Φ^-1(0.9)."""
        bk, bks = self.branching_ratios(points, case)
        return np.maximum(bk / self.sig_k, bks / self.sig_ks)

    def measurement(self) -> dict[str, Any]:
        """The 90% CL upper limits (4.16), (4.18)."""
        d = self.d
        return {
            "upper_limit": d["limit_kplus"]["value"], "cl": 0.90, "source": d["limit_kplus"]["source"],
            "kstar0": {"upper_limit": d["limit_kstar0"]["value"], "cl": 0.90, "source": d["limit_kstar0"]["source"]},
        }
