"""B_s -> mu mu, 002 eqs. (4.7)-(4.9)."""

import numpy as np
import pytest

from fitkit.constraints.bs_mumu import BsMuMu, delta_c10


def test_sm_limit_and_paper_statement():
    c = BsMuMu()
    M = np.array([0.01, 0.1, 1.0])
    assert np.allclose(c.predict({"M_ZD": M, "eps": 0.0, "eps_Z": 0.0}), 3.67e-9)
    # 002 sec. 4.2: eps_Z as large as 0.01 is allowed at 3 sigma; independent of eps
    p = {"M_ZD": M, "eps": 0.0, "eps_Z": 0.01}
    assert not np.any(c.excluded(p))
    assert np.allclose(c.predict({"M_ZD": M, "eps": 1e-3, "eps_Z": 0.01}), c.predict(p), rtol=1e-6)


def test_c10_shift_is_mass_independent_for_light_zd():
    # q^2 = m_Bs^2 >> M^2: the propagator is 1/m_Bs^2, delta C10 constant
    d = delta_c10(np.array([0.01, 0.1]), np.zeros(2), np.full(2, 1e-2), np.zeros(2), "A")
    assert d[0] == pytest.approx(d[1], rel=1e-3)


@pytest.mark.slow
def test_ratio_matches_flavio():
    flavio = pytest.importorskip("flavio")
    c = BsMuMu()
    M, eZ = np.array([0.05]), np.array([0.02])
    dc10 = delta_c10(M, np.zeros(1), eZ, np.zeros(1), "A")[0]
    wc = flavio.WilsonCoefficients()
    wc.set_initial({"C10_bsmumu": complex(dc10)}, scale=4.8, eft="WET", basis="flavio")
    ratio_flavio = flavio.np_prediction("BR(Bs->mumu)", wc) / flavio.sm_prediction("BR(Bs->mumu)")
    ratio = c.predict({"M_ZD": M, "eps": 0.0, "eps_Z": eZ})[0] / 3.67e-9
    assert ratio == pytest.approx(ratio_flavio, rel=0.01)
