"""Provenance of a result: which inputs, which code, which libraries produced it.

Every :class:`~fitkit.inference.results.FitResult` and ``ScanResult`` carries the dict built
here (JSON: ``provenance``), so a number can be traced to the exact files behind it and two
results can be compared input by input:

- ``sha256``: one hash over the definition, the model options and every input below (the key
  that changes when anything the fit reads changes);
- ``definition`` and ``definition_sha256``: the fit definition file;
- ``likelihood``: each term's type and variant (e.g. ``belle2-knunu: full``);
- ``cards``: id -> sha256 of every data card a term took measurements from;
- ``data_files``: data set -> file -> sha256 of the published files read (``data/registry.yaml``);
- ``inputs``: path -> sha256 of the other YAML inputs read (limits, counting channels, yields);
- ``theory_inputs``: path -> sha256 of every theory input file (``data/formfactors``,
  ``data/theory``: read once per process and cached, so all of them are listed);
- ``fitkit_version``, ``git_commit`` (when run from a git checkout), ``versions`` of numpy,
  scipy, iminuit and pyhf.

Example:
    >>> sorted(software())
    ['fitkit_version', 'git_commit', 'versions']
"""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from fitkit import __version__

__all__ = ["software", "git_commit", "term_variants", "theory_inputs", "build", "summary_line", "THEORY_FOLDERS"]

_LIBRARIES = ("numpy", "scipy", "iminuit", "pyhf")
_ROOT = Path(__file__).resolve().parents[1]
#: Folders of data/ whose files feed the theory layer (hashed as a whole, see the docstring).
THEORY_FOLDERS = ("formfactors", "theory")
#: Keys of a term spec that select a variant of the same likelihood.
_VARIANT_KEYS = ("likelihood", "config", "backend", "asymmetric_errors", "theory_errors")


@cache
def git_commit() -> str | None:
    """The commit of the fitkit checkout (``git rev-parse HEAD``), ``-dirty`` if modified; None outside git."""
    root = _ROOT
    if not (root / ".git").exists():
        return None
    try:
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True, timeout=5, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return f"{head}-dirty" if dirty else head


@cache
def _versions() -> dict[str, str]:
    out = {}
    for lib in _LIBRARIES:
        try:
            out[lib] = metadata.version(lib)
        except metadata.PackageNotFoundError:
            out[lib] = "not installed"
    return out


def software() -> dict[str, Any]:
    """fitkit version, git commit and library versions."""
    return {"fitkit_version": __version__, "git_commit": git_commit(), "versions": dict(_versions())}


def term_variants(terms: Sequence[Mapping[str, Any]]) -> list[str]:
    """``"type: variant, ..."`` per likelihood term (the belle2-knunu default is ``full``)."""
    out = []
    for t in terms:
        kind = str(t.get("type", "gaussian"))
        opts = {k: t[k] for k in _VARIANT_KEYS if k in t}
        if kind == "belle2-knunu":
            opts.setdefault("likelihood", "full")
        out.append(kind + (": " + ", ".join(f"{k}={v}" for k, v in opts.items()) if opts else ""))
    return out


def _sha_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _rel(path: str | Path) -> str:
    """A path relative to the repository when inside it (results do not depend on the clone's folder)."""
    p = Path(path).resolve()
    return p.relative_to(_ROOT).as_posix() if p.is_relative_to(_ROOT) else str(p)


@cache
def theory_inputs() -> dict[str, str]:
    """sha256 of the theory input files shipped in data/ (:data:`THEORY_FOLDERS`)."""
    data = _ROOT / "data"
    return {_rel(p): _sha_file(p) for folder in THEORY_FOLDERS for p in sorted((data / folder).rglob("*.yaml"))}


def build(
    *,
    definition: Path | None,
    options: Mapping[str, Any],
    terms: Sequence[Mapping[str, Any]],
    cards: Mapping[str, Path],
    used: Mapping[str, Mapping[str, str]],
    card_paths: Sequence[Path] = (),
) -> dict[str, Any]:
    """The provenance dict of a fit (see the module docstring).

    ``used`` is the log of :func:`fitkit.data.registry.track`; its ``inputs`` that are data
    cards (``card_paths``) are listed under ``cards`` only when a term selected from them.
    """
    card_sha = {cid: _sha_file(p) for cid, p in sorted(cards.items())}
    skip = {_rel(p) for p in card_paths} | ({_rel(definition)} if definition else set())
    theory = theory_inputs()
    inputs = {_rel(k): v for k, v in sorted(used.get("inputs", {}).items())}
    inputs = {k: v for k, v in inputs.items() if k not in skip and k not in theory}
    data_files = {ds: dict(sorted(files.items())) for ds, files in sorted(used.items()) if ds != "inputs"}
    definition_sha = _sha_file(definition) if definition else None
    h = hashlib.sha256()
    h.update(repr((definition_sha, sorted(options.items()), card_sha, inputs, data_files, theory)).encode())
    return {
        "sha256": h.hexdigest(),
        "definition": _rel(definition) if definition else None,
        "definition_sha256": definition_sha,
        "likelihood": term_variants(terms),
        "cards": card_sha,
        "data_files": data_files,
        "inputs": inputs,
        "theory_inputs": theory,
        **software(),
    }


def summary_line(prov: Mapping[str, Any]) -> str:
    """One line for the end of a terminal report: likelihood variant, inputs, code version."""
    files = sum(len(f) for f in prov.get("data_files", {}).values())
    commit = prov.get("git_commit") or "no git"
    lk = "; ".join(prov.get("likelihood", []))
    return (
        f"provenance: {lk} | {len(prov.get('cards', {}))} cards, {files} data files (sha256 in --json) | "
        f"fitkit {prov.get('fitkit_version')} ({commit[:12]}) | input sha256 {str(prov.get('sha256', ''))[:12]}"
    )
