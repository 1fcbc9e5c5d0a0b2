"""CEvNS (COHERENT CsI), 002 sec. 4.8."""

import numpy as np
import pytest

from fitkit.constraints.cevns import CEvNS


def test_limits():
    c = CEvNS()
    r = c.predict({"M_ZD": [0.01, 100.0], "eps": [0.0, 0.0], "eps_Z": [0.0, 1e-3]})
    assert r[0] == pytest.approx(1.0) and r[1] == pytest.approx(1.0, rel=1e-3)


def test_light_zd_bound_order_of_002():
    # 002: eps_Z <~ 5e-4 for M_ZD <~ 10 MeV (1 sigma); fitkit's direct computation is stronger
    c = CEvNS()
    pts = {"M_ZD": np.full(3, 0.01), "eps": np.zeros(3), "eps_Z": np.array([1e-5, 5e-4, 1e-3])}
    assert c.excluded(pts).tolist() == [False, True, True]
