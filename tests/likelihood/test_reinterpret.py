"""The generic reinterpretation term (issue 12 item 3): a workspace unlike Belle II's, reinterpreted by YAML alone.

The tests build a second workspace with other channel names (``SR_2d``, ``CR``), other samples,
another generated binning (7 irregular q^2 bins) and a 2D reconstructed binning (E_miss x
q^2_rec) and reinterpret it with a fit definition + YAML only (model ``invisible-x``, no Python),
checked against an independent computation: the expected patched workspace built by hand and
fitted with ``pyhf.infer.mle.fit``; and the term equals pyhf's logpdf on its patched workspace.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pyhf
import pytest
import yaml

from fitkit.errors import InputError
from fitkit.fitdef import build_problem, load_definition
from fitkit.inference.fit import fit
from fitkit.likelihood import TermContext, build_term
from fitkit.likelihood.reinterpret import ConfigSource, Reinterpretation, load_config
from fitkit.likelihood.sm_spectra import knunu_q2_fractions
from fitkit.models import get_model
from fitkit.models.base import Parameter

Q2_EDGES = [0.0, 2.0, 5.0, 8.0, 12.0, 16.0, 20.0, 23.0]  # generated q^2 (GeV^2): 7 irregular bins
SR_Q2REC = [0.0, 4.0, 9.0, 14.0, math.inf]  # SR: 2 E_miss bins x 4 q^2_rec bins (q^2_rec fastest)
RNG = np.random.default_rng(12)
EFF_SR = RNG.uniform(0.2e6, 1.5e6, size=(8, 7))  # events per unit BR generated in each q^2 bin
EFF_CR = RNG.uniform(0.05e6, 0.3e6, size=(3, 7))
BKG = {"SR_2d": RNG.uniform(20.0, 60.0, 8), "CR": RNG.uniform(80.0, 120.0, 3)}
STAT = {"SR_2d": 0.08 * BKG["SR_2d"], "CR": 0.05 * BKG["CR"]}
BSM_NOMINAL = {"SR_2d": np.full(8, 5.0), "CR": np.full(3, 1.0)}  # the published BSM benchmark (replaced)
SM_SIG = {"SR_2d": RNG.uniform(1.0, 4.0, 8), "CR": RNG.uniform(0.5, 1.0, 3)}


def _workspace(observed: dict[str, np.ndarray]) -> dict[str, Any]:
    channels = []
    for ch in ("SR_2d", "CR"):
        n = BKG[ch].size
        samples = [
            {"name": "bsm", "data": BSM_NOMINAL[ch].tolist(), "modifiers": [
                {"name": "mu_sig", "type": "normfactor", "data": None},
                {"name": "sig_eff", "type": "normsys", "data": {"hi": 1.08, "lo": 0.93}},
                {"name": "sig_shape", "type": "histosys", "data": {"hi_data": (BSM_NOMINAL[ch] * 1.1).tolist(), "lo_data": (BSM_NOMINAL[ch] * 0.95).tolist()}},
            ]},
            {"name": "sm_sig", "data": SM_SIG[ch].tolist(), "modifiers": [
                {"name": "mu_sm", "type": "normfactor", "data": None},
                {"name": "sig_eff", "type": "normsys", "data": {"hi": 1.08, "lo": 0.93}},
                {"name": f"stat_{ch}", "type": "staterror", "data": (0.1 * SM_SIG[ch]).tolist()},
            ]},
            {"name": "bkg", "data": BKG[ch].tolist(), "modifiers": [
                {"name": "bkg_norm", "type": "normsys", "data": {"hi": 1.05, "lo": 0.95}},
                {"name": f"stat_{ch}", "type": "staterror", "data": STAT[ch].tolist()},
                {"name": "bkg_shape", "type": "histosys", "data": {"hi_data": (BKG[ch] * np.linspace(1.02, 1.06, n)).tolist(), "lo_data": (BKG[ch] * np.linspace(0.98, 0.95, n)).tolist()}},
            ]},
        ]
        channels.append({"name": ch, "samples": samples})
    return {
        "channels": channels,
        "observations": [{"name": ch, "data": [float(v) for v in observed[ch]]} for ch in ("SR_2d", "CR")],
        "measurements": [{"name": "search", "config": {"poi": "mu_sig", "parameters": []}}],
        "version": "1.0.0",
    }


def _line(m_x: float, br: float) -> np.ndarray:
    """The model's generated spectrum (a line at q^2 = m_X^2) in the YAML's q^2 bins: the model's own hook."""
    return get_model("invisible-x").knunu_signal({"m_X": np.array([m_x]), "BR_KX": np.array([br])}, np.array(Q2_EDGES))[0]


