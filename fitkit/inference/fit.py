"""Best fits with iminuit: vectorised grid, multi-start MIGRAD + HESSE (MINOS on request).

The chi^2 surfaces of light mediators are multimodal (a narrow resonance walks through the
q^2 bins as its mass changes), so :func:`fit` first evaluates the cost on a grid over the free
parameters (in their fit coordinates, log10 for ``scale: log``) when the fit definition asks
for one, then runs MIGRAD from the ``starts`` best grid cells and from up to ``starts`` local
minima of the grid (cells no higher than their neighbours). A refined minimum is a runner-up
when it is distinct (2 % of a fit range away from every better one) and separated from each
better one by a barrier: on the straight segment between them, in fit coordinates, the cost
rises at least ``RUNNER_UP_BARRIER`` (= 1) above the higher of the two. Points in a flat valley
(a parameter the data do not fix) are therefore not reported as separate solutions, and only
minima inside the 3 sigma region of the free parameters (chi2 - chi2_min below the 99.73 %
quantile of chi^2 with n_free degrees of freedom, 11.83 for two) are listed: the islands of
the 1/2/3 sigma contour plots. Nuisance parameters of the terms (e.g. pyhf) are profiled by
MIGRAD.

MIGRAD gets the gradient of the terms when every term is
:class:`~fitkit.likelihood.hooks.Differentiable` (:class:`FitGradient`; for the vectorised costs
one batch call of 2k + 1 points, ~ the time of one point, instead of MINUIT's 2k or more
single-point calls) and then runs with strategy 0 (strategy 1 would check the gradient against
its own numerical one); HESSE runs once, on the reported minimum (its errors are the result's).
With the gradient MIGRAD's first steps are long: from a start in a local minimum of the grid it
can step over the barrier into a better valley. Such a start (the end point distinct from and
separated by a barrier from its start cell) is redone with MINUIT's own derivatives, which keep
it in its basin, so that islands are still found (002 Case B: the valley at M_ZD ~ 0.21 GeV) --
if its grid cell lies less than ``ISLAND_REDO_LEVELS`` runner-up levels above the best minimum.

Definitions (002 sec. 5): chi2_SM is the cost at the model's SM point; the pull w.r.t. the SM
is sqrt(chi2_SM - chi2_min); ``significance_sm`` converts chi2_SM - chi2_min with n_free
degrees of freedom into Gaussian sigmas; ``p_value`` is P(chi^2_ndof > chi2_min) with
ndof = n_data - n_free. A Poisson term (pyhf workspaces, the Belle II likelihood; costs with
``poisson = True``) is -2 ln L, not a chi^2: unless it is -2 ln(L / L_saturated) (``saturated =
True``), chi2_min has no goodness-of-fit meaning, and ``ndof`` and ``p_value`` are None
(``goodness_of_fit`` says which case applies). A parameter whose best fit lies within
``AT_BOUND_TOL`` of its fit range from a bound is flagged (``at_bound``: lower/upper).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

import numpy as np
from iminuit import Minuit
from scipy import ndimage, stats

from fitkit.fitdef import FitProblem
from fitkit.inference.profile import make_minuit
from fitkit.inference.results import FitResult, Minimum, ParameterResult
from fitkit.likelihood.hooks import (
    Batched,
    Differentiable,
    PoissonTerm,
    SaturatedTerm,
    WithExtras,
    WithObservables,
)

__all__ = ["fit", "evaluate", "batch_cost", "minimize", "FitGradient", "grid_axes", "significance_from_delta_chi2"]

Progress = Callable[[int, int], None]


#: Minimum rise of the cost between two minima for both to count as separate solutions.
RUNNER_UP_BARRIER: float = 1.0

#: An island start that MIGRAD-with-gradient carried over a barrier is redone (with MINUIT's own
#: derivatives) only if its grid cell lies less than this many runner-up levels above the best
#: minimum: a higher island would need a valley more than one level deep inside its grid cell to
#: hold a reported runner-up (002 Case B: the cell at M_ZD = 0.216 GeV, g_mu = 0.04 lies 25.5
#: above the best fit, 2.2 levels, and its redo went to the best fit as well).
ISLAND_REDO_LEVELS: float = 2.0

#: A best fit closer than this fraction of the fit range (fit coordinates) to a bound is "at the bound".
AT_BOUND_TOL: float = 1e-4


def goodness_of_fit(costs: Sequence[object]) -> str:
    """How chi2_min of a sum of terms can be read (module docstring): ``chi2``, ``saturated`` or ``none``."""
    poisson = [c for c in costs if isinstance(c, PoissonTerm) and c.poisson]
    if not poisson:
        return "chi2"
    if all(isinstance(c, SaturatedTerm) and c.saturated for c in poisson):
        return "saturated"
    return "none"


def significance_from_delta_chi2(delta: float, ndof: int) -> float:
    """Gaussian-equivalent significance of a chi^2 improvement ``delta`` with ``ndof`` dof.

    Example:
        >>> round(significance_from_delta_chi2(9.0, 1), 6)
        3.0
    """
    if ndof <= 0 or delta <= 0:
        return 0.0
    p = stats.chi2.sf(delta, ndof)
    return float(stats.norm.isf(p / 2))


def batch_cost(problem: FitProblem, params: Mapping[str, np.ndarray]) -> np.ndarray:
    """The total cost at many points (no nuisance profiling): terms with ``batch`` are vectorised.

    ``params`` maps every cost parameter to an array ``(n_points,)``; missing parameters take
    their fixed or nuisance start values.
    """
    n = len(next(iter(params.values()))) if params else 1
    full = {**{k: np.full(n, v) for k, v in {**problem.nuisance_start, **problem.fixed}.items()}, **params}
    total = np.zeros(n)
    for cost in problem.costs:
        names = list(cost._parameters)
        if isinstance(cost, Batched):
            total += cost.batch({k: np.asarray(full[k], dtype=float) for k in names})
        else:
            cols = np.stack([np.asarray(full[k], dtype=float) for k in names], axis=1) if names else np.zeros((n, 0))
            total += np.array([cost(*row) for row in cols])
    return total


def grid_axes(problem: FitProblem, sizes: Mapping[str, int]) -> dict[str, np.ndarray]:
    """Physical grid values per free parameter, uniform in fit coordinates (log10 for log scale)."""
    axes: dict[str, np.ndarray] = {}
    for p in problem.free:
        n = int(sizes.get(p.name, 1))
        lo, hi = p.fit_bounds()
        axes[p.name] = np.asarray(p.from_fit(np.linspace(lo, hi, n))) if n > 1 else np.array([problem.start[p.name]])
    return axes


def _all_params(problem: FitProblem) -> list[str]:
    return problem.parameter_names


def minimize(
    problem: FitProblem,
    start: Mapping[str, float],
    *,
    hesse: bool = True,
    minos: bool = False,
    gradient: bool = True,
) -> tuple[Minuit, dict[str, float]]:
    """MIGRAD (+HESSE, +MINOS) from ``start`` in fit coordinates; nuisances profiled.

    When every term is :class:`~fitkit.likelihood.hooks.Differentiable` (and ``gradient``),
    MIGRAD gets the terms' gradient (:class:`FitGradient`; one vectorised call per gradient)
    instead of computing it from one cost call per displaced point.
    Returns the Minuit object (fit coordinates) and the physical values at the minimum.
    """
    names = _all_params(problem)
    free = {p.name: p for p in problem.free}
    cost = problem.cost

    def to_phys(x: Sequence[float] | np.ndarray) -> list[float]:
        return [float(free[n].from_fit(v)) if n in free else float(v) for n, v in zip(names, x)]

    def fcn(x: np.ndarray) -> float:
        return float(cost(*to_phys(x)))

    x0 = []
    for n in names:
        if n in free:
            x0.append(float(free[n].to_fit(start.get(n, problem.start[n]))))
        elif n in problem.fixed:
            x0.append(float(problem.fixed[n]))
        else:
            x0.append(float(problem.nuisance_start.get(n, 0.0)))
    grad = FitGradient(problem) if gradient and all(isinstance(c, Differentiable) for c in problem.costs) else None
    m = make_minuit(fcn, np.array(x0), grad=grad, name=names)
    # strategy 1 checks a given gradient against MINUIT's numerical one (and then mostly uses
    # that): with a gradient strategy 0, unless the definition asks for 2; HESSE follows MIGRAD
    strategy = problem.definition.fit.strategy
    m.strategy = 0 if grad is not None and strategy < 2 else strategy
    for n in names:
        if n in free:
            m.limits[n] = free[n].fit_bounds()
        elif n in problem.fixed:
            m.fixed[n] = True
        elif n in problem.nuisance_limits:
            m.limits[n] = problem.nuisance_limits[n]
    if not m.fixed.to_dict() or not all(m.fixed.to_dict().values()):
        m.migrad()
        if hesse:
            m.hesse()
        if minos and free:
            m.minos(*[n for n in names if n in free])
    phys = dict(zip(names, to_phys(list(m.values))))
    return m, phys


class FitGradient:
    """Gradient of a problem's total cost in Minuit's coordinates (log10 for ``scale: log``
    parameters), summed from the terms' :meth:`~fitkit.likelihood.hooks.Differentiable.gradient`
    in the parameters Minuit varies: with p = 10^x, d f / dx = p ln 10 d f / dp. Fixed parameters
    get zeros (Minuit ignores them).
    """

    def __init__(self, problem: FitProblem) -> None:
        self.problem = problem
        self.names = _all_params(problem)
        self.free = {p.name: p for p in problem.free}
        varied = {n for n in self.names if n not in problem.fixed}
        self.terms = [(cost, list(cost._parameters), [p for p in cost._parameters if p in varied]) for cost in problem.costs]
        self.log = np.array([n in self.free and self.free[n].scale == "log" for n in self.names])

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """d cost / d x at Minuit's point ``x`` (fit coordinates)."""
        phys = np.array([float(self.free[n].from_fit(v)) if n in self.free else float(v) for n, v in zip(self.names, x)])
        point = dict(zip(self.names, phys))
        grad = np.zeros(len(self.names))
        for cost, own, wrt in self.terms:
            if wrt:
                grad[[self.names.index(p) for p in wrt]] += cost.gradient({p: point[p] for p in own}, wrt)
        return np.where(self.log, phys * math.log(10.0), 1.0) * grad


