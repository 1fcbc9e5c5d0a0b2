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
