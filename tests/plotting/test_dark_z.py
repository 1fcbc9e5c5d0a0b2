"""Figs. 11-13 style plots of the Z_D scans."""

from __future__ import annotations

import numpy as np
import pytest

from fitkit.inference.results import ScanResult
from fitkit.plotting.dark_z import plot_darkz_scan


def _scan(y: str, y_values: np.ndarray, y_scale: str) -> ScanResult:
    x = np.geomspace(0.01, 2.0, 12)
    chi2 = 60.0 + 0.0 * x[:, None] + (np.log10(np.abs(y_values))[None, :] + 1.0) ** 2 * 5
    return ScanResult("darkz-test", "M_ZD", x, chi2, 60.0, {"M_ZD": 0.01, y: y_values[0]}, (2.30, 6.18, 11.83), y=y, y_values=y_values, x_scale="log", y_scale=y_scale)


def test_mixing_plane_png(tmp_path):
    s = _scan("eps_Z", np.geomspace(1e-8, 2e-3, 10), "log")
    out = plot_darkz_scan(s, tmp_path / "a.png", paper_best={"M_ZD": 0.01007, "eps_Z": 2e-3})
    assert out.exists() and out.stat().st_size > 1000


def test_coupling_plane_uses_rate_lowering_branch(tmp_path):
    s = _scan("g_mu", np.linspace(-0.3, 0.1, 20), "linear")
    out = plot_darkz_scan(s, tmp_path / "c.png", best={"M_ZD": 0.01, "g_mu": -0.1}, paper_best={"M_ZD": 0.0302, "g_mu": 0.033})
    assert out.exists()


def test_needs_2d_scan(tmp_path):
    s = ScanResult("darkz-test", "M_ZD", np.array([0.01, 0.1]), np.array([1.0, 2.0]), 1.0, {"M_ZD": 0.01}, (1.0, 4.0, 9.0))
    with pytest.raises(ValueError, match="2D"):
        plot_darkz_scan(s, tmp_path / "x.png")