def evaluate(problem: FitProblem, at: Mapping[str, float]) -> float:
    """The cost with the model parameters at ``at`` (others at their fixed values); nuisances profiled."""
    if problem.nuisance_start:
        fixed = {**problem.fixed, **{p.name: problem.start[p.name] for p in problem.free}, **at}
        sub = problem.with_fixed(fixed)
        m, _ = minimize(sub, {}, hesse=False)
        return float(m.fval)
    params = {**problem.fixed, **{p.name: problem.start[p.name] for p in problem.free}, **at}
    return float(batch_cost(problem, {k: np.array([v]) for k, v in params.items()})[0])


def _grid_starts(problem: FitProblem, progress: Progress | None) -> tuple[list[dict[str, float]], int]:
    """The starts of :func:`fit` and how many of them are the best grid cells (the rest are
    local minima of the grid: islands)."""
    settings = problem.definition.fit
    if not settings.grid or not problem.free:
        return [dict(problem.start)], 1
    axes = grid_axes(problem, settings.grid)
    names = list(axes)
    mesh = np.meshgrid(*[axes[n] for n in names], indexing="ij")
    flat = {n: g.reshape(-1) for n, g in zip(names, mesh)}
    n_total = flat[names[0]].size
    chunk = 4096
    values = np.empty(n_total)
    for i0 in range(0, n_total, chunk):
        values[i0 : i0 + chunk] = batch_cost(problem, {n: a[i0 : i0 + chunk] for n, a in flat.items()})
        if progress:
            progress(min(i0 + chunk, n_total), n_total)
    values = np.where(np.isfinite(values), values, np.inf)
    starts: list[dict[str, float]] = []
    _take_distinct(problem, flat, values, np.argsort(values), starts, settings.starts)
    n_best = len(starts)
    # local minima of the grid: islands the best cells above would miss
    cube = values.reshape(mesh[0].shape)
    local = np.isfinite(cube) & (cube <= ndimage.minimum_filter(cube, size=3, mode="nearest"))
    idx = np.flatnonzero(local.reshape(-1))
    _take_distinct(problem, flat, values, idx[np.argsort(values[idx])], starts, 2 * settings.starts)
    return starts, n_best


