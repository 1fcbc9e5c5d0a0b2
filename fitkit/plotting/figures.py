"""The figure of a named fit's scan, the same whatever the entry point.

``fitkit scan NAME --plot`` and ``fitkit run`` both call :func:`scan_figure` with the scan, the fit
problem and the fit result; it fixes the inputs of :func:`fitkit.plotting.contours.plot_scan`
(labels and units from the model's parameters, title from the fit definition, best fit and
runner-ups from the fit, 002's best fit and the |g_D^mu| branch for the ``darkz-*`` models), so the
same scan gives the same PNG.
"""

from __future__ import annotations

from pathlib import Path

from fitkit.fitdef import FitProblem
from fitkit.inference.results import FitResult, ScanResult
from fitkit.plotting.contours import plot_scan

__all__ = ["scan_figure", "scan_title"]


def scan_title(problem: FitProblem) -> str:
    """'name: description' of the fit definition."""
    desc = problem.definition.description
    return f"{problem.name}: {desc}" if desc else problem.name


def scan_figure(scan: ScanResult, path: str | Path, *, problem: FitProblem, result: FitResult | None = None) -> Path:
    """Draw ``scan`` of fit ``problem`` (best fit and runner-ups from ``result``) to ``path``."""
    model = problem.model.name
    best = {k: p.value for k, p in result.parameters.items()} if result is not None else None
    if best is not None:
        best = {**scan.best, **best}
    runners_up = [m.parameters for m in result.runners_up] if result is not None else []
    paper_best = None
    absolute_y = False
    if model.startswith("darkz-"):
        from fitkit.reproduce.paper002_darkz import PAPER_BEST

        case = model.removeprefix("darkz-")
        absolute_y = scan.y == "g_mu"  # 002 Figs. 12, 13: |g_D^mu| of the rate-lowering sign
        pb = PAPER_BEST.get(case)
        if scan.y is not None and pb is not None and scan.x in pb and scan.y in pb:
            paper_best = pb
    return plot_scan(
        scan,
        path,
        parameters=problem.model.parameters,
        best=best,
        runners_up=runners_up,
        paper_best=paper_best,
        paper_label="best fit (002)",
        absolute_y=absolute_y,
        title=scan_title(problem),
    )
