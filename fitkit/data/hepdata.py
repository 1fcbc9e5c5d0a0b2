"""Published likelihoods and maps from HEPData: pull, verify (sha256), cache; or read a mirror.

A data set is a named list of files with their sha256. ``pull(name)`` fills the cache
(``$FITKIT_CACHE_DIR`` or ``~/.cache/fitkit``)/``<name>``:

- if ``$FITKIT_DATA_MIRROR`` is set, the files are copied from ``$FITKIT_DATA_MIRROR/<name>/``
  (a local copy, e.g. ``../shared/data``; tests use this, nothing is downloaded);
- otherwise they are downloaded from HEPData: the record's JSON
  (``https://www.hepdata.net/record/<record>?format=json``) lists its additional resources,
  and each expected file is fetched from the resource whose URL or description names it
  (``https://www.hepdata.net/record/resource/<id>?view=true``).

Every file is checked against its sha256 before it is accepted; a mismatch raises
:class:`~fitkit.errors.InputError` and leaves nothing in the cache. :func:`dataset_dir` finds a
data set for the likelihood terms: an explicit folder, the shared data folder, or the cache.

Example:
    >>> sorted(DATASETS)
    ['belle2-knunu-2023']
    >>> DATASETS["belle2-knunu-2023"].record
    '166082'
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fitkit.errors import InputError

__all__ = ["Dataset", "DATASETS", "cache_dir", "sha256_of", "pull", "dataset_dir", "resource_urls"]


@dataclass(frozen=True)
class Dataset:
    """A HEPData record and the files fitkit needs from it (file name -> sha256)."""

    name: str
    folder: str
    record: str
    doi: str
    description: str
    files: dict[str, str]

    @property
    def record_url(self) -> str:
        """JSON view of the HEPData record (lists its resources)."""
        return f"https://www.hepdata.net/record/{self.record}?format=json"


DATASETS: dict[str, Dataset] = {
    "belle2-knunu-2023": Dataset(
        name="belle2-knunu-2023",
        folder="belle2_knunu_2023",
        record="166082",
        doi="10.17182/hepdata.166082",
        description=(
            "Belle II B+ -> K+ nu nubar (362 fb^-1, arXiv:2311.14647): pyhf workspace of the ITA+HTA "
            "combination and the number densities for reinterpretation (arXiv:2507.12393)"
        ),
        files={
            "combined_likelihood.json": "9ec0d563197912e03e31de202f04fea10babe39a10de99b9770d9292df285ab3",
            "number_density_hta.csv": "2ef413de554d4d5553557e31c0f55e0f1afa01a52aafacc820d09dc72c41b4bb",
            "number_density_ita_regA.csv": "ba6ecf3dc4ba7b5f74ae5f3b9f9bbbfd35bd0cae680af8b444e25ea2050f3366",
            "number_density_ita_regB.csv": "c8b7f5b29fbef0635565877a8b589b11c25c0d6043c412849d386bc9965ce3c9",
        },
    )
}


def cache_dir() -> Path:
    """``$FITKIT_CACHE_DIR`` if set, else ``~/.cache/fitkit``."""
    env = os.environ.get("FITKIT_CACHE_DIR")
    return Path(env) if env else Path.home() / ".cache" / "fitkit"


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _walk(obj: Any) -> Iterator[dict[str, Any]]:
    if isinstance(obj, dict):
        yield obj
        for v in obj.values():
            yield from _walk(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _walk(v)


def resource_urls(record_json: dict[str, Any], files: list[str]) -> dict[str, str]:
    """Map each expected file name to the URL of the HEPData resource that names it.

    Resources are the dicts in the record JSON with a ``url`` (or ``location``) and a
    ``description`` or ``filename``; a resource matches a file when its URL, file name or
    description contains the file name.

    Example:
        >>> rec = {"record": {"resources": [{"url": "https://www.hepdata.net/record/resource/9?view=true",
        ...                                    "description": "pyhf workspace combined_likelihood.json"}]}}
        >>> resource_urls(rec, ["combined_likelihood.json"])
        {'combined_likelihood.json': 'https://www.hepdata.net/record/resource/9?view=true'}
    """
    found: dict[str, str] = {}
    for d in _walk(record_json):
        url = d.get("url") or d.get("location")
        if not isinstance(url, str):
            continue
        text = " ".join(str(d.get(k, "")) for k in ("url", "location", "filename", "file", "description"))
        for f in files:
            if f in text and f not in found:
                found[f] = url if url.startswith("http") else f"https://www.hepdata.net{url}"
    return found


def _download(url: str, dest: Path) -> None:
    req = urllib.request.Request(url, headers={"User-Agent": "fitkit"})
    with urllib.request.urlopen(req, timeout=60) as resp, open(dest, "wb") as out:  # noqa: S310 - https only
        shutil.copyfileobj(resp, out)


def pull(
    name: str,
    *,
    mirror: str | Path | None = None,
    cache: Path | None = None,
    fetch: Callable[[str, Path], None] = _download,
) -> Path:
    """Fetch data set ``name`` into the cache and return its folder; verify every sha256.

    ``mirror`` (default ``$FITKIT_DATA_MIRROR``) is a folder holding ``<folder>/<file>``;
    without it the files come from HEPData through ``fetch(url, destination)``.
    """
    try:
        ds = DATASETS[name]
    except KeyError:
        raise InputError(f"unknown data set {name!r}; known: {', '.join(sorted(DATASETS))}", field="dataset") from None
    mirror = mirror if mirror is not None else os.environ.get("FITKIT_DATA_MIRROR")
    target = (cache or cache_dir()) / ds.folder
    target.mkdir(parents=True, exist_ok=True)
    missing = [f for f, h in ds.files.items() if not (target / f).exists() or sha256_of(target / f) != h]
    if not missing:
        return target
    urls: dict[str, str] = {}
    if mirror is None:
        with tempfile.TemporaryDirectory() as tmp:
            rec_path = Path(tmp) / "record.json"
            fetch(ds.record_url, rec_path)
            urls = resource_urls(json.loads(rec_path.read_text()), missing)
        absent = [f for f in missing if f not in urls]
        if absent:
            raise InputError(f"HEPData record {ds.record} lists no resource for {', '.join(absent)}", field="dataset")
    for f in missing:
        with tempfile.TemporaryDirectory(dir=target) as tmp:
            part = Path(tmp) / f
            if mirror is not None:
                src = Path(mirror) / ds.folder / f
                if not src.exists():
                    raise InputError("file not in the mirror", file=str(src))
                shutil.copyfile(src, part)
            else:
                fetch(urls[f], part)
            digest = sha256_of(part)
            if digest != ds.files[f]:
                raise InputError(f"sha256 mismatch: expected {ds.files[f]}, got {digest}", file=f, field="sha256")
            os.replace(part, target / f)
    return target


def dataset_dir(name: str, *, shared_data: Path | None = None, directory: str | Path | None = None) -> Path:
    """Folder holding data set ``name``: ``directory`` if given, else the shared data, else the cache.

    Raises :class:`InputError` with the command to run when none has the files.
    """
    ds = DATASETS[name]
    candidates = [Path(directory)] if directory else []
    if shared_data is not None:
        candidates.append(Path(shared_data) / ds.folder)
    candidates.append(cache_dir() / ds.folder)
    for c in candidates:
        if all((c / f).exists() for f in ds.files):
            return c
    raise InputError(
        f"data set {name!r} not found in {', '.join(str(c) for c in candidates)}; run `fitkit data pull {name}`",
        field="dataset",
    )
