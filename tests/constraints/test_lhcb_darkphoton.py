"""LHCb prompt dark-photon limits recast as in 002 sec. 4.9 (table shipped in data/darkcast, sha256-verified)."""

import numpy as np
import pytest

from fitkit.constraints.lhcb_darkphoton import LHCbDarkPhoton


@pytest.fixture(scope="module")
def lhcb():
    return LHCbDarkPhoton()


def test_limits_quoted_in_002(lhcb):
    # 002 sec. 4.9: eps <~ 1e-4 around 200 MeV and <~ 5e-4 around 2 GeV (90% CL); the limit
    # fluctuates with the local background: compare medians over 0.2-0.3 and 1.5-2.5 GeV
    lo = np.median(lhcb.limit(np.linspace(0.215, 0.3, 200)))
    hi = np.median(lhcb.limit(np.linspace(1.5, 2.5, 200)))
    assert 1e-4 < lo < 3e-4 and 3e-4 < hi < 1.5e-3 and lo < hi
    assert not np.isfinite(lhcb.limit(np.array([0.1]))[0])  # below the dimuon search range


def test_recast_rules_out_g_mu_above_1e_3_above_210_mev(lhcb):
    # 002: the recast (e eps)^2 -> (e eps) g_D^mu rules out g_D^mu > 1e-3 for M > 210 MeV (eps = 1e-4)
    M = np.array([0.25, 0.5, 2.0])  # (0.96-1.1 GeV: no limit, phi region)
    pts = {"M_ZD": M, "eps": 1e-4, "eps_Z": 1e-4, "g_mu": 0.01}
    assert np.all(lhcb.excluded(pts, "C"))
    assert not np.any(lhcb.excluded({**pts, "g_mu": 1e-5}, "C"))
