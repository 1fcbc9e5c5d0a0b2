"""π+ -> μ+ ν Z_D(-> νν̄) against PIENU, 002 sec. 4.6 (Fig. 8).

R^{πμνX} = Γ(π+ -> μ+ ν Z_D) B(Z_D -> νν̄) / Γ(π+ -> μ+ ν), with the three-body width of
002 eq. (4.27) after f_K -> f_π, V_us -> V_ud, m_K -> m_π
(:func:`fitkit.constraints.radiative.width_ratio`, Dirac-trace |M|^2 by default, ``method="printed"``
for (4.27) as printed), for 0 < M_ZD < 33.9 MeV.

Limit used (documented approximation): the mass-dependent PIENU 90% CL curves for
T_μ > 1.2 MeV and T_μ < 1.2 MeV (arXiv:2101.07381, drawn in 002 Fig. 8) are not available as
data. fitkit uses the PIENU 90% CL upper limit on the same ratio for the four-body continuum,
Γ(π+ -> μ+ ν ν ν̄)/Γ(π+ -> μ+ ν) < 8.6 x 10^-6 (arXiv:2006.00389), flat in M_ZD. The published
π -> μνX limits lie between a few 10^-6 and a few 10^-5 over the mass range, so the exclusion
drawn here is good to a factor of a few in R, i.e. ~2 in g_D^μ.

Example:
    >>> c = PiMuNuX()
    >>> bool(c.applies({"M_ZD": [0.05], "eps": [0.0], "eps_Z": [1e-4]})[0])
    False
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from scipy import stats

from fitkit.constraints.base import Case, Constraint, inputs, unpack
from fitkit.constraints.radiative import width_ratio
from fitkit.constraints.zd import branching_ratios, muon_couplings

__all__ = ["PiMuNuX"]


class PiMuNuX(Constraint):
    """R^{πμνX} against the PIENU 90% CL limit (flat stand-in, module docstring)."""

    name = "pi_munu_x"
    title = "pi+ -> mu+ nu Z_D(-> invisible), PIENU"
    equations = "002 (4.27) with f_pi, V_ud, m_pi; sec. 4.6"
    unit = ""
    one_sided = True

    def __init__(self, method: str = "traces") -> None:
        self.method = method
        d = inputs(self.name)
        lim = d["limit_ratio"]
        self.limit, self.source = float(lim["value"]), lim["source"]
        self.sigma = self.limit / stats.norm.ppf(float(lim["cl"]))
        self.m_max, self.cl = float(d["m_x_max"]["value"]), float(d["cl"]["value"])

    def applies(self, points: Mapping[str, Any], case: Case = "A") -> np.ndarray:
        """0 < M_ZD < 33.9 MeV (the PIENU range)."""
        return unpack(points)[0] < self.m_max

    def predict(self, points: Mapping[str, Any], case: Case = "A") -> np.ndarray:
        """R^{πμνX}."""
        M, eps, epsZ, gmu = unpack(points)
        v, a = muon_couplings(eps, epsZ, gmu)
        return width_ratio("pi", M, v, a, method=self.method) * branching_ratios(M, eps, epsZ, gmu, case)["nunu"]

    def significance(self, points: Mapping[str, Any], case: Case = "A") -> np.ndarray:
        """R / σ with σ = UL/Φ^-1(0.9)."""
        return self.predict(points, case) / self.sigma

    def measurement(self) -> dict[str, Any]:
        """PIENU 90% CL upper limit (flat stand-in)."""
        return {"upper_limit": self.limit, "cl": 0.90, "source": self.source}
