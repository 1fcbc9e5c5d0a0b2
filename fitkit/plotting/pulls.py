"""Per-observable pulls of a fit, SM and best fit side by side."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402

from fitkit.inference.results import FitResult  # noqa: E402
from fitkit.plotting.save import save_figure  # noqa: E402
from fitkit.plotting.style import figure_style, new_figure, wrap_title  # noqa: E402

__all__ = ["plot_pulls"]


def plot_pulls(result: FitResult, path: str | Path) -> Path:
    """Horizontal bars of (exp - th)/sigma for the SM and the best fit, one row per observable."""
    obs = result.observables
    n = len(obs)
    y = np.arange(n)
    with figure_style():
        fig, ax = new_figure(figsize=(7.0, 0.28 * n + 1.8))
        ax.barh(y + 0.2, [o["pull_sm"] for o in obs], height=0.4, color="0.6", label="SM")
        if result.parameters:
            ax.barh(y - 0.2, [o["pull"] for o in obs], height=0.4, color="tab:red", label="best fit")
        ax.set_yticks(y, [o["id"] for o in obs], fontsize=7)
        ax.tick_params(axis="y", which="minor", left=False, right=False)
        ax.set_ylim(n - 0.5, -0.5)
        ax.axvline(0, color="k", lw=0.8)
        ax.set_xlabel(r"pull $(x_\mathrm{exp} - x_\mathrm{th})/\sigma$")
        ax.set_title(wrap_title(f"{result.name}: $\\chi^2_{{min}}$ = {result.chi2_min:.2f}, $\\chi^2_{{SM}}$ = {result.chi2_sm:.2f}"))
        ax.legend()
        return save_figure(fig, path)
