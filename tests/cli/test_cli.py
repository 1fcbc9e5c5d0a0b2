"""CLI: JSON outputs, bad input -> one clear message and exit code 2, no partial results."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import run_cli as _run
from tests.conftest import GOOD_CARD


def test_fit_json_keys(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["fit", "bsll-sm", "--json"], capsys)
    assert code == 0
    d = json.loads(out)
    for key in ("name", "chi2_min", "chi2_sm", "ndof", "pull_sm", "parameters", "observables"):
        assert key in d
    assert {"id", "exp", "sm", "fit", "pull"} <= set(d["observables"][0])
    assert d["chi2_min"] == pytest.approx(93.56, abs=1.0)


def test_muon_fit_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["fit", "bsll-sm-muon", "--json"], capsys)
    assert code == 0 and json.loads(out)["chi2_min"] == pytest.approx(84.30, abs=1.0)


def test_reproduce_json_rows(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["reproduce", "002", "--json"], capsys)
    rows = json.loads(out)
    assert code == 0
    assert {"paper", "quantity", "paper_value", "fitkit_value", "tolerance", "ok"} <= set(rows[0])
    sm_rows = [r for r in rows if r["quantity"].startswith("chi2_SM")]
    assert len(sm_rows) == 2 and all(r["ok"] for r in sm_rows)


def test_data_list_and_validate(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["data", "list", "--json"], capsys)
    assert code == 0 and any(c["id"] == "lhcb_2014_bkmumu" for c in json.loads(out))
    code, out, _ = _run(["data", "validate"], capsys)
    assert code == 0 and "valid" in out


def test_bad_card_gives_one_message_and_exit_2(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = data_dir / "bsll" / "test_card.yaml"
    bad.write_text(GOOD_CARD.replace("uncertainty: {stat: 0.16}", "uncertainty: {stat: 0.0}"))
    code, _, err = _run(["data", "validate"], capsys)
    assert code == 2
    assert err.strip().count("\n") == 0
    assert str(bad) in err and "entry m2" in err and "field uncertainty" in err


def _definition(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "likelihoods" / "bad.yaml"
    p.parent.mkdir(exist_ok=True)
    p.write_text(text)
    return p


@pytest.mark.parametrize(
    ("text", "entry", "field", "message"),
    [
        ("name: bad\nmodel: sm\ndata: {tags: [bsll]}\nparameters:\n  M_ZD: {start: 1.0}\n", "M_ZD", "parameters", "unknown parameter"),
        ("name: bad\nmodel: nope\ndata: {tags: [bsll]}\n", "bad", "model", "unknown model 'nope'"),
        ("name: bad\nmodel: sm\ndata: {tags: [no-such-tag]}\n", None, "data", "matches no measurement"),
        ("name: bad\nmodel: sm\ndata: {tags: [bsll]\n", None, None, "malformed YAML"),
        ("name: bad\nmodel: sm\n", None, "terms", "needs `data`"),
        ("name: bad\nmodel: sm\ndata: {tags: [bsll]}\nasymmetric_errors: median\n", None, "asymmetric_errors", "unknown asymmetric-error convention"),
        ("name: bad\nmodel: sm\ndata: {tags: [bsll]}\ntheory_errors: scaled\n", None, "theory_errors", "unknown theory-error mode"),
    ],
)
def test_bad_fit_definition(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], text: str, entry: str | None, field: str | None, message: str) -> None:
    p = _definition(tmp_path, text)
    monkeypatch.setenv("FITKIT_LIKELIHOODS_DIR", str(p.parent))
    monkeypatch.chdir(tmp_path)
    code, out, err = _run(["run", "bad", "--no-reproduce"], capsys)
    assert code == 2 and out == ""
    assert str(p) in err and message in err
    if entry:
        assert f"entry {entry}" in err
    if field:
        assert f"field {field}" in err
    assert not (tmp_path / "results").exists()  # nothing half-written


def test_chi2_at_rejects_unknown_parameter_and_nan(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(["chi2", "bsll-sm", "--at", "eps=1e-3"], capsys)
    assert code == 2 and "entry eps" in err and "unknown parameter" in err
    code, _, err = _run(["chi2", "bsll-sm", "--at", "eps=nan"], capsys)
    assert code == 2 and "finite number" in err


def test_run_writes_results_atomically(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_dir = tmp_path / "results"
    code, out, _ = _run(["run", "bsll-sm-muon", "--output", str(out_dir), "--no-reproduce"], capsys)
    assert code == 0
    d = json.loads((out_dir / "bsll-sm-muon" / "fit.json").read_text())
    assert d["ndof"] == 21
    assert (out_dir / "bsll-sm-muon" / "pulls.png").stat().st_size > 1000
    assert not list(out_dir.rglob(".*tmp*"))


def test_markdown_table_escapes_pipes() -> None:
    from fitkit.cli.core import markdown_table
    from fitkit.reproduce import Row

    text = markdown_table([Row("002", "|g_mu|", 0.28, 1.17, "×2", False, "E|x\ny")])
    row = text.splitlines()[-1]
    assert row.count(" | ") == 6 and "\\|g_mu\\|" in row and "\n" not in row


def test_run_checks_every_published_file_before_computing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """No silent skip of rows or fallback: an altered data file stops `fitkit run` before any fit."""
    import shutil

    import fitkit.data.registry as registry

    root = tmp_path / "data"
    shutil.copytree(registry.repo_data_dir(), root)
    table = root / "darkcast" / "LHCb_Aaij2019bvg_prompt.lmt"
    table.write_text(table.read_text() + "0.3 1e-9\n")
    monkeypatch.setattr(registry, "repo_data_dir", lambda: root)
    code, out, err = _run(["run", "bsll-sm", "--no-scans", "--output", str(tmp_path / "results")], capsys)
    assert code == 2 and str(table) in err and "sha256" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "results").exists()
