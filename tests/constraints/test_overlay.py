"""Exclusion maps on Z_D planes and the verdict table."""

import numpy as np
import pytest

from fitkit.constraints import CONSTRAINTS
from fitkit.constraints.overlay import PAPER_BEST_FITS, exclusion_maps, verdict_table


def test_map_matches_pointwise_evaluation():
    x, y = np.geomspace(0.01, 0.3, 7), np.geomspace(1e-3, 0.1, 5)
    m = exclusion_maps("C", "M_ZD", x, "g_mu", y)
    assert set(m.excluded) == set(CONSTRAINTS)
    i, j = 4, 2
    pt = {"M_ZD": [x[i]], "g_mu": [y[j]], "eps": [1e-4], "eps_Z": [1e-4]}
    for n, c in CONSTRAINTS.items():
        assert m.exclusion_cl[n][i, j] == pytest.approx(c.exclusion_cl(pt, "C")[0])
    assert m.fixed == {"eps": 1e-4, "eps_Z": 1e-4}


def test_missing_fixed_parameter_is_an_error():
    with pytest.raises(ValueError, match="eps"):
        exclusion_maps("A", "M_ZD", [0.01], "eps_Z", [1e-3])


def test_paper_best_fits_verdicts():
    rows = {r["case"]: r for r in verdict_table(PAPER_BEST_FITS)}
    # 002 sec. 5: Case A ruled out by APV, Case B by K -> mu nu X and the W width
    assert "apv" in rows["A"]["excluded_by"]
    assert {"k_munu_x", "w_width"} <= set(rows["B"]["excluded_by"])
    assert "apv" not in rows["C"]["excluded_by"]


def test_fig3_and_fig9_bound_curves():
    from fitkit.constraints.overlay import exclusion_boundary

    M = np.array([0.005, 0.01, 0.02])
    # B_s mixing (002 Fig. 3): Delta_mix ~ eps_Z^2/M^2 for M << m_b, so the bound grows like M
    b = exclusion_boundary("bs_mixing", "A", "M_ZD", M, "eps_Z", (1e-6, 1.0), fixed={"eps": 0.0})
    assert b[1] / b[0] == pytest.approx(2.0, rel=0.01) and b[2] / b[1] == pytest.approx(2.0, rel=0.01)
    # APV (002 Fig. 9): for larger eps, eps_Z is more constrained
    curves = [exclusion_boundary("apv", "A", "M_ZD", [0.03, 0.1], "eps_Z", (1e-9, 1.0), fixed={"eps": e}) for e in (1e-4, 1e-3, 1e-2)]
    assert np.all(curves[0] > curves[1]) and np.all(curves[1] > curves[2])
