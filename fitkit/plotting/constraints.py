"""Excluded regions of the low-energy constraints on a Z_D plane (the overlays of 002 Figs. 11-13).

:func:`plot_exclusions` draws the maps of :func:`fitkit.constraints.overlay.exclusion_maps`: for
each constraint the boundary where the point is excluded at the constraint's CL (dashed line)
and the excluded side (light shading), labelled "name (CL)". Optionally it draws the 1σ/2σ/3σ
allowed regions of a 2D profile scan underneath, and best-fit points. M_ZD is shown in MeV on a
log axis. For Cases B and C the direct coupling is plotted as |g_D^μ| (the constraints are
evaluated at the positive values of the map; fitkit's fits prefer g_mu < 0, and a scan is drawn
on its g_mu < 0 branch, as in :func:`fitkit.plotting.dark_z.plot_darkz_scan`).

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

from fitkit.constraints.overlay import ExclusionMap  # noqa: E402
from fitkit.inference.results import ScanResult  # noqa: E402
from fitkit.plotting.contours import REGION_COLORS  # noqa: E402
from fitkit.plotting.dark_z import AXIS_LABELS  # noqa: E402
from fitkit.plotting.save import save_figure  # noqa: E402

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


def _x(emap: ExclusionMap) -> np.ndarray:
    return np.asarray(emap.x_values) * (1e3 if emap.x == "M_ZD" else 1.0)


def draw_exclusions(ax: plt.Axes, emap: ExclusionMap, names: list[str] | None = None) -> tuple[list, list[str]]:
    """Draw boundaries and hatched excluded sides on ``ax``; return legend handles and labels."""
    x, y = _x(emap), np.asarray(emap.y_values)
    handles, labels = [], []
    for name in names or list(emap.excluded):
        exc = emap.excluded[name].astype(float)
        if not np.any(exc):
            continue
        col = CONSTRAINT_COLORS.get(name, "k")
        ax.contourf(x, y, exc.T, levels=[0.5, 1.5], colors=[col], alpha=0.12)
        if 0 < exc.mean() < 1:
            ax.contour(x, y, exc.T, levels=[0.5], colors=[col], linestyles="--", linewidths=1.3)
        handles.append(plt.Line2D([], [], color=col, ls="--"))
        labels.append(f"{name} ({cl_label(emap.cl[name])})")
    return handles, labels


def plot_exclusions(
    emap: ExclusionMap,
    path: str | Path,
    *,
    names: list[str] | None = None,
    scan: ScanResult | None = None,
    best: dict[str, float] | None = None,
    paper_best: dict[str, float] | None = None,
    title: str | None = None,
) -> Path:
    """Write a PNG with the excluded regions of ``emap`` (and a scan's allowed regions)."""
    fig, ax = plt.subplots(figsize=(6.4, 4.8), constrained_layout=True)
    handles: list = []
    labels: list[str] = []
    if scan is not None and scan.y_values is not None:
        sx = np.asarray(scan.x_values) * (1e3 if scan.x == "M_ZD" else 1.0)
        sy = np.asarray(scan.y_values, dtype=float)
        d = np.where(np.isfinite(scan.delta_chi2), scan.delta_chi2, 1e9)
        if scan.y == "g_mu":
            keep = sy < 0
            sy, d = -sy[keep][::-1], d[:, keep][:, ::-1]
        levels = [0.0, *scan.levels]
        for (lo, hi), col in zip(zip(levels[:-1], levels[1:]), REGION_COLORS):
            ax.contourf(sx, sy, d.T, levels=[lo, hi], colors=[col])
        handles += [plt.Rectangle((0, 0), 1, 1, color=c) for c in REGION_COLORS]
        labels += [r"$1\sigma$", r"$2\sigma$", r"$3\sigma$"]
    h, lab = draw_exclusions(ax, emap, names)
    handles += h
    labels += lab
    for point, marker, text in ((best, "o", "best fit (fitkit)"), (paper_best, "*", "best fit (002)")):
        if point is not None:
            px = point[emap.x] * (1e3 if emap.x == "M_ZD" else 1.0)
            handles.append(ax.plot(px, abs(point[emap.y]), marker, color="tab:blue" if marker == "o" else "k", ms=8)[0])
            labels.append(text)
    ax.set_xscale("log")
    y = np.asarray(emap.y_values)
    if np.all(y > 0) and y.max() / y.min() > 20:
        ax.set_yscale("log")
    ax.set_xlabel(AXIS_LABELS.get(emap.x, emap.x))
    ax.set_ylabel(AXIS_LABELS.get(emap.y, emap.y))
    ax.legend(handles, labels, loc="best", fontsize=7)
    fixed = ", ".join(f"{k} = {v:g}" for k, v in emap.fixed.items())
    ax.set_title(title or f"Case {emap.case}: excluded regions ({fixed})", fontsize=9)
    return save_figure(fig, path, dpi=120)
