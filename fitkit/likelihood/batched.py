"""Base class of the vectorised costs: an iminuit ``Cost`` defined by its ``batch`` method."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Mapping, Sequence

import numpy as np
from iminuit.cost import Cost

__all__ = ["BatchedCost"]


class BatchedCost(Cost):
    """A cost that evaluates many parameter points at once.

    Subclasses set ``names`` (the parameter names, in order) and implement ``batch(params)``,
    with ``params[name]`` arrays of shape ``(n_points,)``, returning ``(n_points,)``. The scalar
    call used by MIGRAD and a central finite-difference gradient follow from it.
    """

    __slots__ = ("names",)

    @abstractmethod
    def batch(self, params: Mapping[str, float | np.ndarray]) -> np.ndarray:
        """The cost at many points."""

    def _value(self, args: Sequence[float]) -> float:
        return float(self.batch(dict(zip(self.names, args)))[0])

    def _has_grad(self) -> bool:
        return False

    def _grad(self, args: Sequence[float]) -> np.ndarray:
        """Central finite differences, all 2 n points in one batch (MIGRAD computes its own)."""
        x = np.asarray(args, dtype=float)
        h = 1e-6 * np.maximum(np.abs(x), 1e-8)
        values = self.batch(dict(zip(self.names, np.concatenate([x + np.diag(h), x - np.diag(h)]).T)))
        return (values[: x.size] - values[x.size :]) / (2 * h)
