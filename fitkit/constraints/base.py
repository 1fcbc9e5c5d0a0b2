"""The common shape of a low-energy constraint on Z_D (002 section 4) and its iminuit cost.

A :class:`Constraint` maps parameter points of the dark-Z model (``M_ZD`` in GeV, ``eps``,
``eps_Z``, ``g_mu``; arrays of shape ``(n_points,)``) and a model case (``"A"``, ``"B"``, ``"C"``
of 002 sec. 3) to

- a prediction (:meth:`Constraint.predict`, in the unit of :attr:`Constraint.unit`),
- a signed significance z in standard deviations (:meth:`Constraint.significance`): for a
  measurement, the pull (prediction - measured)/sigma; for an upper limit, z = p/sigma with
  sigma = UL / Phi^-1(CL) (the one-sided Gaussian reading of a limit, as in
  :mod:`fitkit.likelihood.limits`), so z = Phi^-1(CL) exactly at the limit,
- the confidence level at which the point is excluded (:meth:`Constraint.exclusion_cl`):
  2 Phi(|z|) - 1 for a two-sided measurement, Phi(z) for a one-sided limit (0 where the
  constraint does not apply, e.g. a mass outside the searched range),
- the verdict at the paper's confidence level :attr:`Constraint.cl` (:meth:`Constraint.excluded`),
- chi^2 = z^2 (one-sided: max(z, 0)^2) as an iminuit cost (:class:`ConstraintCost`), so that a
  constraint can enter a fit next to the b -> s l l likelihood.

Inputs are read from ``data/constraints/low_energy.yaml`` (:func:`inputs`).

Example:
    >>> from fitkit.constraints import CONSTRAINTS
    >>> c = CONSTRAINTS["w_width"]
    >>> pts = {"M_ZD": [0.1], "eps": [0.0], "eps_Z": [1e-3], "g_mu": [0.0]}
    >>> bool(c.excluded(pts, case="A")[0])
    False
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any, Literal

import numpy as np
from iminuit.cost import Cost
from scipy import stats

from fitkit.data.catalog import default_data_dir, read_yaml

__all__ = [
    "Case",
    "PARAMETERS",
    "CASE_DEFAULTS",
    "inputs",
    "unpack",
    "Constraint",
    "ConstraintCost",
]

Case = Literal["A", "B", "C"]

#: The model parameters a constraint reads (002 sec. 3): Z_D mass in GeV, kinetic mixing,
#: mass mixing, direct vector coupling to muons.
PARAMETERS: tuple[str, ...] = ("M_ZD", "eps", "eps_Z", "g_mu")

#: Values of the parameters a case fixes (002 secs. 5.1-5.3).
CASE_DEFAULTS: dict[str, dict[str, float]] = {
    "A": {"g_mu": 0.0},
    "B": {"eps": 1e-4, "eps_Z": 1e-5},
    "C": {"eps": 1e-4, "eps_Z": 1e-4},
}


@cache
def _raw(path: str) -> dict[str, Any]:
    return read_yaml(Path(path))


def inputs(name: str, path: str | Path | None = None) -> dict[str, Any]:
    """The section ``name`` of ``data/constraints/low_energy.yaml`` (values with their sources).

    Example:
        >>> inputs("w_width")["gamma_w"]["value"]
        2.085
    """
    file = Path(path) if path else default_data_dir() / "constraints" / "low_energy.yaml"
    return _raw(str(file))[name]


def unpack(points: Mapping[str, Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(M_ZD, eps, eps_Z, g_mu) as 1-D float arrays broadcast to a common length.

    Missing ``g_mu`` means 0 (Case A); missing ``eps``/``eps_Z`` raise ``KeyError``.
    """
    arrs = [np.atleast_1d(np.asarray(points[n] if n != "g_mu" else points.get(n, 0.0), dtype=float)) for n in PARAMETERS]
    b = np.broadcast_arrays(*arrs)
    return tuple(np.ascontiguousarray(x.ravel()) for x in b)  # type: ignore[return-value]


