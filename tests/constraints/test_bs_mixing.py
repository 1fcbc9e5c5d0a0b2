"""B_s mixing, 002 eqs. (4.1)-(4.6)."""

import numpy as np
import pytest

from fitkit import constants as K
from fitkit.constraints.bs_mixing import BsMixing, delta_m_sm, inami_lim_s0


def test_inami_lim_values():
    # S_0(x_t) = 2.3 for m_t(m_t) ~ 163 GeV (Buras); S_0(x) -> x for x -> 0
    assert float(inami_lim_s0((163.53 / K.M_W) ** 2)) == pytest.approx(2.32, abs=0.01)
    assert float(inami_lim_s0(1e-6)) == pytest.approx(1e-6, rel=1e-4)


def test_sm_mass_difference_close_to_eq_4_4():
    # (4.1) with 002's inputs vs 18.4 ps^-1 (4.4)
    dm = delta_m_sm(0.2561**2, 0.551) / K.HBAR_GEV_S * 1e-12
    assert dm == pytest.approx(18.4, rel=0.08)


def test_delta_mix_negative_scales_with_eps_z_squared_and_excludes_light_zd():
    c = BsMixing()
    M = np.array([0.01, 0.03, 0.06])
    d1 = c.predict({"M_ZD": M, "eps": 0.0, "eps_Z": 1e-3})
    d2 = c.predict({"M_ZD": M, "eps": 0.0, "eps_Z": 2e-3})
    assert np.all(d1 < 0) and np.allclose(d2 / d1, 4.0)
    # independent of eps (002 Fig. 3 caption)
    assert np.allclose(c.predict({"M_ZD": M, "eps": 1e-2, "eps_Z": 1e-3}), d1)
    # 002 sec. 4.1: eps_Z >~ 1e-3 excluded for light Z_D (fitkit: up to ~21 MeV, 002: 60 MeV)
    excl = c.excluded({"M_ZD": np.array([0.01, 0.015, 0.1]), "eps": 0.0, "eps_Z": 1e-3})
    assert excl.tolist() == [True, True, False]
