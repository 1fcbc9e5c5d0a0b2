"""The reinterpretation YAML: its schema (pydantic, strict), validation into one-line errors, file resolution.

Field reference: ``docs/reinterpretation.md``; what the fields mean physically:
:mod:`fitkit.likelihood.reinterpret`. A bad field is an :class:`InputError` naming the file, the
channel (entry) and the field path (``channels[0].reconstructed[1].measures``), raised before any
computation.

Example:
    >>> edges_of([-1.0, {"regular": [2, 0.0, 1.0]}]).tolist()
    [-1.0, 0.0, 0.5, 1.0]
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from fitkit.errors import InputError
from fitkit.likelihood.efficiency_maps import expand_edges
from fitkit.likelihood.sm_spectra import SM_SPECTRA

__all__ = [
    "GeneratedAxis",
    "ReconstructedAxis",
    "ChannelMap",
    "Normalisation",
    "SignalSample",
    "SMSignal",
    "LineResolution",
    "ReinterpretationConfig",
    "ConfigSource",
    "load_config",
    "resolve_file",
    "edges_of",
    "DEFAULT_SAMPLE",
    "DEFAULT_NORMFACTOR",
]

#: Name of the cloned new-physics sample and of its normalisation parameter, unless the YAML says otherwise.
DEFAULT_SAMPLE = "np_signal"
DEFAULT_NORMFACTOR = "br_np"

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


# ---------------------------------------------------------------------------------------------- schema
class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Regular(_Strict):
    """``{regular: [n_bins, low, high]}``: n_bins equal bins (np.linspace)."""

    regular: tuple[Annotated[int, Field(ge=1, le=100_000)], float, float]


_Edges = list[float | _Regular]


def edges_of(items: Sequence[float | _Regular]) -> np.ndarray:
    """Bin edges of a YAML ``edges`` list (:func:`fitkit.likelihood.efficiency_maps.expand_edges`)."""
    return expand_edges([it.model_dump() if isinstance(it, _Regular) else it for it in items])


class GeneratedAxis(_Strict):
    """A generated-kinematics axis of the maps: name, unit, edges, the physical range (bins outside get no efficiency)."""

    name: str = Field(min_length=1)
    unit: str = ""
    edges: _Edges
    physical: tuple[float, float] | None = None

    @field_validator("physical")
    @classmethod
    def _range(cls, v: tuple[float, float] | None) -> tuple[float, float] | None:
        if v is not None and not v[0] < v[1]:
            raise ValueError(f"physical must be [low, high] with low < high, got {list(v)}")
        return v

    @field_validator("edges")
    @classmethod
    def _increasing(cls, v: _Edges) -> _Edges:
        edges_of(v)
        return v


class ReconstructedAxis(_Strict):
    """A reconstructed axis of a channel: ``bins`` (a count: BDT bins) or ``edges``; ``measures``: the generated axis it resolves."""

    name: str = Field(min_length=1)
    bins: int | None = Field(default=None, ge=1)
    edges: _Edges | None = None
    measures: str | None = None

    @model_validator(mode="after")
    def _one_of(self) -> ReconstructedAxis:
        if (self.bins is None) == (self.edges is None):
            raise ValueError("give exactly one of 'bins' (a count) and 'edges'")
        if self.edges is not None:
            edges_of(self.edges)
        if self.measures is not None and self.edges is None:
            raise ValueError("'measures' needs 'edges' (the reconstructed bin edges in the generated variable's unit)")
        return self

    def size(self) -> int:
        """Number of bins of the axis."""
        return self.bins if self.bins is not None else len(edges_of(self.edges or [])) - 1


class ChannelMap(_Strict):
    """One channel: its name in the workspace, its SM signal sample, the map file, the reconstructed binning."""

    name: str = Field(min_length=1)
    sample: str = Field(min_length=1)
    map: str | None = None
    reconstructed: list[ReconstructedAxis] = []


class Normalisation(_Strict):
    """What the map numbers are: SM number densities (``sm_br``, ``sm_spectrum``) or efficiencies."""

    kind: Literal["number-density", "efficiency"]
    sm_br: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    sm_spectrum: str | None = None
    min_sm_fraction: float = Field(default=1e-4, ge=0, lt=1)

    @model_validator(mode="after")
    def _needs(self) -> Normalisation:
        if self.kind == "number-density":
            if self.sm_br is None:
                raise ValueError("a number-density map needs 'sm_br' (the SM branching ratio behind it)")
            if self.sm_spectrum is None:
                raise ValueError(f"a number-density map needs 'sm_spectrum' (one of {', '.join(SM_SPECTRA)})")
        if self.sm_spectrum is not None and self.sm_spectrum not in SM_SPECTRA:
            raise ValueError(f"unknown SM spectrum {self.sm_spectrum!r}; known: {', '.join(SM_SPECTRA)}")
        return self


class SignalSample(_Strict):
    """How the model's yields enter: a ``clone`` of the SM sample (new ``name``, new ``normfactor``) or ``replace`` its nominal."""

    mode: Literal["clone", "replace"] = "clone"
    name: str = DEFAULT_SAMPLE
    normfactor: str = DEFAULT_NORMFACTOR


