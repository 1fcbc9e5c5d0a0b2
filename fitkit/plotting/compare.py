"""Old and new scans of one fit on one plot (``fitkit run --compare`` / ``fitkit diff``).

2D: the 1 sigma and 2 sigma contours (Delta chi^2 = 2.30, 6.18) of the old run dashed grey, of
the new run solid, with both best-fit points; 1D: both Delta chi^2 curves.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from fitkit.errors import InputError  # noqa: E402
from fitkit.models.base import Parameter  # noqa: E402
from fitkit.plotting.labels import axis_label, display_factor  # noqa: E402
from fitkit.plotting.save import save_figure  # noqa: E402
from fitkit.plotting.style import figure_style, new_figure, tidy_log_axes, wrap_title  # noqa: E402

__all__ = ["plot_scan_overlay", "load_scan_json"]


def load_scan_json(path: str | Path) -> dict:
    """A scan written by ``fitkit run`` (``scan_*.json``) with numpy arrays for the grid."""
    try:
        d = json.loads(Path(path).read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise InputError(f"unreadable scan result: {exc}", file=str(path)) from None
    d["x_values"] = np.asarray(d["x_values"], dtype=float)
    d["chi2"] = np.asarray(d["chi2"], dtype=float)
    if d.get("y") is not None:
        d["y_values"] = np.asarray(d["y_values"], dtype=float)
    return d


def _draw(ax: plt.Axes, scan: dict, *, style: dict, label: str, fx: float = 1.0, fy: float = 1.0) -> None:
    dchi2 = scan["chi2"] - float(scan["chi2_min"])
    if scan.get("y") is None:
        ax.plot(scan["x_values"] * fx, dchi2, label=label, color=style["color"], ls=style["ls"])
        return
    dchi2 = np.where(np.isfinite(dchi2), dchi2, 1e9)
    levels = list(scan["levels"])[:2]
    ax.contour(scan["x_values"] * fx, scan["y_values"] * fy, dchi2.T, levels=levels, colors=[style["color"]], linestyles=style["ls"], linewidths=1.5)
    best = scan["best"]
    ax.plot(best[scan["x"]] * fx, best[scan["y"]] * fy, marker=style["marker"], color=style["color"], ls="none", ms=8,
            clip_on=False, label=f"{label} best fit")
    ax.plot([], [], color=style["color"], ls=style["ls"], label=f"{label}: 1σ, 2σ")


def _axis(name: str, parameters: Mapping[str, Parameter] | None) -> tuple[str, float]:
    """Label with unit and display factor of parameter ``name`` (its raw name if not given)."""
    if parameters is not None and name in parameters:
        p = parameters[name]
        return axis_label(p), display_factor(p)
    return name, 1.0


def plot_scan_overlay(
    old: str | Path, new: str | Path, path: str | Path, *, title: str | None = None, parameters: Mapping[str, Parameter] | None = None
) -> Path:
    """Overlay the old and new scan JSON files of the same axes; returns the PNG path.

    ``parameters`` (the model's :class:`Parameter` s) give the axis labels, units and display
    factors, as in every other scan figure (:mod:`fitkit.plotting.labels`).
    """
    a, b = load_scan_json(old), load_scan_json(new)
    if (a["x"], a.get("y")) != (b["x"], b.get("y")):
        raise InputError(f"scans have different axes: {a['x']},{a.get('y')} vs {b['x']},{b.get('y')}", file=str(new))
    xlabel, fx = _axis(b["x"], parameters)
    ylabel, fy = _axis(b["y"], parameters) if b.get("y") is not None else (r"$\Delta\chi^2$", 1.0)
    with figure_style():
        fig, ax = new_figure(figsize=(7.0, 5.2))
        _draw(ax, a, style={"color": "0.45", "ls": "--", "marker": "s"}, label="old", fx=fx, fy=fy)
        _draw(ax, b, style={"color": "tab:red", "ls": "-", "marker": "*"}, label="new", fx=fx, fy=fy)
        if b.get("y") is None:
            for lev in b["levels"]:
                ax.axhline(lev, color="0.7", lw=0.8, ls=":")
            ax.set_ylim(0, 12)
        elif b.get("y_scale") == "log":
            ax.set_yscale("log")
        if b.get("x_scale") == "log":
            ax.set_xscale("log")
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        tidy_log_axes(ax)
        ax.legend(fontsize="small", loc="best")
        ax.set_title(wrap_title(title or b["name"]), fontsize="medium")
        return save_figure(fig, path)
