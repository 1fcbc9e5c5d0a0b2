"""Files of published upper limits (``limits/`` folders of the data directory): schema and loading.

A limit file (one publication; the same ``source`` block as a data card)::

    id: belle_2017_kstarnunu
    source: {experiment: Belle, arxiv: "1702.03224", year: 2017, ...}
    limits:
      - {id: belle2017_Kst_nunu, observable: "BR(B0->K*nunu)", upper_limit: 2.7e-5, cl: 0.90}

How a limit enters a fit (its chi^2 constructions) is :mod:`fitkit.likelihood.limits`.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from fitkit.data.catalog import read_yaml, validation_error
from fitkit.data.schema import ObservableName, Source
from fitkit.errors import InputError

__all__ = ["UpperLimit", "LimitFile", "load_limit_file", "load_limits", "find_limit"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class UpperLimit(_Strict):
    """One published upper limit: observable < upper_limit at confidence level ``cl``."""

    id: str
    observable: ObservableName
    process: str | None = None
    upper_limit: Annotated[float, Field(gt=0, le=1, allow_inf_nan=False)]  # a branching ratio
    cl: Annotated[float, Field(gt=0, lt=1)]
    note: str | None = None


class LimitFile(_Strict):
    """A file of upper limits from one publication."""

    id: str
    source: Source
    supersedes: list[str] = []  # card ids this file replaces (fitkit.data.catalog)
    limits: list[UpperLimit] = Field(min_length=1)


def load_limit_file(path: str | Path) -> LimitFile:
    """Read and validate one file of upper limits now (not the cached copy); errors name the file,
    the limit id and the field."""
    return _load_file.__wrapped__(str(path))


@cache
def _load_file(path: str) -> LimitFile:
    raw = read_yaml(Path(path))
    try:
        return LimitFile.model_validate(raw)
    except ValidationError as exc:
        raise validation_error(exc, raw, file=path, list_key="limits") from None


def load_limits(data_dir: str | Path) -> dict[str, tuple[Path, LimitFile, UpperLimit]]:
    """Every limit under ``<data_dir>/**/limits/*.yaml``: id -> (file, its contents, the limit)."""
    out: dict[str, tuple[Path, LimitFile, UpperLimit]] = {}
    root = Path(data_dir)
    for path in sorted(root.rglob("*.yaml")):
        if "limits" not in path.relative_to(root).parts[:-1]:
            continue
        lf = _load_file(str(path))
        for lim in lf.limits:
            if lim.id in out:
                raise InputError(f"limit id {lim.id!r} is also used in {out[lim.id][0]}", file=str(path), field="id")
            out[lim.id] = (path, lf, lim)
    return out


def find_limit(limit_id: str, data_dir: str | Path) -> tuple[Path, LimitFile, UpperLimit]:
    """The limit ``limit_id``; an unknown id raises :class:`InputError` listing the known ones."""
    table = load_limits(data_dir)
    if limit_id not in table:
        raise InputError(
            f"unknown limit {limit_id!r}; known: {', '.join(sorted(table)) or 'none'}", file=str(data_dir), field="limit"
        )
    return table[limit_id]
