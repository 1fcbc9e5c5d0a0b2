"""Background-only toys of the B+ -> K+ X mass scan, reproducible from a seed, on any executor.

Each toy i draws, from its own generator ``np.random.default_rng(SeedSequence(seed).spawn(n)[i])``
(so a toy does not depend on how toys are split among workers):

- the counts of every bin from Poisson(lambda_b(theta_0)), theta_0 the no-X fit to the data;
- the auxiliary data of every Gaussian constraint from N(theta_0, sigma) (and the centre of
  the mu theory constraint from N(mu_0, 0.074)), the frequentist treatment of constraints
  (Cowan, Cranmer, Gross, Vitells, arXiv:1007.1727 sec. 2).

A toy is fitted once without X, and the whole mass scan is then the score statistic of that fit,
vectorised over masses (Rao's efficient score, asymptotically equal to the profile likelihood
ratio q = -2 Delta ln L of 1007.1727 eq. (12) for one parameter):

    q(m) = U(m)^2 / (2 H_eff(m)),  U = d(-2 ln L)/dBR,
    H_eff = H_BB - H_B.theta H_theta.theta^-1 H_theta.B,

all derivatives of -2 ln L at (theta_0-hat, BR = 0), theta the free parameters off their bounds;
Z(m) = -U / sqrt(2 H_eff) (positive for an excess). One fit and one Hessian per toy instead of one
fit per mass and toy. Z is invariant under a rescaling of the template, so each template is
scaled to a largest cell of one event before the derivatives are taken by differences (no
cancellation for the small templates near the end point); a mass whose template is zero (no phase
space) has no score: Z = 0 there.

Test statistic. The score is a screen: with few expected events in some cells its tail is much
heavier than the likelihood ratio's (in 1000 toys of the published likelihood, max_m Z_score
exceeded 4.8 in 1 % of them). Where it matters, :func:`scan_statistic` replaces it by the
profile likelihood ratio Z_LR = sign(BR-hat) sqrt(-2 Delta ln L) (1007.1727 eq. (12), the local
significance of the scan) at the ``top`` highest local maxima of Z_score(m) above ``z_min``:
T = max Z_LR there, or max_m Z_score when it stays below ``z_min`` (such toys cannot reach the
observed T, which is > z_min). Data and toys use the same T, so the p-value is exact for T.

Robust minimum (issue 15). The statistic must be a function of the toy's data only, not of the
path of the minimiser (a 1.7e-16 change of the start once flipped a toy from 0.771 to 1.528, and
8 % of toys spent 10 s in a failed MIGRAD and its fallback). Every fit here is
:func:`newton_minimum`: projected Newton steps with the analytic Hessian (parameters at a bound
with the gradient pushing outwards held there exactly), a backtracking line search, and a final
full step after convergence, so the minimum is reached to rounding (a Newton decrement below
``NEWTON_TOL``) whatever the start. A fit that does not converge in ``NEWTON_MAX_STEPS`` steps
(the cheap fallback) is moved by MIGRAD with the gradient only (strategy 0, no Hessian seed) and
finished by the same Newton steps. The fits with BR free start from a fixed set of BR values
(:data:`ALT_STARTS`: the profile Newton step from BR = 0, and BR = +1, -1 in Minuit's unit) and
keep the lowest minimum.

Example:
    >>> [int(s.generate_state(1)[0]) for s in toy_seeds(7, 3)] == [int(s.generate_state(1)[0]) for s in toy_seeds(7, 3)]
    True
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from fitkit.inference.profile import (
    NuisanceCost,
    fit_nuisances,
    parameter_bounds,
    positive_definite,
)
from fitkit.inference.template_scan import normalisation_unit
from fitkit.likelihood.belle2_knunu import BR_SM, BR_SM_ERROR, NP_NORM, NP_SAMPLE, Belle2Knunu

__all__ = [
    "toy_seeds",
    "NullFit",
    "ScoreScan",
    "newton_minimum",
    "fit_null",
    "score_scan",
    "scan_statistic",
    "lr_significance",
    "ToyResult",
    "toy_statistic",
    "run_toys",
    "Z_REFINE",
    "TOP_PEAKS",
    "ALT_STARTS",
]

#: Score significance above which the likelihood ratio replaces it, and how many peaks are refitted.
Z_REFINE: float = 2.5
TOP_PEAKS: int = 3
#: Starts of the fits with BR free, in Minuit's unit of BR (None: the profile Newton step from BR = 0).
ALT_STARTS: tuple[float | None, ...] = (None, 1.0, -1.0)
#: Newton decrement g.H^-1.g of -2 ln L below which a fit has converged (then one more full step).
NEWTON_TOL: float = 1e-10
#: Newton steps before the MIGRAD fallback.
NEWTON_MAX_STEPS: int = 60
#: Step of the finite differences in the template normalisation (templates scaled to a largest cell of 1 event).
_EPS_TEMPLATE: float = 1e-3

_SIG_MU = BR_SM_ERROR / BR_SM


def toy_seeds(seed: int, n: int) -> list[np.random.SeedSequence]:
    """Independent seed sequences of toys 0..n-1 (numpy ``SeedSequence.spawn``)."""
    return np.random.SeedSequence(seed).spawn(n)


@lru_cache(maxsize=2)
def _likelihood(directory: str) -> Belle2Knunu:
    return Belle2Knunu(Path(directory))


def newton_minimum(
    cost: NuisanceCost,
    x0: np.ndarray,
    free: np.ndarray,
    lim: np.ndarray,
    *,
    hessian: np.ndarray | None = None,
    max_steps: int = NEWTON_MAX_STEPS,
) -> tuple[np.ndarray, float, bool]:
    """Minimum of ``cost.value`` over the parameters ``free`` (indices) inside ``lim`` from ``x0``.

    Projected Newton (module docstring): per step the parameters at a bound whose gradient points
    out of the box are held; the others move by -H^-1 g (H made positive definite if needed),
    clipped to the box, halved until -2 ln L does not rise. ``hessian`` (over ``free``): the matrix
    of the first step (e.g. of a nearby point); every later step recomputes it (a stale matrix
    converges slowly: the Hessian of a Poisson-constrained gamma grows as 1/gamma^2 near its bound).
    The step that brings the Newton decrement g.H^-1.g below ``NEWTON_TOL`` is taken in full with
    the exact Hessian (quadratic convergence: the minimum to rounding).
    Returns (x, -2 ln L, converged).
    """
    assert cost.hessian is not None
    x = np.clip(np.asarray(x0, float).copy(), lim[:, 0], lim[:, 1])
    f = float(cost.value(x))
    h_free, fresh = hessian, False
    for _ in range(max_steps):
        g = np.asarray(cost.grad(x), float)[free]
        xf = x[free]
        held = ((xf <= lim[free, 0]) & (g > 0)) | ((xf >= lim[free, 1]) & (g < 0))
        move = np.flatnonzero(~held)
        if h_free is None:
            h_free, fresh = cost.hessian(x, free), True
        step = np.linalg.solve(positive_definite(h_free[np.ix_(move, move)]), g[move])
        decrement = float(g[move] @ step)
        if decrement < NEWTON_TOL and not fresh:
            h_free = None  # converged with an old matrix: the last step with the exact one
            continue
        cols = free[move]
        t = 1.0
        for _ in range(40):
            trial = x.copy()
            trial[cols] = np.clip(x[cols] - t * step, lim[cols, 0], lim[cols, 1])
            ft = float(cost.value(trial))
            if ft <= f + 1e-12 * max(1.0, abs(f)):
                break
            t *= 0.5
        else:  # no step lowers -2 ln L: at the minimum within rounding, or stuck
            return x, f, decrement < 1e-6
        x, f = trial, ft
        if decrement < NEWTON_TOL:
            return x, f, True
        h_free, fresh = None, False
    return x, f, False


class _GradientOnly:
    """A :class:`NuisanceCost` seen without its Hessian: :func:`fit_nuisances` then runs MIGRAD
    with the gradient only (the fallback of :func:`newton_minimum`)."""

    hessian = None

    def __init__(self, cost: NuisanceCost) -> None:
        self._cost = cost
        self.parameters, self.index = cost.parameters, cost.index
        self.init, self.bounds, self.fixed = cost.init, cost.bounds, cost.fixed

    def value(self, x: np.ndarray) -> float:
        return float(self._cost.value(x))

    def grad(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(self._cost.grad(x), float)


def _robust_minimum(
    cost: NuisanceCost,
    x0: np.ndarray,
    free: np.ndarray,
    lim: np.ndarray,
    *,
    hessian: np.ndarray | None = None,
    migrad_first: bool = False,
) -> tuple[np.ndarray, float, bool]:
    """:func:`newton_minimum`, with MIGRAD (gradient only, strategy 0) first when it does not converge
    (or when ``migrad_first``: a start far from the minimum, e.g. the workspace's inits)."""
    if not migrad_first:
        x, f, ok = newton_minimum(cost, x0, free, lim, hessian=hessian)
        if ok:
            return x, f, ok
    fixed = {p: float(x0[i]) for i, p in enumerate(cost.parameters) if i not in set(free.tolist())}
    start = {p: float(x0[i]) for i, p in enumerate(cost.parameters)}
    limits = {p: (float(lim[i, 0]), float(lim[i, 1])) for i, p in enumerate(cost.parameters)}
    m = fit_nuisances(_GradientOnly(cost), fixed=fixed, start=start, limits=limits, hesse=False, strategy=0)  # type: ignore[arg-type]
    return newton_minimum(cost, np.array([m.values[p] for p in cost.parameters]), free, lim)


class NullFit(NamedTuple):
    """The fit without X (BR = 0): values, -2 ln L, the parameter vector, the free parameters off
    their bounds (indices; BR excluded) and the Hessian of -2 ln L in them."""

    values: dict[str, float]
    twice_nll: float
    x: np.ndarray
    free: np.ndarray
    hessian: np.ndarray
    converged: bool


class ScoreScan(NamedTuple):
    """Z(m) of the score scan (module docstring) and what the likelihood-ratio fits reuse.

    ``u``, ``h_bt``, ``h_bb``: d(-2 ln L)/dn, d2/dn dtheta (n_masses, n_free) and d2/dn2 at the
    null fit, n = BR / ``unit`` the normalisation in Minuit's unit
    (:func:`fitkit.inference.template_scan.normalisation_unit` of all the templates).
    """

    z: np.ndarray
    null: NullFit
    u: np.ndarray
    h_bt: np.ndarray
    h_bb: np.ndarray
    unit: float


def fit_null(
    lk: Belle2Knunu,
    n_cells: int,
    *,
    data: np.ndarray | None = None,
    aux: np.ndarray | None = None,
    mu_centre: float = 1.0,
    start: Mapping[str, float] | None = None,
    hessian: np.ndarray | None = None,
) -> NullFit:
    """The fit with BR = 0 from ``start`` (the workspace's inits if None: MIGRAD first); ``n_cells``: template size.

    ``hessian``: a matrix for the first Newton step (e.g. the data fit's, for a toy).
    """
    cost = lk.signal_cost(np.zeros(n_cells), data=data, aux=aux, mu_centre=mu_centre)
    lim = parameter_bounds(cost, lk.limits())
    x0 = np.asarray(cost.init, float).copy()
    for k, v in (start or {}).items():
        x0[cost.index[k]] = v
    x0[cost.index[NP_NORM]] = 0.0
    free = np.flatnonzero(~np.asarray(cost.fixed, bool))
    free = free[free != cost.index[NP_NORM]]
    if hessian is not None and hessian.shape != (free.size, free.size):
        hessian = None
    x, f, ok = _robust_minimum(cost, x0, free, lim, hessian=hessian, migrad_first=start is None)
    inside = free[(x[free] > lim[free, 0]) & (x[free] < lim[free, 1])]
    assert cost.hessian is not None
    h = cost.hessian(x, inside)
    return NullFit(dict(zip(cost.parameters, x.tolist(), strict=True)), f, x, inside, h, ok)


def score_scan(
    lk: Belle2Knunu,
    templates: np.ndarray,
    *,
    data: np.ndarray | None = None,
    aux: np.ndarray | None = None,
    mu_centre: float = 1.0,
    start: Mapping[str, float] | None = None,
    hessian: np.ndarray | None = None,
) -> ScoreScan:
    """Signed score significance Z(m) for yield templates (n_masses, n_cells) per unit BR (module docstring)."""
    cw = lk.workspace
    unit = normalisation_unit(templates)
    templates = np.asarray(templates, float) * unit
    null = fit_null(lk, templates.shape[1], data=data, aux=aux, mu_centre=mu_centre, start=start, hessian=hessian)
    nm = templates.shape[0]
    scale = np.max(np.abs(templates), axis=1)
    live = scale > 0
    shapes = templates[live] / scale[live, None]  # largest cell: one event
    x = null.x.copy()
    x[cw.index[NP_NORM]] = 1.0
    n_obs = cw.data if data is None else np.asarray(data, float)
    zero_row = {NP_SAMPLE: np.zeros((1, templates.shape[1]))}
    pts = np.repeat(x[None, :], shapes.shape[0], axis=0)
    lam0 = cw.expected_data(x[None, :], nominal=zero_row)[0]
    eps = _EPS_TEMPLATE
    dlam = (cw.expected_data(pts, nominal={NP_SAMPLE: eps * shapes}) - lam0) / eps  # (n_live, B), linear in BR
    u = 2.0 * np.sum((1.0 - n_obs / lam0) * dlam, axis=1)
    h_bb = 2.0 * np.sum(n_obs * dlam**2 / lam0**2, axis=1)
    g_plus = cw.nll_and_grad(pts, data=data, aux=aux, nominal={NP_SAMPLE: eps * shapes})[1]
    g_minus = cw.nll_and_grad(pts, data=data, aux=aux, nominal={NP_SAMPLE: -eps * shapes})[1]
    assert g_plus is not None and g_minus is not None  # grad=True
    h_bt = (g_plus - g_minus)[:, null.free] / eps  # 2 x central difference of -ln L's gradient
    sol = np.linalg.solve(null.hessian, h_bt.T)  # (n_free, n_live)
    h_eff = h_bb - np.einsum("mf,fm->m", h_bt, sol)
    z_live = np.where(h_eff > 0, -u / np.sqrt(2.0 * np.where(h_eff > 0, h_eff, 1.0)), 0.0)
    z = np.zeros(nm)
    z[live] = z_live
    u_all, bb_all, bt_all = np.zeros(nm), np.zeros(nm), np.zeros((nm, null.free.size))
    u_all[live], bb_all[live], bt_all[live] = u * scale[live], h_bb * scale[live] ** 2, h_bt * scale[live, None]
    return ScoreScan(z, null, u_all, bt_all, bb_all, unit)


def lr_significance(
    lk: Belle2Knunu,
    templates: np.ndarray,
    score: ScoreScan,
    j: int,
    *,
    data: np.ndarray | None = None,
    aux: np.ndarray | None = None,
    mu_centre: float = 1.0,
) -> float:
    """Signed sqrt(-2 Delta ln L) between the fits with BR free and BR = 0 at mass index ``j``.

    The fit with BR free starts from the null fit with BR at each of :data:`ALT_STARTS` and keeps
    the lowest minimum; the first Newton step from BR = 0 uses the Hessian of the score scan (when
    no parameter of the null fit sits at a bound; the free set is the same then).
    """
    null = score.null
    cost = lk.signal_cost(np.asarray(templates[j], float) * score.unit, data=data, aux=aux, mu_centre=mu_centre)
    lim = parameter_bounds(cost, lk.limits())
    ib = cost.index[NP_NORM]
    free = np.flatnonzero(~np.asarray(cost.fixed, bool))
    h: np.ndarray | None = None
    if np.array_equal(np.sort(np.append(null.free, ib)), free):
        order = np.argsort(np.append(null.free, ib))  # positions in (null.free, BR) of the sorted indices
        n = null.free.size
        h = np.zeros((n + 1, n + 1))
        h[:n, :n] = null.hessian
        h[:n, n] = h[n, :n] = score.h_bt[j]
        h[n, n] = score.h_bb[j]
        h = h[np.ix_(order, order)]
    best_f, best_b = np.inf, 0.0
    for b0 in ALT_STARTS:
        x0 = null.x.copy()
        x0[ib] = 0.0 if b0 is None else b0
        x, f, _ = _robust_minimum(cost, x0, free, lim, hessian=h if b0 is None else None)
        if f < best_f:
            best_f, best_b = f, float(x[ib])
    d = max(null.twice_nll - best_f, 0.0)
    return float(np.sign(best_b) * np.sqrt(d))


def scan_statistic(
    lk: Belle2Knunu,
    templates: np.ndarray,
    score: ScoreScan,
    *,
    data: np.ndarray | None = None,
    aux: np.ndarray | None = None,
    mu_centre: float = 1.0,
    z_min: float = Z_REFINE,
    top: int = TOP_PEAKS,
) -> tuple[float, int]:
    """The scan's test statistic T and the index of its mass (module docstring)."""
    z = np.asarray(score.z, float)
    left = np.concatenate(([-np.inf], z[:-1]))
    right = np.concatenate((z[1:], [-np.inf]))
    peaks = np.flatnonzero((z >= left) & (z >= right) & (z >= z_min))
    if peaks.size == 0:
        j = int(np.argmax(z))
        return float(z[j]), j
    peaks = peaks[np.argsort(z[peaks], kind="stable")[::-1][:top]]
    lr = [lr_significance(lk, templates, score, int(j), data=data, aux=aux, mu_centre=mu_centre) for j in peaks]
    k = int(np.argmax(lr))
    return float(lr[k]), int(peaks[k])


class ToyResult(NamedTuple):
    """Toys of the mass scan: per toy the statistic T (:func:`scan_statistic`), its mass and the
    CPU seconds the toy took (in whichever process ran it)."""

    z_max: np.ndarray
    m_best: np.ndarray
    seed: int
    cpu_seconds: np.ndarray | None = None

    def p_value(self, z_obs: float) -> float:
        """Fraction of toys with max_m Z >= z_obs (with the +1 / (n+1) estimator's numerator)."""
        return float((np.sum(self.z_max >= z_obs) + 1) / (self.z_max.size + 1))


def toy_data(lk: Belle2Knunu, theta0: Mapping[str, float], seed: np.random.SeedSequence, n_cells: int) -> tuple[np.ndarray, np.ndarray, float]:
    """(counts, auxiliary data, centre of the mu constraint) of one toy (module docstring)."""
    cw = lk.workspace
    x0 = np.array([theta0[p] for p in cw.parameters])
    x0[cw.index[NP_NORM]] = 0.0
    lam = cw.expected_data(x0[None, :], nominal={NP_SAMPLE: np.zeros((1, n_cells))})[0]
    rng = np.random.default_rng(seed)
    data = rng.poisson(lam).astype(float)
    aux = rng.normal(x0[cw.gauss_index], cw.gauss_sigma)
    mu_c = float(rng.normal(theta0["mu"], _SIG_MU))
    return data, aux, mu_c


def toy_statistic(
    i: int,
    *,
    directory: str,
    masses: np.ndarray,
    templates: np.ndarray,
    seed: int,
    n_total: int,
    theta0: Mapping[str, float],
    hessian: np.ndarray | None = None,
) -> tuple[float, float]:
    """(T, m_best) of toy ``i`` of ``n_total`` spawned from ``seed``. A pure function of its arguments.

    ``templates`` (n_masses, n_cells): the signal yields per unit BR at ``masses``;
    ``hessian``: the data fit's (first Newton step of the toy's null fit).
    """
    lk = _likelihood(directory)
    data, aux, mu_c = toy_data(lk, theta0, np.random.SeedSequence(seed).spawn(n_total)[i], templates.shape[1])
    score = score_scan(lk, templates, data=data, aux=aux, mu_centre=mu_c, start=theta0, hessian=hessian)
    t, j = scan_statistic(lk, templates, score, data=data, aux=aux, mu_centre=mu_c)
    return t, float(masses[j])


def run_toys(
    directory: str | Path,
    masses: np.ndarray,
    templates: np.ndarray,
    theta0: Mapping[str, float],
    *,
    n_toys: int,
    seed: int = 12345,
    hessian: np.ndarray | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ToyResult:
    """Run ``n_toys`` background-only toys of the scan through :func:`fitkit.execution.map_tasks`.

    Serial, on ``workers`` local Dask workers, on the cluster at ``scheduler``, or (none given) on
    the executor of the enclosing :func:`fitkit.execution.session`. Results are identical for any
    of them (one seed per toy index; each toy a pure function). ``progress(done, n_toys)``.
    """
    from fitkit.execution import map_tasks

    fn: Callable[[int], Any] = partial(
        toy_statistic, directory=str(directory), masses=np.asarray(masses, float), templates=np.asarray(templates, float),
        seed=seed, n_total=n_toys, theta0=dict(theta0), hessian=hessian,
    )
    out = map_tasks(partial(_timed, fn), list(range(n_toys)), workers=workers, scheduler=scheduler, progress=progress)
    res = np.array(out, float).reshape(-1, 3)
    return ToyResult(res[:, 0], res[:, 1], seed, res[:, 2])


def _timed(fn: Callable[[int], tuple[float, float]], i: int) -> tuple[float, float, float]:
    """``fn(i)`` and the CPU seconds it took (process time of the process that ran it)."""
    t0 = time.process_time()
    t, m = fn(i)
    return t, m, time.process_time() - t0