class Constraint(ABC):
    """One low-energy observable: prediction, measurement or limit, verdict, cost.

    Subclasses set :attr:`name`, :attr:`title`, :attr:`equations`, :attr:`unit`, :attr:`cl`,
    :attr:`one_sided` and implement :meth:`predict`, :meth:`significance` and
    :meth:`measurement`. :meth:`applies` restricts the constraint to part of the parameter space.
    """

    name: str = ""
    title: str = ""
    equations: str = ""
    unit: str = ""
    cl: float = 0.95
    one_sided: bool = False

    @abstractmethod
    def predict(self, points: Mapping[str, Any], case: Case = "A") -> np.ndarray:
        """The predicted observable at each point, shape ``(n_points,)``."""

    @abstractmethod
    def significance(self, points: Mapping[str, Any], case: Case = "A") -> np.ndarray:
        """Signed z (standard deviations) of the prediction against the data, ``(n_points,)``."""

    @abstractmethod
    def measurement(self) -> dict[str, Any]:
        """The measured value (``value``, ``error``) or limit (``upper_limit``, ``cl``) and source."""

    def applies(self, points: Mapping[str, Any], case: Case = "A") -> np.ndarray:
        """Where the constraint applies (boolean, ``(n_points,)``); everywhere by default."""
        return np.ones_like(unpack(points)[0], dtype=bool)

    def chi2(self, points: Mapping[str, Any], case: Case = "A") -> np.ndarray:
        """z^2 (one-sided: max(z, 0)^2), zero where the constraint does not apply."""
        z = self.significance(points, case)
        z = np.maximum(z, 0.0) if self.one_sided else z
        return np.where(self.applies(points, case), z**2, 0.0)

    def exclusion_cl(self, points: Mapping[str, Any], case: Case = "A") -> np.ndarray:
        """Confidence level at which each point is excluded (module docstring)."""
        z = self.significance(points, case)
        cl = stats.norm.cdf(z) if self.one_sided else 2.0 * stats.norm.cdf(np.abs(z)) - 1.0
        return np.where(self.applies(points, case), cl, 0.0)

    def excluded(self, points: Mapping[str, Any], case: Case = "A", cl: float | None = None) -> np.ndarray:
        """True where the point is excluded at ``cl`` (default: the paper's :attr:`cl`)."""
        return self.exclusion_cl(points, case) >= (self.cl if cl is None else cl)

    def cost(self, case: Case = "A", *, fixed: Mapping[str, float] | None = None) -> ConstraintCost:
        """This constraint's chi^2 as an iminuit cost over the parameters not in ``fixed``."""
        return ConstraintCost(self, case=case, fixed=fixed)

    def row(self, point: Mapping[str, float], case: Case = "A") -> dict[str, Any]:
        """The JSON row of ``fitkit constraints`` at one point."""
        pts = {k: [v] for k, v in point.items()}
        excl_cl = float(self.exclusion_cl(pts, case)[0])
        return {
            "name": self.name,
            "title": self.title,
            "equations": self.equations,
            "unit": self.unit,
            "prediction": float(self.predict(pts, case)[0]),
            "measurement_or_limit": self.measurement(),
            "applies": bool(self.applies(pts, case)[0]),
            "significance": float(self.significance(pts, case)[0]),
            "exclusion_cl": excl_cl,
            "excluded": bool(excl_cl >= self.cl),
            "cl": self.cl,
        }


class ConstraintCost(Cost):
    """chi^2 of one :class:`Constraint` as an iminuit cost (composes with ``+``).

    The parameters are those of :data:`PARAMETERS` not given in ``fixed``; ``batch`` evaluates
    many points at once.

    Example:
        >>> from fitkit.constraints import CONSTRAINTS
        >>> cost = CONSTRAINTS["g_minus_2"].cost("C", fixed={"eps": 1e-4, "eps_Z": 1e-4})
        >>> cost._parameters.keys() == {"M_ZD", "g_mu"}
        True
    """

    __slots__ = ("constraint", "case", "fixed", "names")

    def __init__(self, constraint: Constraint, *, case: Case = "A", fixed: Mapping[str, float] | None = None, verbose: int = 0) -> None:
        self.constraint, self.case = constraint, case
        self.fixed = dict(fixed or {})
        self.names = [n for n in PARAMETERS if n not in self.fixed]
        super().__init__({n: None for n in self.names}, verbose)

    def _ndata(self) -> int:
        return 1

    def _value(self, args: Sequence[float]) -> float:
        return float(self.batch({n: [a] for n, a in zip(self.names, args)})[0])

    def _has_grad(self) -> bool:
        return False

    def _grad(self, args: Sequence[float]) -> np.ndarray:
        """Central finite differences (MIGRAD computes its own gradient)."""
        x = np.asarray(args, dtype=float)
        h = 1e-6 * np.maximum(np.abs(x), 1e-8)
        pts = np.concatenate([x + np.diag(h), x - np.diag(h)]).T
        values = self.batch(dict(zip(self.names, pts)))
        return (values[: x.size] - values[x.size :]) / (2 * h)

    def batch(self, params: Mapping[str, Any]) -> np.ndarray:
        """chi^2 at many points, ``(n_points,)``."""
        pts = {**{k: v for k, v in self.fixed.items()}, **{n: params[n] for n in self.names}}
        return self.constraint.chi2(pts, self.case)
