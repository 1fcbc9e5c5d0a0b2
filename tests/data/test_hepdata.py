"""``fitkit data pull``: mirror copy, sha256 verification, cache reuse, HEPData resource parsing."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from fitkit.data.hepdata import DATASETS, dataset_dir, pull, resource_urls, sha256_of
from fitkit.errors import InputError

SHARED = Path(os.environ.get("FITKIT_SHARED_DATA", Path(__file__).resolve().parents[2] / ".." / "shared" / "data"))
NAME = "belle2-knunu-2023"
needs_shared = pytest.mark.skipif(not (SHARED / DATASETS[NAME].folder).exists(), reason="no shared data")


@needs_shared
def test_pull_from_mirror_verifies_and_caches(tmp_path):
    out = pull(NAME, mirror=SHARED, cache=tmp_path)
    for f, h in DATASETS[NAME].files.items():
        assert sha256_of(out / f) == h

    def no_network(url, dest):  # a second pull must not fetch anything
        raise AssertionError(url)

    assert pull(NAME, mirror=None, cache=tmp_path, fetch=no_network) == out


@needs_shared
def test_corrupted_mirror_is_rejected(tmp_path):
    bad = tmp_path / "mirror" / DATASETS[NAME].folder
    shutil.copytree(SHARED / DATASETS[NAME].folder, bad)
    with open(bad / "number_density_hta.csv", "a") as fh:
        fh.write("0\n")
    with pytest.raises(InputError, match="sha256 mismatch"):
        pull(NAME, mirror=tmp_path / "mirror", cache=tmp_path / "cache")
    assert not (tmp_path / "cache" / DATASETS[NAME].folder / "number_density_hta.csv").exists()


@needs_shared
def test_download_path_uses_record_resources(tmp_path):
    """Without a mirror: the record JSON is read, then each resource fetched (here from disk)."""
    src = SHARED / DATASETS[NAME].folder
    record = {"resources": [{"url": f"/record/resource/{i}?view=true", "description": f} for i, f in enumerate(DATASETS[NAME].files)]}
    calls = []

    def fake_fetch(url, dest):
        calls.append(url)
        if url.endswith("format=json"):
            dest.write_text(__import__("json").dumps(record))
            return
        idx = int(url.split("/resource/")[1].split("?")[0])
        shutil.copyfile(src / list(DATASETS[NAME].files)[idx], dest)

    out = pull(NAME, mirror=None, cache=tmp_path, fetch=fake_fetch)
    assert calls[0] == "https://www.hepdata.net/record/166082?format=json"
    assert len(calls) == 1 + len(DATASETS[NAME].files)
    assert dataset_dir(NAME, shared_data=tmp_path / "nowhere", directory=out) == out


def test_unknown_dataset_and_missing_resources(tmp_path):
    with pytest.raises(InputError, match="unknown data set"):
        pull("nope", cache=tmp_path)
    assert resource_urls({"a": [{"url": "x", "description": "other"}]}, ["combined_likelihood.json"]) == {}
