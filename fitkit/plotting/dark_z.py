"""Allowed regions of the Z_D fits in the style of 002 Figs. 11-13.

Filled 1σ/2σ/3σ regions (Δχ² = 2.30, 6.18, 11.83 of a 2D profile scan), M_ZD in MeV on a log
axis, mixings or |g_D^μ| on a log axis, fitkit's best fit as a blue circle and, optionally,
the paper's best fit as a black star. For Cases B and C the direct coupling is shown as
|g_mu| on the branch of the sign that lowers the muon rates (g_mu < 0 in fitkit's sign
convention, :mod:`fitkit.models.dark_z.model`), as the paper plots its positive g_D^μ.

Example:
    >>> import numpy as np
    >>> from fitkit.inference.results import ScanResult
    >>> x, y = np.geomspace(0.01, 0.3, 8), np.linspace(-0.3, 0.1, 9)
    >>> chi2 = 50 + 4e3 * (y[None, :] + 0.12) ** 2 + 0 * x[:, None]
    >>> s = ScanResult("darkz-C", "M_ZD", x, chi2, 50.0, {"M_ZD": 0.01, "g_mu": -0.12},
    ...                (2.30, 6.18, 11.83), y="g_mu", y_values=y, x_scale="log")
    >>> import tempfile, pathlib
    >>> out = plot_darkz_scan(s, pathlib.Path(tempfile.mkdtemp()) / "c.png", paper_best={"M_ZD": 0.0302, "g_mu": 0.033})
    >>> out.exists()
    True
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from fitkit.inference.results import ScanResult  # noqa: E402
from fitkit.plotting.contours import REGION_COLORS  # noqa: E402
from fitkit.plotting.save import save_figure  # noqa: E402

__all__ = ["plot_darkz_scan", "AXIS_LABELS"]

#: Axis labels of 002 Figs. 11-13.
AXIS_LABELS: dict[str, str] = {
    "M_ZD": r"$M_{Z_D}$ [MeV]",
    "eps": r"$\varepsilon$",
    "eps_Z": r"$\varepsilon_Z$",
    "g_mu": r"$|g_D^\mu|$",
}


def plot_darkz_scan(
    scan: ScanResult,
    path: str | Path,
    *,
    best: dict[str, float] | None = None,
    paper_best: dict[str, float] | None = None,
    runners_up: list[dict[str, float]] | None = None,
    title: str | None = None,
) -> Path:
    """Draw one 2D scan of a ``darkz-*`` fit as in 002 Figs. 11-13 and write it to ``path`` (PNG).

    ``runners_up``: separate local minima of the fit (:attr:`FitResult.runners_up`), drawn as open
    circles (those on the g_mu > 0 branch are not in the |g_mu| plot).
    """
    if scan.y is None or scan.y_values is None:
        raise ValueError("plot_darkz_scan needs a 2D scan (x and y)")
    x = np.asarray(scan.x_values, dtype=float) * (1e3 if scan.x == "M_ZD" else 1.0)
    y = np.asarray(scan.y_values, dtype=float)
    dchi2 = np.where(np.isfinite(scan.delta_chi2), scan.delta_chi2, 1e9)
    flip = scan.y == "g_mu"
    if flip:  # the rate-lowering branch g_mu < 0, shown as |g_mu|
        keep = y < 0
        y, dchi2 = -y[keep][::-1], dchi2[:, keep][:, ::-1]
    fig, ax = plt.subplots(figsize=(6.0, 4.5), constrained_layout=True)
    levels = [0.0, *scan.levels]
    for (lo, hi), col in zip(zip(levels[:-1], levels[1:]), REGION_COLORS):
        ax.contourf(x, y, dchi2.T, levels=[lo, hi], colors=[col])
    ax.contour(x, y, dchi2.T, levels=list(scan.levels), colors="k", linewidths=0.4)
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in REGION_COLORS]
    names = [r"$1\sigma$", r"$2\sigma$", r"$3\sigma$"]

    def _xy(point: dict[str, float], sign: float) -> tuple[float, float]:
        px = point[scan.x] * (1e3 if scan.x == "M_ZD" else 1.0)
        py = point[scan.y]  # type: ignore[index]
        return px, (sign * py if flip else py)

    point = best or scan.best
    handles.append(ax.plot(*_xy(point, -1.0), "o", color="tab:blue", ms=7)[0])
    names.append("best fit (fitkit)")
    shown = [p for p in (runners_up or []) if not flip or p[scan.y] < 0]  # type: ignore[index]
    if shown:
        xs, ys = zip(*(_xy(p, -1.0) for p in shown))
        handles.append(ax.plot(xs, ys, "o", mfc="none", color="tab:blue", ms=7)[0])
        names.append("runner-up (fitkit)")
    if paper_best is not None:
        handles.append(ax.plot(*_xy(paper_best, 1.0), "*", color="k", ms=10)[0])
        names.append("best fit (002)")
    ax.set_xscale("log")
    if flip or scan.y_scale == "log":
        ax.set_yscale("log")
    ax.set_xlabel(AXIS_LABELS.get(scan.x, scan.x))
    ax.set_ylabel(AXIS_LABELS.get(scan.y, scan.y) + (r" ($g_\mu<0$)" if flip else ""))
    ax.legend(handles, names, loc="best", fontsize=8)
    ax.set_title(title or scan.name)
    return save_figure(fig, path, dpi=120)
