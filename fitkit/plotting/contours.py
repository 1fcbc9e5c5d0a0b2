"""1sigma/2sigma/3sigma allowed regions of a profile scan (the style of 002 Figs. 11-13)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from fitkit.inference.results import ScanResult  # noqa: E402
from fitkit.plotting.save import save_figure  # noqa: E402

__all__ = ["plot_scan", "REGION_COLORS"]

#: Fill colours of the 1, 2, 3 sigma regions (pink, brown, dark brown as in 002 Fig. 11).
REGION_COLORS: tuple[str, str, str] = ("#f4a6c0", "#a0522d", "#4a2511")


def plot_scan(
    scan: ScanResult,
    path: str | Path,
    *,
    best: dict[str, float] | None = None,
    title: str | None = None,
    labels: dict[str, str] | None = None,
) -> Path:
    """Draw a 1D Delta chi^2 curve or 2D filled regions (log axes for log-scale parameters)."""
    labels = labels or {}
    fig, ax = plt.subplots(figsize=(6.0, 4.5), constrained_layout=True)
    if scan.y is None:
        ax.plot(scan.x_values, scan.delta_chi2, color="k")
        for lev, col in zip(scan.levels, REGION_COLORS):
            ax.axhline(lev, color=col, ls="--", lw=1)
        ax.set_ylabel(r"$\Delta\chi^2$")
        ax.set_ylim(0, max(12.0, float(np.nanmin(scan.delta_chi2)) + 1))
    else:
        dchi2 = np.where(np.isfinite(scan.delta_chi2), scan.delta_chi2, 1e9)
        levels = [0.0, *scan.levels]
        for (lo, hi), col in zip(zip(levels[:-1], levels[1:]), REGION_COLORS):
            ax.contourf(scan.x_values, scan.y_values, dchi2.T, levels=[lo, hi], colors=[col])
        ax.contour(scan.x_values, scan.y_values, dchi2.T, levels=list(scan.levels), colors="k", linewidths=0.5)
        point = best or scan.best
        ax.plot(point[scan.x], point[scan.y], "o", color="tab:blue", ms=7, label="best fit")
        ax.set_ylabel(labels.get(scan.y, scan.y))
        if scan.y_scale == "log":
            ax.set_yscale("log")
        handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in REGION_COLORS]
        ax.legend([*handles, ax.lines[-1]], [r"$1\sigma$", r"$2\sigma$", r"$3\sigma$", "best fit"], loc="best", fontsize=8)
    ax.set_xlabel(labels.get(scan.x, scan.x))
    if scan.x_scale == "log":
        ax.set_xscale("log")
    ax.set_title(title or scan.name)
    return save_figure(fig, path, dpi=120)
