"""Upper-limit likelihood terms: constructions, limit files, the term builder, a fit."""

from __future__ import annotations

import numpy as np
import pytest
from iminuit import Minuit
from scipy import stats

from fitkit.data.catalog import Catalog
from fitkit.data.limits import UpperLimit, find_limit, load_limits
from fitkit.errors import InputError
from fitkit.likelihood import TermContext, available_terms, build_term
from fitkit.likelihood.limits import UpperLimitChi2, limit_chi2, limit_sigma
from fitkit.models.massless_dark_photon import MasslessDarkPhoton


def test_constructions_place_the_limit_where_documented():
    ul, cl = 2.7e-5, 0.90
    # one-sided Gaussian: UL = Phi^-1(CL) sigma -> chi2(UL) = 1.2816^2
    assert float(limit_chi2(np.array(ul), ul, cl)) == pytest.approx(stats.norm.ppf(cl) ** 2)
    # chi2 quantile: chi2(UL) = 2.706 for 90% CL, 3.841 for 95% CL
    assert float(limit_chi2(np.array(ul), ul, cl, "chi2-quantile")) == pytest.approx(2.7055, abs=1e-4)
    assert float(limit_chi2(np.array(ul), ul, 0.95, "chi2-quantile")) == pytest.approx(3.8415, abs=1e-4)
    # hard: zero inside, continuous at the limit, steep outside
    p = np.array([0.0, 0.99 * ul, ul, 1.01 * ul, 1.05 * ul])
    chi = limit_chi2(p, ul, cl, "hard", wall=0.01)
    np.testing.assert_allclose(chi, [0, 0, 0, 1, 25], atol=1e-9)
    # negative predictions carry no penalty
    assert float(limit_chi2(np.array(-1e-5), ul, cl)) == 0.0
    assert limit_sigma(ul, cl, "hard") == np.inf
    with pytest.raises(InputError):
        limit_sigma(ul, cl, "bayesian")  # type: ignore[arg-type]


def test_limit_files_are_found_and_validated(tmp_path):
    table = load_limits(Catalog().root)
    assert table["belle2017_Kst_nunu"][2].upper_limit == 2.7e-5
    assert table["belle2017_Kst_nunu"][1].source.arxiv == "1702.03224"
    with pytest.raises(InputError, match="unknown limit"):
        find_limit("nope", Catalog().root)
    bad = tmp_path / "limits"
    bad.mkdir()
    (bad / "x.yaml").write_text("id: x\nsource: {experiment: E, year: 2020}\nlimits:\n  - {id: a, observable: 'BR(B0->K*inv)', upper_limit: -1, cl: 0.9}\n")
    with pytest.raises(InputError, match="entry a"):
        load_limits(tmp_path)


def test_term_builder_and_cost():
    assert "upper-limit" in available_terms()
    model = MasslessDarkPhoton()
    spec = {"type": "upper-limit", "limit": "belle2017_Kst_nunu", "compare_to": "BR(B0->K*inv)"}
    cost = build_term(spec, model, context=TermContext())
    assert isinstance(cost, UpperLimitChi2)
    assert list(cost._parameters) == ["alpha_D", "Lambda", "m_Q"]
    # at the Lambda where BR(K* gamma_D) = 2.7e-5 the one-sided Gaussian chi2 is 1.2816^2
    br_ref = float(model.br_vector_dark_photon({"alpha_D": [1.0], "Lambda": [1e8], "m_Q": [0.5]})[0])
    lam_bound = 1e8 * np.sqrt(br_ref / 2.7e-5)
    assert cost(1.0, lam_bound, 0.5) == pytest.approx(stats.norm.ppf(0.9) ** 2, rel=1e-9)
    lams = np.array([0.5, 1.0, 2.0]) * lam_bound
    np.testing.assert_allclose(cost.batch({"alpha_D": np.ones(3), "Lambda": lams, "m_Q": np.full(3, 0.5)}),
                               1.6424 / np.array([0.5, 1.0, 2.0]) ** 4, rtol=1e-3)
    row = cost.observables({"alpha_D": 1.0, "Lambda": lam_bound, "m_Q": 0.5}, model.sm_point())[0]
    assert row["fit"] == pytest.approx(2.7e-5) and row["pull"] == pytest.approx(-stats.norm.ppf(0.9))
    with pytest.raises(InputError, match="unknown key"):
        build_term({**spec, "colour": 1}, model, context=TermContext())
    with pytest.raises(InputError, match="invisible"):
        build_term({**spec, "compare_to": "BR(B0->K*mumu)"}, model, context=TermContext())
    # without compare_to the measured observable is predicted: SM (theory engine) + K* gamma_D
    total = build_term({"type": "upper-limit", "limit": "belle2017_Kst_nunu"}, model, context=TermContext())
    sm = float(total.predictions(model.sm_point())[0])
    assert 5e-6 < sm < 1.5e-5
    assert total(1.0, lam_bound, 0.5) > cost(1.0, lam_bound, 0.5)


def test_hard_limit_reproduces_the_lambda_bound_of_000_in_a_fit():
    # 000 eq. (4.6): minimising Lambda subject to the hard limit lands on Lambda = 9.56e4 TeV (3%)
    model = MasslessDarkPhoton()
    lim = UpperLimit(id="k", observable="BR(B0->K*nunu)", upper_limit=2.7e-5, cl=0.9)
    cost = UpperLimitChi2(lim, model, compare_to="BR(B0->K*inv)", construction="hard", wall=1e-3)

    def fcn(log_lam):
        return cost(1.0, 10.0**log_lam, 0.5) + (log_lam - 7.0) ** 2 * 1e-6  # a gentle pull to small Lambda

    fcn.errordef = Minuit.LEAST_SQUARES
    m = Minuit(fcn, log_lam=7.5)
    m.migrad()
    assert 10 ** m.values["log_lam"] / 1e3 == pytest.approx(9.56e4, rel=0.03)
