"""Overlay plots of excluded regions (002 Figs. 11-13 style)."""

import numpy as np

from fitkit.constraints.overlay import PAPER_BEST_FITS, exclusion_maps
from fitkit.inference.results import ScanResult
from fitkit.plotting.constraints import cl_label, plot_exclusions


def test_cl_labels():
    assert [cl_label(c) for c in (0.6827, 0.84134, 0.95, 0.97725, 0.99865)] == ["1σ", "1σ", "95% CL", "2σ", "3σ"]


def test_plot_with_scan(tmp_path):
    x, y = np.geomspace(0.01, 0.3, 10), np.geomspace(1e-3, 0.1, 8)
    m = exclusion_maps("C", "M_ZD", x, "g_mu", y, names=["w_width", "k_munu_x", "trident"])
    gy = np.linspace(-0.1, 0.02, 9)
    chi2 = 50 + 4e3 * (gy[None, :] + 0.03) ** 2 + 0 * x[:, None]
    scan = ScanResult("darkz-C", "M_ZD", x, chi2, 50.0, {"M_ZD": 0.03, "g_mu": -0.03}, (2.30, 6.18, 11.83), y="g_mu", y_values=gy, x_scale="log")
    out = plot_exclusions(m, tmp_path / "c.png", scan=scan, paper_best=PAPER_BEST_FITS["C"])
    assert out.exists() and out.stat().st_size > 10_000
