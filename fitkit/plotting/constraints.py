"""Excluded regions of the low-energy constraints on a Z_D plane (the overlays of 002 Figs. 11-13).

:func:`plot_exclusions` draws the maps of :func:`fitkit.constraints.overlay.exclusion_maps`: for
each constraint the boundary where the point is excluded at the constraint's CL (dashed line)
and the excluded side (light shading), labelled "name (CL)". Optionally it draws the 1σ/2σ/3σ
allowed regions of a 2D profile scan underneath, and best-fit points. M_ZD is shown in MeV on a
log axis. For Cases B and C the direct coupling is plotted as |g_D^μ| (the constraints are
evaluated at the positive values of the map; fitkit's fits prefer g_mu < 0, and a scan is drawn
on its g_mu < 0 branch, as in :func:`fitkit.plotting.contours.plot_scan` with ``absolute_y``).
Boundaries are contours of each constraint's exclusion CL interpolated in log coordinates.

Example:
    >>> import numpy as np, tempfile, pathlib
    >>> from fitkit.constraints.overlay import exclusion_maps
    >>> m = exclusion_maps("C", "M_ZD", np.geomspace(0.01, 0.3, 12), "g_mu", np.geomspace(1e-3, 0.1, 10),
    ...                    names=["w_width", "trident"])
    >>> plot_exclusions(m, pathlib.Path(tempfile.mkdtemp()) / "c.png").exists()
    True
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from scipy import stats  # noqa: E402

from fitkit.constraints.overlay import ExclusionMap  # noqa: E402
from fitkit.inference.results import ScanResult  # noqa: E402
from fitkit.models.base import Parameter  # noqa: E402
from fitkit.plotting.contours import draw_regions, region_handles, smooth_field  # noqa: E402
from fitkit.plotting.labels import axis_label, display_factor  # noqa: E402
from fitkit.plotting.save import save_figure  # noqa: E402
from fitkit.plotting.style import figure_style, new_figure, tidy_log_axes, wrap_title  # noqa: E402

__all__ = ["plot_exclusions", "draw_exclusions", "CONSTRAINT_COLORS", "cl_label"]

#: Line colours per constraint (close to those of 002 Figs. 11 and 13 where it draws them).
CONSTRAINT_COLORS: dict[str, str] = {
    "bs_mixing": "magenta",
    "bs_mumu": "olive",
    "b_knunu": "tab:red",
    "k_pinunu": "tab:pink",
    "delta_mk": "gray",
    "k_munu_x": "gold",
    "k_munu_ee": "orange",
    "pi_munu_x": "tab:brown",
    "apv": "c",
    "trident": "darkmagenta",
    "cevns": "green",
    "w_width": "darkblue",
    "lhcb_darkphoton": "darkcyan",
    "g_minus_2": "black",
}


def cl_label(cl: float) -> str:
    """'90% CL' for 0.90, '2σ' for 0.9545 / Φ(2), '3σ' for 0.9973 / Φ(3), '1σ' for Φ(1).

    Example:
        >>> cl_label(0.9), cl_label(0.97725), cl_label(0.9973)
        ('90% CL', '2σ', '3σ')
    """
    for n, two, one in ((1, 0.6827, 0.8413), (2, 0.9545, 0.9772), (3, 0.9973, 0.9987)):
        if abs(cl - two) < 5e-4 or abs(cl - one) < 5e-4:
            return f"{n}σ"
    return f"{100 * cl:g}% CL"


def _labels_params() -> dict[str, Parameter]:
    """The Z_D parameters (Case B has all four) for labels and units."""
    from fitkit.models.dark_z.model import DarkZModel

    return dict(DarkZModel("B").parameters)


def _log_z(cl: np.ndarray) -> np.ndarray:
    """log10 of the two-sided Gaussian significance of a CL (monotone in the CL)."""
    return np.log10(np.maximum(stats.norm.isf(0.5 * (1.0 - np.clip(cl, 0.0, 1.0 - 1e-15))), 1e-8))


def draw_exclusions(ax: plt.Axes, emap: ExclusionMap, names: list[str] | None = None, *, x_factor: float = 1.0, y_factor: float = 1.0) -> tuple[list, list[str]]:
    """Draw each constraint's boundary (dashed) and its excluded side (light fill) on ``ax``.

    The boundary is the contour ``exclusion_cl == cl`` of the constraint's (continuous) exclusion
    CL, interpolated as log10 z(CL) in log coordinates (no staircase of the grid cells). Returns
    legend entries.
    """
    x, y = np.asarray(emap.x_values) * x_factor, np.asarray(emap.y_values) * y_factor
    u, v = np.log10(x), np.log10(y)
    handles, labels = [], []
    for name in names or list(emap.excluded):
        exc = emap.excluded[name]
        if not np.any(exc):
            continue
        col = CONSTRAINT_COLORS.get(name, "k")
        cl = emap.cl[name]
        # interpolate log10 of the two-sided Gaussian z of the CL: the deviations grow as powers of
        # the couplings and masses, so this is close to linear in the log coordinates
        z = _log_z(np.asarray(emap.exclusion_cl[name], dtype=float))
        uf, vf, f = smooth_field(u, v, z, cap=float(np.max(z)))
        xf, yf = 10.0**uf, 10.0**vf
        z_cl = float(_log_z(np.asarray(cl)))
        ax.contourf(xf, yf, f.T, levels=[z_cl, max(float(f.max()), z_cl) + 1.0], colors=[col], alpha=0.12)
        if not np.all(exc):
            ax.contour(xf, yf, f.T, levels=[z_cl], colors=[col], linestyles="--", linewidths=1.3)
        handles.append(plt.Line2D([], [], color=col, ls="--"))
        labels.append(f"{name} ({cl_label(cl)})")
    return handles, labels


def plot_exclusions(
    emap: ExclusionMap,
    path: str | Path,
    *,
    names: list[str] | None = None,
    scan: ScanResult | None = None,
    best: dict[str, float] | None = None,
    best_label: str = "best fit (fitkit)",
    paper_best: dict[str, float] | None = None,
    title: str | None = None,
) -> Path:
    """Write a PNG with the excluded regions of ``emap`` (and a scan's allowed regions).

    ``best`` is drawn as a blue circle labelled ``best_label`` (e.g. ``"--at point"`` when the
    point was given on the command line rather than fitted).
    """
    params = _labels_params()
    fx, fy = display_factor(params[emap.x]), display_factor(params[emap.y])
    with figure_style():
        fig, ax = new_figure()
        handles: list = []
        labels: list[str] = []
        if scan is not None and scan.y_values is not None:
            sx = np.asarray(scan.x_values) * display_factor(params[scan.x])
            sy = np.asarray(scan.y_values, dtype=float)
            d = np.asarray(scan.chi2, dtype=float) - scan.chi2_min
            if scan.y == "g_mu":  # the rate-lowering branch g_mu < 0, shown as |g_mu|
                keep = sy < 0
                sy, d = -sy[keep][::-1], d[:, keep][:, ::-1]
            draw_regions(ax, sx, sy, d, scan.levels, x_log=True, y_log=bool(np.all(sy > 0)))
            h, lab = region_handles(scan.levels)
            handles += h
            labels += lab
        h, lab = draw_exclusions(ax, emap, names, x_factor=fx, y_factor=fy)
        handles += h
        labels += lab
        for point, marker, text, color in ((best, "o", best_label, "tab:blue"), (paper_best, "*", "best fit (002)", "k")):
            if point is not None:
                handles.append(ax.plot(point[emap.x] * fx, abs(point[emap.y]) * fy, marker, color=color, ms=9 if marker == "*" else 7, clip_on=False, zorder=5)[0])
                labels.append(text)
        x, y = np.asarray(emap.x_values) * fx, np.asarray(emap.y_values) * fy
        ax.set_xlim(x[0], x[-1])
        ax.set_ylim(y[0], y[-1])
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(axis_label(params[emap.x], absolute=emap.x == "g_mu"))
        ax.set_ylabel(axis_label(params[emap.y], absolute=emap.y == "g_mu"))
        ax.legend(handles, labels, loc="best", fontsize=7)
        fixed = ", ".join(f"{k} = {v:g}" for k, v in emap.fixed.items())
        ax.set_title(wrap_title(title or f"Case {emap.case}: excluded regions ({fixed})"))
        tidy_log_axes(ax)
        return save_figure(fig, path)
