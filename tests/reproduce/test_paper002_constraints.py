"""Rows of ``fitkit reproduce 002`` for the low-energy constraints (issue 5)."""

import pytest

from fitkit.reproduce.paper002_constraints import bs_mixing_mass_reach, rows, w_width_bound


def test_w_width_bounds_of_002():
    assert w_width_bound(0.1, "eps_Z", mode="invisible", case="A", fixed={"eps": 1e-5, "g_mu": 0.0}, n_nu=1) == pytest.approx(0.08, rel=0.1)
    assert w_width_bound(0.1, "g_mu", mode="total", case="B", fixed={"eps": 1e-4, "eps_Z": 1e-5}) == pytest.approx(0.022, rel=0.05)


def test_bs_mixing_reach_is_tens_of_mev():
    assert 0.01 < bs_mixing_mass_reach() < 0.06


@pytest.mark.slow
def test_rows():
    out = rows()
    by = {r.quantity: r for r in out}
    assert len(out) == 16
    for q, r in by.items():
        assert r.paper.startswith("002")
        if q.startswith(("W width", "B_s -> mu mu", "Case A", "Case B")):
            assert r.ok, q