def runner_up_level(n_free: int) -> float:
    """Delta chi^2 of the 3 sigma region of ``n_free`` parameters (11.83 for two): runner-ups lie below it."""
    return float(stats.chi2.isf(2 * stats.norm.sf(3.0), n_free))


def _left_its_basin(problem: FitProblem, start: Mapping[str, float], end: Minimum, best: float) -> bool:
    """True if MIGRAD went from the island ``start`` over a barrier (:func:`_separated`) to a distinct
    minimum, and the island could hold a runner-up: its grid value lies less than
    ``ISLAND_REDO_LEVELS`` runner-up levels above the best minimum ``best`` found so far."""
    at = {p.name: np.array([start[p.name]]) for p in problem.free}
    first = Minimum(fval=float(batch_cost(problem, at)[0]), valid=True, parameters={p.name: start[p.name] for p in problem.free})
    if first.fval - best >= ISLAND_REDO_LEVELS * runner_up_level(len(problem.free)):
        return False
    return _distinct(problem, first.parameters, end.parameters) and _separated(problem, first, end)


def _take_distinct(
    problem: FitProblem,
    flat: Mapping[str, np.ndarray],
    values: np.ndarray,
    order: np.ndarray,
    starts: list[dict[str, float]],
    limit: int,
) -> None:
    """Append grid cells in ``order`` that are distinct from ``starts`` until there are ``limit``."""
    for i in order:
        if len(starts) >= limit or not np.isfinite(values[i]):
            return
        cand = {n: float(a[i]) for n, a in flat.items()}
        if all(_distinct(problem, cand, s) for s in starts):
            starts.append(cand)


