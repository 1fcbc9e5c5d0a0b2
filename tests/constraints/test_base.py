"""Registry, verdict conventions and the iminuit cost of fitkit.constraints.base."""

import numpy as np
import pytest
from iminuit import Minuit
from scipy import stats

from fitkit.constraints import CONSTRAINTS, evaluate

NAMES = [
    "bs_mixing", "bs_mumu", "b_knunu", "k_pinunu", "delta_mk", "k_munu_x", "k_munu_ee",
    "pi_munu_x", "apv", "trident", "cevns", "w_width", "lhcb_darkphoton", "g_minus_2",
]


def test_registry_has_the_issue_names():
    assert list(CONSTRAINTS) == NAMES


@pytest.mark.parametrize("case", ["A", "B", "C"])
def test_every_constraint_is_vectorised(case):
    M = np.geomspace(0.005, 1.0, 7)
    pts = {"M_ZD": M, "eps": np.full(7, 1e-4), "eps_Z": np.full(7, 1e-4), "g_mu": np.full(7, 0.0 if case == "A" else 0.02)}
    for c in CONSTRAINTS.values():
        p, z, cl = c.predict(pts, case), c.significance(pts, case), c.exclusion_cl(pts, case)
        assert p.shape == z.shape == cl.shape == (7,)
        assert np.all((cl >= 0) & (cl <= 1))
        one = c.predict({k: v[3:4] for k, v in pts.items()}, case)
        assert one[0] == pytest.approx(p[3], rel=1e-9)


def test_limit_reading_gives_the_nominal_cl_at_the_limit():
    # a one-sided 90% CL limit: a prediction exactly at the limit is excluded at 90% CL
    c = CONSTRAINTS["k_munu_x"]
    assert stats.norm.cdf(c.limit / c.sigma) == pytest.approx(0.90)


def test_rows_have_the_json_keys():
    rows = evaluate({"M_ZD": 0.0302, "eps": 1e-4, "eps_Z": 1e-4, "g_mu": 0.033}, "C")
    assert [r["name"] for r in rows] == NAMES
    for r in rows:
        assert {"name", "prediction", "measurement_or_limit", "excluded", "cl"} <= set(r)


def test_cost_minimises_with_iminuit_to_the_measured_g_minus_2():
    # Δa_μ = 251e-11 at M = 0.1 GeV needs g_mu ~ 5e-4 (Case C mixings): MIGRAD finds chi2 = 0
    cost = CONSTRAINTS["g_minus_2"].cost("C", fixed={"M_ZD": 0.1, "eps": 1e-4, "eps_Z": 1e-4})
    m = Minuit(cost, g_mu=1e-3)
    m.migrad()
    assert m.valid and m.fval < 1e-3
    a = CONSTRAINTS["g_minus_2"].predict({"M_ZD": [0.1], "eps": [1e-4], "eps_Z": [1e-4], "g_mu": [m.values["g_mu"]]}, "C")
    assert a[0] == pytest.approx(251e-11, abs=0.05 * 59e-11)