def _observed() -> dict[str, np.ndarray]:
    """Data: background + SM signal + an X line at m_X = 2.2 GeV with BR 1.2e-5, rounded (fixed)."""
    b = _line(2.2, 1.2e-5)
    return {"SR_2d": np.round(BKG["SR_2d"] + SM_SIG["SR_2d"] + EFF_SR @ b), "CR": np.round(BKG["CR"] + SM_SIG["CR"] + EFF_CR @ b)}


def _reinterpretation(mode: str = "replace") -> dict[str, Any]:
    common = {
        "description": "a toy search: 2D signal region, 1D control region",
        "workspace": "search_ws.json",
        "generated": [{"name": "q2", "unit": "GeV^2", "edges": Q2_EDGES, "physical": [0.0, math.inf]}],
        "spectrum": "knunu_signal",
    }
    channels = [
        {"name": "SR_2d", "map": "eff_sr.csv",
         "reconstructed": [{"name": "E_miss", "bins": 2}, {"name": "q2_rec", "edges": SR_Q2REC, "measures": "q2"}]},
        {"name": "CR", "map": "eff_cr.csv"},
    ]
    if mode == "replace":
        return {**common, "normalisation": {"kind": "efficiency"}, "signal": {"mode": "replace", "normfactor": "mu_sig"},
                "channels": [{**c, "sample": "bsm"} for c in channels]}
    return {**common, "normalisation": {"kind": "number-density", "sm_br": 4.97e-6, "sm_spectrum": "B+->K+nunu"},
            "signal": {"mode": "clone"}, "sm_signal": {"parameter": "mu_sm", "br_error": 0.5e-6, "bounds": [0.0, 5.0]},
            "line_resolution": {"axis": "q2", "sigma": 1.0}, "channels": [{**c, "sample": "sm_sig", "map": "nd_" + c["map"]} for c in channels]}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The second workspace, its maps and YAMLs and a fit definition, written as a user would."""
    (tmp_path / "search_ws.json").write_text(json.dumps(_workspace(_observed())))
    np.savetxt(tmp_path / "eff_sr.csv", EFF_SR, delimiter=",")
    np.savetxt(tmp_path / "eff_cr.csv", EFF_CR, delimiter=",")
    w = knunu_q2_fractions([np.array(Q2_EDGES)])  # number densities of an SM signal with BR 4.97e-6 (clone mode)
    np.savetxt(tmp_path / "nd_eff_sr.csv", EFF_SR * 4.97e-6 * w, delimiter=",")
    np.savetxt(tmp_path / "nd_eff_cr.csv", EFF_CR * 4.97e-6 * w, delimiter=",")
    for mode in ("replace", "clone"):
        (tmp_path / f"reinterp_{mode}.yaml").write_text(yaml.safe_dump(_reinterpretation(mode)))
    fitdef = {
        "name": "toy-search-x", "model": "invisible-x",
        "terms": [{"type": "reinterpretation", "config": "reinterp_replace.yaml"}],
        "parameters": {"BR_KX": {"start": 5.0e-6, "bounds": [-2.0e-5, 5.0e-5]}},
        "fixed": {"m_X": 2.2, "BR_KstarX": 0.0}, "fit": {"starts": 1},
    }
    (tmp_path / "toy-search-x.yaml").write_text(yaml.safe_dump(fitdef))
    return tmp_path


def _by_hand(m_x: float, br: float, observed: dict[str, np.ndarray]) -> dict[str, Any]:
    """The expected patched workspace, written out independently of fitkit: bsm nominal = eps @ B, histosys relative."""
    ws = _workspace(observed)
    b = _line(m_x, br)
    for ch in ws["channels"]:
        y = (EFF_SR if ch["name"] == "SR_2d" else EFF_CR) @ b
        bsm = ch["samples"][0]
        old = np.array(bsm["data"])
        bsm["data"] = y.tolist()
        hs = bsm["modifiers"][2]["data"]
        hs["hi_data"] = (np.array(hs["hi_data"]) / old * y).tolist()
        hs["lo_data"] = (np.array(hs["lo_data"]) / old * y).tolist()
    return ws


def test_second_workspace_by_yaml_alone_matches_pyhf_on_the_hand_built_patch(folder: Path):
    """fitkit fit of BR_KX (fit definition + YAML; nuisances profiled) = pyhf.infer.mle.fit of the hand-built
    workspace with the signal at BR_ref: BR = mu_sig x BR_ref within 1 %, -2 ln L within 1e-3."""
    r = fit(build_problem(load_definition(folder / "toy-search-x.yaml")))
    br_ref = 1.0e-5
    pyhf.set_backend("numpy", pyhf.optimize.minuit_optimizer(verbose=0))
    ws = pyhf.Workspace(_by_hand(2.2, br_ref, _observed()))
    model = ws.model()
    best, twice_nll = pyhf.infer.mle.fit(ws.data(model), model, return_fitted_val=True)
    mu_sig = float(best[model.config.poi_index])
    assert 0.5 < mu_sig < 2.5  # a real signal, away from pyhf's bound at 0
    assert r.parameters["BR_KX"].value == pytest.approx(mu_sig * br_ref, rel=0.01)
    assert r.chi2_min == pytest.approx(float(twice_nll), abs=1e-3)


def _logpdf_pairs(term: Any, values: dict[str, float], n: int = 5) -> tuple[np.ndarray, np.ndarray, float]:
    """(-2 ln L of the term's cost, -2 pyhf logpdf of its exported workspace) at random nuisance points, and sigma of a lumi."""
    cost, fixed, _ = term.nuisance_cost(values)
    spec = term.pyhf_workspace(values)
    model = pyhf.Workspace(spec).model()
    data = np.asarray(pyhf.Workspace(spec).data(model))
    rename = {"mu_sm": "lumi", "br_np": "mu_np"}
    ours, theirs = [], []
    rng = np.random.default_rng(3)
    for _ in range(n):
        x = cost.init.copy()
        for name, i in cost.index.items():
            if name in fixed:
                x[i] = fixed[name]
            elif name.startswith(("sig_", "bkg_")):
                x[i] = rng.normal(0.0, 0.7)
            elif name.startswith("stat_"):
                x[i] = rng.normal(1.0, 0.05)
            elif name in ("mu_sm", "mu_sig"):
                x[i] = rng.uniform(0.5, 1.5) if name not in fixed else x[i]
        pars = np.asarray(model.config.suggested_init(), float)
        for name, i in cost.index.items():
            target = name if name in model.config.par_names else rename[name]
            pars[model.config.par_names.index(target)] = x[i]
        ours.append(cost.value(x))
        theirs.append(-2.0 * float(model.logpdf(pars, data)[0]))
    lumi = next((p for p in spec["measurements"][0]["config"]["parameters"] if p["name"] == "lumi"), None)
    return np.array(ours), np.array(theirs), (lumi["sigmas"][0] if lumi else 0.0)


@pytest.mark.parametrize("mode", ["replace", "clone"])
def test_term_equals_pyhf_logpdf_on_its_patched_workspace(folder: Path, mode: str):
    """The compiled term with the model's signal = pyhf's logpdf of the exported patch (clone: up to the
    normalisation ln(2 pi sigma^2) of pyhf's lumi constraint, which fitkit's penalty leaves out)."""
    term = build_term({"type": "reinterpretation", "config": str(folder / f"reinterp_{mode}.yaml")}, get_model("invisible-x"), context=TermContext())
    ours, theirs, sigma = _logpdf_pairs(term, {"m_X": 2.2, "BR_KX": 1.0e-5, "BR_KstarX": 0.0})
    const = math.log(2 * math.pi * sigma**2) if sigma else 0.0
    np.testing.assert_allclose(ours + const, theirs, rtol=1e-9)


def test_clone_mode_number_densities_give_the_efficiencies_back(folder: Path):
    """number-density maps N = eps BR_SM w (written above) -> eps_it = N_it / (BR_SM w_t): the same efficiencies;
    the 2D SR map is held as a hist histogram E_miss x q2_rec x q2."""
    lk = build_term({"type": "reinterpretation", "config": str(folder / "reinterp_clone.yaml")}, get_model("invisible-x"), context=TermContext()).likelihood
    assert lk.channel_of_cell == ["CR"] * 3 + ["SR_2d"] * 8  # pyhf's channel order
    np.testing.assert_allclose(lk.eps, np.vstack([EFF_CR, EFF_SR]), rtol=1e-12)
    h = lk.maps["SR_2d"]
    assert [a.name for a in h.axes] == ["E_miss", "q2_rec", "q2"] and h.shape == (2, 4, 7)
    assert h[1, 3, 6] == pytest.approx(EFF_SR[7, 6] * 4.97e-6 * knunu_q2_fractions([np.array(Q2_EDGES)])[6], rel=1e-12)
    # 003's Gaussian line, configured: SR smeared over its q2_rec axis (per E_miss bin), CR keeps its SM efficiency
    y = lk.line_yields(np.array([5.0]))[0]
    sm_eff = lk.sm_yield / 4.97e-6
    assert y[:3] == pytest.approx(sm_eff[:3], rel=1e-12)
    # summed over q2_rec: the SM efficiency per E_miss bin, less the Gaussian tail below q2_rec = 0 (Phi(-5) = 2.9e-7)
    assert y[3:].reshape(2, 4).sum(axis=1) == pytest.approx(sm_eff[3:].reshape(2, 4).sum(axis=1) * (1 - 2.867e-7), rel=1e-9)
    assert y[3:].reshape(2, 4)[:, 1].sum() > y[3:].reshape(2, 4)[:, 3].sum()  # q^2 = 5: mostly in [4, 9]


class TwoAxisModel:
    """A test model with a 2D generated spectrum (q^2 x cos theta): BR(q^2, cos) ~ BR (1 + a cos) uniform in q^2 < 10."""

    name = "two-axis"
    parameters = {"BR": Parameter("BR", bounds=(-1e-4, 1e-4)), "a": Parameter("a", bounds=(-1.0, 1.0))}

    def sm_point(self) -> dict[str, float]:
        return {"BR": 0.0}

    def angular_spectrum(self, params: dict[str, np.ndarray], q2_edges: np.ndarray, cos_edges: np.ndarray) -> np.ndarray:
        q_lo, q_hi = np.clip(q2_edges[:-1], 0, 10), np.clip(q2_edges[1:], 0, 10)
        c_lo, c_hi = cos_edges[:-1], cos_edges[1:]
        fq = (q_hi - q_lo) / 10.0
        fc = ((c_hi - c_lo) + params["a"][:, None] * (c_hi**2 - c_lo**2) / 2) / 2.0
        return params["BR"][:, None, None] * fq[None, :, None] * fc[:, None, :]


def test_a_two_dimensional_generated_map_inline_in_a_fit_definition(folder: Path):
    """generated q^2 x cos(theta) (3 x 2 bins), the fields inline in the term: yields = sum_t eps_it B_t over both axes."""
    eps = RNG.uniform(1e5, 1e6, size=(11, 6))
    np.savetxt(folder / "eff2d_sr.csv", eps[3:], delimiter=",")
    np.savetxt(folder / "eff2d_cr.csv", eps[:3], delimiter=",")
    spec = {
        "type": "reinterpretation", "workspace": "search_ws.json", "spectrum": "angular_spectrum",
        "generated": [{"name": "q2", "edges": [0.0, 3.0, 6.0, 10.0]}, {"name": "cos_theta", "edges": [-1.0, 0.0, 1.0]}],
        "normalisation": {"kind": "efficiency"}, "signal": {"mode": "replace", "normfactor": "mu_sig"},
        "channels": [{"name": "SR_2d", "sample": "bsm", "map": "eff2d_sr.csv"}, {"name": "CR", "sample": "bsm", "map": "eff2d_cr.csv"}],
    }
    term = build_term(spec, TwoAxisModel(), context=TermContext(file=str(folder / "fit.yaml")))
    assert term.exposed == ["BR", "a"]
    got = term._yields({"BR": 2e-5, "a": 0.4})
    b = TwoAxisModel().angular_spectrum({"BR": np.array([2e-5]), "a": np.array([0.4])}, np.array([0.0, 3.0, 6.0, 10.0]), np.array([-1.0, 0.0, 1.0]))[0]
    assert b.sum() == pytest.approx(2e-5)
    np.testing.assert_allclose(got, eps @ b.ravel(), rtol=1e-12)
    ours, theirs, _ = _logpdf_pairs(term, {"BR": 2e-5, "a": 0.4})
    np.testing.assert_allclose(ours, theirs, rtol=1e-9)


# ------------------------------------------------------------------------------------------ errors
@pytest.mark.parametrize(
    ("change", "entry", "field", "message"),
    [
        (lambda c: c["channels"][0].update(name="SR_3d"), "SR_3d", "channels[0].name", "no channel of that name"),
        (lambda c: c["channels"][1].update(sample="nope"), "CR", "channels[1].sample", "no sample 'nope'"),
        (lambda c: c["channels"][0]["reconstructed"][0].update(bins=3), "SR_2d", "channels[0].reconstructed", "make 12 bins"),
        (lambda c: c["channels"][0]["reconstructed"][1].update(measures="cos"), "SR_2d", "channels[0].reconstructed[1].measures", "not a generated axis"),
        (lambda c: c["channels"][1].update(map="eff_sr.csv"), "CR", "channels[1].map", "the channel has 3 bins"),
        (lambda c: c["channels"][1].update(map="missing.csv"), "CR", "channels[1].map", "no such file"),
        (lambda c: c["channels"][0].update(colour="red"), "SR_2d", "channels[0].colour", "unknown field"),
        (lambda c: c["generated"][0].update(edges=[0.0, 5.0, 2.0]), None, "generated[0].edges", "strictly increasing"),
        (lambda c: c["normalisation"].update(kind="number-density"), None, "normalisation", "sm_br"),
        (lambda c: c["signal"].update(normfactor="mu_other"), "SR_2d", "signal.normfactor", "no normfactor 'mu_other'"),
        (lambda c: c.update(spectrum="not a method"), None, "spectrum", "model method name"),
        (lambda c: c.pop("workspace"), None, "workspace", "required field is missing"),
    ],
)
def test_a_bad_field_names_file_entry_and_field(folder: Path, change, entry, field, message):
    cfg = _reinterpretation("replace")
    change(cfg)
    path = folder / "bad.yaml"
    path.write_text(yaml.safe_dump(cfg))
    with pytest.raises(InputError) as err:
        source = ConfigSource(file=str(path), base=folder)
        Reinterpretation(load_config(yaml.safe_load(path.read_text()), source), source)
    exc = err.value
    assert (exc.file, exc.entry, exc.field) == (str(path), entry, field), str(exc)
    assert message in exc.message and "\n" not in str(exc)


def test_a_negative_map_entry_names_the_channel(folder: Path):
    bad = EFF_CR.copy()
    bad[1, 4] = -1.0
    np.savetxt(folder / "eff_cr.csv", bad, delimiter=",")
    source = ConfigSource(file=str(folder / "reinterp_replace.yaml"), base=folder)
    with pytest.raises(InputError, match=r"negative entry \(row 1, column 4\)") as err:
        Reinterpretation(load_config(_reinterpretation("replace"), source), source)
    assert (err.value.entry, err.value.field) == ("CR", "channels[1].map")


def test_a_bad_field_exits_2_with_one_line_before_fitting(folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    from fitkit.cli import main

    cfg = _reinterpretation("replace")
    cfg["channels"][0]["sample"] = "signal"
    (folder / "reinterp_replace.yaml").write_text(yaml.safe_dump(cfg))
    monkeypatch.setenv("FITKIT_LIKELIHOODS_DIR", str(folder))
    with pytest.raises(SystemExit) as exc:
        main(["fit", "toy-search-x"])
    err = capsys.readouterr()
    lines = [ln for ln in (err.out + err.err).splitlines() if ln.strip()]
    assert exc.value.code == 2 and len(lines) == 1
    assert "reinterp_replace.yaml" in lines[0] and "entry SR_2d" in lines[0] and "field channels[0].sample" in lines[0]


def test_a_model_without_the_hook_is_refused(folder: Path):
    with pytest.raises(InputError, match="neither a method 'knunu_signal'"):
        build_term({"type": "reinterpretation", "config": str(folder / "reinterp_replace.yaml")}, get_model("sm"), context=TermContext())


def test_a_missing_config_file_names_the_term_field(folder: Path):
    fitdef = str(folder / "toy-search-x.yaml")
    with pytest.raises(InputError, match="no such file") as err:
        build_term({"type": "reinterpretation", "config": "nowhere.yaml"}, get_model("invisible-x"), context=TermContext(file=fitdef))
    assert (err.value.file, err.value.field) == (fitdef, "terms.config")
    with pytest.raises(InputError, match="no other field") as err:
        build_term({"type": "reinterpretation", "config": "reinterp_replace.yaml", "spectrum": "x"}, get_model("invisible-x"), context=TermContext(file=fitdef))
    assert err.value.field == "terms.spectrum"
