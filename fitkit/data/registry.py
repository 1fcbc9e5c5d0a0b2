"""The registry of public data files (``data/registry.yaml``): where each came from, its sha256.

The fits need published files besides the YAML cards: HistFactory workspaces and efficiency
maps from HEPData, limit tables. They live in the repository's ``data/`` folder (a fresh clone
has them, with no network and nothing beside it), and ``data/registry.yaml`` lists, per data
set, the source (record, DOI, URL, licence), and per file its sha256 and what uses it.

Every load goes through :func:`data_file` or :func:`dataset_dir`, which verify the sha256; a
missing or altered file raises :class:`~fitkit.errors.InputError` naming the file (the CLI
prints one line and exits 2). Verified hashes are cached per (path, size, mtime), so a file is
hashed once per process unless it changes. :func:`track` records which files a computation
used, for the provenance of its result.

Example:
    >>> reg = load_registry()
    >>> sorted(reg.datasets)
    ['belle2-knunu-2023', 'lhcb-darkphoton-2019']
    >>> data_file("lhcb-darkphoton-2019", "LHCb_Aaij2019bvg_prompt.lmt").name
    'LHCb_Aaij2019bvg_prompt.lmt'
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from fitkit.errors import InputError

__all__ = [
    "REGISTRY_FILE",
    "DataFile",
    "Source",
    "Dataset",
    "Registry",
    "repo_data_dir",
    "registry_path",
    "load_registry",
    "sha256_of",
    "data_file",
    "dataset_dir",
    "verify",
    "track",
    "record_input",
]

#: The registry's file name inside the repository's ``data/`` folder.
REGISTRY_FILE = "registry.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DataFile(_Strict):
    """One file of a data set: its sha256 (hex), what it holds and what reads it."""

    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    description: str
    used_by: list[str] = Field(default_factory=list)
    url: str | None = None


class Source(_Strict):
    """Where a data set comes from (at least a reference and a licence)."""

    experiment: str
    reference: str
    licence: str
    url: str | None = None
    doi: str | None = None
    hepdata_record: str | None = None
    inspire: str | None = None
    arxiv: str | None = None
    measurement: str | None = None


class Dataset(_Strict):
    """A named group of files in one folder (relative to ``data/``) from one source."""

    folder: str
    title: str
    source: Source
    files: dict[str, DataFile]

    @field_validator("folder")
    @classmethod
    def _relative(cls, v: str) -> str:
        p = Path(v)
        if p.is_absolute() or ".." in p.parts:
            raise ValueError("folder must be a path inside data/")
        return v


class Registry(_Strict):
    """All registered data sets by name."""

    datasets: dict[str, Dataset]


def repo_data_dir() -> Path:
    """The ``data/`` folder shipped with fitkit (published files; ``$FITKIT_DATA_DIR`` moves only the cards)."""
    return Path(__file__).resolve().parents[2] / "data"


def registry_path(root: Path | None = None) -> Path:
    """Path of ``registry.yaml`` under ``root`` (default :func:`repo_data_dir`)."""
    return (root or repo_data_dir()) / REGISTRY_FILE


def load_registry(root: Path | None = None) -> Registry:
    """Read and validate the registry; an error names the file, the data set and the field."""
    path = registry_path(root)
    key = (str(path), *_stamp(path))
    return _load_registry(key)


def _stamp(path: Path) -> tuple[int, int]:
    try:
        st = path.stat()
    except OSError:
        return (-1, -1)
    return (st.st_size, st.st_mtime_ns)


@cache
def _load_registry(key: tuple[str, int, int]) -> Registry:
    from fitkit.data.catalog import read_yaml

    path = Path(key[0])
    if key[1] < 0:
        raise InputError("data registry not found", file=str(path))
    raw = read_yaml(path)
    try:
        return Registry.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = [str(p) for p in err["loc"]]
        entry = loc[1] if len(loc) > 1 and loc[0] == "datasets" else None
        rest = loc[2:] if entry else loc
        msg = {"missing": "required field is missing", "extra_forbidden": "unknown field"}.get(err["type"], err["msg"])
        raise InputError(msg, file=str(path), entry=entry, field=".".join(rest) or None) from None


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@cache
def _hash_cached(path: str, size: int, mtime_ns: int) -> str:
    return sha256_of(Path(path))


_used: list[dict[str, dict[str, str]]] = []


def _record(dataset: str, name: str, digest: str) -> None:
    for log in _used:
        log.setdefault(dataset, {})[name] = digest


def record_input(path: Path, content: bytes) -> None:
    """Note a YAML input read inside :func:`track` (under the pseudo data set ``"inputs"``)."""
    if _used:
        digest = hashlib.sha256(content).hexdigest()
        for log in _used:
            log.setdefault("inputs", {})[str(path)] = digest


@contextmanager
def track() -> Iterator[dict[str, dict[str, str]]]:
    """Collect ``{dataset: {file: sha256}}`` of every registered file verified inside the block,
    and ``{"inputs": {path: sha256}}`` of every YAML input read (:func:`record_input`)."""
    log: dict[str, dict[str, str]] = {}
    _used.append(log)
    try:
        yield log
    finally:
        _used.remove(log)


def _dataset(name: str, root: Path | None) -> Dataset:
    reg = load_registry(root)
    try:
        return reg.datasets[name]
    except KeyError:
        raise InputError(
            f"unknown data set {name!r}; registered: {', '.join(sorted(reg.datasets))}",
            file=str(registry_path(root)), field="datasets",
        ) from None


def data_file(dataset: str, name: str, *, root: Path | None = None) -> Path:
    """Path of registered file ``name`` of ``dataset``, after checking its sha256.

    Raises :class:`InputError` (file named) when the file is missing, unregistered or altered.
    """
    ds = _dataset(dataset, root)
    if name not in ds.files:
        raise InputError(f"file not registered; {dataset} has {', '.join(ds.files)}", file=str(registry_path(root)), entry=dataset, field="files")
    path = (root or repo_data_dir()) / ds.folder / name
    size, mtime = _stamp(path)
    if size < 0:
        raise InputError(f"registered data file is missing; run `fitkit data pull {dataset}`", file=str(path))
    digest = _hash_cached(str(path), size, mtime)
    expected = ds.files[name].sha256
    if digest != expected:
        raise InputError(
            f"sha256 mismatch (expected {expected[:12]}…, got {digest[:12]}…): the file was altered; "
            f"restore it (git checkout) or run `fitkit data pull {dataset}`",
            file=str(path), field="sha256",
        )
    _record(dataset, name, digest)
    return path


def dataset_dir(dataset: str, *, root: Path | None = None) -> Path:
    """Folder of ``dataset`` after verifying every file of it."""
    ds = _dataset(dataset, root)
    for name in ds.files:
        data_file(dataset, name, root=root)
    return (root or repo_data_dir()) / ds.folder


def verify(*, root: Path | None = None) -> list[tuple[str, str, str | None]]:
    """Check every registered file: ``(dataset, file, error message or None)`` per file."""
    out: list[tuple[str, str, str | None]] = []
    for dname, ds in load_registry(root).datasets.items():
        for fname in ds.files:
            try:
                data_file(dname, fname, root=root)
                out.append((dname, fname, None))
            except InputError as exc:
                out.append((dname, fname, str(exc)))
    return out
