"""Profile-scan figures (1D curve, 2D regions): image comparison and the drawing rules."""

from __future__ import annotations

import numpy as np
import pytest

from fitkit.inference.results import ScanResult
from fitkit.models.base import Parameter
from fitkit.plotting.contours import _inside, plot_scan, smooth_field
from tests.plotting._compare import assert_matches_reference

PARAMS = {
    "M_ZD": Parameter("M_ZD", unit="GeV", bounds=(0.01, 2.0), scale="log", label=r"M_{Z_D}", plot_unit="MeV"),
    "g_mu": Parameter("g_mu", bounds=(-0.3, 0.3), label=r"g_D^\mu"),
    "alpha_D": Parameter("alpha_D", bounds=(0.0, 2.0), label=r"\alpha_D"),
    "Lambda": Parameter("Lambda", unit="GeV", bounds=(3e7, 1e9), scale="log", label=r"\Lambda", plot_unit="TeV"),
}


def _scan_2d() -> ScanResult:
    """A banana-shaped valley in (log M_ZD, g_mu) with its minimum on the lower M_ZD bound."""
    x = np.geomspace(0.01, 2.0, 25)
    y = np.linspace(-0.3, 0.3, 25)
    lx = np.log10(x)[:, None]
    chi2 = 50.0 + 40.0 * (y[None, :] + 0.08 + 0.03 * (lx + 2.0) ** 2) ** 2 / 0.01 + 3.0 * (lx + 2.0)
    return ScanResult("darkz-test", "M_ZD", x, chi2, 50.0 + float(np.min(chi2 - 50.0)), {"M_ZD": 0.01, "g_mu": -0.08},
                      (2.30, 6.18, 11.83), y="g_mu", y_values=y, x_scale="log")


def test_2d_regions_reference(tmp_path):
    s = _scan_2d()
    runners = [{"M_ZD": 0.05, "g_mu": -0.1}, {"M_ZD": 1.5, "g_mu": -0.01}]
    out = plot_scan(s, tmp_path / "scan2d.png", parameters=PARAMS, best={"M_ZD": 0.01, "g_mu": -0.08}, runners_up=runners,
                    paper_best={"M_ZD": 0.0302, "g_mu": 0.033}, paper_label="best fit (002)", absolute_y=True,
                    title="darkz-test: a title long enough that it has to be wrapped onto a second line to fit the frame")
    assert_matches_reference(out, "scan_2d")


def test_1d_profile_reference(tmp_path):
    a = np.linspace(0.0, 2.0, 41)
    chi2 = 3.0 + 9.0 * (a - 0.7) ** 2
    s = ScanResult("1d-test", "alpha_D", a, chi2, 3.0, {"alpha_D": 0.7}, (1.0, 4.0, 9.0))
    out = plot_scan(s, tmp_path / "scan1d.png", parameters=PARAMS, title="1d-test: profile of alpha_D")
    assert_matches_reference(out, "scan_1d")


def test_log_axes_and_units_from_parameters(tmp_path):
    """Lambda in TeV on a log axis (stored in GeV)."""
    import matplotlib.pyplot as plt

    lam, alpha = np.geomspace(3e7, 1e9, 10), np.linspace(0.0, 2.0, 9)
    chi2 = (np.log10(lam)[:, None] - 8.0) ** 2 * 10 + (alpha[None, :] - 1.0) ** 2 * 5
    s = ScanResult("l", "Lambda", lam, chi2, 0.0, {"Lambda": 1e8, "alpha_D": 1.0}, (2.30, 6.18, 11.83), y="alpha_D",
                   y_values=alpha, x_scale="log")
    captured = {}
    orig = plt.Figure.savefig

    def spy(fig, *args, **kwargs):
        ax = fig.axes[0]
        captured.update(xlabel=ax.get_xlabel(), xscale=ax.get_xscale(), xlim=ax.get_xlim())
        return orig(fig, *args, **kwargs)

    plt.Figure.savefig = spy
    try:
        plot_scan(s, tmp_path / "l.png", parameters=PARAMS)
    finally:
        plt.Figure.savefig = orig
    assert captured["xlabel"] == r"$\Lambda$ [TeV]" and captured["xscale"] == "log"
    assert captured["xlim"] == pytest.approx((3e4, 1e6))


def test_runner_up_outside_the_regions_is_not_drawn():
    s = _scan_2d()
    y = -s.y_values[s.y_values < 0][::-1]
    field = (s.chi2 - s.chi2_min)[:, s.y_values < 0][:, ::-1]
    x = s.x_values * 1e3
    args = (s, -1.0, x, y, field, 1e3, 1.0, True, True)
    assert _inside({"M_ZD": 0.012, "g_mu": -0.08}, *args)
    assert not _inside({"M_ZD": 0.012, "g_mu": -0.29}, *args)  # deep in the excluded area
    assert not _inside({"M_ZD": 0.012, "g_mu": 0.08}, *args)  # the other branch is not drawn


def test_smooth_field_exact_at_nodes_and_no_overshoot():
    u, v = np.linspace(0, 1, 6), np.linspace(0, 2, 7)
    f = np.where(u[:, None] > 0.5, 40.0, 1.0 + v[None, :])  # a jump like a hard limit
    uf, vf, g = smooth_field(u, v, f, cap=20.0, refine=4)
    assert g[::4, ::4] == pytest.approx(np.minimum(f, 20.0))
    assert g.min() >= 1.0 - 1e-12 and g.max() <= 20.0 + 1e-12
    # no value below the smaller corner of its cell (the ringing a plain cubic spline shows)
    assert np.all(g[: 4 * 2 + 1] <= 3.0 + 1e-12)
