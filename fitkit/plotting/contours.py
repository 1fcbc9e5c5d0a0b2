"""The figure of a profile scan: 1D Delta chi^2 curve or 2D filled 1σ/2σ/3σ regions.

One function, :func:`plot_scan`, draws every profile scan whatever the entry point (``fitkit scan
--plot``, ``fitkit run``, Python); :func:`fitkit.plotting.figures.scan_figure` gives it the inputs
of a named fit. Conventions:

- 2D: regions Delta chi^2 < 2.30, 6.18, 11.83 (1, 2, 3 sigma for two parameters), the levels
  stated in the legend; 1D: the Delta chi^2 curve with lines at 1, 4, 9.
- Axis labels and units from the parameter definitions (:mod:`fitkit.plotting.labels`); log
  axes for log-scale parameters.
- Smooth boundaries: the regions are contours of the scan's Delta chi^2 interpolated by a cubic
  spline in the fit coordinates (log10 of log-scale parameters) onto a 4x finer grid. This is an
  interpolation of the computed field, not new likelihood evaluations: away from the grid nodes
  the boundary can move by a fraction of a grid cell (it is exact at the nodes); a limiter keeps
  every interpolated value within the range of its cell's corners (no ringing at a hard limit).
- Markers: the best fit as a filled circle, never clipped by the frame (a point on the scan
  bound says so in the legend); runner-up minima as open circles, only those inside the 3σ
  region of the plane (a minimum in the excluded white area is not drawn); an external best
  fit (a paper's) as a black star.

Example:
    >>> import numpy as np, tempfile, pathlib
    >>> from fitkit.inference.results import ScanResult
    >>> x, y = np.linspace(0, 1, 12), np.linspace(-1, 1, 11)
    >>> chi2 = 10 + 20 * (x[:, None] - 0.4) ** 2 + 8 * y[None, :] ** 2
    >>> s = ScanResult("demo", "a", x, chi2, 10.0, {"a": 0.4, "b": 0.0}, (2.30, 6.18, 11.83), y="b", y_values=y)
    >>> plot_scan(s, pathlib.Path(tempfile.mkdtemp()) / "s.png").exists()
    True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from scipy.interpolate import RectBivariateSpline  # noqa: E402

from fitkit.inference.results import ScanResult  # noqa: E402
from fitkit.models.base import Parameter  # noqa: E402
from fitkit.plotting.labels import axis_label, display_factor  # noqa: E402
from fitkit.plotting.save import save_figure  # noqa: E402
from fitkit.plotting.style import figure_style, new_figure, tidy_log_axes, wrap_title  # noqa: E402

__all__ = ["plot_scan", "draw_regions", "region_handles", "smooth_field", "REGION_COLORS", "SIGMA_NAMES"]

#: Fill colours of the 1, 2, 3 sigma regions (pink, brown, dark brown as in 002 Fig. 11).
REGION_COLORS: tuple[str, str, str] = ("#f4a6c0", "#a0522d", "#4a2511")
SIGMA_NAMES: tuple[str, str, str] = (r"$1\sigma$", r"$2\sigma$", r"$3\sigma$")
#: Upsampling factor of the interpolated Delta chi^2 field.
REFINE: int = 4


def _param(parameters: Mapping[str, Parameter] | None, name: str, scale: str) -> Parameter:
    if parameters and name in parameters:
        return parameters[name]
    return Parameter(name, scale="log" if scale == "log" else "linear", bounds=(1e-300, np.inf) if scale == "log" else (-np.inf, np.inf))


def smooth_field(u: np.ndarray, v: np.ndarray, field: np.ndarray, *, cap: float, refine: int = REFINE) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cubic-spline interpolation of ``field`` (``(len(u), len(v))``, values above ``cap`` set to
    ``cap``) onto a ``refine`` times finer grid; returns ``(u_fine, v_fine, field_fine)``.

    ``u``, ``v`` are the fit coordinates (uniform grids). At the nodes the result equals the input.
    """
    f = np.minimum(np.where(np.isfinite(field), field, cap), cap)
    if len(u) < 2 or len(v) < 2:
        return u, v, f
    uf = np.linspace(u[0], u[-1], refine * (len(u) - 1) + 1)
    vf = np.linspace(v[0], v[-1], refine * (len(v) - 1) + 1)
    spline = RectBivariateSpline(u, v, f, kx=min(3, len(u) - 1), ky=min(3, len(v) - 1), s=0)
    fine = spline(uf, vf)
    # limiter: no value outside the range of its coarse cell's corners (no ringing at the jumps of
    # a hard limit), so the interpolation adds no region the computed nodes do not have
    i = np.minimum(np.searchsorted(u, uf, side="right") - 1, len(u) - 2)
    j = np.minimum(np.searchsorted(v, vf, side="right") - 1, len(v) - 2)
    corners = np.stack([f[np.ix_(i + a, j + b)] for a in (0, 1) for b in (0, 1)])
    return uf, vf, np.clip(fine, corners.min(axis=0), corners.max(axis=0))


