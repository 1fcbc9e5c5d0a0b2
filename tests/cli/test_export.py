"""``fitkit export``: the fit's likelihood with the model's signal patched in, as a pyhf workspace."""

from __future__ import annotations

import json
import math

import pytest

from fitkit.cli import main


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    try:
        main(argv)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out + out.err


def test_a_gaussian_fit_has_no_pyhf_form(tmp_path, capsys):
    code, text = _run(["export", "bsll-sm", "-o", str(tmp_path / "ws.json")], capsys)
    assert code == 2 and "terms[0].type" in text and "no pyhf form" in text
    assert not (tmp_path / "ws.json").exists()


@pytest.mark.parametrize(
    ("args", "field"),
    [(["--at", "nope=1"], "--at"), (["--at", "m_X=-3"], "--at"), (["-o", "/nonexistent-folder/ws.json"], "--output")],
)
def test_bad_export_arguments_exit_2(tmp_path, capsys, args, field):
    argv = ["export", "knunu-light-x", *args]
    if "-o" not in args:
        argv += ["-o", str(tmp_path / "ws.json")]
    code, text = _run(argv, capsys)
    lines = [ln for ln in text.splitlines() if ln.strip()]
    assert code == 2 and len(lines) == 1 and field in lines[0]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_pyhf_fit_of_the_exported_workspace_is_fitkits_fit(tmp_path, capsys):
    """Round trip: pyhf.infer.mle.fit on the exported Belle II workspace with the X signal at
    (m_X, BR) = (2.05 GeV, 9e-6) agrees with fitkit's fit of BR at that mass: POI mu_np = BR/9e-6
    within 1 %, -2 ln L within 1e-3 once pyhf's normalisation of the mu constraint, ln(2 pi sigma^2),
    is added to fitkit's penalty (fitkit: -32.16976; pyhf: -32.16919; mu_np 1.0151 vs 1.0160)."""
    import pyhf

    from fitkit import api
    from fitkit.inference.fit import fit

    out = tmp_path / "ws.json"
    code, text = _run(["export", "knunu-light-x", "--at", "m_X=2.05", "--at", "BR_KX=9e-6", "-o", str(out)], capsys)
    assert code == 0, text
    pyhf.set_backend("numpy", pyhf.optimize.minuit_optimizer(verbose=0))
    ws = pyhf.Workspace(json.loads(out.read_text()))
    model = ws.model()
    best, twice_nll = pyhf.infer.mle.fit(ws.data(model), model, return_fitted_val=True)
    mu_np = float(best[model.config.poi_index])

    r = fit(api.problem("knunu-light-x").with_fixed({"m_X": 2.05}))
    sigma = 0.37 / 4.97
    assert r.parameters["BR_KX"].value / 9e-6 == pytest.approx(mu_np, rel=0.01)
    assert r.chi2_min + math.log(2 * math.pi * sigma**2) == pytest.approx(float(twice_nll), abs=1e-3)
