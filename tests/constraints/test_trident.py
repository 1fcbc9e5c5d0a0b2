"""Neutrino trident (CCFR), 002 eq. (4.39)."""

import numpy as np
import pytest

from fitkit.constraints.trident import Trident, trident_ratio


def test_contact_limit_of_ref_59():
    # heavy Z': sigma/sigma_SM = 1.28 (CCFR 95% CL one-sided) at M/g' = 618 GeV
    r = trident_ratio(np.array([1.0, 0.0]), np.array([618.0, 1.0]))
    assert r[0] == pytest.approx(0.82 + 1.645 * 0.28, abs=0.01) and r[1] == 1.0


def test_case_c_region_allowed_and_cases():
    c = Trident()
    # 002 Fig. 13: 100-200 MeV, g_D^mu <~ 0.035 is consistent with CCFR; larger couplings are not
    ok = {"M_ZD": [0.1, 0.2], "eps": 1e-4, "eps_Z": 1e-4, "g_mu": [0.035, 0.035]}
    bad = {"M_ZD": [0.1], "eps": [1e-4], "eps_Z": [1e-4], "g_mu": [0.2]}
    assert not np.any(c.excluded(ok, "C")) and c.excluded(bad, "C")[0]
    assert not c.applies(bad, "A")[0]