def region_handles(levels: Sequence[float]) -> tuple[list, list[str]]:
    """Legend entries '1σ (Δχ² < 2.30)', ... for filled regions at ``levels``."""
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in REGION_COLORS[: len(levels)]]
    labels = [rf"{n} ($\Delta\chi^2<{lev:.2f}$)" for n, lev in zip(SIGMA_NAMES, levels)]
    return handles, labels


def draw_regions(ax: plt.Axes, x: np.ndarray, y: np.ndarray, dchi2: np.ndarray, levels: Sequence[float], *, x_log: bool, y_log: bool) -> None:
    """Fill the regions Delta chi^2 < levels of a field on the grid ``x`` x ``y`` (display units)."""
    u = np.log10(x) if x_log else x
    v = np.log10(y) if y_log else y
    uf, vf, f = smooth_field(u, v, dchi2, cap=2.0 * max(levels))
    xf = 10.0**uf if x_log else uf
    yf = 10.0**vf if y_log else vf
    bounds = [0.0, *levels]
    ax.contourf(xf, yf, f.T, levels=bounds, colors=list(REGION_COLORS[: len(levels)]))
    ax.contour(xf, yf, f.T, levels=list(levels), colors="k", linewidths=0.5)


def _on_bound(value: float, lo: float, hi: float, log: bool) -> bool:
    a, b, c = (np.log10([value, lo, hi]) if log else (value, lo, hi))
    return bool(min(abs(a - b), abs(a - c)) <= 1e-3 * abs(c - b))


