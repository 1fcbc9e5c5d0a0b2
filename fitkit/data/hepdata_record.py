"""``fitkit data pull RECORD``: any HEPData record (INSPIRE id or HEPData DOI) into ``data/``.

Steps (nothing is written unless all succeed; an error is one line naming what failed):

1. the record's metadata, ``https://www.hepdata.net/record/<ins…|number>?format=json`` (or
   ``<mirror>/<key>/record.json``), with its title, INSPIRE id, DOI, additional resources (dicts
   with a ``url``/``location``; the file name is the last path component or ``filename``) and
   data tables (dicts with a ``name`` and a YAML download under ``data.yaml``/``yaml``);
2. every resource and every table (HEPData YAML) into ``data/hepdata/<key>/`` (tables as
   ``<table-slug>.yaml``); a record already in the registry must reproduce its registered sha256
   per file, a new record has the sha256 of each file computed and registered;
3. a registry entry (``data/registry.yaml``, data set ``<key>``) appended with every file's sha256;
   files that are pyhf workspaces (``channels``, ``observations``, ``measurements``) are marked
   as such: a fit definition uses them as ``{type: pyhf, workspace: <key>/<file>}``;
4. a card skeleton per table with 1D bins (``data/hepdata/<key>/card_skeletons/``): one
   measurement per bin of each dependent variable, value and errors from the table, the
   observable, tags and SM expectations left for the user to fill before moving the card into
   a card area (``data/bsll/`` …).

The mirror (``--mirror`` or ``$FITKIT_DATA_MIRROR``) is a folder holding ``<key>/record.json``,
``<key>/<resource file>`` and ``<key>/<table-slug>.yaml``; tests use it, nothing is downloaded.
``<key>`` is ``ins<INSPIRE id>`` or ``hepdata-<record number>``.

Example:
    >>> parse_record("10.17182/hepdata.166082.v1")
    ('hepdata-166082', 'https://www.hepdata.net/record/166082?format=json')
    >>> parse_record("ins2725943")[0]
    'ins2725943'
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from fitkit.data.hepdata import Fetch, download, walk_json
from fitkit.data.registry import Registry, load_registry, registry_path, repo_data_dir, sha256_of
from fitkit.errors import InputError

__all__ = ["parse_record", "PulledRecord", "pull_record", "table_card_skeleton", "is_pyhf_workspace"]

_INSPIRE = re.compile(r"^(?:ins)?(\d{4,9})$", re.I)
_DOI = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/)?10\.17182/hepdata\.(\d+)(?:\.v\d+)?(?:/t\d+)?$", re.I)


def parse_record(record: str) -> tuple[str, str]:
    """(key, metadata URL) of an INSPIRE id (``ins123456`` or ``123456``) or a HEPData DOI."""
    text = record.strip()
    if m := _INSPIRE.match(text):
        return f"ins{m.group(1)}", f"https://www.hepdata.net/record/ins{m.group(1)}?format=json"
    if m := _DOI.match(text):
        return f"hepdata-{m.group(1)}", f"https://www.hepdata.net/record/{m.group(1)}?format=json"
    raise InputError(
        f"not an INSPIRE id (ins1234567) or HEPData DOI (10.17182/hepdata.NNNN) nor a registered data set: {record!r}", field="RECORD"
    )


def _slug(name: str) -> str:
    s = re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").lower()
    return s or "table"


def is_pyhf_workspace(path: Path) -> bool:
    """True for a JSON file with the top-level keys of a pyhf workspace."""
    if path.suffix.lower() != ".json":
        return False
    try:
        d = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False
    return isinstance(d, dict) and {"channels", "observations", "measurements"} <= set(d)


@dataclass
class PulledRecord:
    """What a pull stored: data set key, folder, files (name -> sha256), workspaces, skeletons."""

    key: str
    folder: Path
    files: dict[str, str]
    workspaces: list[str] = field(default_factory=list)
    skeletons: list[Path] = field(default_factory=list)
    registered: bool = False  # True: a new registry entry was written


def _metadata(record_json: dict[str, Any]) -> dict[str, Any]:
    inner = record_json.get("record")
    rec: dict[str, Any] = inner if isinstance(inner, dict) else record_json
    title = str(rec.get("title") or record_json.get("title") or "").strip()
    if not title:
        raise InputError("the HEPData record has no title (not a record JSON?)", field="record.title")
    collab = rec.get("collaborations") or record_json.get("collaborations") or []
    return {
        "title": title,
        "inspire": str(rec.get("inspire_id") or record_json.get("inspire_id") or "") or None,
        "doi": rec.get("hepdata_doi") or record_json.get("hepdata_doi") or rec.get("doi"),
        "arxiv": str(rec.get("arxiv_id") or "").removeprefix("arXiv:") or None,
        "experiment": ", ".join(collab) if isinstance(collab, list) and collab else str(collab or "unknown"),
    }


def _items(record_json: dict[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    """(resource file name -> URL, table file name -> URL) listed in the record JSON."""
    resources: dict[str, str] = {}
    tables: dict[str, str] = {}
    for d in walk_json(record_json):
        data = d.get("data")
        yaml_url = (data.get("yaml") if isinstance(data, dict) else None) or d.get("yaml")
        if isinstance(d.get("name"), str) and isinstance(yaml_url, str):
            tables[f"{_slug(d['name'])}.yaml"] = yaml_url
            continue
        url = d.get("url") or d.get("location")
        if isinstance(url, str) and ("resource" in url or d.get("filename") or d.get("description")):
            name = str(d.get("filename") or url.split("?")[0].rstrip("/").split("/")[-1])
            if name and name not in resources:
                resources[name] = url if url.startswith(("http", "file:")) else f"https://www.hepdata.net{url}"
    return resources, tables


def _value_errors(v: dict[str, Any]) -> dict[str, float | list[float]]:
    out: dict[str, float | list[float]] = {}
    for k, err in enumerate(v.get("errors") or []):
        label = _slug(str(err.get("label") or f"err{k + 1}"))
        if "symerror" in err:
            e = err["symerror"]
            if isinstance(e, str) and e.endswith("%"):
                e = float(e[:-1]) / 100 * float(v["value"])
            out[label] = abs(float(e))
        elif "asymerror" in err:
            plus, minus = float(err["asymerror"]["plus"]), float(err["asymerror"]["minus"])
            out[label] = [abs(plus), -abs(minus)]
    return out


def table_card_skeleton(table: dict[str, Any], *, card_id: str, source: dict[str, Any]) -> dict[str, Any] | None:
    """A card skeleton from a HEPData YAML table with one binned independent variable (else None).

    The ``observable`` is left as ``FILL ME (<variable name>)``; bins become ``q2`` (check the
    units); errors keep their labels (symerror -> symmetric, asymerror -> [+up, -down]).
    """
    indep = table.get("independent_variables") or []
    if len(indep) != 1:
        return None
    bins = indep[0].get("values") or []
    if not bins or not all("low" in b and "high" in b for b in bins):
        return None
    ms = []
    for dep in table.get("dependent_variables") or []:
        name = str((dep.get("header") or {}).get("name", "value"))
        for b, v in zip(bins, dep.get("values") or []):
            try:
                value = float(v["value"])
            except (KeyError, TypeError, ValueError):
                continue  # '-' entries of HEPData: no measurement in this bin
            ms.append({
                "id": f"{card_id}_{_slug(name)}_{b['low']:g}_{b['high']:g}",
                "observable": f"FILL ME ({name})",
                "q2": [float(b["low"]), float(b["high"])],
                "value": value,
                "uncertainty": _value_errors(v) or {"FILL_ME": 0.0},
            })
    if not ms:
        return None
    return {
        "id": card_id,
        "source": source,
        "note": f"skeleton from HEPData ({indep[0].get('header', {}).get('name', 'x')}): fill observable, tags, sm; then move into a card area",
        "tags": [],
        "measurements": ms,
    }


def _read_json(dest: Path, url: str) -> dict[str, Any]:
    try:
        d = json.loads(dest.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise InputError("the HEPData record is not JSON", file=url) from None
    if not isinstance(d, dict):
        raise InputError("the HEPData record is not a JSON object", file=url)
    return d


def _registry_entry(key: str, meta: dict[str, Any], files: dict[str, str], urls: dict[str, str], workspaces: list[str]) -> str:
    source = {
        "experiment": meta["experiment"],
        "reference": meta["title"] + (f", arXiv:{meta['arxiv']}" if meta["arxiv"] else ""),
        "licence": "as stated on the HEPData record (CC0-1.0 by default)",
        "doi": meta["doi"],
        "inspire": meta["inspire"],
        "arxiv": meta["arxiv"],
        "url": f"https://www.hepdata.net/record/{key.removeprefix('hepdata-')}",
    }
    entry = {
        "folder": f"hepdata/{key}",
        "title": meta["title"],
        "source": {k: v for k, v in source.items() if v},
        "files": {
            name: {
                "sha256": sha,
                "description": "pyhf workspace" if name in workspaces else ("HEPData table (YAML)" if name not in urls else "HEPData resource"),
                "used_by": [f"pyhf term: workspace: {key}/{name}"] if name in workspaces else [],
                **({"url": urls[name]} if urls.get(name, "").startswith("http") else {}),
            }
            for name, sha in sorted(files.items())
        },
    }
    body = yaml.safe_dump({key: entry}, sort_keys=False, width=120)
    return "  # pulled by `fitkit data pull` (fitkit.data.hepdata_record)\n" + "".join(f"  {ln}\n" for ln in body.splitlines())


def pull_record(
    record: str, *, mirror: str | Path | None = None, root: Path | None = None, fetch: Fetch = download
) -> PulledRecord:
    """Pull a HEPData record into ``root`` (default the repository's ``data/``); see the module docstring."""
    key, url = parse_record(record)
    root = root or repo_data_dir()
    mirror = mirror if mirror is not None else os.environ.get("FITKIT_DATA_MIRROR")
    reg = load_registry(root)
    known = reg.datasets.get(key)
    folder = root / "hepdata" / key
    base = Path(mirror) / key if mirror is not None else None
    if base is not None and not (base / "record.json").is_file():
        raise InputError("record not in the mirror (no record.json)", file=str(base / "record.json"))
    (root / "hepdata").mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=root / "hepdata", prefix=".pull-") as tmpdir:
        tmp = Path(tmpdir)
        meta_dir = tmp / "_meta"
        meta_dir.mkdir()
        if base is not None:
            shutil.copyfile(base / "record.json", meta_dir / "record.json")
        else:
            fetch(url, meta_dir / "record.json")
        record_json = _read_json(meta_dir / "record.json", url)
        meta = _metadata(record_json)
        resources, tables = _items(record_json)
        wanted = {**resources, **tables}
        if not wanted:
            raise InputError("the record lists no resources or tables", file=url)
        staged = tmp / "files"
        staged.mkdir()
        for name, src in wanted.items():
            if base is not None:
                if not (base / name).is_file():
                    raise InputError("file not in the mirror", file=str(base / name))
                shutil.copyfile(base / name, staged / name)
            else:
                fetch(src, staged / name)
        files = {name: sha256_of(staged / name) for name in wanted}
        if known is not None:  # a registered record: every file must match
            for name, sha in files.items():
                exp = known.files.get(name)
                if exp is None or exp.sha256 != sha:
                    raise InputError(
                        f"sha256 mismatch with the registry (expected {exp.sha256[:12] if exp else 'no entry'}…, got {sha[:12]}…)",
                        file=str(registry_path(root)), entry=key, field=f"files.{name}",
                    )
        workspaces = sorted(n for n in files if is_pyhf_workspace(staged / n))
        skeletons: dict[str, dict[str, Any]] = {}
        source = {"experiment": meta["experiment"], "title": meta["title"], "year": 0, "hepdata": meta["doi"] or key,
                  "transcribed_from": f"HEPData record {key} (fitkit data pull)"}
        if meta["arxiv"]:
            source["arxiv"] = meta["arxiv"]
        for name in tables:
            try:
                table = yaml.safe_load((staged / name).read_text())
            except yaml.YAMLError:
                raise InputError("the table is not YAML", file=str(wanted[name])) from None
            card = table_card_skeleton(table if isinstance(table, dict) else {}, card_id=f"{key}_{Path(name).stem}", source=source)
            if card is not None:
                skeletons[f"{Path(name).stem}.yaml"] = card
        new_registry = None
        if known is None:
            text = registry_path(root).read_text()
            new_registry = text.rstrip("\n") + "\n" + _registry_entry(key, meta, files, resources, workspaces)
            try:
                Registry.model_validate(yaml.safe_load(new_registry))
            except Exception as exc:  # a bug here must not corrupt the registry
                raise InputError(f"the registry entry would be invalid: {exc}", file=str(registry_path(root)), entry=key) from None
        # everything verified: move into place, then the registry (atomic rename)
        folder.mkdir(parents=True, exist_ok=True)
        for name in files:
            os.replace(staged / name, folder / name)
        written = []
        if skeletons:
            (folder / "card_skeletons").mkdir(exist_ok=True)
            for name, card in skeletons.items():
                p = folder / "card_skeletons" / name
                p.write_text("# card skeleton written by `fitkit data pull`: complete it, then move it into a card area\n"
                             + yaml.safe_dump(card, sort_keys=False, width=120))
                written.append(p)
        if new_registry is not None:
            reg_tmp = registry_path(root).with_name(".registry.yaml.tmp")
            reg_tmp.write_text(new_registry)
            os.replace(reg_tmp, registry_path(root))
    return PulledRecord(key, folder, files, workspaces, written, registered=new_registry is not None)
