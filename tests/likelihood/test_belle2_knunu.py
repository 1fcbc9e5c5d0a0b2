"""Belle II B+ -> K+ nu nubar: maps, folding, the SM fit and the light-X scan (003 sec. II)."""

from __future__ import annotations

import numpy as np
import pytest

from fitkit.analyses.paper003.light_x import line_templates, scan_light_x
from fitkit.data.registry import dataset_dir
from fitkit.inference.profile import as_cost
from fitkit.inference.template_scan import fit_sm
from fitkit.likelihood.belle2_knunu import BR_SM, BR_SM_ERROR, DATASET, Belle2Knunu
from fitkit.likelihood.sm_spectra import knunu_q2_fractions


@pytest.fixture(scope="module")
def lk() -> Belle2Knunu:
    return Belle2Knunu(dataset_dir(DATASET))


def test_sm_spectrum_folds_back_to_the_nominal_signal(lk):
    """eps_it * BR_SM * w_t summed over true bins = each bin's SM yield (HTA: minus its underflow)."""
    y = lk.fold(knunu_q2_fractions(lk.generated_edges) * BR_SM)[0]
    ita = np.array([c.startswith(("A__", "B__")) for c in lk.channel_of_cell])
    assert np.allclose(y[ita], lk.sm_yield[ita], rtol=1e-9)
    assert np.allclose(y[~ita], lk.sm_yield[~ita], rtol=0.02)


def test_line_efficiency_is_continuous_in_mass(lk):
    m = np.linspace(1.0, 3.0, 201)
    y = line_templates(lk, m)
    jumps = np.abs(np.diff(y, axis=0)).max(axis=0) / y.max(axis=0)
    assert jumps.max() < 0.05
    # beyond the kinematic endpoint there is no signal
    assert np.all(line_templates(lk, np.array([5.0])) == 0)


def test_gaussian_treatment_conserves_the_sm_efficiency(lk):
    """003's Gaussian in q^2_rec: summed over q^2_rec bins it is the SM efficiency per BDT bin."""
    y = lk.gaussian_line_yields(np.array([2.0]))[0]
    assert y.sum() == pytest.approx(lk.sm_yield.sum() / BR_SM, rel=1e-12)


@pytest.mark.slow
def test_sm_fit_mu(lk):
    r = fit_sm(lk)
    assert r.values["mu"] == pytest.approx(4.6, abs=0.05)
    assert r.errors["mu"] == pytest.approx(1.3, abs=0.05)


@pytest.mark.slow
def test_light_x_near_two_gev_matches_003(lk):
    """003: Belle II alone, BR(B+ -> K+ X) = (8.8 +- 2.5)e-6 at m_X ~ 2 GeV, 3.6 sigma local."""
    s = scan_light_x(lk, np.array([1.8, 2.0, 2.2]))
    b = s.best()
    assert 1.7 <= b["m_X"] <= 2.3
    assert b["BR_KX"] == pytest.approx(8.8e-6, rel=0.2, abs=0)
    assert b["BR_KX_error"] == pytest.approx(2.5e-6, rel=0.2, abs=0)
    assert b["significance_local"] == pytest.approx(3.6, abs=0.4)


def test_the_yaml_holds_the_belle2_layout(lk):
    """reinterpretation.yaml: true-q^2 edges [-1, 0) then 100 bins to 22.885 GeV^2 (HEPData 166082),
    BR_SM and its error as in fitkit.constants, ITA cells BDT x q^2_rec (q^2_rec fastest), HTA 6 BDT bins."""
    (edges,) = lk.generated_edges
    assert np.array_equal(edges, np.concatenate([[-1.0], np.linspace(0.0, 22.885, 101)]))
    assert lk.config.normalisation.sm_br == BR_SM and lk.config.sm_signal.br_error == BR_SM_ERROR
    shapes = {name: h.shape for name, h in lk.maps.items()}
    assert sorted(shapes.values()) == [(1, 3, 101), (3, 3, 101), (6, 101)]
    assert lk.maps["sgn1_had"].axes[0].name == "BDT" and lk.eps.shape == (18, 101)


def test_simplified_card_matches_workspace_counts(lk):
    """The card shipped in data/ (derived by scripts/) has the workspace's observed counts and yields."""
    from fitkit.likelihood.belle2_knunu import load_simplified

    simple = load_simplified()
    assert np.array_equal(simple.data, lk.workspace.data)
    sig_full = lk.workspace.nominal[lk.workspace.sample_cells("signal")]
    sig_card = simple.nominal[simple.sample_cells("signal")]
    assert np.allclose(sig_full, sig_card, atol=1e-4)


@pytest.mark.slow
def test_simplified_mu_within_half_of_full():
    """Issue 6: the offline card gives mu within 0.5 of the full likelihood (4.6); smaller error
    because its shape systematics are dropped (Belle II: 4.6 +- 1.0 stat +- 0.9 syst)."""
    r = fit_sm(Belle2Knunu(None))
    assert abs(r.values["mu"] - 4.6) < 0.5
    assert 0.85 < r.errors["mu"] < 1.2


def test_external_constraints_from_cards():
    """BaBar K+ (1.5 +1.7 -0.8 +0.4 -0.2)e-5 minus SM 4.97e-6; Belle K+ < 1.9e-5 at 90% CL."""
    from fitkit.likelihood.bknunu_external import constraints, upper_limit

    babar, belle = constraints("K")
    assert babar.mean == pytest.approx(1.5e-5 - 4.97e-6, rel=1e-12, abs=0)
    assert babar.sigma_above == pytest.approx(np.hypot(1.7e-5, 0.4e-5), rel=1e-12, abs=0)
    assert belle.chi2(np.array([1.9e-5 - 4.97e-6]))[0] == pytest.approx(1.2816**2, rel=1e-3)
    # profile limit on B_X >= 0: Delta chi^2 = 1.2816^2 above the minimum at B_X = 0
    ul = upper_limit([belle])
    assert belle.chi2(np.array([ul]))[0] - belle.chi2(np.array([0.0]))[0] == pytest.approx(1.2816**2, rel=1e-3)


@pytest.mark.slow
def test_profiled_term_cost_and_extras():
    """The belle2-knunu term of a fit definition: profiled cost in the model's parameters."""
    from fitkit.likelihood import TermContext
    from fitkit.likelihood.belle2_knunu import build_term
    from fitkit.models import get_model

    cost = as_cost(build_term({"likelihood": "full"}, get_model("invisible-x"), context=TermContext()))
    assert list(cost._parameters) == ["m_X", "BR_KX", "BR_KstarX"]
    at_best = cost(2.1, 8.7e-6, 0.0)
    assert cost(2.1, 0.0, 0.0) - at_best == pytest.approx(3.6**2, abs=1.5)
    assert cost.extras({"m_X": 2.1, "BR_KX": 8.7e-6, "BR_KstarX": 0.0})["significance_local"] == pytest.approx(3.6, abs=0.2)
    mu_cost = as_cost(build_term({}, get_model("knunu-mu"), context=TermContext()))
    assert mu_cost(1.0) - mu_cost(4.6) == pytest.approx(2.7**2, abs=1.0)  # Belle II: 2.7 sigma from the SM
