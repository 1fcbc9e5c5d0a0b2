"""Figures of fit results (one function per kind; see docs/conventions.md, "Figures")."""

from fitkit.plotting.contours import plot_scan
from fitkit.plotting.figures import scan_figure
from fitkit.plotting.pulls import plot_pulls

__all__ = ["plot_scan", "scan_figure", "plot_pulls"]
