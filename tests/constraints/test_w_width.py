"""W width, 002 eqs. (4.40)-(4.42), (5.4)."""

import numpy as np
import pytest
from scipy.optimize import brentq

from fitkit.constraints.w_width import WWidth


def _bound(c, M, key, case, fixed):
    def f(x):
        pts = {"M_ZD": [M], **fixed, key: [x]}
        return c.significance(pts, case)[0] - 2.0

    return brentq(f, 1e-6, 10.0)


def test_eq_4_42_case_a_below_dimuon_threshold():
    # 002 (4.42): eps_Z < 0.08 (M/100 MeV) at 2 sigma, with B(Z_D -> nu nu) ~ 70% (one flavour)
    c = WWidth(mode="invisible", n_nu=1)
    for M in (0.05, 0.1, 0.2):
        b = _bound(c, M, "eps_Z", "A", {"eps": [1e-5], "g_mu": [0.0]})
        assert b == pytest.approx(0.08 * M / 0.1, rel=0.06)


def test_eq_5_4_direct_muon_coupling():
    # 002 (5.4): g_D^mu < 0.022 (M/100 MeV), every Z_D decay counted
    c = WWidth(mode="total")
    for M in (0.01, 0.1):
        b = _bound(c, M, "g_mu", "B", {"eps": [1e-4], "eps_Z": [1e-5]})
        assert b == pytest.approx(0.022 * M / 0.1, rel=0.03)


def test_scales_as_one_over_mass_squared():
    c = WWidth(mode="total")
    p = c.predict({"M_ZD": np.array([0.01, 0.02]), "eps": 0.0, "eps_Z": 0.0, "g_mu": 0.01})
    assert p[0] / p[1] == pytest.approx(4.0)