def plot_scan(
    scan: ScanResult,
    path: str | Path,
    *,
    parameters: Mapping[str, Parameter] | None = None,
    best: Mapping[str, float] | None = None,
    best_label: str = "best fit",
    runners_up: Sequence[Mapping[str, float]] = (),
    paper_best: Mapping[str, float] | None = None,
    paper_label: str = "best fit (paper)",
    absolute_y: bool = False,
    title: str | None = None,
) -> Path:
    """Draw a 1D or 2D profile scan to ``path`` (PNG/PDF by suffix) and return the path.

    Args:
        scan: the scan (chi^2 on the grid, levels).
        parameters: parameter definitions for labels, units and scales (default: the names).
        best: the best-fit point (default: the scan's best grid point), ``best_label`` its legend.
        runners_up: other local minima (drawn only inside the 3σ region).
        paper_best: a reference point (black star), ``paper_label`` its legend.
        absolute_y: draw the y < 0 branch of the scan as |y| on a log axis (002 Figs. 12, 13
            show |g_D^mu| of the rate-lowering sign).
        title: wrapped to fit the frame (default: the scan's name).
    """
    px = _param(parameters, scan.x, scan.x_scale)
    fx = display_factor(px)
    x = np.asarray(scan.x_values, dtype=float) * fx
    x_log = scan.x_scale == "log"
    dchi2 = np.asarray(scan.chi2, dtype=float) - scan.chi2_min
    point = dict(best if best is not None else scan.best)
    with figure_style():
        fig, ax = new_figure()
        if scan.y is None or scan.y_values is None:
            handles, labels = _draw_1d(ax, x, dchi2, scan.levels, point.get(scan.x), fx, best_label)
            ax.set_ylabel(r"$\Delta\chi^2$")
        else:
            py = _param(parameters, scan.y, scan.y_scale)
            fy = display_factor(py)
            y = np.asarray(scan.y_values, dtype=float) * fy
            field = dchi2
            sign = 1.0
            if absolute_y:
                keep = y < 0
                y, field, sign = -y[keep][::-1], field[:, keep][:, ::-1], -1.0
            y_log = scan.y_scale == "log" or absolute_y
            draw_regions(ax, x, y, field, scan.levels, x_log=x_log, y_log=y_log)
            handles, labels = region_handles(scan.levels)

            def xy(p: Mapping[str, float], s: float) -> tuple[float, float]:
                return p[scan.x] * fx, s * p[scan.y] * fy  # type: ignore[index]

            bx, by = xy(point, sign)
            on_edge = _on_bound(bx, x[0], x[-1], x_log) or _on_bound(by, y.min(), y.max(), y_log)
            handles.append(ax.plot(bx, by, "o", color="tab:blue", ms=7, mec="w", clip_on=False, zorder=5)[0])
            labels.append(best_label + (" (at the scan bound)" if on_edge else ""))
            shown = [xy(p, sign) for p in runners_up if _inside(p, scan, sign, x, y, field, fx, fy, x_log, y_log)]
            if shown:
                xs, ys = zip(*shown)
                handles.append(ax.plot(xs, ys, "o", mfc="none", color="tab:blue", ms=7, clip_on=False, zorder=5)[0])
                labels.append("runner-up minimum")
            if paper_best is not None:
                handles.append(ax.plot(*xy(paper_best, 1.0), "*", color="k", ms=11, clip_on=False, zorder=5)[0])
                labels.append(paper_label)
            ax.set_ylabel(axis_label(py, absolute=absolute_y))
            ax.set_ylim(y.min(), y.max())
            if y_log:
                ax.set_yscale("log")
        ax.set_xlim(x[0], x[-1])
        if x_log:
            ax.set_xscale("log")
        ax.set_xlabel(axis_label(px))
        ax.legend(handles, labels, loc="best")
        ax.set_title(wrap_title(title or scan.name))
        tidy_log_axes(ax)
        return save_figure(fig, path)


def _draw_1d(ax, x, dchi2, levels, best_x, fx, best_label):
    top = 1.35 * max(levels)
    ax.plot(x, np.minimum(dchi2, 10 * top), color="k", lw=1.5)
    handles, labels = [ax.lines[-1]], [r"profile $\Delta\chi^2$"]
    for lev, col, name in zip(levels, REGION_COLORS, SIGMA_NAMES):
        handles.append(ax.axhline(lev, color=col, ls="--", lw=1.2))
        labels.append(rf"{name} ($\Delta\chi^2={lev:g}$)")
    if best_x is not None:
        handles.append(ax.plot(best_x * fx, 0.0, "o", color="tab:blue", ms=7, mec="w", clip_on=False, zorder=5)[0])
        labels.append(best_label)
    ax.set_ylim(0.0, top)
    return handles, labels


def _inside(p, scan, sign, x, y, field, fx, fy, x_log, y_log) -> bool:
    """True if the minimum ``p`` lies on the drawn branch and inside the outermost region."""
    py = sign * p[scan.y] * fy
    if py <= 0 and (y_log or sign < 0):
        return False
    px_ = p[scan.x] * fx
    if not (min(x) <= px_ <= max(x) and y.min() <= py <= y.max()):
        return False
    i = int(np.argmin(np.abs((np.log10(x) - np.log10(px_)) if x_log else (x - px_))))
    j = int(np.argmin(np.abs((np.log10(y) - np.log10(py)) if y_log else (y - py))))
    return bool(field[i, j] < max(scan.levels))
