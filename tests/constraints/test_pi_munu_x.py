"""pi+ -> mu+ nu Z_D (PIENU), 002 sec. 4.6."""

import numpy as np

from fitkit.constraints.pi_munu_x import PiMuNuX


def test_statements_of_002_fig_8():
    c = PiMuNuX()
    # eps_Z << eps: g_D^mu < 0.1 allowed for M < 34 MeV
    small = {"M_ZD": [0.005, 0.02, 0.03], "eps": 1e-4, "eps_Z": 1e-6, "g_mu": 0.1}
    assert not np.any(c.excluded(small, "B"))
    # eps_Z >~ eps: Z_D mostly invisible, g_D^mu >= 0.1 excluded for M < 15 MeV
    large = {"M_ZD": [0.005, 0.01], "eps": 1e-5, "eps_Z": 1e-4, "g_mu": 0.1}
    assert np.all(c.excluded(large, "B"))
    assert not c.applies({"M_ZD": [0.04], "eps": [0.0], "eps_Z": [1e-4]})[0]
