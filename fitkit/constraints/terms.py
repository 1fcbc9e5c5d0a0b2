"""Low-energy constraints as a likelihood term of a fit definition (builder for ``TERMS``).

:func:`build_constraints_term` follows the term-builder signature of :mod:`fitkit.likelihood`
(``builder(spec, model, *, context) -> iminuit Cost``); registering it as
``TERMS = {"lowenergy": build_constraints_term}`` in a ``fitkit/likelihood`` module lets a fit
definition add the chi^2 of any constraints of 002 sec. 4 to the b -> s l l likelihood::

    terms:
      - {type: gaussian, data: {tags: [bsll]}}
      - {type: lowenergy, constraints: [w_width, trident, k_munu_x]}

The model must be a ``darkz-A/B/C`` model (parameters ``M_ZD``, ``eps``, ``eps_Z`` and, for
Cases B and C, ``g_mu``); parameters the model does not have are fixed at zero (g_mu in Case A).

Example:
    >>> from fitkit.models import get_model
    >>> cost = build_constraints_term({"constraints": ["w_width", "g_minus_2"]}, get_model("darkz-C"))
    >>> sorted(cost._parameters)
    ['M_ZD', 'eps', 'eps_Z', 'g_mu']
    >>> chi2 = cost.batch({"M_ZD": [0.0302, 0.3], "eps": [1e-4] * 2, "eps_Z": [1e-4] * 2, "g_mu": [0.033, 1e-3]})
    >>> (chi2 > 100).tolist()  # 002's Case C best fit is far outside g-2 and the W width
    [True, False]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from fitkit.constraints import CONSTRAINTS, PARAMETERS
from fitkit.constraints.base import Case, ConstraintCost
from fitkit.errors import InputError

__all__ = ["ConstraintsCost", "build_constraints_term"]


class ConstraintsCost(ConstraintCost):
    """Sum of the chi^2 of several constraints over the same parameters (one iminuit cost)."""

    __slots__ = ("members",)

    def __init__(self, names: Sequence[str], *, case: Case, fixed: Mapping[str, float] | None = None) -> None:
        self.members = [CONSTRAINTS[n] for n in names]
        super().__init__(self.members[0], case=case, fixed=fixed)

    def _ndata(self) -> int:
        return len(self.members)

    def batch(self, params: Mapping[str, Any]) -> np.ndarray:
        """Summed chi^2 at many points, ``(n_points,)``."""
        pts = {**self.fixed, **{n: params[n] for n in self.names}}
        return np.sum([c.chi2(pts, self.case) for c in self.members], axis=0)


def build_constraints_term(spec: dict, model: Any, *, context: Any = None) -> ConstraintsCost:
    """Build the cost of ``spec["constraints"]`` (default: all) for a darkz model."""
    names = list(spec.get("constraints") or CONSTRAINTS)
    unknown = [n for n in names if n not in CONSTRAINTS]
    file = getattr(context, "file", None)
    if unknown:
        raise InputError(f"unknown constraints {unknown}; available: {', '.join(CONSTRAINTS)}", file=file, field="terms.constraints")
    case = getattr(model, "case", None)
    if case not in ("A", "B", "C"):
        raise InputError(f"low-energy constraints need a darkz-A/B/C model, not {getattr(model, 'name', model)!r}", file=file, field="model")
    fixed = {p: 0.0 for p in PARAMETERS if p not in model.parameters}
    return ConstraintsCost(names, case=case, fixed=fixed)
