"""Base class of the vectorised costs: an iminuit ``Cost`` defined by its ``batch`` method.

Gradient by batched central differences. A vectorised cost evaluates a handful of points in
about the time of one (darkz-A, 27 bins: 5.5 ms for 1 point, 6.1 ms for 7), so the gradient in
k parameters -- 2 k displaced points -- costs ONE ``batch`` call instead of the 2 k (or more:
MIGRAD refines its steps) single-point calls of MIGRAD's own numerical derivatives:

    g_i = [f(x + h_i e_i) - f(x - h_i e_i)] / (2 h_i),   truncation error h_i^2 f_iii / 6,

with h = :data:`GRADIENT_STEP` units of the parameter's coordinate (log10 x for ``scale: log``
parameters, else x itself or 1 % of its range near zero). A chi^2 ~ 100 is evaluated to ~1e-13,
so rounding adds ~1e-13 / h ~ 1e-8 per coordinate unit. Where x - h or x + h leaves the
parameter's bounds the one-sided second-order formula is used instead,
g_i = +-[4 f(x +- h_i e_i) - f(x +- 2 h_i e_i) - 3 f(x)] / (2 h_i), so the cost is never
evaluated outside the model's bounds and the gradient is that of the point itself.
"""

from __future__ import annotations

import math
from abc import abstractmethod
from collections.abc import Mapping, Sequence

import numpy as np
from iminuit.cost import Cost

from fitkit.models.base import Parameter

__all__ = ["BatchedCost", "WithoutGradient", "GRADIENT_STEP"]

#: Step of the central-difference gradient, in units of the parameter's coordinate (module docstring).
GRADIENT_STEP: float = 1e-5


class BatchedCost(Cost):
    """A cost that evaluates many parameter points at once.

    Subclasses set ``names`` (the parameter names, in order) and implement ``batch(params)``,
    with ``params[name]`` arrays of shape ``(n_points,)``, returning ``(n_points,)``. The scalar
    call used by MIGRAD and the gradient (:class:`fitkit.likelihood.hooks.Differentiable`,
    module docstring) follow from it; ``specs`` (the model's parameters) give each parameter's
    scale and bounds for the difference steps.
    """

    __slots__ = ("names", "specs")

    def __init__(
        self,
        parameters: Mapping[str, tuple[float, float] | None],
        verbose: int = 0,
        *,
        specs: Mapping[str, Parameter] | None = None,
    ) -> None:
        self.specs: dict[str, Parameter] = dict(specs or {})
        super().__init__(dict(parameters), verbose)

    @abstractmethod
    def batch(self, params: Mapping[str, float | np.ndarray]) -> np.ndarray:
        """The cost at many points."""

    def _value(self, args: Sequence[float]) -> float:
        return float(self.batch(dict(zip(self.names, args)))[0])

    def _has_grad(self) -> bool:
        return True

    def _grad(self, args: Sequence[float]) -> np.ndarray:
        """iminuit's gradient interface: :meth:`gradient` in all parameters."""
        return self.gradient(dict(zip(self.names, (float(a) for a in args))), self.names)

    def _bounds(self, name: str) -> tuple[float, float]:
        spec = self.specs.get(name)
        return spec.bounds if spec is not None else (-math.inf, math.inf)

    def coordinate_units(self, x: np.ndarray, wrt: Sequence[str]) -> np.ndarray:
        """One unit of each parameter's coordinate at ``x`` (physical units): |x| ln 10 for a
        log-scale parameter (a step h is h in log10 x), else max(|x|, 1 % of the bounded range,
        or 1 without bounds)."""
        units = np.empty(len(wrt))
        for i, name in enumerate(wrt):
            spec = self.specs.get(name)
            if spec is not None and spec.scale == "log":
                units[i] = abs(x[i]) * math.log(10.0)
                continue
            lo, hi = self._bounds(name)
            units[i] = max(abs(x[i]), 0.01 * (hi - lo) if math.isfinite(hi - lo) else 1.0)
        return units

    def gradient(self, point: Mapping[str, float], wrt: Sequence[str]) -> np.ndarray:
        """d cost / d ``wrt`` at ``point`` (physical units), from ONE ``batch`` call of 2 k + 1
        points: central differences, one-sided at the bounds (module docstring)."""
        wrt = list(wrt)
        k = len(wrt)
        base = np.array([float(point[n]) for n in self.names])
        col = [self.names.index(n) for n in wrt]
        x = base[col]
        h = GRADIENT_STEP * self.coordinate_units(x, wrt)
        # per parameter the displaced points x + a h and x + b h: central (a, b) = (1, -1), or
        # one-sided (1, 2) / (-1, -2) where x - h / x + h leaves the bounds
        a, b = np.ones(k), -np.ones(k)
        for i, name in enumerate(wrt):
            lo, hi = self._bounds(name)
            if x[i] - h[i] < lo:
                b[i] = 2.0
            elif x[i] + h[i] > hi:
                a[i], b[i] = -1.0, -2.0
        eye = np.eye(k)
        full = np.repeat(base[None, :], 2 * k + 1, axis=0)
        full[:, col] = np.concatenate([x[None, :], x + (a * h)[:, None] * eye, x + (b * h)[:, None] * eye])
        f = self.batch(dict(zip(self.names, full.T)))
        f0, f_a, f_b = f[0], f[1 : 1 + k], f[1 + k :]
        return np.where(b == -1.0, (f_a - f_b) / (2 * h), a * (4 * f_a - f_b - 3 * f0) / (2 * h))


class WithoutGradient(Cost):
    """A batched cost with its gradient hidden (``Batched``, not ``Differentiable``), so that MIGRAD
    differentiates it by its own single-point calls: the comparison of ``benchmarks/darkz_fit.py``
    and of the tests."""

    __slots__ = ("inner",)

    def __init__(self, inner: BatchedCost) -> None:
        self.inner = inner
        super().__init__(dict(inner._parameters), 0)

    def batch(self, params: Mapping[str, float | np.ndarray]) -> np.ndarray:
        """The inner cost at many points."""
        return self.inner.batch(params)

    def _value(self, args: Sequence[float]) -> float:
        return float(self.inner._value(args))

    def _ndata(self) -> int:
        return int(self.inner.ndata)

    def _has_grad(self) -> bool:
        return False

    def _grad(self, args: Sequence[float]) -> np.ndarray:
        raise TypeError("this cost hides its gradient: MIGRAD computes its own")
