"""Muon anomalous magnetic moment from Z_D exchange, 002 eqs. (6.1)-(6.3), as a constraint.

One-loop contribution of a vector boson of mass M with couplings L ⊃ Z_D μ̄ γ (v + a γ5) μ
(002 eqs. (6.2)-(6.3), its ref. [83]):

    a_μ = m_μ^2/(4π^2) ∫_0^1 dx [v^2 x^2 (1 - x) + a^2 (x (1 - x)(x - 4) - 2 x^3 m_μ^2/M^2)]
                                 / (m_μ^2 x^2 + M^2 (1 - x)),

computed by the model's :func:`fitkit.models.dark_z.g_minus_2.delta_a_mu` with (v, a) from
:func:`fitkit.constraints.zd.muon_couplings`. For Case A (g_mu = 0) this is
(6.2) with v = -e eps + g/(4 c_W)(4 s_W^2 - 1) eps_Z; 002 prints the squares of the two vector
pieces without their cross term 2 e eps g/(4 c_W)(4 s_W^2 - 1) eps_Z, which is kept here (it is
below 1% at the Case A best fit, eps/eps_Z ~ 1e-2). For Cases B and C, (6.3) keeps only g_D^μ;
here the mixing couplings are added to it (a 1e-3 relative effect at the best fits).

The constraint compares with Δa_μ = 251(59) x 10^-11 (002 eq. (6.1)), two-sided, at 2σ.

Example:
    >>> c = GMinus2()
    >>> f"{float(c.predict({'M_ZD': [0.0302], 'eps': [1e-4], 'eps_Z': [1e-4], 'g_mu': [0.033]}, 'C')[0]):.2e}"
    '7.39e-06'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from fitkit.constraints.base import Case, Constraint, inputs, unpack
from fitkit.constraints.zd import muon_couplings
from fitkit.models.dark_z import delta_a_mu

__all__ = ["GMinus2"]


class GMinus2(Constraint):
    """Δa_μ(Z_D) against 251(59) x 10^-11."""

    name = "g_minus_2"
    title = "muon g-2"
    equations = "002 (6.1)-(6.3)"
    unit = ""

    def __init__(self) -> None:
        d = inputs(self.name)
        self.value, self.error = float(d["delta_a_mu"]["value"]), float(d["delta_a_mu"]["error"])
        self.cl, self.source = float(d["cl"]["value"]), d["delta_a_mu"]["source"]

    def predict(self, points: Mapping[str, Any], case: Case = "A") -> np.ndarray:
        """Δa_μ from Z_D exchange."""
        M, eps, epsZ, gmu = unpack(points)
        v, a = muon_couplings(eps, epsZ, gmu)
        return delta_a_mu(M, v, a)

    def significance(self, points: Mapping[str, Any], case: Case = "A") -> np.ndarray:
        """(Δa_μ^NP - Δa_μ^exp) / σ."""
        return (self.predict(points, case) - self.value) / self.error

    def measurement(self) -> dict[str, Any]:
        """Δa_μ = a_μ^exp - a_μ^SM of 002 eq. (6.1)."""
        return {"value": self.value, "error": self.error, "source": self.source}
