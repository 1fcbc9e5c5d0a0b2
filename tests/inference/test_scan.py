"""Profile scans: a grid profile is a profile (refining it does not change Delta chi^2)."""

from __future__ import annotations

import numpy as np
import pytest

from fitkit import api
from fitkit.inference.scan import profile_refinement_change, profile_scan


@pytest.fixture(scope="module")
def mdp():
    return api.problem("massless-dark-photon")


def test_alpha_d_profile_is_unimodal_and_grid_independent(mdp):
    """000 massless dark photon: the alpha_D profile (Lambda profiled on a 12-point grid + zoom)
    falls to one flat minimum (the valley BR = 1.9e-5) and never rises again (it had bumps of
    0.45 between the Lambda nodes); a 4x finer Lambda grid changes it by < 0.05 anywhere."""
    s = profile_scan(mdp, "alpha_D", points=(60,), profile_points=12)
    d = s.chi2 - s.chi2_min
    i = int(np.argmin(d))
    tol = 0.01  # numerical noise of the flat valley is ~1e-5; the old bumps were 0.45
    left, right = d[: i + 1], d[i:]
    assert np.all(left >= np.maximum.accumulate(left[::-1])[::-1] - tol)  # falls to the minimum ...
    assert np.all(right >= np.maximum.accumulate(right) - tol)  # ... and never falls again: one minimum
    assert d[0] == pytest.approx(7.367, abs=0.01)  # alpha_D = 0: the SM, chi2 = (1.9/0.7)^2
    assert profile_refinement_change(mdp, "alpha_D", points=(60,), profile_points=12) < 0.05


def test_grid_profile_agrees_with_migrad_profile(mdp):
    """The zoomed grid profile and the warm-started MIGRAD profile agree within 0.05."""
    grid = profile_scan(mdp, "alpha_D", points=(25,), profile_points=12)
    migrad = profile_scan(mdp, "alpha_D", points=(25,), method="migrad")
    d_grid, d_migrad = grid.chi2 - grid.chi2.min(), migrad.chi2 - migrad.chi2.min()
    assert np.max(np.abs(d_grid - d_migrad)) < 0.05


def test_unknown_axis_is_an_input_error(mdp):
    from fitkit.errors import InputError

    with pytest.raises(InputError, match="not a free parameter"):
        profile_scan(mdp, "m_Q")


def test_level_refinement_of_a_coarse_grid_matches_the_fine_grid(mdp):
    """A 9 x 9 (Lambda, alpha_D) scan refined twice near the levels gives the regions of a fully
    computed 33 x 33 scan at every node, computing fewer than half of the new nodes."""
    coarse = profile_scan(mdp, "Lambda", "alpha_D", points=(9, 9))
    full = profile_scan(mdp, "Lambda", "alpha_D", points=(33, 33), refine=0)
    assert coarse.chi2.shape == full.chi2.shape == (33, 33)
    np.testing.assert_allclose(coarse.x_values, full.x_values, rtol=1e-12)
    d_coarse, d_full = coarse.chi2 - coarse.chi2_min, full.chi2 - full.chi2_min
    for level in coarse.levels:
        assert np.array_equal(d_coarse < level, d_full < level), level
    n_new = int(coarse.provenance["scan_refinement"].split(": ")[1].split(" nodes")[0])
    assert 0 < n_new < 0.5 * (33 * 33 - 9 * 9)
    assert "scan_refinement" not in full.provenance


@pytest.mark.slow
def test_migrad_scans_are_the_same_serially_and_on_one_or_two_workers():
    """A 2D MIGRAD profile (darkz-A: eps profiled at each (M_ZD, eps_Z)), a 1D one and a 2D grid
    profile: rows and segments are pure tasks, so serial, 1-worker and 2-worker runs give the same
    numbers."""
    from fitkit.execution import session

    problem = api.problem("darkz-A")
    runs = []
    for workers in (None, 1, 2):
        with session(workers=workers):
            two_d = profile_scan(problem, "M_ZD", "eps_Z", points=(3, 3), method="migrad", refine=0)
            one_d = profile_scan(problem, "M_ZD", points=(7,), method="migrad")
            grid = profile_scan(problem, "M_ZD", "eps_Z", points=(15, 14), refine=0)  # 3 tasks of GRID_SEGMENT
        runs.append((two_d.chi2, one_d.chi2, grid.chi2))
    for other in runs[1:]:
        for a, b in zip(runs[0], other):
            assert np.all(np.isfinite(a)) and np.allclose(a, b, rtol=0, atol=1e-10)


def test_a_grid_profile_does_not_depend_on_its_segments(monkeypatch):
    """Each scan point's grid profile (grid pass and zooms) is its own: segments of any size give
    the same numbers bit for bit."""
    import fitkit.inference.scan as scan_module

    problem = api.problem("darkz-A")
    whole = profile_scan(problem, "M_ZD", points=(13,))
    monkeypatch.setattr(scan_module, "GRID_SEGMENT", 4)
    parts = profile_scan(problem, "M_ZD", points=(13,))
    np.testing.assert_array_equal(whole.chi2, parts.chi2)
    assert whole.best == parts.best
