"""Excluded regions of the constraints on a two-parameter plane, and best-fit verdict tables.

:func:`exclusion_maps` evaluates any subset of :data:`fitkit.constraints.CONSTRAINTS` on a grid
of two parameters (the others fixed, by default to the values the case fixes, 002 secs.
5.1-5.3) in one vectorised call per constraint, and returns the confidence level at which each
grid point is excluded, the boolean exclusion at each constraint's CL and its chi^2. Arrays have
shape ``(n_x, n_y)`` like :class:`fitkit.inference.results.ScanResult`, so that both can be drawn
on the same axes (002 Figs. 11-13; :mod:`fitkit.plotting.constraints`).

:func:`exclusion_boundary` gives the bound curve of one constraint, e.g. the 2σ upper limit on
eps_Z from B_s mixing versus M_ZD (002 Fig. 3) or the 3σ APV limits for eps = 1e-4, 1e-3, 1e-2
(002 Fig. 9). :func:`verdict_table` lists which constraints exclude given points (e.g. the best fits of the
darkz-A/B/C fits or of 002 eqs. (5.2), (5.3), (5.6)).

Example:
    >>> m = exclusion_maps("C", "M_ZD", np.geomspace(0.01, 0.3, 4), "g_mu", np.linspace(0.01, 0.04, 3),
    ...                    names=["w_width"])
    >>> m.excluded["w_width"].shape
    (4, 3)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np

from fitkit.constraints import CONSTRAINTS
from fitkit.constraints.base import CASE_DEFAULTS, PARAMETERS, Case
from fitkit.models.dark_z import paper_best_fits

__all__ = ["ExclusionMap", "PAPER_BEST_FITS", "exclusion_maps", "exclusion_boundary", "verdict_table"]

#: Best-fit points of 002: eq. (5.2) (Case A), (5.3) (Case B), (5.6) (Case C); M_ZD in GeV
#: (data/theory/darkz_paper002_best_fits.yaml; g_mu = 0 where the case has none).
PAPER_BEST_FITS: dict[str, dict[str, float]] = {
    case: {**b.point, "g_mu": b.point.get("g_mu", 0.0)} for case, b in paper_best_fits().items()
}


class ExclusionMap(NamedTuple):
    """Per-constraint exclusion on a grid: arrays ``(n_x, n_y)`` keyed by constraint name."""

    case: str
    x: str
    y: str
    x_values: np.ndarray
    y_values: np.ndarray
    fixed: dict[str, float]
    exclusion_cl: dict[str, np.ndarray]
    excluded: dict[str, np.ndarray]
    chi2: dict[str, np.ndarray]
    cl: dict[str, float]

    def any_excluded(self) -> np.ndarray:
        """True where at least one constraint excludes the point."""
        return np.any(np.stack(list(self.excluded.values())), axis=0)


def _fixed_values(case: Case, x: str, y: str, fixed: Mapping[str, float] | None) -> dict[str, float]:
    out = {k: v for k, v in CASE_DEFAULTS[case].items() if k not in (x, y)}
    out.update({k: float(v) for k, v in (fixed or {}).items() if k not in (x, y)})
    missing = [p for p in PARAMETERS if p not in out and p not in (x, y)]
    if missing:
        raise ValueError(f"give values for {missing} (fixed=...) on the {x}-{y} plane of Case {case}")
    return out


def exclusion_maps(
    case: Case,
    x: str,
    x_values: Sequence[float] | np.ndarray,
    y: str,
    y_values: Sequence[float] | np.ndarray,
    *,
    fixed: Mapping[str, float] | None = None,
    names: Sequence[str] | None = None,
) -> ExclusionMap:
    """Evaluate constraints ``names`` (default: all) on the ``x``-``y`` grid of Case ``case``."""
    for p in (x, y):
        if p not in PARAMETERS:
            raise ValueError(f"unknown parameter {p!r}; use one of {PARAMETERS}")
    xv, yv = np.asarray(x_values, dtype=float), np.asarray(y_values, dtype=float)
    fix = _fixed_values(case, x, y, fixed)
    X, Y = np.meshgrid(xv, yv, indexing="ij")
    pts: dict[str, Any] = {x: X.ravel(), y: Y.ravel(), **{k: np.full(X.size, v) for k, v in fix.items()}}
    sel = list(names or CONSTRAINTS)
    cls, exc, chi = {}, {}, {}
    for n in sel:
        c = CONSTRAINTS[n]
        cl = c.exclusion_cl(pts, case)
        cls[n] = cl.reshape(X.shape)
        exc[n] = (cl >= c.cl).reshape(X.shape)
        chi[n] = c.chi2(pts, case).reshape(X.shape)
    return ExclusionMap(case, x, y, xv, yv, fix, cls, exc, chi, {n: CONSTRAINTS[n].cl for n in sel})


def exclusion_boundary(
    name: str,
    case: Case,
    x: str,
    x_values: Sequence[float] | np.ndarray,
    y: str,
    y_range: tuple[float, float],
    *,
    fixed: Mapping[str, float] | None = None,
    n_scan: int = 60,
    n_bisect: int = 40,
) -> np.ndarray:
    """Smallest ``y`` in ``y_range`` excluded by constraint ``name`` at each ``x`` (log-spaced search).

    The constraint is scanned on ``n_scan`` log-spaced ``y`` values per ``x``; the first excluded
    cell is refined by ``n_bisect`` bisection steps in log y, for all ``x`` at once. NaN where no
    ``y`` in the range is excluded (e.g. outside a search's mass range); ``y_range[0]`` where the
    whole range is excluded.

    Example:
        >>> b = exclusion_boundary("w_width", "B", "M_ZD", [0.05, 0.1], "g_mu", (1e-4, 1.0))
        >>> [round(float(v), 4) for v in b]  # 002 eq. (5.4): 0.022 (M/100 MeV)
        [0.011, 0.022]
    """
    xv = np.atleast_1d(np.asarray(x_values, dtype=float))
    fix = _fixed_values(case, x, y, fixed)
    c = CONSTRAINTS[name]
    lo, hi = np.log10(y_range[0]), np.log10(y_range[1])

    def excluded(xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        pts: dict[str, Any] = {x: xs, y: ys, **{k: np.full(xs.size, v) for k, v in fix.items()}}
        return c.excluded(pts, case)

    grid = np.linspace(lo, hi, n_scan)
    X, G = np.meshgrid(xv, grid, indexing="ij")
    exc = excluded(X.ravel(), 10.0 ** G.ravel()).reshape(X.shape)
    found = exc.any(axis=1)
    first = np.argmax(exc, axis=1)
    a = np.where(first > 0, grid[np.maximum(first - 1, 0)], grid[0] - 1e-9)
    b = grid[first]
    for _ in range(n_bisect):
        mid = 0.5 * (a + b)
        e = excluded(xv, 10.0**mid)
        a, b = np.where(e, a, mid), np.where(e, mid, b)
    return np.where(found, 10.0**b, np.nan)


def verdict_table(points: Mapping[str, Mapping[str, float]], names: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """For each case -> point, the constraints that exclude it (with their CL).

    Example:
        >>> rows = verdict_table({"B": PAPER_BEST_FITS["B"]}, names=["w_width", "trident"])
        >>> rows[0]["excluded_by"]
        ['w_width']
    """
    sel = list(names or CONSTRAINTS)
    out = []
    for case, point in points.items():
        pts = {k: [float(v)] for k, v in point.items()}
        cls = {n: float(CONSTRAINTS[n].exclusion_cl(pts, case)[0]) for n in sel}  # type: ignore[arg-type]
        out.append(
            {
                "case": case,
                "point": dict(point),
                "excluded_by": [n for n in sel if cls[n] >= CONSTRAINTS[n].cl],
                "exclusion_cl": cls,
            }
        )
    return out
