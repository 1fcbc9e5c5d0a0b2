"""Efficiency maps: edges, eps_it = N_it / (BR_SM w_t) with the nearest-bin rule in 1D and 2D, 003's resolution model."""

from __future__ import annotations

import math

import numpy as np
import pytest

from fitkit.likelihood.efficiency_maps import (
    efficiencies,
    expand_edges,
    gaussian_bin_fractions,
    line_efficiencies,
    map_histogram,
    physical_mask,
    resolution_number_density,
)


def test_edges_concatenate_numbers_and_regular_pieces():
    e = expand_edges([-1.0, {"regular": [100, 0.0, 22.885]}])
    assert np.array_equal(e, np.concatenate([[-1.0], np.linspace(0.0, 22.885, 101)]))
    assert expand_edges([-math.inf, 4.0, math.inf])[0] == -math.inf
    for bad in ([1.0], [0.0, 0.0], [0.0, 2.0, 1.0], [0.0, math.nan]):
        with pytest.raises(ValueError, match="strictly increasing"):
            expand_edges(bad)


def test_efficiency_is_number_density_over_sm_rate_with_nearest_fill_in_1d():
    n = np.array([[0.0, 2.0, 4.0, 1e-9, 0.0], [0.0, 1.0, 1.0, 1e-9, 0.0]])
    w = np.array([0.0, 0.4, 0.5, 1e-7, 0.1 - 1e-7])
    phys = np.array([False, True, True, True, True])
    eps = efficiencies(n, w, 2.0, min_sm_fraction=1e-4, physical=phys)
    assert eps[0, 1] == pytest.approx(2.0 / (2.0 * 0.4)) and eps[1, 2] == pytest.approx(1.0 / (2.0 * 0.5))
    assert eps[0, 3] == eps[0, 2]  # w_3 below 1e-4 of the mean: nearest bin with SM content (bin 2, not 4)
    assert eps[0, 0] == 0.0  # outside the physical range (an underflow)


def test_nearest_fill_in_two_generated_dimensions():
    """On a 3 x 3 generated grid, an empty corner takes the efficiency of its nearest filled neighbour."""
    w = np.full((3, 3), 1.0 / 8)
    w[2, 2] = 0.0
    n = np.arange(9.0).reshape(1, 9) + 1
    eps = efficiencies(n, w, 1.0, min_sm_fraction=1e-4, physical=np.ones((3, 3), bool))
    assert eps.shape == (1, 9)
    assert eps[0, 8] == eps[0, 5]  # (2, 2) -> (1, 2) at distance 1 (ties: lowest flat index; (2, 1) is 7)
    assert eps[0, 4] == pytest.approx(5.0 * 8)


def test_physical_mask_on_a_grid():
    m = physical_mask([np.array([-1.0, 0.0, 1.0]), np.array([-1.0, 0.0, 1.0, 2.0])], [(0.0, math.inf), None])
    assert m.shape == (2, 3) and not m[0].any() and m[1].all()


def test_resolution_model_keeps_the_sm_yield_and_the_line_keeps_the_sm_efficiency():
    """N_(k j),t = Y_k w_t G_j(x_t): summed over generated bins and q2_rec bins, the SM yield of BDT bin k
    (open outer q2_rec bins); a line summed over q2_rec bins: the SM efficiency of each BDT bin."""
    q2 = np.linspace(0.0, 20.0, 11)
    w = np.diff(q2) / 20.0
    x = 0.5 * (q2[1:] + q2[:-1])
    rec = np.array([-np.inf, 4.0, 8.0, np.inf])
    y = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])  # 2 BDT x 3 q2_rec
    nmap = resolution_number_density(y, (2, 3), w, measured=(1, rec, x), sigma=1.5)
    assert nmap.shape == (6, 10)
    assert nmap.sum(axis=1).reshape(2, 3).sum(axis=1) == pytest.approx([6.0, 15.0], rel=1e-12)
    line = line_efficiencies(np.array([2.0, 15.0]), y, (2, 3), measured=(1, rec), sigma=1.5)
    assert line.reshape(2, 2, 3).sum(axis=2) == pytest.approx(np.array([[6.0, 15.0], [6.0, 15.0]]), rel=1e-12)
    assert line[1, 2] > line[1, 0]  # q^2 = 15: in the last q2_rec bin
    flat = resolution_number_density(y, (6,), w, measured=None, sigma=1.5)
    assert np.allclose(flat, y[:, None] * w[None, :])
    g = gaussian_bin_fractions(np.array([4.0, 100.0]), rec, 1.5)
    assert g.sum(axis=1) == pytest.approx([1.0, 1.0]) and g[1, 2] == 1.0


def test_map_histogram_has_the_declared_axes():
    h = map_histogram(np.arange(12.0).reshape(6, 2), [("BDT", 2), ("q2_rec", np.array([-np.inf, 4.0, 8.0, np.inf]))], [("q2", np.array([0.0, 1.0, 2.0]))])
    assert [a.name for a in h.axes] == ["BDT", "q2_rec", "q2"] and h.shape == (2, 3, 2)
    assert h[1, 0, 1] == 7.0 and h.axes["q2_rec"].edges[-1] == np.inf
