"""A one-sided upper limit (e.g. BR(B0 -> K* nu nubar) < 2.7e-5 at 90% CL) as an iminuit cost.

Published limits without a likelihood are turned into a chi^2 of the prediction p >= 0 of a
model (a new-physics branching ratio). Three constructions (``construction``):

- ``one-sided-gaussian`` (default): the search is read as an estimate 0 +- sigma (no signal)
  whose one-sided CL upper limit is the published one, UL = z_CL sigma with
  z_CL = Phi^-1(CL) (1.2816 at 90%); chi^2 = (max(p, 0)/sigma)^2, i.e. chi^2(UL) = z_CL^2
  (1.64 at 90%).
- ``chi2-quantile``: sigma such that the limit sits at the Delta chi^2 of a two-sided CL
  interval with one degree of freedom, chi^2(UL) = F^-1_chi2(1)(CL) (2.71 at 90%), i.e.
  sigma = UL / sqrt(2.71) — the reading of a limit as a profile-likelihood boundary.
- ``hard``: the limit imposed as a cut, as 000 does (eqs. (4.6), (5.3)): chi^2 = 0 for p <= UL
  and a steep quadratic wall ((p - UL)/(w UL))^2 above it (``wall`` w, default 0.01), which is
  continuous with a continuous first derivative, so that MIGRAD can work with it.

The limits live in YAML files under any ``limits/`` folder of the data directory (a non-card
area)::

    id: belle_2017_kstarnunu
    source: {experiment: Belle, arxiv: "1702.03224", year: 2017, ...}   # as in data cards
    limits:
      - {id: belle2017_Kst_nunu, observable: "BR(B0->K*nunu)", upper_limit: 2.7e-5, cl: 0.90}

A fit definition names a limit by id; ``compare_to`` gives the model observable compared with it
when that differs from the measured one (000 compares B0 -> K* gamma_D, ``BR(B0->K*inv)``, with
the K* nu nubar limit)::

    terms:
      - {type: upper-limit, limit: belle2017_Kst_nunu, compare_to: "BR(B0->K*inv)"}

Example:
    >>> round(limit_sigma(2.7e-5, 0.90, "one-sided-gaussian") * 1e5, 4)
    2.1068
    >>> round(limit_sigma(2.7e-5, 0.90, "chi2-quantile") * 1e5, 4)
    1.6415
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Literal

import numpy as np
from scipy import stats

from fitkit.data.limits import UpperLimit
from fitkit.data.observables import parse_observable
from fitkit.data.schema import Measurement
from fitkit.errors import InputError
from fitkit.likelihood.batched import BatchedCost
from fitkit.models.base import Model, as_points

__all__ = [
    "Construction",
    "CONSTRUCTIONS",
    "limit_sigma",
    "limit_chi2",
    "UpperLimitChi2",
    "build_upper_limit_term",
    "TERMS",
]

Construction = Literal["one-sided-gaussian", "chi2-quantile", "hard"]
CONSTRUCTIONS: tuple[str, ...] = ("one-sided-gaussian", "chi2-quantile", "hard")


def limit_sigma(upper_limit: float, cl: float, construction: Construction) -> float:
    """Width sigma of the Gaussian read into a limit (module docstring); ``hard`` has none (inf)."""
    if construction == "one-sided-gaussian":
        return upper_limit / float(stats.norm.ppf(cl))
    if construction == "chi2-quantile":
        return upper_limit / math.sqrt(float(stats.chi2.ppf(cl, 1)))
    if construction == "hard":
        return math.inf
    raise InputError(f"unknown construction {construction!r}; use one of {', '.join(CONSTRUCTIONS)}", field="construction")


def limit_chi2(
    prediction: np.ndarray,
    upper_limit: float,
    cl: float,
    construction: Construction = "one-sided-gaussian",
    wall: float = 0.01,
) -> np.ndarray:
    """chi^2 of predictions (any shape) against the limit, by ``construction``.

    Example:
        >>> p = np.array([0.0, 2.7e-5, 5.4e-5])
        >>> np.round(limit_chi2(p, 2.7e-5, 0.9), 3)
        array([0.   , 1.642, 6.569])
        >>> np.round(limit_chi2(p, 2.7e-5, 0.9, "chi2-quantile"), 3)
        array([ 0.   ,  2.706, 10.822])
        >>> float(limit_chi2(np.array(2.6e-5), 2.7e-5, 0.9, "hard"))
        0.0
    """
    p = np.maximum(np.asarray(prediction, dtype=float), 0.0)
    if construction == "hard":
        if not wall > 0:
            raise InputError(f"wall must be > 0, got {wall}", field="wall")
        return (np.maximum(p - upper_limit, 0.0) / (wall * upper_limit)) ** 2
    return (p / limit_sigma(upper_limit, cl, construction)) ** 2


class UpperLimitChi2(BatchedCost):
    """The chi^2 of one model observable against one upper limit; composes with ``+``.

    Its parameters are the model's (physical values, model order); ``batch`` evaluates many
    points at once.

    Example:
        >>> from fitkit.models import get_model
        >>> lim = UpperLimit(id="k", observable="BR(B0->K*nunu)", upper_limit=2.7e-5, cl=0.9)
        >>> cost = UpperLimitChi2(lim, get_model("massless-dark-photon"), compare_to="BR(B0->K*inv)")
        >>> round(float(cost.batch({"alpha_D": [1.0], "Lambda": [9.473e7], "m_Q": [0.5]})[0]), 2)
        1.64
    """

    __slots__ = ("limit", "model", "construction", "wall", "measurement")

    def __init__(
        self,
        limit: UpperLimit,
        model: Model,
        *,
        compare_to: str | None = None,
        construction: Construction = "one-sided-gaussian",
        wall: float = 0.01,
        source_id: str = "",
        verbose: int = 0,
    ) -> None:
        if construction not in CONSTRUCTIONS:
            raise InputError(f"unknown construction {construction!r}; use one of {', '.join(CONSTRUCTIONS)}", field="construction")
        observable = compare_to or limit.observable
        parsed = parse_observable(observable)
        sigma = limit_sigma(limit.upper_limit, limit.cl, construction)
        err = sigma if math.isfinite(sigma) else limit.upper_limit
        self.measurement = Measurement(
            id=limit.id, card=source_id, observable=observable, lepton=parsed.lepton, q2=None,
            value=limit.upper_limit, errors={"limit": (err, err)}, sm=None, sm_error=None,
            sm_source=None, tags=(), scale=1.0,
        )
        model.check_measurements([self.measurement])
        self.limit, self.model, self.construction, self.wall = limit, model, construction, wall
        self.names = list(model.parameters)
        bounds = {n: p.bounds for n, p in model.parameters.items()}
        super().__init__({n: (None if np.isinf(bounds[n]).all() else bounds[n]) for n in self.names}, verbose, specs=model.parameters)

    def _ndata(self) -> int:
        return 1




    def predictions(self, params: Mapping[str, float | np.ndarray]) -> np.ndarray:
        """The compared observable at each point, shape ``(n_points,)``."""
        pts = as_points({n: params[n] for n in self.names})
        return np.atleast_2d(self.model.predict([self.measurement], pts))[:, 0]

    def batch(self, params: Mapping[str, float | np.ndarray]) -> np.ndarray:
        """chi^2 at many points: ``params[name]`` of shape ``(n_points,)`` -> ``(n_points,)``."""
        return limit_chi2(self.predictions(params), self.limit.upper_limit, self.limit.cl, self.construction, self.wall)

    def observables(self, params: Mapping[str, float], sm_params: Mapping[str, float] | None = None) -> list[dict]:
        """One row: the limit, the prediction at ``params`` (and at ``sm_params``) and its chi^2."""
        fit = float(self.predictions(params)[0])
        sm = float(self.predictions(sm_params)[0]) if sm_params is not None else 0.0
        chi2 = float(limit_chi2(np.array(fit), self.limit.upper_limit, self.limit.cl, self.construction, self.wall))
        return [
            {
                "id": self.limit.id,
                "observable": self.measurement.observable,
                "q2": None,
                "exp": self.limit.upper_limit,
                "exp_error": self.measurement.errors["limit"][0],
                "theory_error": 0.0,
                "sm": sm,
                "fit": fit,
                "pull_sm": -math.sqrt(float(limit_chi2(np.array(sm), self.limit.upper_limit, self.limit.cl, self.construction, self.wall))),
                "pull": -math.sqrt(chi2),
                "kind": f"upper limit at {100 * self.limit.cl:g}% CL ({self.construction})",
            }
        ]


def build_upper_limit_term(spec: dict, model: Model, *, context) -> UpperLimitChi2:
    """Term type ``upper-limit``: ``{limit: id, compare_to: observable, construction, wall}``."""
    allowed = {"type", "limit", "compare_to", "construction", "wall"}
    unknown = set(spec) - allowed
    if unknown:
        raise InputError(f"unknown key(s) {', '.join(sorted(unknown))} in an upper-limit term", file=context.file, field="terms")
    if "limit" not in spec:
        raise InputError("an upper-limit term needs 'limit: <id>'", file=context.file, field="terms.limit")
    path, lf, limit = context.catalog.limit(str(spec["limit"]))  # follows supersedes
    construction = spec.get("construction", "one-sided-gaussian")
    try:
        return UpperLimitChi2(
            limit, model, compare_to=spec.get("compare_to"), construction=construction,
            wall=float(spec.get("wall", 0.01)), source_id=lf.id,
        )
    except (InputError, ValueError) as exc:
        raise InputError(str(getattr(exc, "message", exc)), file=context.file, entry=limit.id, field="terms") from None


TERMS = {"upper-limit": build_upper_limit_term}
