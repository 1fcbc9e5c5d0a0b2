"""002 sec. 5 fits: fitkit's own numbers pinned, and the formula-level explanations of the
differences to the paper (see fitkit/reproduce/paper002_darkz.py)."""

from __future__ import annotations

import numpy as np
import pytest

from fitkit import api
from fitkit.data.catalog import Catalog
from fitkit.inference.fit import batch_cost
from fitkit.likelihood.gaussian import GaussianChi2
from fitkit.models import get_model
from fitkit.reproduce import paper002_darkz as P

pytestmark = pytest.mark.slow  # three fits with grids + profiles, ~40 s


def test_case_a_numbers():
    r = P._fit("A")
    assert r.chi2_min == pytest.approx(86.12, abs=0.3)  # paper 85.8 (86.42 before the alpha scheme and O_8 terms, 86.07 before the two-loop O_1, O_2 terms, 86.04 before QCD factorisation)
    assert r.chi2_sm == pytest.approx(93.00, abs=0.05)
    assert r.parameters["eps_Z"].value == pytest.approx(2e-3, rel=0.01)  # at the bound, as the paper
    # the paper's point is within 3.3 of fitkit's minimum; M_ZD is a flat direction
    assert P.profile_at("A", "M_ZD", 0.01007) - r.chi2_min < 0.5


def test_case_b_is_case_c_plus_sm_electrons():
    rb, rc = P._fit("B"), P._fit("C")
    electrons = Catalog().select(tags=["table1-002", "electron"], include_superseded=True)
    assert len(electrons) == 6
    chi2_e = GaussianChi2(electrons, get_model("sm"), asymmetric_errors="side", theory_errors="relative")()
    assert rb.chi2_min - rc.chi2_min == pytest.approx(chi2_e, abs=0.1)  # 9.26; paper: 18.25
    # the fit fixes eps_Z x g_mu: |g_mu|_B / |g_mu|_C = eps_Z(C) / eps_Z(B) = 10
    gb, gc = rb.parameters["g_mu"].value, rc.parameters["g_mu"].value
    assert gb < 0 and gc < 0
    assert gb / gc == pytest.approx(10.0, rel=0.05)


def test_case_c_numbers():
    r = P._fit("C")
    assert r.chi2_min == pytest.approx(60.16, abs=0.3)  # paper 56.90, pull 4.94 in its sec. 7, i.e. 59.90 (58.84 before the two-loop O_1, O_2 terms, 59.66 before QCD factorisation, 60.09 before the NNLO inclusive rate)
    assert r.chi2_sm == pytest.approx(83.81, abs=0.05)  # paper 84.30
    assert r.parameters["g_mu"].value == pytest.approx(-0.1177, rel=0.03)  # paper +0.033 (|g_mu| 6 % larger with alpha(0) couplings)
    # M_ZD below the first muon bin is flat: the paper's 30.2 MeV is within 0.2
    assert P.profile_at("C", "M_ZD", 0.0302) - r.chi2_min < 0.2


def test_absolute_theory_errors_bracket_the_paper_case_c():
    # with the flavio SM error held fixed the rate-lowering fits gain ~5.6 units: the paper's 56.90
    # lies between fitkit's two readings of the theory error (60.16 scaled, 54.65 fixed)
    assert P._fit_absolute("C").chi2_min == pytest.approx(54.65, abs=0.3)
    assert P._fit_absolute("A").chi2_min == pytest.approx(83.53, abs=0.3)
    assert P._fit_absolute("C").chi2_min < 56.90 < P._fit("C").chi2_min


def test_case_b_reports_the_island_above_200_mev():
    # the 3 sigma island of the (M_ZD, g_mu) plane where Z_D sits in the low muon bins: a separate
    # valley (profiled over g_mu) at 0.2-0.3 GeV, 7.9 above chi2_min, behind a barrier. MIGRAD with
    # the gradient steps over that barrier from the island's grid start; fit() then redoes such a
    # start with MIGRAD's own derivatives, so the island is reported as a runner-up.
    r = P._fit("B")
    assert r.runners_up, "Case B has a separate local minimum"
    island = r.runners_up[0]
    assert 0.15 < island.parameters["M_ZD"] < 0.3
    assert 0 < island.fval - r.chi2_min < 11.83
    problem = api.problem("darkz-B")
    masses, g = np.geomspace(0.1, 0.4, 13), np.linspace(-3.0, 3.0, 241)
    mm, gg = np.meshgrid(masses, g, indexing="ij")
    profile = batch_cost(problem, {"M_ZD": mm.ravel(), "g_mu": gg.ravel()}).reshape(mm.shape).min(axis=1)
    valley = profile[(masses > 0.2) & (masses < 0.3)].min()
    assert island.fval == pytest.approx(valley, abs=1.5)  # the grid profile is coarser than MIGRAD
    assert profile[(masses > 0.1) & (masses < 0.2)].min() > valley + 20  # the barrier below


def test_rows_build_and_formula_checks_pass():
    rows = {r.quantity: r for r in P.rows()}
    ok = ("a_mu^A at the paper's point", "a_mu^B at the paper's point", "a_mu^C at the paper's point", "Case A: chi2_min", "Case C: chi2_min from the sec. 7 pull")
    for q in ok:
        assert rows[q].ok, rows[q]
    # since QCD factorisation (issue 14) Case C's chi2_min (60.16) is that of 002's sec. 7 pull (59.90),
    # 3.26 above the 56.90 of its sec. 5
    assert not rows["Case C: chi2_min"].ok and rows["Case C: chi2_min"].fitkit_value == pytest.approx(59.90, abs=0.3)
    assert len(rows) >= 18


def test_delta_mk_pins_the_e0z_normalisation():
    # 002 sec. 4.4 quotes Delta M_K^NP = -4.64e-15 MeV (M_ZD = 10 MeV, eps_Z = 1e-3); (B.7) gives
    # 25-30x less, i.e. |E^{0,Z}| 3.5x smaller (3.7x with alpha(0)): the same factor as between the |g_mu| of B and C
    row = P._delta_mk_row()
    assert row.fitkit_value == pytest.approx(-1.71e-16, rel=0.02)  # -1.53e-16 with alpha(0) couplings
    assert "3.5x" in row.note
    assert not row.ok


def test_printed_convention_moves_case_a_to_the_paper_mass():
    r = P._fit_printed_a()
    assert r.parameters["M_ZD"].value == pytest.approx(0.0102, rel=0.05)  # paper 10.07 MeV
    assert r.chi2_min == pytest.approx(83.33, abs=0.3)  # paper 85.8 (83.88 before issue 14)


def test_smeared_switch_removes_the_low_mass_solution():
    r = P._fit_option("A", "switch", "resolution")
    assert r.chi2_min == pytest.approx(91.66, abs=0.3)
    assert r.parameters["M_ZD"].value > 0.1
