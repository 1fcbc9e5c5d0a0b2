"""K -> pi Z_D, 002 eqs. (4.19)-(4.22)."""

import numpy as np

from fitkit.constraints.k_pinunu import KPiNuNu


def test_sm_limit_is_allowed():
    c = KPiNuNu()
    pts = {"M_ZD": [0.05, 0.2], "eps": 0.0, "eps_Z": 0.0}
    bp, bl = c.branching_ratios(pts)
    assert np.allclose(bp, 8.4e-11) and np.allclose(bl, 3.4e-11)
    assert not np.any(c.excluded(pts))


def test_grossman_nir_bound():
    # 002 sec. 4.4: B(K_L -> pi0 nu nu) <~ 4.3 B(K+ -> pi+ nu nu) holds for the new physics part
    c = KPiNuNu()
    M = np.array([0.02, 0.08, 0.15])
    bp, bl = c.branching_ratios({"M_ZD": M, "eps": 0.0, "eps_Z": 1e-6})
    assert np.all((bl - 3.4e-11) <= 4.4 * (bp - 8.4e-11))


def test_na62_signal_regions():
    c = KPiNuNu()
    # M^2 = 0.0225 GeV^2 lies in the pi0 gap of NA62: only KOTO can exclude there
    zp, _ = c.pulls({"M_ZD": [0.15], "eps": [0.0], "eps_Z": [1e-7]})
    assert zp[0] == 0.0
