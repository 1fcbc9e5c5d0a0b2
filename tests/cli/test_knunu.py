"""``fitkit data pull`` (offline: files present) and ``fitkit knunu scan --simplified`` through the CLI."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from fitkit.cli import cli


def test_pull_with_files_present_needs_no_network(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("FITKIT_DATA_MIRROR", raising=False)
    res = CliRunner().invoke(cli, ["data", "pull", "belle2-knunu-2023"])
    assert res.exit_code == 0, res.output
    assert "5 file(s) verified" in res.output  # 4 HEPData files + reinterpretation.yaml


@pytest.mark.slow
def test_scan_simplified_writes_json_and_plots(tmp_path):
    res = CliRunner().invoke(cli, ["knunu", "scan", "--simplified", "--points", "6", "--output", str(tmp_path)])
    assert res.exit_code == 0, res.output
    data = json.loads((tmp_path / "light_x.json").read_text())
    assert data["likelihood"] == "simplified" and len(data["scans"]["maps"]["m_X"]) == 6
    assert (tmp_path / "light_x.png").stat().st_size > 10_000 and (tmp_path / "zprime.png").exists()
