"""Provenance in every result: likelihood variant, cards and data files with sha256, code and library versions."""

from __future__ import annotations

import json

import pytest

from fitkit.cli import main
from fitkit.data.registry import load_registry
from fitkit.provenance import summary_line, term_variants


def test_fit_json_carries_the_provenance_block(capsys: pytest.CaptureFixture[str]):
    main(["fit", "knunu-belle2-sm", "--json"])
    out = json.loads(capsys.readouterr().out)
    prov = out["provenance"]
    assert prov["likelihood"] == ["reinterpretation: config=belle2-knunu-2023/reinterpretation.yaml"]
    registered = {f: m.sha256 for f, m in load_registry().datasets["belle2-knunu-2023"].files.items()}
    assert prov["data_files"] == {"belle2-knunu-2023": registered}
    assert prov["definition"] == "likelihoods/knunu-belle2-sm.yaml" and len(prov["definition_sha256"]) == 64
    assert set(prov["versions"]) == {"numpy", "scipy", "iminuit", "pyhf"} and prov["fitkit_version"]
    assert "git_commit" in prov and len(prov["sha256"]) == 64
    # the real likelihood, not the simplified card: Belle II's 4.6 +- 1.3
    assert out["parameters"]["mu"]["value"] == pytest.approx(4.60, abs=0.01)
    assert out["parameters"]["mu"]["error"] == pytest.approx(1.33, abs=0.01)


def test_gaussian_fit_lists_exactly_the_selected_cards(capsys: pytest.CaptureFixture[str]):
    main(["fit", "bsll-sm-muon", "--json"])
    prov = json.loads(capsys.readouterr().out)["provenance"]
    assert "babar_2013_xsll" in prov["cards"] and "lhcb_2016_bkstar0mumu" in prov["cards"]
    assert "belle_2017_sta" not in prov["cards"] and prov["data_files"] == {}
    assert all(len(h) == 64 for h in prov["cards"].values())


def test_terminal_output_ends_with_provenance(capsys: pytest.CaptureFixture[str]):
    main(["fit", "knunu-belle2-sm"])
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith("provenance: reinterpretation: config=belle2-knunu-2023/reinterpretation.yaml") and "5 data files" in last


def test_variants_name_the_simplified_card():
    assert term_variants([{"type": "belle2-knunu", "likelihood": "simplified"}]) == ["belle2-knunu: likelihood=simplified"]
    assert term_variants([{"data": {"tags": ["bsll"]}}]) == ["gaussian"]
    assert "2 cards" in summary_line({"cards": {"a": "x", "b": "y"}, "likelihood": ["gaussian"], "fitkit_version": "0"})