def _distinct(problem: FitProblem, a: Mapping[str, float], b: Mapping[str, float], tol: float = 0.02) -> bool:
    """True if two points differ by more than ``tol`` of the range in some fit coordinate."""
    for p in problem.free:
        lo, hi = p.fit_bounds()
        if abs(float(p.to_fit(a[p.name])) - float(p.to_fit(b[p.name]))) > tol * (hi - lo):
            return True
    return False


def _parameter_results(problem: FitProblem, m: Minuit | None, phys: Mapping[str, float]) -> dict[str, ParameterResult]:
    out: dict[str, ParameterResult] = {}
    for p in problem.free:
        v = phys[p.name]
        if m is None:
            out[p.name] = ParameterResult(value=v, error=float("nan"), unit=p.unit, scale=p.scale)
            continue
        err_fit = float(m.errors[p.name])
        err = err_fit * math.log(10) * v if p.scale == "log" else err_fit
        lo, hi = p.fit_bounds()
        x_fit = float(p.to_fit(v))
        at_bound = None
        if math.isfinite(lo) and x_fit - lo <= AT_BOUND_TOL * (hi - lo if math.isfinite(hi) else 1.0):
            at_bound = "lower"
        elif math.isfinite(hi) and hi - x_fit <= AT_BOUND_TOL * (hi - lo if math.isfinite(lo) else 1.0):
            at_bound = "upper"
        lower = upper = None
        if m.merrors and p.name in m.merrors:
            me = m.merrors[p.name]
            x = float(m.values[p.name])
            lower = float(p.from_fit(x + me.lower)) - v
            upper = float(p.from_fit(x + me.upper)) - v
        out[p.name] = ParameterResult(value=v, error=err, unit=p.unit, scale=p.scale, minos_lower=lower, minos_upper=upper, at_bound=at_bound)
    return out