class SMSignal(_Strict):
    """The SM signal strength next to a cloned new-physics sample: parameter, constraint N(centre, br_error / sm_br), bounds."""

    parameter: str = Field(min_length=1)
    centre: float = Field(default=1.0, allow_inf_nan=False)
    br_error: float = Field(gt=0, allow_inf_nan=False)
    bounds: tuple[float, float] = (-5.0, 20.0)

    @field_validator("bounds")
    @classmethod
    def _ordered(cls, v: tuple[float, float]) -> tuple[float, float]:
        if not (math.isfinite(v[0]) and math.isfinite(v[1]) and v[0] < v[1]):
            raise ValueError(f"bounds must be finite [low, high] with low < high, got {list(v)}")
        return v


class LineResolution(_Strict):
    """003's Gaussian-line treatment: a line on generated axis ``axis`` smeared by ``sigma`` (the axis' unit)."""

    axis: str
    sigma: float = Field(gt=0, allow_inf_nan=False)


class ReinterpretationConfig(_Strict):
    """A validated reinterpretation YAML (module docstring; ``docs/reinterpretation.md``)."""

    description: str = ""
    workspace: str = Field(min_length=1)
    measurement: str | None = None
    generated: list[GeneratedAxis] = Field(min_length=1, max_length=4)
    normalisation: Normalisation
    signal: SignalSample = SignalSample()
    sm_signal: SMSignal | None = None
    spectrum: str = "knunu_signal"
    line_resolution: LineResolution | None = None
    channels: list[ChannelMap] = Field(min_length=1)

    @field_validator("spectrum")
    @classmethod
    def _identifier(cls, v: str) -> str:
        if not _IDENT.match(v):
            raise ValueError(f"a model method name, got {v!r}")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> ReinterpretationConfig:
        names = [a.name for a in self.generated]
        if len(set(names)) != len(names):
            raise ValueError(f"generated axis names must be distinct, got {names}")
        if self.signal.mode == "replace" and self.sm_signal is not None:
            raise ValueError("'sm_signal' goes with signal.mode clone (a replaced sample has no SM part)")
        if self.line_resolution is not None and self.line_resolution.axis not in names:
            raise ValueError(f"line_resolution.axis {self.line_resolution.axis!r} is not a generated axis ({', '.join(names)})")
        return self


# ---------------------------------------------------------------------------------------------- loading
@dataclass(frozen=True)
class ConfigSource:
    """Where a configuration came from: the file named in errors, the folder relative paths start in, the data root."""

    file: str | None
    base: Path
    data_root: Path | None = None
    prefix: str = ""  # field prefix in error messages (``terms.`` for a config inline in a fit definition)


def _field(loc: Sequence[Any]) -> str:
    out = ""
    for p in loc:
        if isinstance(p, str) and "[" in p:  # pydantic's union / validator tags
            continue
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def _entry(raw: Mapping[str, Any], loc: Sequence[Any]) -> str | None:
    """The channel named by an error location ``channels[i]...`` (its ``name``), else None."""
    if len(loc) >= 2 and loc[0] == "channels" and isinstance(loc[1], int):
        items = raw.get("channels") or []
        item = items[loc[1]] if loc[1] < len(items) else None
        return str(item["name"]) if isinstance(item, Mapping) and "name" in item else f"#{loc[1]}"
    return None


def load_config(raw: Any, source: ConfigSource) -> ReinterpretationConfig:
    """Validate a parsed reinterpretation YAML; a bad field -> :class:`InputError` (file, channel, field)."""
    if not isinstance(raw, Mapping):
        raise InputError("a reinterpretation is a YAML mapping", file=source.file, field=source.prefix.rstrip(".") or None)
    try:
        return ReinterpretationConfig.model_validate(dict(raw))
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = list(err["loc"])
        msg = {"missing": "required field is missing", "extra_forbidden": "unknown field"}.get(err["type"], err["msg"])
        msg = msg.removeprefix("Value error, ")
        where = source.prefix + _field(loc) if loc else source.prefix.rstrip(".") or None
        raise InputError(msg, file=source.file, entry=_entry(raw, loc), field=where) from None


def resolve_file(name: str, source: ConfigSource, *, entry: str | None = None, field: str | None = None) -> Path:
    """A file named in the YAML: a registered ``<data set>/<file>``, or a path relative to the YAML's folder.

    A path inside a registered data set's folder is verified through the registry as well
    (:func:`fitkit.data.registry.data_file`: sha256; recorded in the result's provenance).
    """
    from fitkit.data.registry import data_file, load_registry, repo_data_dir

    registry = load_registry(source.data_root)
    dataset, _, fname = name.partition("/")
    if fname and "/" not in fname and dataset in registry.datasets:
        return data_file(dataset, fname, root=source.data_root)
    path = Path(name)
    path = path if path.is_absolute() else source.base / path
    root = (source.data_root or repo_data_dir()).resolve()
    for dname, ds in registry.datasets.items():
        if path.resolve().parent == (root / ds.folder).resolve() and path.name in ds.files:
            return data_file(dname, path.name, root=source.data_root)
    if not path.is_file():
        raise InputError(f"no such file: {path}", file=source.file, entry=entry, field=(source.prefix + field) if field else None)
    return path
