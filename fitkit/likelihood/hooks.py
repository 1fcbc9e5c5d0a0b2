"""The optional hooks a likelihood term offers to the fit machinery, declared as Protocols.

A term is an iminuit ``Cost``; :mod:`fitkit.inference.fit` also uses, when a term has them,

- :class:`Batched`: the cost at many parameter points at once (start grids, grid scans);
- :class:`WithObservables`: per-observable rows (measured, SM, best fit, pull) for the result;
- :class:`WithExtras`: term-specific numbers of the result (e.g. a local significance);
- :class:`WithProfiledExtras`: the same for a term whose numbers need its own profile;
- :class:`PoissonTerm`: -2 ln L of counts rather than a chi^2 (``saturated``: relative to the
  saturated model), which decides how chi^2_min is read (:func:`fitkit.inference.fit.goodness_of_fit`);
- :class:`WithNuisanceStart`: start values and limits of a term's nuisance parameters;
- :class:`ExportsPyhf`: the term as a pyhf workspace at given parameter values (``fitkit export``).
- :class:`Differentiable`: the cost's gradient in its parameters, which MIGRAD then uses
  instead of its own finite differences (one cost call per displaced point).

Terms with nuisance parameters are :class:`fitkit.inference.profile.Profilable`; a model's
generated spectrum for folding through efficiency maps is
:class:`fitkit.models.base.KnunuSpectrum`.

Example:
    >>> import numpy as np
    >>> class C:
    ...     def batch(self, params): return np.zeros(len(next(iter(params.values()))))
    >>> isinstance(C(), Batched), isinstance(C(), WithExtras), isinstance(C(), Differentiable)
    (True, False, False)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np

__all__ = [
    "Batched",
    "WithObservables",
    "WithExtras",
    "WithProfiledExtras",
    "PoissonTerm",
    "SaturatedTerm",
    "WithNuisanceStart",
    "ExportsPyhf",
    "Differentiable",
]


@runtime_checkable
class Batched(Protocol):
    """``batch(params)``: the cost at ``n`` points, ``params[name]`` arrays ``(n,)`` -> ``(n,)``."""

    def batch(self, params: Mapping[str, np.ndarray]) -> np.ndarray: ...


@runtime_checkable
class WithObservables(Protocol):
    """``observables(point, sm_point)``: one dict per observable (id, exp, sm, fit, pull, ...)."""

    _parameters: Mapping[str, Any]  # the cost's parameters (iminuit Cost)

    def observables(self, point: Mapping[str, float], sm_point: Mapping[str, float]) -> list[dict[str, Any]]: ...


@runtime_checkable
class WithExtras(Protocol):
    """``extras(point)``: numbers for the result besides the fit (JSON-ready)."""

    _parameters: Mapping[str, Any]  # the cost's parameters (iminuit Cost)

    def extras(self, point: Mapping[str, float]) -> dict[str, Any]: ...


@runtime_checkable
class WithProfiledExtras(Protocol):
    """``extras(point, profile)``: result numbers of a profiled term; ``profile(values)`` is -2 ln L
    with the exposed parameters at ``values`` and the nuisances profiled."""

    def extras(self, point: Mapping[str, float], profile: Callable[[Mapping[str, float]], float]) -> dict[str, Any]: ...


@runtime_checkable
class PoissonTerm(Protocol):
    """A term whose value is -2 ln L of Poisson counts (``poisson`` True)."""

    poisson: bool


@runtime_checkable
class SaturatedTerm(Protocol):
    """A Poisson term written as -2 ln(L / L_saturated) (``saturated`` True): its minimum reads as a chi^2."""

    saturated: bool


@runtime_checkable
class WithNuisanceStart(Protocol):
    """Start values and limits of the term's nuisance parameters, by name."""

    start: Mapping[str, float]
    limits: Mapping[str, tuple[float, float]]


@runtime_checkable
class ExportsPyhf(Protocol):
    """``pyhf_workspace(values)``: the term as a pyhf workspace spec (a dict) at parameter ``values``."""

    def pyhf_workspace(self, values: Mapping[str, float]) -> dict[str, Any]: ...


@runtime_checkable
class Differentiable(Protocol):
    """``gradient(point, wrt)``: d cost / d parameter for the parameters ``wrt`` at ``point``.

    ``point`` gives every parameter of the cost (physical values); the result has shape
    ``(len(wrt),)``, in the order of ``wrt`` (the parameters a fit varies), physical units.
    """

    def gradient(self, point: Mapping[str, float], wrt: Sequence[str]) -> np.ndarray: ...
