"""1D and 2D profile scans of the chi^2 on grids.

Two ways to profile the parameters that are not on the scan axes:

- ``grid`` (default): evaluate the cost on a dense product grid of all free parameters in one
  vectorised pass (chunked) and take the minimum over the non-axis parameters. Robust on the
  multimodal surfaces of narrow resonances and fast with a batched theory engine. The minimum of
  each scan point is then refined by zooming: a grid of ``profile_points`` per profiled parameter
  on the two cells around the current best point, repeated (each pass shrinks the cell by
  ``(profile_points - 1) / 2``) for every scan point whose minimum dropped by more than
  ``REFINE_TOL`` in the previous pass (at most ``REFINE_PASSES`` passes). Without it, a profile
  over a 12-point grid is not a profile (the alpha_D profile of ``massless-dark-photon`` had
  bumps of 0.45 between the Lambda nodes); :func:`profile_refinement_change` checks a scan
  against a 4x finer profile grid (0.001 for that profile). Segments of ``GRID_SEGMENT`` scan
  points are tasks of :func:`fitkit.execution.map_tasks`.
- ``migrad``: at every scan point, run MIGRAD over the other free parameters (and nuisances),
  warm-started from the neighbouring point (along a row of a 2D grid; in segments of
  ``MIGRAD_SEGMENT`` points in 1D). Exact profile; slower. The rows / segments are tasks of
  :func:`fitkit.execution.map_tasks`: serial, or on Dask workers with ``--workers`` /
  ``--scheduler``, the same numbers.

Smooth 2D regions from coarse grids (e.g. 9 x 9 of an expensive likelihood): the grid spacing is
halved (``refine`` rounds; by default grids with fewer than ``LEVEL_GRID_COARSE`` nodes on an axis
are refined until ``LEVEL_GRID_MIN`` nodes, at most two rounds)
and the new nodes are computed only in the cells that a Delta chi^2 level crosses; the other new
nodes are bilinear interpolations of their cell's corners, which lie on one side of every level,
so they cannot move a region boundary (recorded in the result's provenance).

Standard levels: 1D Delta chi^2 = 1, 4, 9; 2D Delta chi^2 = 2.30, 6.18, 11.83 (1, 2, 3 sigma).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from functools import partial

import numpy as np

from fitkit.errors import InputError
from fitkit.fitdef import FitProblem
from fitkit.inference.fit import batch_cost, grid_axes, minimize
from fitkit.inference.results import ScanResult

__all__ = ["profile_scan", "profile_refinement_change", "LEVELS_1D", "LEVELS_2D", "REFINE_TOL", "REFINE_PASSES", "LEVEL_GRID_COARSE", "LEVEL_GRID_MIN"]

LEVELS_1D: tuple[float, ...] = (1.0, 4.0, 9.0)
LEVELS_2D: tuple[float, ...] = (2.30, 6.18, 11.83)
#: Zoom passes stop when no scan point's chi^2 drops by more than this.
REFINE_TOL: float = 1e-3
#: Maximum number of zoom passes of the grid profile.
REFINE_PASSES: int = 6
#: Points of a 1D MIGRAD profile warm-started one from the other (one task of fitkit.execution each).
MIGRAD_SEGMENT: int = 5
#: Scan points of a grid profile per task of fitkit.execution.
GRID_SEGMENT: int = 100
#: 2D scans with fewer nodes than this on an axis are refined near the levels ...
LEVEL_GRID_COARSE: int = 17
#: ... until they have at least this many (at most two rounds).
LEVEL_GRID_MIN: int = 33

Progress = Callable[[int, int], None]


def profile_scan(
    problem: FitProblem,
    x: str,
    y: str | None = None,
    *,
    points: Sequence[int] = (40,),
    method: str = "grid",
    profile_points: int = 12,
    chi2_min: float | None = None,
    progress: Progress | None = None,
    refine: int | None = None,
) -> ScanResult:
    """Profile chi^2 over a grid in ``x`` (and ``y``), uniform in fit coordinates.

    Args:
        problem: the fit problem.
        x, y: names of free parameters on the axes (``y`` None for a 1D scan).
        points: grid points per axis.
        method: ``grid`` or ``migrad`` (module docstring).
        profile_points: grid points per profiled parameter with ``method='grid'``.
        chi2_min: the global minimum, if known from a fit (else the scan's own minimum).
        progress: callback ``(done, total)``.
        refine: rounds of refinement near the 2D levels (module docstring); None: automatic
            for coarse grids (< ``LEVEL_GRID_COARSE`` nodes on an axis); 0: none.
    """
    free = {p.name: p for p in problem.free}
    axes_names = [x] if y is None else [x, y]
    for a in axes_names:
        if a not in free:
            raise InputError(f"scan axis {a!r} is not a free parameter of fit {problem.name!r}", field="scan")
    sizes = list(points) + [points[-1]] * (len(axes_names) - len(points))
    ax_values = grid_axes(problem, {a: n for a, n in zip(axes_names, sizes)})
    others = [p.name for p in problem.free if p.name not in axes_names]
    if method not in ("grid", "migrad"):
        raise InputError(f"unknown scan method {method!r}; use grid or migrad", field="scans.method")
    if method == "grid" and problem.nuisance_start:
        method = "migrad"  # nuisance parameters are profiled by MIGRAD

    def profile(flat: dict[str, np.ndarray], report: Progress | None, segment: int | None = None) -> tuple[np.ndarray, dict[str, float]]:
        if method == "grid":
            return _profile_grid_tasks(problem, flat, others, profile_points, report)
        return _profile_migrad(problem, flat, report, segment)

    mesh = np.meshgrid(*[ax_values[a] for a in axes_names], indexing="ij")
    row = mesh[0].shape[1] if y is not None else None  # a 2D grid with MIGRAD: one warm-started chain per row
    values, best = profile({a: m.reshape(-1) for a, m in zip(axes_names, mesh)}, progress, row)
    chi2 = values.reshape(mesh[0].shape)
    provenance = dict(problem.provenance)
    if y is not None:
        rounds = refine if refine is not None else _auto_rounds(min(chi2.shape))
        if rounds > 0:
            chi2, ax_values, best, n_new = _refine_levels(problem, x, y, ax_values, chi2, best, chi2_min, rounds, profile, progress)
            provenance["scan_refinement"] = (
                f"{rounds} round(s) near the Delta chi^2 levels: {n_new} nodes computed in the cells crossing a level, "
                "the other new nodes bilinear interpolations (they cannot move a region boundary)"
            )
    finite_min = float(np.nanmin(chi2))
    ref = min(finite_min, chi2_min) if chi2_min is not None else finite_min
    return ScanResult(
        name=problem.name,
        x=x,
        x_values=ax_values[x],
        y=y,
        y_values=None if y is None else ax_values[y],
        chi2=chi2,
        chi2_min=ref,
        best=best,
        levels=LEVELS_1D if y is None else LEVELS_2D,
        method=method,
        x_scale=free[x].scale,
        y_scale=free[y].scale if y is not None else "linear",
        provenance=provenance,
    )


def _profile_grid_tasks(problem, scan_flat, others, profile_points, progress):
    """:func:`_profile_grid` in segments of ``GRID_SEGMENT`` scan points, each a task of
    :func:`fitkit.execution.map_tasks` (a point's profile does not depend on the others: the same
    numbers serially or on Dask workers)."""
    from fitkit.execution import map_tasks

    names = list(scan_flat)
    total = len(next(iter(scan_flat.values())))
    bounds = [(a, min(a + GRID_SEGMENT, total)) for a in range(0, total, GRID_SEGMENT)]
    tasks = [{a: np.asarray(scan_flat[a][i0:i1], float) for a in names} for i0, i1 in bounds]
    report = None if progress is None else (lambda done, n: progress(min(total, round(done * total / n)), total))
    parts = map_tasks(partial(_grid_segment, problem=problem, others=tuple(others), profile_points=profile_points), tasks, progress=report)
    values = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0)
    best = min(parts, key=lambda p: float(np.min(p[0])))[1] if parts else {}
    return values, best


def _grid_segment(points: dict[str, np.ndarray], *, problem: FitProblem, others: tuple[str, ...], profile_points: int) -> tuple[np.ndarray, dict[str, float]]:
    """One task of a grid profile scan: :func:`_profile_grid` at ``points`` (no progress)."""
    return _profile_grid(problem, points, list(others), profile_points)


def _profile_grid(problem, scan_flat, others, profile_points):
    """Profile chi^2 at the points ``scan_flat`` (arrays per axis) over the ``others`` on a grid + zoom."""
    axes_names = list(scan_flat)
    prof_axes = grid_axes(problem, {o: profile_points for o in others})
    n_scan = len(next(iter(scan_flat.values())))
    free = {p.name: p for p in problem.free}
    # profiled parameters in fit coordinates (log10 for log-scale parameters)
    fit_axes = {o: np.asarray(free[o].to_fit(prof_axes[o]), dtype=float) for o in others}
    passes = REFINE_PASSES if others else 0
    best_val, best_fit = _grid_pass(
        problem, scan_flat, axes_names, {o: np.broadcast_to(fit_axes[o], (n_scan, len(fit_axes[o]))) for o in others}, free, n_scan
    )
    step = {o: (fit_axes[o][1] - fit_axes[o][0]) if len(fit_axes[o]) > 1 else 0.0 for o in others}
    active = np.arange(n_scan)  # scan points whose minimum still moves by more than REFINE_TOL
    for _ in range(passes):
        # zoom: the two cells around the current best value of each profiled parameter
        local = {}
        for o in others:
            lo_b, hi_b = free[o].fit_bounds()
            lo = np.maximum(best_fit[o][active] - step[o], max(lo_b, fit_axes[o][0]))
            hi = np.minimum(best_fit[o][active] + step[o], min(hi_b, fit_axes[o][-1]))
            local[o] = lo[:, None] + (hi - lo)[:, None] * np.linspace(0.0, 1.0, profile_points)[None, :]
            step[o] = 2.0 * step[o] / (profile_points - 1)
        sub = {a: scan_flat[a][active] for a in axes_names}
        new_val, new_fit = _grid_pass(problem, sub, axes_names, local, free, len(active))
        gain = np.maximum(best_val[active] - new_val, 0.0)
        better = new_val < best_val[active]
        rows = active[better]
        best_val[rows] = new_val[better]
        for o in others:
            best_fit[o][rows] = new_fit[o][better]
        active = active[gain > REFINE_TOL]
        if active.size == 0:
            break
    i = int(np.argmin(best_val))
    best = {a: float(scan_flat[a][i]) for a in axes_names}
    best.update({o: float(free[o].from_fit(best_fit[o][i])) for o in others})
    return best_val, best


def _grid_pass(problem, scan_flat, axes_names, local, free, n_scan):
    """Minimum over a per-scan-point product grid ``local[o]`` (shape ``(n_scan, n_o)``, fit coordinates)."""
    others = list(local)
    sizes = [local[o].shape[1] for o in others]
    n_prof = int(np.prod(sizes)) if others else 1
    idx = np.indices(sizes).reshape(len(others), -1) if others else np.zeros((0, 1), dtype=int)
    best_val = np.full(n_scan, np.inf)
    best_fit = {o: np.zeros(n_scan) for o in others}
    rows_per_chunk = max(1, 8192 // n_prof)
    for i0 in range(0, n_scan, rows_per_chunk):
        i1 = min(i0 + rows_per_chunk, n_scan)
        k = i1 - i0
        params = {a: np.repeat(scan_flat[a][i0:i1], n_prof) for a in axes_names}
        coords = {o: local[o][i0:i1][:, idx[n]] for n, o in enumerate(others)}  # (k, n_prof)
        params.update({o: np.asarray(free[o].from_fit(coords[o].reshape(-1)), dtype=float) for o in others})
        vals = batch_cost(problem, params).reshape(k, n_prof)
        vals = np.where(np.isfinite(vals), vals, np.inf)
        j = np.argmin(vals, axis=1)
        best_val[i0:i1] = vals[np.arange(k), j]
        for o in others:
            best_fit[o][i0:i1] = coords[o][np.arange(k), j]
    return best_val, best_fit


def profile_refinement_change(problem: FitProblem, x: str, y: str | None = None, *, points: Sequence[int] = (40,), profile_points: int = 12, factor: int = 4) -> float:
    """Largest change of Delta chi^2 over the scan when the profile grid is ``factor`` times finer.

    The check that a grid profile is a profile: below 0.05 the profile does not depend on the grid.
    """
    coarse = profile_scan(problem, x, y, points=points, profile_points=profile_points)
    fine = profile_scan(problem, x, y, points=points, profile_points=factor * (profile_points - 1) + 1)
    d_coarse = coarse.chi2 - np.nanmin(coarse.chi2)
    d_fine = fine.chi2 - np.nanmin(fine.chi2)
    ok = np.isfinite(d_coarse) & np.isfinite(d_fine)
    return float(np.max(np.abs(d_coarse[ok] - d_fine[ok]))) if np.any(ok) else float("nan")


def _profile_migrad(problem, scan_flat, progress, segment=None):
    """Profile chi^2 at the points ``scan_flat`` by MIGRAD over the other parameters.

    The points are cut into segments of ``segment`` consecutive points (default
    ``MIGRAD_SEGMENT``; a row of a 2D grid), each a task of :func:`fitkit.execution.map_tasks`
    (serial or on Dask workers: the same numbers): inside a segment each point is warm-started
    from the previous one (neighbours on a grid), the first from the fit definition's start.
    """
    names = list(scan_flat)
    total = len(next(iter(scan_flat.values())))
    seg = max(1, int(segment or MIGRAD_SEGMENT))
    bounds = [(a, min(a + seg, total)) for a in range(0, total, seg)]
    tasks = [{a: np.asarray(scan_flat[a][i0:i1], float) for a in names} for i0, i1 in bounds]
    from fitkit.execution import map_tasks

    report = None if progress is None else (lambda done, n: progress(min(total, round(done * total / n)), total))
    parts = map_tasks(partial(_migrad_segment, problem=problem), tasks, progress=report)
    chi2 = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0)
    best_val, best = np.inf, {}
    for values, points in parts:
        for v, pt in zip(values, points):
            if v < best_val:
                best_val, best = float(v), pt
    return chi2, best


def _migrad_segment(points: dict[str, np.ndarray], *, problem: FitProblem) -> tuple[np.ndarray, list[dict[str, float]]]:
    """MIGRAD at consecutive scan points, each warm-started from the previous one (a pure task:
    a copy of the problem, so that no state, e.g. the warm start of a profiled term, carries over
    from the segment that ran before in the same process)."""
    problem = copy.deepcopy(problem)
    names = list(points)
    n = len(next(iter(points.values())))
    chi2 = np.full(n, np.nan)
    best: list[dict[str, float]] = []
    start = dict(problem.start)
    for i in range(n):
        at = {a: float(points[a][i]) for a in names}
        sub = problem.with_fixed(at)
        m, phys = minimize(sub, {k: v for k, v in start.items() if k not in at}, hesse=False)
        chi2[i] = m.fval
        start.update({p.name: phys[p.name] for p in sub.free})
        best.append({**at, **{p.name: phys[p.name] for p in sub.free}})
    return chi2, best


def _auto_rounds(n_min: int) -> int:
    """Level-refinement rounds that bring a coarse grid (``n_min`` < LEVEL_GRID_COARSE nodes on an
    axis) to LEVEL_GRID_MIN nodes (at most 2 rounds); 0 for finer grids."""
    if n_min >= LEVEL_GRID_COARSE:
        return 0
    rounds = 0
    while n_min < LEVEL_GRID_MIN and rounds < 2:
        n_min, rounds = 2 * n_min - 1, rounds + 1
    return rounds


def _refine_levels(problem, x, y, ax_values, chi2, best, chi2_min, rounds, profile, progress):
    """Halve the grid spacing ``rounds`` times, computing the new nodes of the cells that a Delta
    chi^2 level crosses (a corner below it and one at or above it) and interpolating the others.

    A cell no level crosses lies on one side of every level at its four corners; its bilinear
    interpolation stays between the corner values, so it cannot add or move a region boundary.
    """
    free = {p.name: p for p in problem.free}
    u = np.asarray(free[x].to_fit(ax_values[x]), dtype=float)
    v = np.asarray(free[y].to_fit(ax_values[y]), dtype=float)
    n_new = 0
    n_done = chi2.size
    for _ in range(rounds):
        ref = float(np.nanmin(chi2)) if chi2_min is None else min(float(np.nanmin(chi2)), chi2_min)
        d = np.where(np.isfinite(chi2), chi2 - ref, np.inf)
        corners = np.stack([d[:-1, :-1], d[1:, :-1], d[:-1, 1:], d[1:, 1:]])
        lo, hi = corners.min(axis=0), corners.max(axis=0)
        crossed = np.zeros(lo.shape, dtype=bool)
        for level in LEVELS_2D:
            crossed |= (lo < level) & (hi >= level)
        nx, ny = 2 * len(u) - 1, 2 * len(v) - 1
        fine = np.full((nx, ny), np.nan)
        fine[::2, ::2] = chi2
        pending = np.zeros((nx, ny), dtype=bool)
        for i, j in zip(*np.nonzero(crossed)):
            pending[2 * i + 1, 2 * j] = pending[2 * i, 2 * j + 1] = pending[2 * i + 1, 2 * j + 1] = True
            pending[2 * i + 2, 2 * j + 1] = pending[2 * i + 1, 2 * j + 2] = True
        uf = np.linspace(u[0], u[-1], nx)
        vf = np.linspace(v[0], v[-1], ny)
        ii, jj = np.nonzero(pending)
        if ii.size:
            flat = {x: np.asarray(free[x].from_fit(uf[ii]), dtype=float), y: np.asarray(free[y].from_fit(vf[jj]), dtype=float)}
            report = None if progress is None else (lambda k, _n, n0=n_done, n1=n_done + ii.size: progress(n0 + k, n1))
            values, b = profile(flat, report)
            fine[ii, jj] = values
            n_new += ii.size
            n_done += ii.size
            if np.nanmin(values) < float(np.nanmin(chi2)):
                best = b
        # the other new nodes: bilinear from the coarse corners (edge midpoints, then cell centres)
        c = fine[::2, ::2]
        mid_x, mid_y, centre = 0.5 * (c[:-1, :] + c[1:, :]), 0.5 * (c[:, :-1] + c[:, 1:]), 0.25 * (c[:-1, :-1] + c[1:, :-1] + c[:-1, 1:] + c[1:, 1:])
        for sl, val in (((slice(1, None, 2), slice(0, None, 2)), mid_x), ((slice(0, None, 2), slice(1, None, 2)), mid_y), ((slice(1, None, 2), slice(1, None, 2)), centre)):
            block = fine[sl]
            fine[sl] = np.where(np.isnan(block) & ~pending[sl], val, block)
        chi2, u, v = fine, uf, vf
    axes = {x: np.asarray(free[x].from_fit(u), dtype=float), y: np.asarray(free[y].from_fit(v), dtype=float)}
    return chi2, {**ax_values, **axes}, best, n_new
