"""``data/registry.yaml``: every published file the fits read is registered and verified on load."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import fitkit.data.registry as registry
from fitkit.cli import main
from fitkit.data.registry import (
    REGISTRY_FILE,
    data_file,
    dataset_dir,
    load_registry,
    repo_data_dir,
    sha256_of,
    track,
    verify,
)
from fitkit.errors import InputError

ROOT = Path(__file__).resolve().parents[2]


def test_every_registered_file_is_in_the_repo_and_matches():
    rows = verify()
    assert rows and all(err is None for _, _, err in rows), rows
    for name, ds in load_registry().datasets.items():
        assert ds.source.reference and ds.source.licence, name
        for fname, meta in ds.files.items():
            assert sha256_of(repo_data_dir() / ds.folder / fname) == meta.sha256
            assert meta.used_by, f"{name}/{fname}: say what uses it"


def test_belle2_sources_are_cited_correctly():
    src = load_registry().datasets["belle2-knunu-2023"].source
    assert src.doi == "10.17182/hepdata.166082" and src.inspire == "2947386" and src.arxiv == "2507.12393"
    assert "2311.14647" in src.measurement and "ins2725943" in src.measurement


@pytest.fixture()
def tampered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of data/ whose Belle II workspace has one byte changed, installed as the data root."""
    root = tmp_path / "data"
    shutil.copytree(repo_data_dir(), root)
    ws = root / load_registry().datasets["belle2-knunu-2023"].folder / "combined_likelihood.json"
    ws.write_bytes(ws.read_bytes().replace(b'"mu"', b'"mv"', 1))
    monkeypatch.setattr(registry, "repo_data_dir", lambda: root)
    return ws


def test_tampered_file_is_refused(tampered: Path):
    with pytest.raises(InputError, match="sha256 mismatch") as exc:
        data_file("belle2-knunu-2023", "combined_likelihood.json")
    assert str(tampered) in str(exc.value)
    with pytest.raises(InputError, match="sha256 mismatch"):
        dataset_dir("belle2-knunu-2023")


def test_tampered_file_stops_a_fit_with_exit_2(tampered: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exc:
        main(["fit", "knunu-belle2-sm", "--json"])
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(tampered) in err[0] and "sha256" in err[0]
    assert not (tmp_path / "results").exists()


def test_data_verify_command(tampered: Path):
    res = CliRunner().invoke(registry_cli(), ["data", "verify"])
    assert res.exit_code != 0 and "BAD belle2-knunu-2023/combined_likelihood.json" in res.output


def registry_cli():
    from fitkit.cli import cli

    return cli


def test_missing_file_names_the_pull_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    root = tmp_path / "data"
    root.mkdir()
    shutil.copyfile(repo_data_dir() / REGISTRY_FILE, root / REGISTRY_FILE)
    monkeypatch.setattr(registry, "repo_data_dir", lambda: root)
    with pytest.raises(InputError, match="fitkit data pull lhcb-darkphoton-2019"):
        data_file("lhcb-darkphoton-2019", "LHCb_Aaij2019bvg_prompt.lmt")


def test_malformed_registry_names_dataset_and_field(tmp_path: Path):
    (tmp_path / REGISTRY_FILE).write_text("datasets:\n  x:\n    folder: ../outside\n    title: t\n    source: {experiment: e, reference: r, licence: l}\n    files: {}\n")
    with pytest.raises(InputError) as exc:
        load_registry(tmp_path)
    assert "entry x" in str(exc.value) and "field folder" in str(exc.value)


def test_track_records_what_was_used():
    with track() as used:
        data_file("lhcb-darkphoton-2019", "LHCb_Aaij2019bvg_prompt.lmt")
    assert list(used) == ["lhcb-darkphoton-2019"]


def test_nothing_reads_the_shared_folder():
    """A fresh clone has nothing beside it: no code, test, script or CI step may look there."""
    needles = ("FITKIT_" + "SHARED_DATA", "../" + "shared", "shared_" + "data_dir", '.parent / "' + 'shared"')
    hits = []
    for folder in ("fitkit", "tests", "scripts", "benchmarks", ".ci"):
        for p in (ROOT / folder).rglob("*"):
            if p.is_file() and p.suffix in {".py", ".sh", ""} and p != Path(__file__):
                text = p.read_text(errors="ignore")
                hits += [f"{p.relative_to(ROOT)}: {n}" for n in needles if n in text]
    assert not hits, hits
