"""K+ -> mu+ nu Z_D, 002 eqs. (4.26)-(4.32)."""

import numpy as np

from fitkit.constraints.k_munu_x import KMuNuEE, KMuNuX


def test_case_b_excluded_case_a_allowed():
    c = KMuNuX()
    # 002 sec. 5.2: K -> mu nu X rules out the Case B region (M < 30 MeV, g_D^mu >~ 0.1)
    b = {"M_ZD": [0.0103, 0.02, 0.03], "eps": 1e-4, "eps_Z": 1e-5, "g_mu": [0.28, 0.2, 0.1]}
    assert np.all(c.excluded(b, "B"))
    # 002 sec. 4.5: in Case A, eps, eps_Z ~ 1e-3 stays within the limit even for light Z_D;
    # true with the printed (4.27); the Dirac-trace rate (2x) reaches the limit at 10 MeV
    a = {"M_ZD": [0.01, 0.05], "eps": 1e-3, "eps_Z": 1e-3, "g_mu": 0.0}
    assert not np.any(KMuNuX(method="printed").excluded(a, "A"))
    assert c.excluded(a, "A").tolist() == [True, False]


def test_pure_dark_photon_has_no_invisible_rate():
    c = KMuNuX()
    assert c.predict({"M_ZD": [0.05], "eps": [1e-3], "eps_Z": [0.0]}, "A")[0] == 0.0


def test_ee_mode_applies_above_145_mev_and_not_in_case_c():
    c = KMuNuEE()
    pts = {"M_ZD": [0.1, 0.16], "eps": 1e-4, "eps_Z": 1e-5, "g_mu": 0.01}
    assert c.applies(pts, "B").tolist() == [False, True]
    assert not np.any(c.applies(pts, "C"))
    # 002 sec. 4.5 / Fig. 7: g_D^mu >~ 1e-3 enhances the rate for 145 < M < 200 MeV in Case B
    assert c.excluded({"M_ZD": [0.17], "eps": [1e-4], "eps_Z": [1e-5], "g_mu": [0.01]}, "B")[0]
