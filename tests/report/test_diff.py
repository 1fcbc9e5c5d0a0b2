"""MUST SHOW: a card dropped into a copy of data/, then `fitkit run --compare` with the previous
results: the report lists exactly the fits whose data changed, with old and new numbers; the
paper (pinned) fits are unchanged."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest

from fitkit.cli import main
from fitkit.report import diff_runs

ROOT = Path(__file__).resolve().parents[2]
T1 = "[babar_2013_xsll, belle_2019_bkll, lhcb_2013_bkstaree, lhcb_2014_bkmumu, lhcb_2016_bkstar0mumu, lhcb_2021_bsphimumu, lhcb_2022_bkee_bkstaree]"
DEFINITIONS = {
    "paper-bsll-sm": f"model: sm\npinned: true\ndata: {{cards: {T1}, tags: [table1-002]}}\n",
    "current-bsll-sm": "model: sm\ndata: {tags: [bsll], exclude_tags: [charmonium-region]}\n",
    "paper-mdp": textwrap.dedent(
        """\
        model: massless-dark-photon
        pinned: true
        options: {n_q: 3, sommerfeld: true, magnetic: false}
        terms:
          - {type: gaussian, data: {cards: [belle2_2023_bknunu_excess_000], tags: [knunu-excess-np]}}
          - {type: upper-limit, limit: belle2017_Kst_nunu, compare_to: "BR(B0->K*inv)", construction: hard, wall: 0.01}
        parameters:
          alpha_D: {start: 0.5, bounds: [0.0, 2.0]}
        fixed: {m_Q: 0.5, Lambda: 1.2e8}
        fit: {starts: 1}
        scans:
          - {x: alpha_D, points: [12]}
        """
    ),
}
DEFINITIONS["current-mdp"] = DEFINITIONS["paper-mdp"].replace("pinned: true\n", "").replace(
    "data: {cards: [belle2_2023_bknunu_excess_000], tags: [knunu-excess-np]}", "data: {tags: [knunu-excess-np]}"
)
NEW_CARD = textwrap.dedent(
    """\
    id: test_2027_new
    source: {experiment: TestExp, year: 2027}
    measurements:
      - id: test2027_Kp_mumu_1.1_6.0
        observable: "<dBR/dq2>(B+->Kmumu)"
        q2: [1.1, 6.0]
        value: 2.0e-8
        uncertainty: {stat: 0.1e-8}
        sm: {value: 3.5e-8, error: 0.5e-8, source: test}
        tags: [bsll, muon]
      - id: test2027_Kp_inv
        observable: "BR(B+->Kinv)"
        value: 0.9e-5
        uncertainty: {stat: 0.3e-5}
        tags: [knunu-excess-np]
    """
)


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    lk = tmp_path / "likelihoods"
    lk.mkdir()
    for name, text in DEFINITIONS.items():
        (lk / f"{name}.yaml").write_text(text)
    monkeypatch.setenv("FITKIT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("FITKIT_LIKELIHOODS_DIR", str(lk))
    return tmp_path


def _run(argv: list[str]) -> None:
    try:
        main(argv)
    except SystemExit as exc:
        assert not exc.code, argv


def test_new_card_changes_exactly_the_current_fits(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old, new = workspace / "old", workspace / "new"
    _run(["run", "--output", str(old), "--no-reproduce"])
    (workspace / "data" / "bsll" / "test_2027_new.yaml").write_text(NEW_CARD)
    _run(["run", "--output", str(new), "--no-reproduce", "--compare", str(old)])
    out = capsys.readouterr().out
    d = diff_runs(old, new)
    status = {f.name: f.status for f in d.fits}
    assert status == {
        "current-bsll-sm": "data changed", "current-mdp": "data changed",
        "paper-bsll-sm": "unchanged", "paper-mdp": "unchanged",
    }
    assert [c.card for c in d.card_changes()] == ["test_2027_new"] and d.card_changes()[0].change == "added"
    # old and new numbers in the report are the two runs' fit.json numbers
    md = (new / "compare.md").read_text()
    for name in ("current-bsll-sm", "current-mdp"):
        a = json.loads((old / name / "fit.json").read_text())["chi2_min"]
        b = json.loads((new / name / "fit.json").read_text())["chi2_min"]
        assert abs(b - a) > 0.5
        assert f"## {name}: data changed" in md and f"{a:.5g}" in md and f"{b:.5g}" in md
    assert "## paper-bsll-sm" not in md and "## paper-mdp" not in md
    changed_lines = [ln for ln in out.splitlines() if ln.endswith(": data changed")]
    assert sorted(changed_lines) == ["current-bsll-sm: data changed", "current-mdp: data changed"]
    # the pinned fits: identical numbers
    for name in ("paper-bsll-sm", "paper-mdp"):
        a = json.loads((old / name / "fit.json").read_text())
        b = json.loads((new / name / "fit.json").read_text())
        assert a["chi2_min"] == b["chi2_min"] and a["provenance"]["cards"] == b["provenance"]["cards"]
    # old and new scans overlaid on one plot, referenced from both reports
    png = new / "compare" / "current-mdp_alpha_D.png"
    assert png.stat().st_size > 5000
    assert "compare/current-mdp_alpha_D.png" in md and "compare/current-mdp_alpha_D.png" in (new / "compare.html").read_text()
    assert (new / "index.html").exists()


def test_diff_of_missing_folder_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["diff", str(tmp_path / "nope"), str(tmp_path)])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and len(err.strip().splitlines()) == 1 and "results folder not found" in err
