"""002 sec. 5 and 6: the Case A, B, C fits of the Z_D model and a_mu at the best fits.

Every fitkit value is recomputed live from ``likelihoods/darkz-{A,B,C}.yaml``. Where a number
is outside the tolerance the row's note gives the formula-level reason, backed by a second
live number (the same numbers are pinned in tests/reproduce/test_paper002_darkz.py):

- Theory errors. 002 adds "the SM uncertainty estimated by flavio" to the experimental error.
  fitkit's darkz fits scale that error with the prediction (``theory_errors: relative``:
  sigma_th(X) = sigma_SM B_th(X)/B_SM, as flavio's uncertainty of a new-physics prediction
  behaves; the form-factor errors are multiplicative). Held fixed at the SM value, the fits
  that lower the rates by 20-30 % gain from the unchanged absolute error: chi2_min drops by
  2.6 (A) and 5.5 (B, C) units. The paper's Case C (56.90) lies between the two readings
  (fitkit 60.16 scaled, 54.65 fixed); A is within 0.3 (scaled) and 2.3 (fixed) of the paper
  (rows "absolute SM theory errors"). Since issue 14 (two-loop O_1, O_2 matrix elements in
  C9eff, QCD factorisation for B -> V l l and the NNLO inclusive B -> X_s l l rate, which bring
  fitkit's SM rates within 1.6 % and its NP/SM ratios within 1.8 % of flavio below 6 GeV^2) fitkit's
  Case C chi2_min, 60.16 (pull 4.86),
  is that of 002's summary (sec. 7: pull 4.94, i.e. chi2_min = 84.30 - 4.94^2 = 59.90; row "Case C:
  chi2_min from the sec. 7 pull"), 3.26 above the 56.90 of sec. 5. Before: Case C 58.84 (no
  two-loop terms), 59.66 (no QCD factorisation), 60.09 (leading-order inclusive rate); Case B
  68.09, 68.91, 69.34.

- Flat directions. Below the first muon bin (|q| < 316 MeV) and, for Case A, below the
  electron bin edge (30 MeV), the off-shell C9, C10 ∝ 1/(q^2 - M_ZD^2) barely depend on M_ZD:
  the chi^2 profiled at the paper's M_ZD lies within ~0.1-1 of fitkit's minimum, so M_ZD is not
  determined by the data (and likewise eps in Case A, which only enters through the small
  eps x eps_Z cross term of (2.10)).
- Coupling normalisation. In Cases B and C, C9 ∝ E^{0,Z}_L(eps_Z) g_mu / N: the fit fixes
  the product, so |g_mu| scales with 1/E^{0,Z}_L. fitkit's |g_mu| is 3.6x (C) and 4.3x (B) (3.9x, 4.6x with alpha(0) couplings) the
  paper's (fitkit's B/C ratio is exactly eps_Z(C)/eps_Z(B) = 10, the paper's 8.5). Two numbers of the paper that depend on E^{0,Z} alone point to
  the same factor: ΔM_K^NP = -4.64e-15 MeV at M_ZD = 10 MeV, eps_Z = 1e-3 (sec. 4.4, eq. (4.24))
  needs |E^{0,Z}_{sd}| 3.5x larger than (B.7) gives (3.7x with alpha(0)) (row below), and the B_s-mixing statement
  (sec. 4.1: eps_Z >~ 1e-3 excluded for M_ZD <~ 60 MeV at 2 sigma, i.e. |Delta_mix| >~ 13%
  through eq. (4.3)) needs ~3x (fitkit: -1.4%). fitkit's E^{0,Z}_L is pinned to
  (B.7) = -8 C_0(x_t) x (prefactor) and to the SM Z penguin (tests/models/dark_z), so the paper's
  numerical E^{0,Z} is not the one printed in (B.7). Issue 14 settled the printed side: (B.7) is
  exactly -eps_Z x the Buchalla-Buras-Lautenbacher Z penguin (its kernel equals
  -8 [C_0(x_j^2) - C_0(x_1^2)] and (B.3)'s +36 [D_0(x_j^2) - D_0(x_1^2)] at finite x_1), so
  appendix B is consistently normalised; |E^{0,Z}_L(b -> s)| = 1.1389e-4 eps_Z with alpha(0)
  equals BBL with the same inputs to 1e-6 (issue 14 quoted 1.1384e-4 for BBL with its inputs);
  in fitkit's one alpha scheme (alpha_e(mu_b), docs/conventions.md) it is 1.203e-4 eps_Z, 5.6 %
  larger, which lowers fitkit's |g_mu| of Cases B and C by 5.3 % (1/1.056). The paper's |g_mu|,
  B_s-mixing reach and Delta M_K correspond to a coupling about 3x larger.
- Sign. With the physically consistent signs (eps = 1 and eps_Z = 1 reproduce the SM photon
  and Z penguins) a rate-lowering g_mu is negative; the paper's printed (B.7) and (2.10) give
  the opposite sign. Rows compare |g_mu|.
- Case B vs C. With eps E^{2,A} q^2 < 1% of eps_Z E^{0,Z} for eps = 1e-4, eps_Z = 1e-5, Case B
  is Case C with g_mu rescaled plus the 6 electron observables at their SM values, so
  chi2_B - chi2_C = chi2_SM(electron modes) = 9.26 in fitkit; the paper quotes
  75.15 - 56.90 = 18.25, i.e. its Case B fit is ~9 worse than its own Case C fit of the same
  muon data.
- Narrow-width switch. The paper applies (2.13) only when M_ZD lies inside a bin. With the
  resolution smearing of (2.14) applied to nearby bins as well (option ``switch=resolution``),
  the Case A solution below 30 MeV disappears: with (B.7), B(B -> K* Z_D) exceeds 1 there
  (longitudinal 1/M_ZD^2 enhancement), and the Gaussian tail reaches the K*ee bin edge.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np

from fitkit import api
from fitkit.constants import ALPHA_EM_0
from fitkit.fitdef import build_problem, load_definition
from fitkit.inference import fit
from fitkit.inference.fit import evaluate
from fitkit.inference.results import FitResult
from fitkit.models.dark_z.couplings import lepton_couplings, penguin_couplings
from fitkit.models.dark_z.g_minus_2 import a_mu_eq62, a_mu_eq63, delta_a_mu
from fitkit.models.dark_z.inputs import paper_best_fits
from fitkit.reproduce.row import Row, check

__all__ = ["PAPER", "rows", "PAPER_BEST", "a_mu_at", "profile_at"]

PAPER = "002"
_FILE = "002_8de271d8e1e07e0c.txt"

#: Best fits of 002 eqs. (5.2), (5.3), (5.6) (GeV for M_ZD) with chi2/pull of sec. 5
#: (data/theory/darkz_paper002_best_fits.yaml).
PAPER_BEST: dict[str, dict[str, float]] = {
    case: {**b.point, "chi2": b.chi2, "pull": b.pull, **({"chi2_sm": b.chi2_sm} if b.chi2_sm is not None else {})}
    for case, b in paper_best_fits().items()
}
#: a_mu at the best fits, 002 sec. 6.
PAPER_A_MU: dict[str, float] = {case: b.a_mu for case, b in paper_best_fits().items()}


@cache
def _fit(case: str) -> FitResult:
    return api.fit_named(f"darkz-{case}")


@cache
def _fit_option(case: str, option: str, value: str) -> FitResult:
    """The fit ``darkz-<case>`` with one model option changed."""
    defn = load_definition(f"darkz-{case}")
    return fit(build_problem(defn.model_copy(update={"options": {**defn.options, option: value}})))


#: Case C's pull as quoted in 002's summary, sec. 7 (sec. 5 gives 5.23 with chi2_min = 56.90).
PAPER_SEC7_PULL_C: float = 4.94


@cache
def _fit_absolute(case: str) -> FitResult:
    """The fit ``darkz-<case>`` with the theory error held at the card's SM value."""
    defn = load_definition(f"darkz-{case}")
    return fit(build_problem(defn.model_copy(update={"theory_errors": "absolute"})))


