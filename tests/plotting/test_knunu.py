"""The B -> K(*) X figures of 003 (mass scan, Z' planes): image comparison on a fixed result."""

import numpy as np

from fitkit.plotting.knunu import plot_light_x, plot_zprime
from tests.plotting._compare import assert_matches_reference


def _result() -> dict:
    m = np.linspace(0.0, 4.5, 30)
    bump = np.exp(-0.5 * ((m - 2.0) / 0.3) ** 2)
    scans = {
        name: {"m_X": m, "BR_KX": (8.0 * bump + off) * 1e-6, "BR_KX_error": np.full_like(m, 3e-6), "significance_local": 2.8 * bump + off / 3}
        for name, off in (("maps", 0.0), ("gaussian", 0.5), ("combined", -0.5))
    }
    axis = np.linspace(-1.2e-8, 1.2e-8, 41)
    gl, gr = np.meshgrid(axis, axis, indexing="ij")
    dchi2 = ((gl - 0.4e-8) ** 2 + (gr - 0.3e-8) ** 2) / (0.25e-8) ** 2
    brs = np.linspace(2e-6, 1.6e-5, 17)
    return {
        "scans": scans,
        "kstar_limit": {"m_X": m, "BR_KstarX_UL90": 3e-5 + 1e-5 * bump},
        "zprime_profile": {"m_X": 2.0, "BR_KX": brs.tolist(), "delta_twice_nll": (((brs - 8.8e-6) / 2.5e-6) ** 2).tolist()},
        "zprime": {"dim4": {"axis": axis, "delta_chi2": dchi2, "g_L": 0.4e-8, "g_R": 0.3e-8}},
    }


def test_light_x_reference(tmp_path):
    assert_matches_reference(plot_light_x(_result(), tmp_path / "light_x.png"), "light_x")


def test_zprime_planes_reference(tmp_path):
    assert_matches_reference(plot_zprime(_result(), tmp_path / "zprime.png"), "zprime")
