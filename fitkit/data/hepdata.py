"""``fitkit data pull``: refresh a registered data set from its source, verifying every sha256.

The files themselves ship in ``data/`` (see :mod:`fitkit.data.registry`); pulling re-fetches
them, e.g. after a HEPData record was revised (then update the sha256 in the registry first)
or to restore a deleted file. Sources:

- a local mirror folder (``mirror=`` or ``$FITKIT_DATA_MIRROR``) holding ``<folder>/<file>``
  with the registry's folder names; tests use this, nothing is downloaded;
- a HEPData record (the data set's ``source.hepdata_record``): its JSON
  (``https://www.hepdata.net/record/<record>?format=json``) lists the additional resources, and
  each file is fetched from the resource whose URL, file name or description names it;
- the file's own ``url`` (or the data set's ``source.url`` for a one-file data set).

Each file is downloaded into a temporary file beside its target and checked against its
sha256 before it replaces the old one; a mismatch raises :class:`~fitkit.errors.InputError`
and leaves the data folder as it was. Files already present with the right hash are kept.

Example:
    >>> rec = {"record": {"resources": [{"url": "https://www.hepdata.net/record/resource/9?view=true",
    ...                                    "description": "pyhf workspace combined_likelihood.json"}]}}
    >>> resource_urls(rec, ["combined_likelihood.json"])
    {'combined_likelihood.json': 'https://www.hepdata.net/record/resource/9?view=true'}
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from fitkit.data.registry import Dataset, load_registry, registry_path, repo_data_dir, sha256_of
from fitkit.errors import InputError

__all__ = ["record_url", "resource_urls", "pull", "Fetch"]

#: ``fetch(url, destination)``: write the resource at ``url`` to the file ``destination``.
Fetch = Callable[[str, Path], None]


def record_url(record: str) -> str:
    """JSON view of a HEPData record (lists its resources)."""
    return f"https://www.hepdata.net/record/{record}?format=json"


def walk_json(obj: Any) -> Iterator[dict[str, Any]]:
    if isinstance(obj, dict):
        yield obj
        for v in obj.values():
            yield from walk_json(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from walk_json(v)


def resource_urls(record_json: dict[str, Any], files: list[str]) -> dict[str, str]:
    """Map each expected file name to the URL of the HEPData resource that names it.

    Resources are the dicts in the record JSON with a ``url`` (or ``location``); a resource
    matches a file when its URL, file name or description contains the file name.
    """
    found: dict[str, str] = {}
    for d in walk_json(record_json):
        url = d.get("url") or d.get("location")
        if not isinstance(url, str):
            continue
        text = " ".join(str(d.get(k, "")) for k in ("url", "location", "filename", "file", "description"))
        for f in files:
            if f in text and f not in found:
                found[f] = url if url.startswith("http") else f"https://www.hepdata.net{url}"
    return found


def download(url: str, dest: Path) -> None:
    req = urllib.request.Request(url, headers={"User-Agent": "fitkit"})
    try:
        with urllib.request.urlopen(req, timeout=60) as resp, open(dest, "wb") as out:  # noqa: S310 - https only
            shutil.copyfileobj(resp, out)
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise InputError(f"cannot download ({reason}); offline? use --mirror FOLDER", file=url) from None


def _source_urls(name: str, ds: Dataset, missing: list[str], fetch: Fetch) -> dict[str, str]:
    urls = {f: ds.files[f].url for f in missing if ds.files[f].url}
    rest = [f for f in missing if f not in urls]
    if rest and ds.source.hepdata_record:
        with tempfile.TemporaryDirectory() as tmp:
            rec_path = Path(tmp) / "record.json"
            fetch(record_url(ds.source.hepdata_record), rec_path)
            try:
                record = json.loads(rec_path.read_text())
            except (json.JSONDecodeError, UnicodeDecodeError):
                raise InputError("the HEPData record is not JSON", file=record_url(ds.source.hepdata_record)) from None
            urls.update(resource_urls(record, rest))
    elif rest and ds.source.url and len(ds.files) == 1:
        urls[rest[0]] = ds.source.url
    absent = [f for f in missing if f not in urls]
    if absent:
        raise InputError(f"no source lists {', '.join(absent)}", file=str(registry_path()), entry=name, field="source")
    return urls


def pull(
    name: str,
    *,
    mirror: str | Path | None = None,
    root: Path | None = None,
    fetch: Fetch = download,
) -> Path:
    """Refresh data set ``name`` in ``root`` (default the repository's ``data/``); return its folder.

    ``mirror`` (default ``$FITKIT_DATA_MIRROR``) is a folder holding ``<folder>/<file>``;
    without it the files come from the data set's source through ``fetch(url, destination)``.
    """
    reg = load_registry(root)
    if name not in reg.datasets:
        raise InputError(f"unknown data set {name!r}; registered: {', '.join(sorted(reg.datasets))}", field="dataset")
    ds = reg.datasets[name]
    mirror = mirror if mirror is not None else os.environ.get("FITKIT_DATA_MIRROR")
    target = (root or repo_data_dir()) / ds.folder
    missing = [f for f, meta in ds.files.items() if not (target / f).is_file() or sha256_of(target / f) != meta.sha256]
    if not missing:
        return target
    if mirror is not None:
        sources = {f: Path(mirror) / ds.folder / f for f in missing}
        for src in sources.values():
            if not src.is_file():
                raise InputError("file not in the mirror", file=str(src))
    else:
        sources = _source_urls(name, ds, missing, fetch)  # type: ignore[assignment]
    target.mkdir(parents=True, exist_ok=True)
    staged: dict[str, Path] = {}
    with tempfile.TemporaryDirectory(dir=target, prefix=".pull-") as tmp:
        for f in missing:
            part = Path(tmp) / f
            if mirror is not None:
                shutil.copyfile(sources[f], part)
            else:
                fetch(str(sources[f]), part)
            digest = sha256_of(part)
            if digest != ds.files[f].sha256:
                raise InputError(f"sha256 mismatch: expected {ds.files[f].sha256}, got {digest}", file=f, field="sha256")
            staged[f] = part
        for f, part in staged.items():  # all verified: only now replace the old files
            part.chmod(0o644)
            os.replace(part, target / f)
    return target