def _fit_printed_a() -> FitResult:
    return _fit_option("A", "convention", "printed")


@cache
def profile_at(case: str, name: str, value: float) -> float:
    """chi^2 of ``darkz-<case>`` minimised over the other free parameters with ``name = value``."""
    problem = api.problem(f"darkz-{case}").with_fixed({name: value})
    if not problem.free:
        return evaluate(problem, {})
    return fit(problem).chi2_min


def a_mu_at(case: str, point: dict[str, float]) -> float:
    """Delta a_mu of 002 eqs. (6.2)-(6.3) at ``point``, with the full muon couplings (v, a).

    Case A: mixing couplings (eq. (6.2) with the eps x eps_Z cross term of v^2 kept); Cases B, C:
    v includes g_mu (eq. (6.3) plus the tiny mixing terms).
    """
    g = point.get("g_mu", 0.0)
    v, a = lepton_couplings(point["eps"], point["eps_Z"], g)
    return float(delta_a_mu(point["M_ZD"], v, a))


def _point(case: str) -> dict[str, float]:
    r = _fit(case)
    return {**r.fixed, **{k: p.value for k, p in r.parameters.items()}}


def rows() -> list[Row]:
    """The must-show numbers of issue 4 (tolerances: chi2 ±3, M_ZD ×1.5, couplings ×2)."""
    out: list[Row] = []
    flat = "flat direction: chi2 profiled at the paper's value is chi2_min + {d:.2f}"
    for case in ("A", "B", "C"):
        r, pb, pt = _fit(case), PAPER_BEST[case], _point(case)
        out.append(check(_FILE, f"Case {case}: chi2_min", pb["chi2"], r.chi2_min, abs_tol=3.0, note=_chi2_note(case, r)))
        pull_note = f"chi2_SM = {r.chi2_sm:.2f}" + ("; see the chi2_min row" if case == "B" else "")
        out.append(check(_FILE, f"Case {case}: pull", pb["pull"], r.pull_sm, abs_tol=0.5, note=pull_note))
        d_m = profile_at(case, "M_ZD", pb["M_ZD"]) - r.chi2_min
        out.append(check(_FILE, f"Case {case}: M_ZD [MeV]", 1e3 * pb["M_ZD"], 1e3 * pt["M_ZD"], factor=1.5, note=flat.format(d=d_m)))
        if case == "A":
            d = profile_at(case, "eps", pb["eps"]) - r.chi2_min
            note = (
                f"chi2 profiled at the paper's eps is chi2_min + {d:.2f}: eps enters mainly through the cross term "
                "e eps x E^{0,Z}_L of C9 (lepton coupling -e eps + ..., eq. (2.15) sign), which lowers the muon rates, "
                "so the fit takes eps to its bound 1e-3"
            )
            out.append(check(_FILE, "Case A: eps", pb["eps"], pt["eps"], factor=2.0, note=note))
            out.append(check(_FILE, "Case A: eps_Z", pb["eps_Z"], pt["eps_Z"], factor=2.0, note="at the bound 2e-3 as in the paper"))
            at = {k: pb[k] for k in ("M_ZD", "eps", "eps_Z")}
            at_paper = evaluate(api.problem("darkz-A"), at)
            defn = load_definition("darkz-A")
            printed = build_problem(defn.model_copy(update={"options": {**defn.options, "convention": "printed"}}))
            note = (
                f"with C9, C10 of (2.10)-(2.11) as printed (convention=printed) the paper's point gives "
                f"{evaluate(printed, at):.2f}: the sign of the eps x eps_Z cross term decides the last units"
            )
            out.append(check(_FILE, "Case A: chi2 at the paper's best-fit point", pb["chi2"], at_paper, abs_tol=3.0, note=note))
        else:
            note = (
                "fitkit's g_mu is negative (physical sign convention; the paper's printed (B.7), (2.10) flip it); "
                f"|g_mu| {abs(pt['g_mu']) / pb['g_mu']:.1f}x the paper's: E^{{0,Z}}_L of (B.7) is smaller than the paper's "
                "numbers imply (its Delta M_K^NP of sec. 4.4 needs 3.5x, see that row), while (B.7) itself is exactly "
                "-eps_Z x the BBL Z penguin (1.1389e-4 eps_Z at alpha(0), 1.203e-4 in fitkit's alpha_e(mu_b) scheme; "
                "issue 14); chi2 profiled at g_mu = "
                f"-{pb['g_mu']:g} is chi2_min + {profile_at(case, 'g_mu', -pb['g_mu']) - r.chi2_min:.2f}"
            )
            out.append(check(_FILE, f"Case {case}: |g_mu|", pb["g_mu"], abs(pt["g_mu"]), factor=2.0, note=note))
    rp = _fit_printed_a()
    note = (
        "diagnostic: Case A with C9, C10 of (2.10)-(2.11) as printed (lepton factors e eps + g/c_W eps_Z g_V, "
        "g/c_W eps_Z g_A; option convention=printed)"
    )
    out.append(check(_FILE, "Case A (printed (2.10)): M_ZD [MeV]", 1e3 * PAPER_BEST["A"]["M_ZD"], 1e3 * rp.parameters["M_ZD"].value, factor=1.5, note=note))
    out.append(check(_FILE, "Case A (printed (2.10)): chi2_min", PAPER_BEST["A"]["chi2"], rp.chi2_min, abs_tol=3.0, note=note))
    rs = _fit_option("A", "switch", "resolution")
    note = (
        "diagnostic: (2.13) wherever M_ZD ± 3 r_e overlaps a bin (option switch=resolution): the Gaussian tail of "
        "(2.14) at 10 MeV reaches the 30 MeV edge of the K*ee bin, where B(B -> K* Z_D) B(Z_D -> ee) ~ 15 with (B.7); "
        f"the low-mass solution disappears, best fit at M_ZD = {1e3 * rs.parameters['M_ZD'].value:.0f} MeV"
    )
    out.append(check(_FILE, "Case A (smeared switch): chi2_min", PAPER_BEST["A"]["chi2"], rs.chi2_min, abs_tol=3.0, note=note))
    out.append(check(_FILE, "Case C: chi2_SM (21 muon modes)", PAPER_BEST["C"]["chi2_sm"], _fit("C").chi2_sm, abs_tol=1.0))
    implied = PAPER_BEST["C"]["chi2_sm"] - PAPER_SEC7_PULL_C**2
    note = f"002 sec. 7 quotes Case C's pull as {PAPER_SEC7_PULL_C} (sec. 5: 5.23), i.e. chi2_min = chi2_SM - pull^2 with chi2_SM = 84.30"
    out.append(check(_FILE, "Case C: chi2_min from the sec. 7 pull", implied, _fit("C").chi2_min, abs_tol=3.0, note=note))
    for case in ("A", "B", "C"):
        ra = _fit_absolute(case)
        note = (
            "diagnostic: theory error held at the card's SM value (002's wording read literally) instead of scaled "
            f"with the prediction; chi2_min moves by {ra.chi2_min - _fit(case).chi2_min:+.2f}"
        )
        out.append(check(_FILE, f"Case {case} (absolute SM theory errors): chi2_min", PAPER_BEST[case]["chi2"], ra.chi2_min, abs_tol=3.0, note=note))
    for case in ("A", "B", "C"):
        pt = _point(case)
        note = (
            "at fitkit's best fit; the axial term dominates, a_mu ∝ eps_Z^2/M_ZD^2: fitkit's M_ZD is 23 MeV (flat direction)"
            if case == "A"
            else "at fitkit's best fit; a_mu ∝ g_mu^2, so it follows the |g_mu| row (normalisation of E^{0,Z}_L)"
        )
        out.append(check(_FILE, f"Case {case}: a_mu at the best fit", PAPER_A_MU[case], a_mu_at(case, pt), factor=2.0, note=note))
    out.append(_delta_mk_row())
    pa, pb_, pc = PAPER_BEST["A"], PAPER_BEST["B"], PAPER_BEST["C"]
    formula = "eq. ({}) at the paper's best-fit point (formula check)"
    scheme = float(a_mu_eq62(pa["M_ZD"], pa["eps"], pa["eps_Z"]))
    note = formula.format("6.2") + (
        f", with alpha(0) as 002 (a_mu ∝ e^2); fitkit's one scheme alpha_e(mu_b) (docs/conventions.md) gives {scheme:.3g}"
    )
    a_mu_a = float(a_mu_eq62(pa["M_ZD"], pa["eps"], pa["eps_Z"], alpha=ALPHA_EM_0))
    out.append(check(_FILE, "a_mu^A at the paper's point", PAPER_A_MU["A"], a_mu_a, rel_tol=0.1, note=note))
    out.append(check(_FILE, "a_mu^B at the paper's point", PAPER_A_MU["B"], float(a_mu_eq63(pb_["M_ZD"], pb_["g_mu"])), rel_tol=0.02, note=formula.format("6.3")))
    out.append(check(_FILE, "a_mu^C at the paper's point", PAPER_A_MU["C"], float(a_mu_eq63(pc["M_ZD"], pc["g_mu"])), rel_tol=0.02, note=formula.format("6.3")))
    return out


