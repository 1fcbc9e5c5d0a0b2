"""Term type ``lowenergy``: the low-energy constraints of 002 sec. 4 as one chi^2 term.

Spec: ``{type: lowenergy, constraints: [bs_mixing, apv, ...]}`` (default: all of
:data:`fitkit.constraints.CONSTRAINTS`); the model must be ``darkz-A``, ``darkz-B`` or ``darkz-C``.
The constraints package is imported when a fit asks for the term, not before.
"""

from __future__ import annotations

from typing import Any

__all__ = ["build_lowenergy_term", "TERMS"]


def build_lowenergy_term(spec: dict, model: Any, *, context: Any) -> Any:
    """Build :class:`fitkit.constraints.terms.ConstraintsCost` for a dark-Z model."""
    from fitkit.constraints.terms import build_constraints_term

    return build_constraints_term(spec, model, context=context)


TERMS = {"lowenergy": build_lowenergy_term}