def fit(problem: FitProblem, *, minos: bool | None = None, progress: Progress | None = None) -> FitResult:
    """Find the global minimum of a fit problem and summarise it (see module docstring)."""
    minos = problem.definition.fit.minos if minos is None else minos
    sm_at = {k: v for k, v in problem.model.sm_point().items() if k in problem.parameter_names}
    chi2_sm = evaluate(problem, sm_at) if (sm_at or not problem.free) else evaluate(problem, {})
    minima: list[Minimum] = []
    best_m: Minuit | None = None
    best_phys: dict[str, float] = {}
    if problem.free or problem.nuisance_start:
        starts, n_best = _grid_starts(problem, progress)
        with_gradient = all(isinstance(c, Differentiable) for c in problem.costs)
        for k, start in enumerate(starts):
            m, phys = minimize(problem, start, hesse=False)
            found = Minimum(fval=float(m.fval), valid=bool(m.valid), parameters={p.name: phys[p.name] for p in problem.free})
            best_so_far = min([mm.fval for mm in minima] + [found.fval])
            if with_gradient and k >= n_best and _left_its_basin(problem, start, found, best_so_far):
                # an island start: MIGRAD with the gradient (strategy 0) can step over the barrier
                # into a better valley; its own numerical derivatives keep it local (runner-ups)
                m, phys = minimize(problem, start, hesse=False, gradient=False)
                found = Minimum(fval=float(m.fval), valid=bool(m.valid), parameters={p.name: phys[p.name] for p in problem.free})
            minima.append(found)
            if best_m is None or m.fval < best_m.fval:
                best_m, best_phys = m, phys
        if best_m is not None and not all(best_m.fixed.to_dict().values()):
            best_m.hesse()  # the errors of the reported minimum (the others need none)
        if minos and best_m is not None:
            best_m, best_phys = minimize(problem, {p.name: best_phys[p.name] for p in problem.free}, minos=True)
        chi2_min = float(best_m.fval) if best_m is not None else chi2_sm
    else:
        chi2_min = chi2_sm
        best_phys = dict(problem.fixed)
    minima.sort(key=lambda mm: mm.fval)
    runners_up = _distinct_minima(problem, minima)
    if problem.free:
        level = runner_up_level(len(problem.free))
        runners_up = [m for m in runners_up if m.fval - chi2_min < level]
    point = {**problem.fixed, **problem.nuisance_start, **best_phys}
    sm_point = {**point, **sm_at}
    observables = []
    for cost in problem.costs:
        if isinstance(cost, WithObservables):
            names = list(cost._parameters)
            observables.extend(cost.observables({k: point[k] for k in names}, {k: sm_point[k] for k in names}))
    extra: dict[str, object] = {}
    for cost in problem.costs:  # term-specific numbers (e.g. local/global significance of a line search)
        if isinstance(cost, WithExtras):
            extra.update(cost.extras({k: point[k] for k in cost._parameters}))
    ndata = int(sum(int(c.ndata) for c in problem.costs))
    n_free = len(problem.free)
    gof = goodness_of_fit(problem.costs)
    ndof = ndata - n_free if gof != "none" else None
    delta = max(chi2_sm - chi2_min, 0.0)
    return FitResult(
        name=problem.name,
        model=problem.model.name,
        description=problem.definition.description,
        chi2_min=chi2_min,
        chi2_sm=chi2_sm,
        ndata=ndata,
        ndof=ndof,
        p_value=float(stats.chi2.sf(chi2_min, ndof)) if ndof is not None and ndof > 0 else None,
        pull_sm=math.sqrt(delta),
        significance_sm=significance_from_delta_chi2(delta, n_free),
        valid=bool(best_m.valid) if best_m is not None else True,
        parameters=_parameter_results(problem, best_m, best_phys),
        fixed=dict(problem.fixed),
        observables=observables,
        runners_up=runners_up[1:6],
        provenance=dict(problem.provenance),
        extra=extra,
        goodness_of_fit=gof,
    )


def _distinct_minima(problem: FitProblem, minima: list[Minimum]) -> list[Minimum]:
    """The best minimum, then each minimum distinct from and separated by a barrier from all better ones."""
    kept: list[Minimum] = []
    for mm in minima:
        if all(_distinct(problem, mm.parameters, k.parameters) and _separated(problem, mm, k) for k in kept):
            kept.append(mm)
    return kept


def _separated(problem: FitProblem, a: Minimum, b: Minimum, n: int = 41) -> bool:
    """True if the cost on the segment a-b (fit coordinates) exceeds max(f_a, f_b) + RUNNER_UP_BARRIER.

    Problems with nuisance parameters are not checked (the grid cost does not profile them).
    """
    if problem.nuisance_start or not problem.free:
        return True
    t = np.linspace(0.0, 1.0, n)[1:-1]
    path = {}
    for p in problem.free:
        xa, xb = float(p.to_fit(a.parameters[p.name])), float(p.to_fit(b.parameters[p.name]))
        path[p.name] = np.asarray(p.from_fit(xa + t * (xb - xa)), dtype=float)
    cost = batch_cost(problem, path)
    return bool(np.nanmax(cost) > max(a.fval, b.fval) + RUNNER_UP_BARRIER)

