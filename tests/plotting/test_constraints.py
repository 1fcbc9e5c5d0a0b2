"""Overlay plots of excluded regions (002 Figs. 11-13 style): image comparison."""

import numpy as np
from scipy import stats

from fitkit.constraints.overlay import PAPER_BEST_FITS, ExclusionMap, exclusion_maps
from fitkit.inference.results import ScanResult
from fitkit.plotting.constraints import cl_label, plot_exclusions
from tests.plotting._compare import assert_matches_reference


def test_cl_labels():
    assert [cl_label(c) for c in (0.6827, 0.84134, 0.95, 0.97725, 0.99865)] == ["1σ", "1σ", "95% CL", "2σ", "3σ"]


def _synthetic_map(x: np.ndarray, y: np.ndarray) -> ExclusionMap:
    """Three constraints with power-law deviations (as the real ones) but fixed numbers, so the
    reference image does not move when the physics of a constraint is improved."""
    X, Y = np.meshgrid(x, y, indexing="ij")
    z = {"w_width": 2.0 * (Y / 0.02) ** 2 * (0.03 / X) ** 2, "trident": 2.0 * (Y / 0.045) ** 4,
         "k_munu_x": 1.64 * (Y / 3e-3) ** 2 * (0.05 / X) / (1.0 + (X / 0.18) ** 12)}
    cl = {k: 2.0 * stats.norm.cdf(v) - 1.0 for k, v in z.items()}
    level = {"w_width": 0.9545, "trident": 0.95, "k_munu_x": 0.90}
    return ExclusionMap("C", "M_ZD", "g_mu", x, y, {"eps": 1e-4, "eps_Z": 1e-4}, cl,
                        {k: cl[k] >= level[k] for k in cl}, {k: v**2 for k, v in z.items()}, level)


def test_exclusion_overlay_reference(tmp_path):
    """Case C plane with three constraints, a scan's regions underneath and an --at point."""
    x, y = np.geomspace(0.01, 0.3, 14), np.geomspace(1e-3, 0.1, 12)
    m = _synthetic_map(x, y)
    gy = -np.geomspace(0.1, 1e-3, 13)
    chi2 = 50 + 4e3 * (gy[None, :] + 0.03) ** 2 + 2.0 * np.log10(x[:, None] / 0.01) ** 2
    scan = ScanResult("darkz-C", "M_ZD", x, chi2, 50.0, {"M_ZD": 0.01, "g_mu": -0.03}, (2.30, 6.18, 11.83), y="g_mu", y_values=gy, x_scale="log")
    out = plot_exclusions(m, tmp_path / "c.png", scan=scan, best={"M_ZD": 0.15, "g_mu": 0.025}, best_label="--at point",
                          paper_best=PAPER_BEST_FITS["C"])
    assert_matches_reference(out, "exclusions")


def test_plot_of_real_maps(tmp_path):
    """The plot takes the maps of fitkit.constraints.overlay as they are."""
    x, y = np.geomspace(0.01, 0.3, 8), np.geomspace(1e-3, 0.1, 6)
    m = exclusion_maps("C", "M_ZD", x, "g_mu", y, names=["w_width", "trident"])
    assert plot_exclusions(m, tmp_path / "c.png").stat().st_size > 10_000
