"""Z_D branching ratios used by the constraints."""

import numpy as np
import pytest

from fitkit.constraints.zd import branching_ratios


def test_invisible_fraction_quoted_in_002():
    # 002 sec. 4.9: B(Z_D -> nu nu) ~ 70% below the dimuon threshold for Case A (one flavour)
    br = branching_ratios(np.array([0.05]), np.array([1e-5]), np.array([1e-3]), np.zeros(1), "A", n_nu=1)
    assert br["nunu"][0] == pytest.approx(0.665, abs=0.01)
    br3 = branching_ratios(np.array([0.05]), np.array([1e-5]), np.array([1e-3]), np.zeros(1), "A")
    assert br3["nunu"][0] == pytest.approx(6 / 7, abs=0.01)


def test_case_c_electron_vector_coupling_tuned_away():
    br = branching_ratios(np.array([0.1]), np.array([1e-3]), np.array([1e-4]), np.zeros(1), "C")
    # only the axial eps_Z coupling remains: Gamma_ee : Gamma_nunu(3) = 1 : 6
    assert br["ee"][0] == pytest.approx(1 / 7, rel=1e-3)
