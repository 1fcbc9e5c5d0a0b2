"""``fitkit data pull``: mirror copy, sha256 verification before replacing, HEPData resource parsing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from fitkit.data.hepdata import pull, record_url, resource_urls
from fitkit.data.registry import REGISTRY_FILE, load_registry, repo_data_dir, sha256_of
from fitkit.errors import InputError

NAME = "belle2-knunu-2023"
DS = load_registry().datasets[NAME]


@pytest.fixture()
def empty_root(tmp_path: Path) -> Path:
    """A data folder holding only the registry (as after deleting the files)."""
    root = tmp_path / "data"
    root.mkdir()
    shutil.copyfile(repo_data_dir() / REGISTRY_FILE, root / REGISTRY_FILE)
    return root


def test_pull_from_mirror_verifies_and_keeps(empty_root: Path):
    out = pull(NAME, mirror=repo_data_dir(), root=empty_root)  # the repo's data/ has the mirror layout
    for f, meta in DS.files.items():
        assert sha256_of(out / f) == meta.sha256
        assert (out / f).stat().st_mode & 0o777 == 0o644

    def no_network(url: str, dest: Path) -> None:  # a second pull must not fetch anything
        raise AssertionError(url)

    assert pull(NAME, mirror=None, root=empty_root, fetch=no_network) == out


def test_corrupted_mirror_is_rejected_and_nothing_written(empty_root: Path, tmp_path: Path):
    bad = tmp_path / "mirror" / DS.folder
    shutil.copytree(repo_data_dir() / DS.folder, bad)
    with open(bad / "number_density_hta.csv", "a") as fh:
        fh.write("0\n")
    with pytest.raises(InputError, match="sha256 mismatch"):
        pull(NAME, mirror=tmp_path / "mirror", root=empty_root)
    target = empty_root / DS.folder
    assert not any(p.is_file() for p in target.rglob("*"))  # no file replaced, no partial left


def test_download_path_uses_record_resources(empty_root: Path, monkeypatch: pytest.MonkeyPatch):
    """Without a mirror: the record JSON is read, then each resource fetched (here from disk)."""
    monkeypatch.delenv("FITKIT_DATA_MIRROR", raising=False)
    src = repo_data_dir() / DS.folder
    files = list(DS.files)
    record = {"resources": [{"url": f"/record/resource/{i}?view=true", "description": f} for i, f in enumerate(files)]}
    calls: list[str] = []

    def fake_fetch(url: str, dest: Path) -> None:
        calls.append(url)
        if url.endswith("format=json"):
            dest.write_text(json.dumps(record))
            return
        idx = int(url.split("/resource/")[1].split("?")[0])
        shutil.copyfile(src / files[idx], dest)

    out = pull(NAME, mirror=None, root=empty_root, fetch=fake_fetch)
    assert calls[0] == record_url("166082") == "https://www.hepdata.net/record/166082?format=json"
    assert len(calls) == 1 + len(files)
    assert all(sha256_of(out / f) == DS.files[f].sha256 for f in files)


def test_unknown_dataset_and_missing_resources(empty_root: Path):
    with pytest.raises(InputError, match="unknown data set"):
        pull("nope", root=empty_root)
    assert resource_urls({"a": [{"url": "x", "description": "other"}]}, ["combined_likelihood.json"]) == {}


def test_offline_without_mirror_is_one_line_error(empty_root: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("FITKIT_DATA_MIRROR", raising=False)

    def offline(url: str, dest: Path) -> None:
        raise InputError("cannot download (no network); offline? use --mirror FOLDER", file=url)

    with pytest.raises(InputError, match="offline"):
        pull(NAME, mirror=None, root=empty_root, fetch=offline)
    assert not (empty_root / DS.folder).exists() or not any((empty_root / DS.folder).iterdir())
