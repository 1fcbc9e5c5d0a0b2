"""`fitkit data pull RECORD` of any HEPData record, offline: a fake record in a local mirror."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from fitkit.cli import main
from fitkit.data.hepdata_record import parse_record, pull_record
from fitkit.data.registry import data_file, load_registry, repo_data_dir, sha256_of
from fitkit.errors import InputError

KEY = "ins9999999"
RECORD = {
    "record": {"title": "A fake measurement of B -> K mu mu", "inspire_id": 9999999, "hepdata_doi": "10.17182/hepdata.999.v1",
               "collaborations": ["FakeExp"], "arxiv_id": "arXiv:2999.00001"},
    "resources": [{"url": "https://www.hepdata.net/record/resource/42?view=true", "filename": "workspace.json", "description": "pyhf likelihood"}],
    "data_tables": [{"name": "Table 1", "data": {"yaml": "https://www.hepdata.net/download/table/ins9999999/Table 1/1/yaml"}}],
}
WORKSPACE = {
    "channels": [{"name": "sr", "samples": [{"name": "sig", "data": [1.0, 2.0], "modifiers": [{"name": "mu", "type": "normfactor", "data": None}]}]}],
    "observations": [{"name": "sr", "data": [2.0, 3.0]}],
    "measurements": [{"name": "m", "config": {"poi": "mu", "parameters": []}}],
    "version": "1.0.0",
}
TABLE = {
    "independent_variables": [{"header": {"name": "q^2", "units": "GeV^2"}, "values": [{"low": 1.1, "high": 2.0}, {"low": 2.0, "high": 4.0}]}],
    "dependent_variables": [{"header": {"name": "dB/dq^2"}, "values": [
        {"value": 2.5e-8, "errors": [{"symerror": 0.2e-8, "label": "stat"}, {"asymerror": {"plus": 0.1e-8, "minus": -0.05e-8}, "label": "syst"}]},
        {"value": 2.1e-8, "errors": [{"symerror": 0.3e-8, "label": "stat"}]},
    ]}],
}


@pytest.fixture
def world(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "data"
    root.mkdir()
    shutil.copyfile(repo_data_dir() / "registry.yaml", root / "registry.yaml")
    mirror = tmp_path / "mirror" / KEY
    mirror.mkdir(parents=True)
    (mirror / "record.json").write_text(json.dumps(RECORD))
    (mirror / "workspace.json").write_text(json.dumps(WORKSPACE))
    (mirror / "table_1.yaml").write_text(yaml.safe_dump(TABLE))
    return root, tmp_path / "mirror"


def test_parse_record() -> None:
    assert parse_record("2725943") == ("ins2725943", "https://www.hepdata.net/record/ins2725943?format=json")
    assert parse_record("https://doi.org/10.17182/hepdata.166082.v1/t3")[0] == "hepdata-166082"
    with pytest.raises(InputError, match="not an INSPIRE id"):
        parse_record("belle2-knunu-2099")


def test_pull_from_mirror_registers_verifies_and_writes_a_skeleton(world: tuple[Path, Path]) -> None:
    root, mirror = world
    before = load_registry(root).datasets.keys()
    got = pull_record("ins9999999", mirror=mirror, root=root)
    assert got.registered and got.workspaces == ["workspace.json"] and set(got.files) == {"workspace.json", "table_1.yaml"}
    ds = load_registry(root).datasets[KEY]  # the registry still validates, old entries kept
    assert set(before) < set(load_registry(root).datasets)
    for name in got.files:
        assert ds.files[name].sha256 == sha256_of(mirror / KEY / name)
        assert data_file(KEY, name, root=root).read_bytes() == (mirror / KEY / name).read_bytes()
    assert ds.files["workspace.json"].used_by == [f"pyhf term: workspace: {KEY}/workspace.json"]
    from types import SimpleNamespace

    from fitkit.likelihood.histfactory import CompiledWorkspace, _workspace_path, load_workspace

    ws = _workspace_path(f"{KEY}/workspace.json", SimpleNamespace(data_root=root))  # what `{type: pyhf, workspace: …}` reads
    assert CompiledWorkspace(load_workspace(ws)).parameters == ["mu"]
    assert ds.source.experiment == "FakeExp" and ds.source.doi == "10.17182/hepdata.999.v1"
    assert "# Registry of the public data files" in (root / "registry.yaml").read_text()  # comments kept
    (skel,) = got.skeletons
    card = yaml.safe_load(skel.read_text())
    assert [m["q2"] for m in card["measurements"]] == [[1.1, 2.0], [2.0, 4.0]]
    assert card["measurements"][0]["uncertainty"] == {"stat": 0.2e-8, "syst": [0.1e-8, -0.05e-8]}
    again = pull_record("ins9999999", mirror=mirror, root=root)
    assert not again.registered  # second pull: verified against the registered sha256


def test_altered_file_fails_and_changes_nothing(world: tuple[Path, Path]) -> None:
    root, mirror = world
    pull_record("ins9999999", mirror=mirror, root=root)
    reg = (root / "registry.yaml").read_text()
    stored = (root / "hepdata" / KEY / "table_1.yaml").read_bytes()
    (mirror / KEY / "table_1.yaml").write_text(yaml.safe_dump({**TABLE, "x": 1}))
    with pytest.raises(InputError, match="sha256 mismatch with the registry") as exc:
        pull_record("ins9999999", mirror=mirror, root=root)
    assert exc.value.field == "files.table_1.yaml"
    assert (root / "registry.yaml").read_text() == reg and (root / "hepdata" / KEY / "table_1.yaml").read_bytes() == stored


def test_offline_without_mirror_is_one_error_and_nothing_written(world: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    root, _ = world
    monkeypatch.delenv("FITKIT_DATA_MIRROR", raising=False)
    reg = (root / "registry.yaml").read_text()

    def offline(url: str, dest: Path) -> None:
        raise InputError("cannot download (no network); offline? use --mirror FOLDER", file=url)

    with pytest.raises(InputError, match="offline"):
        pull_record("ins9999999", root=root, fetch=offline)
    assert (root / "registry.yaml").read_text() == reg
    assert not (root / "hepdata" / KEY).exists() and list((root / "hepdata").iterdir()) == []


def test_missing_mirror_file_writes_nothing(world: tuple[Path, Path]) -> None:
    root, mirror = world
    (mirror / KEY / "workspace.json").unlink()
    with pytest.raises(InputError, match="file not in the mirror"):
        pull_record("ins9999999", mirror=mirror, root=root)
    assert not (root / "hepdata" / KEY).exists()


def test_cli_bad_record_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["data", "pull", "not-a-record"])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and len(err.strip().splitlines()) == 1 and "not an INSPIRE id" in err
