"""``fitkit data pull`` (from a mirror) and ``fitkit knunu scan --simplified`` through the CLI."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from fitkit.cli import cli

SHARED = Path(os.environ.get("FITKIT_SHARED_DATA", Path(__file__).resolve().parents[2] / ".." / "shared" / "data"))


@pytest.mark.skipif(not (SHARED / "belle2_knunu_2023").exists(), reason="no shared data")
def test_pull_from_mirror(tmp_path, monkeypatch):
    monkeypatch.setenv("FITKIT_CACHE_DIR", str(tmp_path))
    res = CliRunner().invoke(cli, ["data", "pull", "belle2-knunu-2023", "--mirror", str(SHARED)])
    assert res.exit_code == 0, res.output
    assert "4 files verified" in res.output
    assert (tmp_path / "belle2_knunu_2023" / "combined_likelihood.json").exists()


@pytest.mark.slow
def test_scan_simplified_writes_json_and_plots(tmp_path):
    res = CliRunner().invoke(cli, ["knunu", "scan", "--simplified", "--points", "6", "--output", str(tmp_path)])
    assert res.exit_code == 0, res.output
    data = json.loads((tmp_path / "light_x.json").read_text())
    assert data["likelihood"] == "simplified" and len(data["scans"]["maps"]["m_X"]) == 6
    assert (tmp_path / "light_x.png").stat().st_size > 10_000 and (tmp_path / "zprime.png").exists()
