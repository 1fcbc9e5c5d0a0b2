"""Overlay plots of excluded regions (002 Figs. 11-13 style): image comparison."""

import numpy as np

from fitkit.constraints.overlay import PAPER_BEST_FITS, exclusion_maps
from fitkit.inference.results import ScanResult
from fitkit.plotting.constraints import cl_label, plot_exclusions
from tests.plotting._compare import assert_matches_reference


def test_cl_labels():
    assert [cl_label(c) for c in (0.6827, 0.84134, 0.95, 0.97725, 0.99865)] == ["1σ", "1σ", "95% CL", "2σ", "3σ"]


def test_exclusion_overlay_reference(tmp_path):
    """Case C plane with three constraints, a scan's regions underneath and an --at point."""
    x, y = np.geomspace(0.01, 0.3, 14), np.geomspace(1e-3, 0.1, 12)
    m = exclusion_maps("C", "M_ZD", x, "g_mu", y, names=["w_width", "k_munu_x", "trident"])
    gy = -np.geomspace(0.1, 1e-3, 13)
    chi2 = 50 + 4e3 * (gy[None, :] + 0.03) ** 2 + 2.0 * np.log10(x[:, None] / 0.01) ** 2
    scan = ScanResult("darkz-C", "M_ZD", x, chi2, 50.0, {"M_ZD": 0.01, "g_mu": -0.03}, (2.30, 6.18, 11.83), y="g_mu", y_values=gy, x_scale="log")
    out = plot_exclusions(m, tmp_path / "c.png", scan=scan, best={"M_ZD": 0.15, "g_mu": 0.025}, best_label="--at point",
                          paper_best=PAPER_BEST_FITS["C"])
    assert_matches_reference(out, "exclusions")
