"""Toys of the m_X scan: reproducible from a seed, serial == Dask; the score scan vs the LRT."""

from __future__ import annotations

import numpy as np
import pytest

from fitkit.analyses.paper003.light_x import line_templates, scan_light_x
from fitkit.data.registry import dataset_dir
from fitkit.inference.lee import global_significance, gross_vitells, upcrossings, z_from_p
from fitkit.inference.toys import run_toys, scan_statistic, score_scan, toy_seeds

DIR = dataset_dir("belle2-knunu-2023")  # shipped in data/, sha256-verified


@pytest.fixture(scope="module")
def lk():
    from fitkit.likelihood.belle2_knunu import Belle2Knunu

    return Belle2Knunu(DIR)


def test_seeds_do_not_depend_on_chunking():
    a = [s.generate_state(2).tolist() for s in toy_seeds(3, 10)]
    b = [s.generate_state(2).tolist() for s in toy_seeds(3, 10)]
    assert a == b and len({tuple(x) for x in a}) == 10


def test_gross_vitells_limits():
    """No upcrossings: the local one-sided chi^2_1 tail; more upcrossings: a larger global p."""
    assert gross_vitells(4.0, n_up=0.0, u0=0.5) == pytest.approx(0.5 * 0.0455002638963584, rel=1e-9)
    assert gross_vitells(9.0, n_up=2.0, u0=0.5) > gross_vitells(9.0, n_up=1.0, u0=0.5)
    assert upcrossings(np.array([[2.0, 0.0, 2.0]]), 1.0).tolist() == [2]
    p, z = global_significance(3.0, np.array([0.5, 1.0, 3.5]))
    assert p == pytest.approx(0.5) and z == pytest.approx(z_from_p(0.5))


@pytest.mark.slow
def test_score_scan_tracks_the_likelihood_ratio(lk):
    """Near the Belle II excess the score Z and the profile LRT Z agree to ~10 %."""
    masses = np.array([1.0, 2.1, 3.5])
    z, _ = score_scan(lk, line_templates(lk, masses))
    lrt = scan_light_x(lk, masses).z_local
    assert np.allclose(z, lrt, rtol=0.15, atol=0.1)


@pytest.mark.slow
def test_serial_and_dask_toys_are_identical(lk):
    masses = np.linspace(0.5, 4.5, 9)
    tpl = line_templates(lk, masses)
    _, theta0 = score_scan(lk, tpl)
    serial = run_toys(DIR, masses, tpl, theta0, n_toys=3, seed=11, chunk=2)
    parallel = run_toys(DIR, masses, tpl, theta0, n_toys=3, seed=11, chunk=1, workers=2)
    assert np.array_equal(serial.z_max, parallel.z_max) and np.array_equal(serial.m_best, parallel.m_best)
    other = run_toys(DIR, masses, tpl, theta0, n_toys=3, seed=12, chunk=3)
    assert not np.array_equal(serial.z_max, other.z_max)


@pytest.mark.slow
def test_scan_statistic_is_the_likelihood_ratio_at_the_excess(lk):
    """On the data the score overshoots (3.98 sigma); T is the profile LRT of the scan (3.63 sigma)."""
    masses = np.linspace(1.5, 2.7, 13)
    templates = line_templates(lk, masses)
    z, null = score_scan(lk, templates)
    t, j = scan_statistic(lk, templates, z, null)
    lrt = scan_light_x(lk, masses[j : j + 1]).z_local[0]
    assert t == pytest.approx(lrt, abs=0.02) and t == pytest.approx(3.63, abs=0.05)
    assert z.max() > t + 0.2
    # below the refinement threshold the score itself is the statistic
    t_low, j_low = scan_statistic(lk, templates, z, null, z_min=10.0)
    assert t_low == z.max() and j_low == int(np.argmax(z))
