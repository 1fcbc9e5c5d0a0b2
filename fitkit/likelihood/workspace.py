"""HistFactory workspaces read, validated and patched through pyhf.

Every workspace fitkit uses is a :class:`pyhf.Workspace`: pyhf's JSON schema (workspace.json,
pyhf 0.7) plus the checks the schema cannot express — each observation as long as its channel,
no negative observed counts, no bin whose nominal expectation (all samples summed) is negative, a
measurement whose POI is a parameter of the model. Any failure is an :class:`InputError` naming
the file and the JSON path (``observations[0].data[1]``), one line, before any computation.
Signal patchsets (HEPData's ``patchset.json``) load as :class:`pyhf.patchset.PatchSet`.

Example:
    >>> import pyhf
    >>> spec = pyhf.simplemodels.uncorrelated_background([5.0], [50.0], [3.0]).spec
    >>> ws = {"channels": spec["channels"], "observations": [{"name": "singlechannel", "data": [-1.0]}],
    ...       "measurements": [{"name": "m", "config": {"poi": "mu", "parameters": []}}], "version": "1.0.0"}
    >>> try:
    ...     validate_workspace(ws, file="ws.json")
    ... except InputError as exc:
    ...     print(exc)
    ws.json: field observations[0].data[0]: observed count must be >= 0, got -1.0
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyhf
from pyhf.exceptions import (
    InvalidPatchSet,
    InvalidSpecification,
    InvalidWorkspaceOperation,
    PatchSetVerificationError,
)

from fitkit.errors import InputError

__all__ = ["read_json", "validate_workspace", "load_workspace", "load_patchset", "apply_patch"]


def read_json(path: str | Path) -> Any:
    """Parse a JSON file; unreadable or malformed -> :class:`InputError` naming the file."""
    path = Path(path)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read JSON file: {exc.strerror}", file=str(path)) from None
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text", file=str(path)) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"malformed JSON at line {exc.lineno}: {exc.msg}", file=str(path)) from None


def _schema_message(exc: InvalidSpecification) -> tuple[str, str | None]:
    """(message, JSON path) of a pyhf schema error (pyhf formats both into one string)."""
    text = str(exc).split("\n")[0]
    message = text.split("\tPath:")[0].strip().rstrip(".")
    path = getattr(exc, "path", None)
    return message, (str(path) if path else None)


def _check_counts(spec: Mapping[str, Any], file: str | None) -> None:
    """What pyhf's schema does not check: observation lengths, negative counts and expectations."""
    bins = {ch["name"]: len(ch["samples"][0]["data"]) for ch in spec["channels"]}
    for ci, ch in enumerate(spec["channels"]):
        for si, smp in enumerate(ch["samples"]):
            if len(smp["data"]) != bins[ch["name"]]:
                raise InputError(
                    f"sample has {len(smp['data'])} bins, channel {ch['name']!r} {bins[ch['name']]}",
                    file=file, field=f"channels[{ci}].samples[{si}].data",
                )
        totals = [sum(float(s["data"][b]) for s in ch["samples"]) for b in range(bins[ch["name"]])]
        for b, tot in enumerate(totals):
            if not math.isfinite(tot) or tot < 0:
                raise InputError(
                    f"nominal expectation of bin {b} (samples summed) must be finite and >= 0, got {tot}",
                    file=file, field=f"channels[{ci}].samples[*].data[{b}]",
                )
    seen = set()
    for oi, obs in enumerate(spec["observations"]):
        name = obs["name"]
        where = f"observations[{oi}]"
        if name not in bins:
            raise InputError(f"observation of unknown channel {name!r}", file=file, field=f"{where}.name")
        if name in seen:
            raise InputError(f"second observation of channel {name!r}", file=file, field=f"{where}.name")
        seen.add(name)
        if len(obs["data"]) != bins[name]:
            raise InputError(
                f"{len(obs['data'])} observed counts, channel {name!r} has {bins[name]} bins", file=file, field=f"{where}.data"
            )
        for b, n in enumerate(obs["data"]):
            if not math.isfinite(float(n)) or n < 0:
                raise InputError(f"observed count must be >= 0, got {n}", file=file, field=f"{where}.data[{b}]")
    missing = sorted(set(bins) - seen)
    if missing:
        raise InputError(f"no observation for channel {missing[0]!r}", file=file, field="observations")


def validate_workspace(spec: Any, *, file: str | None = None) -> pyhf.Workspace:
    """A :class:`pyhf.Workspace` from a parsed JSON document, or an :class:`InputError` (module docstring)."""
    if not isinstance(spec, Mapping):
        raise InputError(f"a workspace is a JSON object, got a JSON {type(spec).__name__}", file=file, field="$")
    try:
        ws = pyhf.Workspace(dict(spec))
    except InvalidSpecification as exc:
        message, path = _schema_message(exc)
        raise InputError(f"invalid workspace: {message}", file=file, field=path or "$") from None
    except (InvalidWorkspaceOperation, KeyError, TypeError, ValueError) as exc:
        raise InputError(f"invalid workspace: {exc}", file=file, field="$") from None
    _check_counts(ws, file)
    modifiers = {m["name"] for ch in ws["channels"] for s in ch["samples"] for m in s["modifiers"]}
    for mi, meas in enumerate(ws["measurements"]):
        poi = meas["config"].get("poi")
        if poi and poi not in modifiers:
            raise InputError(f"POI {poi!r} is not a parameter of the model", file=file, field=f"measurements[{mi}].config.poi")
        try:
            ws.model(measurement_name=meas["name"])
        except Exception as exc:  # pyhf raises a range of exception types for inconsistent specs
            raise InputError(f"cannot build the model: {str(exc).splitlines()[0]}", file=file, field=f"measurements[{mi}]") from None
    return ws


def load_workspace(path: str | Path) -> pyhf.Workspace:
    """Read and validate a pyhf JSON workspace (:func:`validate_workspace`)."""
    return validate_workspace(read_json(path), file=str(path))


def load_patchset(path: str | Path) -> pyhf.patchset.PatchSet:
    """Read a pyhf patchset (e.g. HEPData's signal patches), validated against pyhf's schema."""
    raw = read_json(path)
    try:
        return pyhf.PatchSet(raw)
    except InvalidPatchSet as exc:
        raise InputError(f"invalid patchset: {str(exc).splitlines()[0]}", file=str(path), field="$") from None
    except InvalidSpecification as exc:
        message, where = _schema_message(exc)
        raise InputError(f"invalid patchset: {message}", file=str(path), field=where or "$") from None


def apply_patch(ws: pyhf.Workspace, patchset: pyhf.patchset.PatchSet, name: str, *, file: str | None = None) -> pyhf.Workspace:
    """The workspace with the patch ``name`` of ``patchset`` applied (verified against the workspace)."""
    try:
        patch = patchset[name]
        patchset.verify(ws)
    except (InvalidPatchSet, PatchSetVerificationError) as exc:
        raise InputError(str(exc).splitlines()[0], file=file, field="patches") from None
    except KeyError:
        raise InputError(f"no patch named {name!r}", file=file, field="patches") from None
    return validate_workspace(patch.apply(ws), file=file)
