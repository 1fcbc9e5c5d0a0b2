"""Plots of fit results: profile-likelihood regions and pulls."""

from fitkit.plotting.contours import plot_scan
from fitkit.plotting.pulls import plot_pulls

__all__ = ["plot_scan", "plot_pulls"]
