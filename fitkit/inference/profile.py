"""Profiling nuisance parameters: the one place where likelihoods with nuisances are minimised.

A likelihood module hands inference a cost with its nuisance parameters exposed
(:class:`NuisanceCost`: -2 ln L over all parameters with its gradient and Hessian, e.g.
:class:`fitkit.likelihood.histfactory.WorkspaceCost`); :func:`fit_nuisances` minimises it
(MIGRAD seeded with the analytic Hessian, then Newton steps), and :class:`ProfiledCost` turns a
:class:`Profilable` term (a few exposed model parameters, every other parameter profiled at each
evaluation) into an iminuit ``Cost`` that composes by ``+`` with the other terms of a fit.

Example:
    >>> import numpy as np
    >>> class Parabola:  # -2 ln L = (x - 1)^2 / 0.25 + (y - x)^2 in (x, y)
    ...     parameters = ["x", "y"]; index = {"x": 0, "y": 1}
    ...     init = np.zeros(2); bounds = np.array([[-5.0, 5.0], [-5.0, 5.0]]); fixed = np.zeros(2, bool)
    ...     def value(self, x): return float((x[0] - 1) ** 2 / 0.25 + (x[1] - x[0]) ** 2)
    ...     def grad(self, x): return np.array([8 * (x[0] - 1) - 2 * (x[1] - x[0]), 2 * (x[1] - x[0])])
    ...     def hessian(self, x, free=None):
    ...         h = np.array([[10.0, -2.0], [-2.0, 2.0]]); f = np.arange(2) if free is None else free
    ...         return h[np.ix_(f, f)]
    >>> r = fit_nuisances(Parabola())
    >>> round(r.values["x"], 6), round(r.values["y"], 6), round(r.errors["x"], 6)
    (1.0, 1.0, 0.5)
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np
from iminuit import Minuit
from iminuit.cost import Cost

from fitkit.likelihood.hooks import PoissonTerm, WithProfiledExtras

__all__ = ["parameter_bounds", "NuisanceCost", "Profilable", "ProfileFit", "ProfiledCost", "fit_nuisances", "make_minuit", "as_cost", "positive_definite"]


@runtime_checkable
class NuisanceCost(Protocol):
    """-2 ln L over all parameters of a likelihood (POIs and nuisances), with derivatives.

    ``bounds`` (n_par, 2), ``init`` (n_par,) and ``fixed`` (n_par,) bool are the likelihood's own
    (e.g. a pyhf measurement's config); ``hessian(x, free)`` is the Hessian of ``value`` in the
    parameters ``free`` (indices; default all).
    """

    parameters: list[str]
    index: dict[str, int]
    init: np.ndarray
    bounds: np.ndarray
    fixed: np.ndarray

    def value(self, x: np.ndarray) -> float: ...

    def grad(self, x: np.ndarray) -> np.ndarray: ...

    #: ``hessian(x, free)``, or None for a cost without one (then MIGRAD + HESSE, no Newton polish)
    hessian: Callable[..., np.ndarray] | None


@runtime_checkable
class Profilable(Protocol):
    """A likelihood term whose non-exposed parameters are profiled at every evaluation.

    ``exposed``: the term's parameters as the fit sees them (model parameters);
    ``nuisance_cost(values)`` gives the full cost at those values, the parameters to hold fixed
    and bound overrides; ``ndata``: number of observations.
    """

    exposed: list[str]
    ndata: int

    def nuisance_cost(
        self, values: Mapping[str, float]
    ) -> tuple[NuisanceCost, dict[str, float], dict[str, tuple[float, float]]]: ...


@dataclass(frozen=True)
class ProfileFit:
    """Result of :func:`fit_nuisances`: ``twice_nll`` = -2 ln L at the minimum; HESSE-like errors."""

    values: dict[str, float]
    errors: dict[str, float]
    twice_nll: float
    valid: bool
    nfcn: int


def make_minuit(
    fcn: Callable[[np.ndarray], float],
    x0: np.ndarray,
    *,
    grad: Callable[[np.ndarray], np.ndarray] | None = None,
    hessian: Callable[[np.ndarray], np.ndarray] | None = None,
    name: Sequence[str] | None = None,
) -> Minuit:
    """A Minuit (errordef 1, for -2 ln L or chi^2) on a vector function, optionally with derivatives.

    iminuit 2.33 needs a G2 callable whenever a Hessian is given, although the Hessian
    overrides it; its diagonal is passed and iminuit's warning about that is silenced.
    """
    names = None if name is None else list(name)
    if hessian is None:
        m = Minuit(fcn, x0, grad=grad, name=names)
    else:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="hessian overrides g2")
            m = Minuit(fcn, x0, grad=grad, hessian=hessian, g2=lambda x: np.diag(hessian(x)), name=names)
    m.errordef = Minuit.LEAST_SQUARES
    return m


def positive_definite(hh: np.ndarray) -> np.ndarray:
    """MIGRAD's seed must be positive definite: far from the minimum, shift the diagonal."""
    shift = 0.0
    eye = np.eye(hh.shape[0])
    for _ in range(30):
        try:
            np.linalg.cholesky(hh + shift * eye)
            return hh + shift * eye
        except np.linalg.LinAlgError:
            shift = max(2.0 * shift, 1e-3 * float(np.abs(np.diag(hh)).max()))
    return np.diag(np.abs(np.diag(hh)) + 1.0)


def parameter_bounds(cost: NuisanceCost, limits: Mapping[str, tuple[float, float]] | None = None) -> np.ndarray:
    """(n_par, 2) bounds of the cost's parameters, those named in ``limits`` replaced."""
    lim = np.asarray(cost.bounds, float).copy()
    for k, (lo, hi) in (limits or {}).items():
        lim[cost.index[k]] = (lo, hi)
    return lim


def fit_nuisances(
    cost: NuisanceCost,
    *,
    fixed: Mapping[str, float] | None = None,
    start: Mapping[str, float] | None = None,
    limits: Mapping[str, tuple[float, float]] | None = None,
    hesse: bool = True,
    strategy: int = 0,
    polish: int = 1,
    ncall: int | None = 20000,
    iterate: int = 1,
) -> ProfileFit:
    """Maximum-likelihood fit of a :class:`NuisanceCost`: MIGRAD with analytic gradient and Hessian.

    Parameters in ``fixed`` are held at the given values (plus those the cost fixes itself);
    ``start`` overrides starting values, ``limits`` bounds. After MIGRAD, ``polish`` Newton steps
    x -> x - H^-1 grad on the free parameters inside their bounds make the minimum accurate to
    ~1e-9 in -2 ln L, so profiled costs built on it are smooth. Errors are sqrt(diag(2 H^-1)) of
    the cost's Hessian of -2 ln L (analytic for :class:`fitkit.likelihood.histfactory.WorkspaceCost`)
    at the polished minimum. iminuit (2.33 here) takes the Hessian itself (``Minuit(..., hessian=)``):
    MIGRAD's seed here, and its HESSE would use it too (checked with iminuit 2.33: no function
    calls), but ``Minuit.hesse`` also copies the covariance into Python element by element (~15 ms
    for 232 parameters), so the inverse is taken here from the same Hessian.
    """
    names = list(cost.parameters)
    x0 = np.asarray(cost.init, float).copy()
    for k, v in (start or {}).items():
        x0[cost.index[k]] = v
    fix = dict(fixed or {})
    for k, v in fix.items():
        x0[cost.index[k]] = v
    if cost.hessian is None:
        return _fit_without_hessian(cost, x0, fix, limits, hesse=hesse, strategy=strategy, ncall=ncall)
    hessian = cost.hessian
    m = make_minuit(cost.value, x0, grad=cost.grad, hessian=lambda x: positive_definite(hessian(x)), name=names)
    m.strategy = strategy
    m.tol = 0.01
    m.print_level = 0
    lim = parameter_bounds(cost, limits)
    m.limits = [tuple(b) for b in lim]
    fixed_mask = np.array([bool(cost.fixed[i] or p in fix) for i, p in enumerate(names)])
    for i, p in enumerate(names):
        if fixed_mask[i]:
            m.fixed[p] = True
    # one MIGRAD with the analytic Hessian seed; the Newton polish below finishes the job
    # (iminuit's automatic strategy-2 retries are slow with 200+ parameters)
    m.migrad(ncall=ncall, iterate=iterate)
    if not m.valid:
        # rare (a few % of toys, with MC-stat gammas running to their lower bound): restart
        # from there with the gradient only (MINUIT's own variable-metric updates)
        m2 = make_minuit(cost.value, np.asarray(m.values), grad=cost.grad, name=names)
        m2.strategy = 1
        m2.limits = [tuple(b) for b in lim]
        for i, p in enumerate(names):
            if fixed_mask[i]:
                m2.fixed[p] = True
        m2.migrad(ncall=ncall)
        if m2.fval < m.fval:
            m = m2
    x = np.asarray(m.values, dtype=float)
    fval = float(m.fval)
    free = np.flatnonzero(~fixed_mask)
    hess, hess_cols = None, free
    for _ in range(polish if m.valid else max(polish, 8)):  # an unconverged MIGRAD: more Newton steps
        inside = free[(x[free] > lim[free, 0] + 1e-9) & (x[free] < lim[free, 1] - 1e-9)]
        hess, hess_cols = hessian(x, inside), inside
        try:
            step = np.linalg.solve(hess, cost.grad(x)[inside])
        except np.linalg.LinAlgError:
            break
        trial = x.copy()
        trial[inside] = np.clip(x[inside] - step, lim[inside, 0], lim[inside, 1])
        ft = cost.value(trial)
        if not ft <= fval:
            break
        x, fval = trial, ft
    errors = np.zeros_like(x)
    if hesse:
        # the Hessian of the last Newton step (its point differs from x by that tiny step)
        if hess is None or hess_cols.size != free.size:
            hess, hess_cols = hessian(x, free), free
        try:
            cov = 2.0 * np.linalg.inv(hess)
            errors[hess_cols] = np.sqrt(np.clip(np.diag(cov), 0.0, None))
        except np.linalg.LinAlgError:
            errors[free] = np.inf
    return ProfileFit(
        values=dict(zip(names, x.tolist(), strict=True)),
        errors=dict(zip(names, errors.tolist(), strict=True)),
        twice_nll=fval,
        valid=bool(m.valid),
        nfcn=int(m.nfcn),
    )


def _fit_without_hessian(
    cost: NuisanceCost,
    x0: np.ndarray,
    fix: Mapping[str, float],
    limits: Mapping[str, tuple[float, float]] | None,
    *,
    hesse: bool,
    strategy: int,
    ncall: int | None,
) -> ProfileFit:
    """MIGRAD (numerical second derivatives) and MINUIT's HESSE for a cost without a Hessian."""
    names = list(cost.parameters)
    m = make_minuit(cost.value, x0, grad=cost.grad, name=names)
    m.strategy = strategy
    m.print_level = 0
    lim = parameter_bounds(cost, limits)
    m.limits = [tuple(b) for b in lim]
    for i, p in enumerate(names):
        if cost.fixed[i] or p in fix:
            m.fixed[p] = True
    m.migrad(ncall=ncall)
    if hesse:
        m.hesse()
    errors = [0.0 if m.fixed[p] else float(m.errors[p]) for p in names]
    return ProfileFit(
        values=dict(zip(names, (float(v) for v in m.values), strict=True)),
        errors=dict(zip(names, errors, strict=True)) if hesse else dict.fromkeys(names, 0.0),
        twice_nll=float(m.fval),
        valid=bool(m.valid),
        nfcn=int(m.nfcn),
    )


class ProfiledCost(Cost):
    """A :class:`Profilable` term as an iminuit ``Cost`` of its exposed parameters.

    Every evaluation fixes the exposed parameters and minimises the rest with
    :func:`fit_nuisances` (warm-started from the previous point), so a likelihood with hundreds
    of nuisance parameters enters a fit as a cost of a handful of parameters; chi^2 differences
    are profile likelihood ratios.
    """

    def __init__(self, term: Profilable) -> None:
        self.term = term
        self.names = list(term.exposed)
        self.poisson = isinstance(term, PoissonTerm) and bool(term.poisson)
        self._warm: dict[str, float] | None = None
        super().__init__({n: None for n in self.names}, 0)

    def at(self, values: Mapping[str, float]) -> ProfileFit:
        """The profiled fit with the exposed parameters at ``values``."""
        cost, fixed, limits = self.term.nuisance_cost({k: float(values[k]) for k in self.names})
        r = fit_nuisances(cost, fixed=fixed, start=self._warm, limits=limits, hesse=False)
        self._warm = {k: v for k, v in r.values.items() if k not in fixed}
        return r

    def _value(self, args: Sequence[float]) -> float:
        return self.at(dict(zip(self.names, (float(a) for a in args), strict=True))).twice_nll

    def _grad(self, args: Sequence[float]) -> np.ndarray:
        """Central differences of the profiled cost (iminuit computes its own: has_grad is False)."""
        x = np.asarray(args, float)
        h = 1e-4 * np.maximum(1.0, np.abs(x))
        return np.array([(self._value(x + d) - self._value(x - d)) / (2 * h[i]) for i, d in enumerate(np.diag(h))])

    def _has_grad(self) -> bool:
        return False

    def _ndata(self) -> int:
        return int(self.term.ndata)

    def batch(self, params: Mapping[str, np.ndarray]) -> np.ndarray:
        """The profiled cost at many points (sequential warm-started inner fits)."""
        n = len(next(iter(params.values())))
        return np.array([self.at({k: float(np.asarray(params[k])[i]) for k in self.names}).twice_nll for i in range(n)])

    def extras(self, point: Mapping[str, float]) -> dict[str, Any]:
        """The term's own numbers for ``fitkit fit --json`` (it may evaluate the profile)."""
        if not isinstance(self.term, WithProfiledExtras):
            return {}
        return dict(self.term.extras(point, lambda values: self.at(values).twice_nll))


def as_cost(term: Any) -> Any:
    """A likelihood term as the fit sees it: :class:`Profilable` terms profiled, costs unchanged."""
    return ProfiledCost(term) if isinstance(term, Profilable) and not isinstance(term, Cost) else term
