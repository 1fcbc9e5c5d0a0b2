"""BaBar 2013 and Belle 2017 B -> K(*) nu nubar results as chi^2 terms in the X branching ratio.

Superseded in the 003 analysis (:mod:`fitkit.analyses.paper003.light_x`, treatment "combined") by the
per-channel counting likelihoods of :mod:`fitkit.likelihood.counting` (observed events,
backgrounds, K+ and K0S / K*+ and K*0 channels, mass-dependent acceptance); kept as the
"combined-published" treatment and for the 000 / plotting uses of the published numbers.

003 fits BaBar's binned s_B = q^2/m_B^2 spectra; those are not public as data. What is used
here are the published branching ratios and limits (cards
``data/bknunu/babar_2013_bknunu.yaml`` and ``data/bknunu/limits/belle_2017_bknunu.yaml``,
``data/darkphoton/limits/belle_2017_kstarnunu.yaml``):

- a measurement BR = v (+s_up, -s_down), SM expectation s: an asymmetric Gaussian in the
  prediction s + B_X, chi^2 = ((s + B_X - v) / s_side)^2 with the upper error when the
  prediction is above v (errors of a card's components added in quadrature);
- a 90% CL upper limit UL: read as an estimate 0 +- sigma of the total rate with
  sigma = UL / Phi^-1(0.90) (the ``one-sided-gaussian`` construction of
  :mod:`fitkit.likelihood.limits`), chi^2 = ((s + B_X) / sigma)^2.

What is lost: the mass dependence (a two-body X populates one s_B bin; the searches' efficiency
varies with q^2), so these terms constrain B_X equally at every m_X below threshold. Adding B_X
to a measured total assumes the search's efficiency for K X equals its SM efficiency.

Example:
    >>> c = BRConstraint("x", mean=1e-5, sigma_below=1e-5, sigma_above=2e-5, source="")
    >>> np.round(c.chi2(np.array([0.0, 1e-5, 3e-5])), 12).tolist()
    [1.0, 0.0, 1.0]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import stats

from fitkit.constants import SM_BR_KNUNU
from fitkit.data.catalog import Catalog
from fitkit.data.limits import find_limit
from fitkit.errors import InputError
from fitkit.likelihood.penalty import asymmetric_gaussian

__all__ = [
    "BRConstraint",
    "K_INPUTS",
    "KSTAR_INPUTS",
    "SM_BR",
    "constraints",
    "as_penalties",
    "total_chi2",
    "upper_limit",
]

#: (card id, measurement id) of measurements and limit ids per mode.
K_INPUTS: dict[str, list[str]] = {"measurements": ["babar2013_Kp_nunu"], "limits": ["belle2017_Kp_nunu"]}
KSTAR_INPUTS: dict[str, list[str]] = {"measurements": ["babar2013_Kst_nunu"], "limits": ["belle2017_Kst_nunu"]}
#: SM branching ratios used with the limits (same as the BaBar card's SM expectations).
SM_BR: dict[str, float] = SM_BR_KNUNU


@dataclass(frozen=True)
class BRConstraint:
    """chi^2 = ((B_X - mean) / sigma_side)^2 in the new-physics branching ratio B_X.

    ``sigma_below`` applies for B_X < mean; an infinite sigma switches that side off.
    """

    id: str
    mean: float
    sigma_below: float
    sigma_above: float
    source: str

    def chi2(self, br: np.ndarray) -> np.ndarray:
        """chi^2 at branching ratios ``br`` (any shape)."""
        return asymmetric_gaussian(br, self.mean, self.sigma_below, self.sigma_above)[0]


def constraints(mode: str, catalog: Catalog | None = None) -> list[BRConstraint]:
    """The BaBar measurement and the Belle limit for ``mode`` ("K" or "K*") as chi^2 terms in B_X."""
    catalog = catalog or Catalog()
    inputs = K_INPUTS if mode == "K" else KSTAR_INPUTS
    out = []
    for m in catalog.select(ids=inputs["measurements"]):
        up = math.sqrt(sum(u**2 for u, _ in m.errors.values()))
        down = math.sqrt(sum(d**2 for _, d in m.errors.values()))
        if m.sm is None:
            raise InputError("a BR constraint needs the card's SM expectation", file=m.card, entry=m.id, field="sm")
        out.append(BRConstraint(m.id, mean=m.value - m.sm, sigma_below=down, sigma_above=up, source=m.card))
    for lid in inputs["limits"]:
        path, lf, lim = find_limit(lid, Path(catalog.root))
        sigma = lim.upper_limit / stats.norm.ppf(lim.cl)
        out.append(BRConstraint(lim.id, mean=-SM_BR[mode], sigma_below=math.inf, sigma_above=sigma, source=lf.id))
    return out


def as_penalties(cons: Sequence[BRConstraint]) -> list[tuple[float, float, float]]:
    """The constraints as (mean, sigma_below, sigma_above) branching-ratio penalties (template fits' ``external``)."""
    return [(c.mean, c.sigma_below, c.sigma_above) for c in cons]


def total_chi2(cons: Sequence[BRConstraint], br: np.ndarray) -> np.ndarray:
    """Sum of the constraints' chi^2 at ``br``."""
    return np.sum([c.chi2(br) for c in cons], axis=0)


def upper_limit(cons: Sequence[BRConstraint], *, cl: float = 0.90, br_max: float = 5e-4, n: int = 200001) -> float:
    """Profile-likelihood upper limit on B_X >= 0: Delta chi^2 = Phi^-1(cl)^2 above the minimum on B_X >= 0.

    The one-sided asymptotic limit of Cowan, Cranmer, Gross, Vitells (arXiv:1007.1727 eq. (16)
    with the boundary at zero); ``cl`` = 0.90 gives Delta chi^2 = 1.64, a 2 sigma bound use
    cl = Phi(2) = 0.977.

    Example:
        >>> round(upper_limit([BRConstraint("g", 0.0, 1e-5, 1e-5, "")]) * 1e5, 4)
        1.2816
    """
    grid = np.linspace(0.0, br_max, n)
    chi = total_chi2(cons, grid)
    threshold = chi.min() + stats.norm.ppf(cl) ** 2
    i_min = int(np.argmin(chi))
    above = np.flatnonzero((chi > threshold) & (np.arange(n) > i_min))
    if above.size == 0:
        return math.inf
    j = above[0]
    x0, x1, y0, y1 = grid[j - 1], grid[j], chi[j - 1], chi[j]
    return float(x0 + (threshold - y0) * (x1 - x0) / (y1 - y0))
