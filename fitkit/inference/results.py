"""Typed results of fits and scans; they serialise to JSON with the provenance of the inputs."""

from __future__ import annotations

import json
import math
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["ParameterResult", "Minimum", "FitResult", "ScanResult", "write_json_atomic", "to_jsonable"]


def to_jsonable(obj: Any) -> Any:
    """Plain JSON types: numpy scalars/arrays to Python, NaN/inf to None."""
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return to_jsonable(obj.tolist())
    if isinstance(obj, np.generic):
        return to_jsonable(obj.item())
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def write_json_atomic(path: str | Path, payload: Any) -> Path:
    """Write JSON to ``path`` through a temporary file and an atomic rename (no partial files)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as fh:
            json.dump(to_jsonable(payload), fh, indent=2)
            fh.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


@dataclass(frozen=True)
class ParameterResult:
    """Best-fit value and HESSE error (physical units); MINOS errors if requested."""

    value: float
    error: float
    unit: str = ""
    scale: str = "linear"
    minos_lower: float | None = None
    minos_upper: float | None = None


@dataclass(frozen=True)
class Minimum:
    """A local minimum found from one start."""

    fval: float
    valid: bool
    parameters: dict[str, float]


@dataclass(frozen=True)
class FitResult:
    """Everything a user or a plot needs about one fit."""

    name: str
    model: str
    description: str
    chi2_min: float
    chi2_sm: float
    ndata: int
    ndof: int
    p_value: float
    pull_sm: float
    significance_sm: float
    valid: bool
    parameters: dict[str, ParameterResult]
    fixed: dict[str, float]
    observables: list[dict[str, Any]]
    runners_up: list[Minimum] = field(default_factory=list)
    provenance: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON view (keys of ``fitkit fit --json``)."""
        d = asdict(self)
        d.update(d.pop("extra"))
        return to_jsonable(d)


@dataclass(frozen=True)
class ScanResult:
    """A 1D or 2D profile scan: chi^2 on a grid, minimised over the other parameters.

    ``chi2`` has shape ``(len(x),)`` or ``(len(x), len(y))``; ``levels`` are the Delta chi^2
    values of the 1/2/3 sigma regions (1D: 1, 4, 9; 2D: 2.30, 6.18, 11.83).
    """

    name: str
    x: str
    x_values: np.ndarray
    chi2: np.ndarray
    chi2_min: float
    best: dict[str, float]
    levels: tuple[float, ...]
    y: str | None = None
    y_values: np.ndarray | None = None
    method: str = "grid"
    x_scale: str = "linear"
    y_scale: str = "linear"
    provenance: dict[str, Any] = field(default_factory=dict)

    @property
    def delta_chi2(self) -> np.ndarray:
        """chi^2 - chi^2_min on the grid."""
        return self.chi2 - self.chi2_min

    def to_dict(self) -> dict[str, Any]:
        """JSON view."""
        return to_jsonable(asdict(self))