def _chi2_note(case: str, r: FitResult) -> str:
    if case == "B":
        d = r.chi2_min - _fit("C").chi2_min
        return (
            f"chi2_B - chi2_C = {d:.2f} = chi2_SM of the 6 electron modes (B is C with g_mu rescaled, "
            "eps E^{2,A} q^2 < 1% of eps_Z E^{0,Z}); the paper's 75.15 - 56.90 = 18.25 is not consistent with (2.10)"
        )
    if case == "C":
        return (
            "theory error scaled with the prediction (theory_errors: relative); held at the SM value it is "
            f"{r.chi2_min - _fit_absolute('C').chi2_min:.1f} lower, see the 'absolute SM theory errors' row. "
            "002's summary (sec. 7) quotes pull 4.94, i.e. chi2_min = 59.9 (next rows)"
        )
    return "eps and M_ZD are flat directions; see the next rows"


def _delta_mk_row() -> Row:
    """002 sec. 4.4: ΔM_K^NP = -4.64e-15 MeV at M_ZD = 10 MeV, eps_Z = 1e-3 (eq. (4.24)).

    A direct reading of the paper's E^{0,Z} normalisation: (4.24) is ∝ (E^{0,Z}_{s,d})^2.
    """
    from fitkit.constraints.delta_mk import DeltaMK

    point = {"M_ZD": np.array([0.010]), "eps": np.array([0.0]), "eps_Z": np.array([1e-3])}
    val = float(DeltaMK().predict(point)[0]) * 1e3  # MeV
    E = complex(penguin_couplings(0.0, 1e-3, transition="sd").E0Z_L)
    ratio = math.sqrt(-4.64e-15 / val * (E**2).real / abs(E) ** 2)  # |E_paper| / |E_fitkit|
    note = (
        f"eq. (4.24) with (B.7) for s -> d (Re E^2); the paper's number needs |E^{{0,Z}}| {ratio:.1f}x larger "
        "(with |E|^2), the same factor as between the paper's and fitkit's |g_mu| in Cases B and C; (B.7) is exactly "
        "-eps_Z x the BBL Z penguin (kernel -8[C_0(x_j^2) - C_0(x_1^2)], tests/models/dark_z/test_couplings.py)"
    )
    return check(_FILE, "Delta M_K^NP [MeV] at 10 MeV, eps_Z = 1e-3", -4.64e-15, val, factor=2.0, note=note)

