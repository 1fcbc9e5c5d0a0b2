"""Neutrino trident production ν_μ N -> ν_μ N μ+μ- (CCFR), 002 sec. 4.8, eq. (4.39).

002 recasts the CCFR bound on the L_μ - L_τ gauge boson of its ref. [59] (Altmannshofer, Gori,
Pospelov, Yavin, arXiv:1406.2332) to Cases B and C with (g')^2 -> g ε_Z g_D^μ / (4 c_W) (the
Z_D ν ν vertex times the direct muon coupling). That curve is not available as data; fitkit
computes the ratio with the effective-Hamiltonian formula of ref. [59] (its eq. (3)):

    σ/σ_SM = [(C_V + δC_V)^2 + C_A^2] / (C_V^2 + C_A^2),  C_V = 1/2 + 2 s_W^2,  C_A = 1/2,
    δC_V = (g')^2 / (√2 G_F (M_ZD^2 + Λ^2)),

which for Λ = 0 is the contact (heavy Z_D) limit of ref. [59] (exact for M_ZD >> the momentum
flowing through the Z_D). Approximation: for a light Z_D the trident rate saturates because the
Z_D carries a momentum of order Λ; the single effective Λ = 0.55 GeV (``data/constraints``)
is set so that the light-mediator plateau of the CCFR bound of ref. [59] Fig. 2 (g' ≈ 1e-3 for
M_Z' ≲ 0.2 GeV, read off the figure) is reproduced; between the two regimes the interpolation
is good to a factor ~1.5 in g'. The constraint compares with CCFR 0.82 ± 0.28 (4.39), one-sided
at 95% CL (002 Fig. 13). As in 002 it applies to Cases B and C only (the bound assumes a
vector-like muon coupling). The recast takes |g ε_Z g_D^μ|, i.e. constructive interference with
the SM as for L_μ - L_τ (the sign of g_D^μ is convention-dependent; fitkit's Case C best fit has
g_mu < 0, for which the physical interference would lower the rate).

Example:
    >>> c = Trident()
    >>> round(float(c.predict({"M_ZD": [0.1], "eps": [1e-4], "eps_Z": [1e-4], "g_mu": [0.0]}, "C")[0]), 6)
    1.0
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from fitkit import constants as K
from fitkit.constraints.base import Case, Constraint, inputs, unpack
from fitkit.models.dark_z import electroweak

__all__ = ["Trident", "trident_ratio", "g_prime_squared"]


def g_prime_squared(eps_Z: np.ndarray, g_mu: np.ndarray) -> np.ndarray:
    """The recast coupling (g')^2 = |g ε_Z g_D^μ| / (4 c_W) of 002 sec. 4.8 (constructive interference)."""
    _, g, _, c = electroweak()
    return np.abs(g * np.asarray(eps_Z) * np.asarray(g_mu)) / (4.0 * c)


def trident_ratio(g2: np.ndarray, M: np.ndarray, lam: float = 0.0) -> np.ndarray:
    """σ/σ_SM of trident for an L_μ-L_τ-like coupling ``g2`` = (g')^2 (module docstring).

    Example:
        >>> round(float(trident_ratio(np.array([1.0]), np.array([618.0]))[0]), 2)  # contact limit
        1.28
    """
    cv, ca = 0.5 + 2.0 * K.SIN2_THETA_W, 0.5
    dcv = np.asarray(g2) / (np.sqrt(2.0) * K.G_F * (np.asarray(M, dtype=float) ** 2 + lam**2))
    return ((cv + dcv) ** 2 + ca**2) / (cv**2 + ca**2)


class Trident(Constraint):
    """σ(ν_μ N -> ν_μ N μμ)/σ_SM against CCFR (95% CL, one-sided), Cases B and C."""

    name = "trident"
    title = "neutrino trident, CCFR"
    equations = "002 (4.39), sec. 4.8"
    unit = ""
    one_sided = True

    def __init__(self) -> None:
        d = inputs(self.name)
        self.exp, self.err = float(d["ccfr"]["value"]), float(d["ccfr"]["error"])
        self.lam = float(d["lambda_eff"]["value"])
        self.cl, self.source = float(d["cl"]["value"]), d["ccfr"]["source"]

    def applies(self, points: Mapping[str, Any], case: Case = "A") -> np.ndarray:
        """Cases B and C (002 sec. 4.8)."""
        return np.full(unpack(points)[0].shape, case in ("B", "C"))

    def predict(self, points: Mapping[str, Any], case: Case = "A") -> np.ndarray:
        """σ/σ_SM."""
        M, _, epsZ, gmu = unpack(points)
        return trident_ratio(g_prime_squared(epsZ, gmu), M, self.lam)

    def significance(self, points: Mapping[str, Any], case: Case = "A") -> np.ndarray:
        """(σ/σ_SM - 0.82)/0.28."""
        return (self.predict(points, case) - self.exp) / self.err

    def measurement(self) -> dict[str, Any]:
        """CCFR, 002 eq. (4.39)."""
        return {"value": self.exp, "error": self.err, "source": self.source}
