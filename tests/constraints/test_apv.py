"""Atomic parity violation, 002 eqs. (4.33)-(4.38)."""

import numpy as np
import pytest

from fitkit.constraints.apv import APV, form_factor, rho_kappa


def test_cs_form_factor_as_in_002():
    # 002 sec. 4.7: f ~ 0.5 at M_ZD = 2.4 MeV, f ~ 1 at 100 MeV
    f = form_factor(np.array([0.0024, 0.1]), 0.0024**2)
    assert f[0] == pytest.approx(0.5) and f[1] == pytest.approx(1.0, abs=1e-3)


def test_sm_and_decoupling_limits():
    c = APV()
    qp, qc = c.charges({"M_ZD": [0.05, 50.0], "eps": [0.0, 1e-3], "eps_Z": [0.0, 1e-3]})
    assert qp[0] == pytest.approx(0.0710) and qc[0] == pytest.approx(-73.23)
    assert qc[1] == pytest.approx(-73.23, rel=1e-3)  # heavy Z_D: eps_Z^2 m_Z^2/M^2 -> 0


def test_rho_kappa_pure_dark_photon():
    # eps_Z = 0: rho - 1 = (M eps tan/m_Z)^2 f, kappa - 1 = -eps^2 f
    r, k = rho_kappa(np.array([0.1]), np.array([1e-3]), np.array([0.0]), np.array([1.0]))
    assert k[0] - 1 == pytest.approx(-1e-6) and r[0] - 1 < 1e-10


def test_case_a_excluded_below_30_mev_at_3_sigma():
    # 002 sec. 5.1: APV rules out the whole Case A region (eps_Z ~ 1e-3, eps <= 1e-3) for M <~ 30 MeV
    c = APV()
    M, eZ, e = np.meshgrid(np.linspace(0.0101, 0.03, 5), [5e-4, 1e-3, 2e-3], [1e-5, 1e-4, 1e-3])
    pts = {"M_ZD": M.ravel(), "eps": e.ravel(), "eps_Z": eZ.ravel()}
    assert np.all(c.exclusion_cl(pts, "A") > 0.9973)
    assert not np.any(c.applies(pts, "C"))
