"""Typed results of fits and scans; they serialise to JSON with the provenance of the inputs."""

from __future__ import annotations

import json
import math
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, cast

import numpy as np

from fitkit.errors import FitkitError, InputError

__all__ = [
    "ParameterResult",
    "Minimum",
    "FitResult",
    "ScanResult",
    "ResultError",
    "write_json_atomic",
    "to_jsonable",
    "check_finite",
    "load_toys_result",
    "FILE_MODE",
]

#: Permissions of every file fitkit writes (rw-r--r--).
FILE_MODE: int = 0o644


class ResultError(FitkitError):
    """A computed result is not a finite number (the CLI reports it and exits 2, printing nothing)."""


def check_finite(name: str, values: dict[str, Any]) -> None:
    """Raise :class:`ResultError` naming the fit ``name`` and the first quantity that is NaN or inf.

    ``values`` maps quantity names to numbers (None means "not defined" and is skipped).

    Example:
        >>> check_finite("bsll-sm", {"chi2_min": 93.6, "p_value": None})
        >>> check_finite("x", {"chi2_min": float("nan")})
        Traceback (most recent call last):
        ...
        fitkit.inference.results.ResultError: fit x: chi2_min is not a finite number (nan)
    """
    for key, v in values.items():
        if v is not None and not math.isfinite(float(v)):
            raise ResultError(f"fit {name}: {key} is not a finite number ({v})")


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
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def load_toys_result(path: str | Path) -> dict[str, Any]:
    """The ``lee`` block of a ``fitkit knunu scan --toys N`` result file, validated.

    Returns ``{"significance_global", "toys", "seed", "p_global", "gross_vitells_significance_global",
    "significance_local", "likelihood", "file"}``; a missing, truncated or wrong-type file raises
    :class:`InputError` naming the file and the field.
    """
    path = Path(path)
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read toys result: {exc.strerror}", file=str(path)) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"not a JSON toys result ({exc})", file=str(path)) from None
    if not isinstance(data, dict):
        raise InputError("expected a JSON object (a fitkit knunu scan result)", file=str(path))
    lee = data.get("lee")
    if not isinstance(lee, dict):
        raise InputError("missing or not an object", file=str(path), field="lee")
    out: dict[str, Any] = {"file": str(path)}
    for key, kind in (("significance_global", float), ("toys", int), ("seed", int), ("p_global", float),
                      ("gross_vitells_significance_global", float)):
        v = lee.get(key)
        ok = isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) and (kind is float or float(v).is_integer())
        if not ok:
            raise InputError(f"expected a finite {'integer' if kind is int else 'number'}, got {v!r}", file=str(path), field=f"lee.{key}")
        out[key] = kind(cast(float, v))  # a finite number: checked above
    if out["toys"] < 1:
        raise InputError(f"expected at least 1 toy, got {out['toys']}", file=str(path), field="lee.toys")
    z = data.get("significance_local")
    if not isinstance(z, int | float) or isinstance(z, bool) or not math.isfinite(z):
        raise InputError(f"expected a finite number, got {z!r}", file=str(path), field="significance_local")
    out["significance_local"] = float(z)
    if not isinstance(data.get("likelihood"), str):
        raise InputError("expected a string", file=str(path), field="likelihood")
    out["likelihood"] = data["likelihood"]
    return out


@dataclass(frozen=True)
class ParameterResult:
    """Best-fit value and HESSE error (physical units); MINOS errors if requested.

    ``at_bound`` is ``"lower"`` or ``"upper"`` when the best fit sits at (within 1e-6 of the fit
    range, in fit coordinates) a bound of the parameter: its HESSE error is then not a Gaussian
    error and the minimum may lie beyond the bound.
    """

    value: float
    error: float
    unit: str = ""
    scale: str = "linear"
    minos_lower: float | None = None
    minos_upper: float | None = None
    at_bound: str | None = None


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
    ndof: int | None
    p_value: float | None
    pull_sm: float
    significance_sm: float
    valid: bool
    parameters: dict[str, ParameterResult]
    fixed: dict[str, float]
    observables: list[dict[str, Any]]
    runners_up: list[Minimum] = field(default_factory=list)
    provenance: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    goodness_of_fit: str = "chi2"

    def check_finite(self) -> None:
        """Raise :class:`ResultError` if chi2_min, chi2_SM, the pull, a best-fit value or its error is NaN or inf."""
        values: dict[str, Any] = {"chi2_min": self.chi2_min, "chi2_SM": self.chi2_sm, "pull_sm": self.pull_sm,
                                  "p_value": self.p_value}
        for name, p in self.parameters.items():
            values[name] = p.value
            values[f"{name} error"] = p.error
        check_finite(self.name, values)

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

    def check_finite(self) -> None:
        """Raise :class:`ResultError` if the scan's minimum or best point is NaN or inf, or no grid point is finite."""
        check_finite(self.name, {"scan chi2_min": self.chi2_min, **{f"scan best {k}": v for k, v in self.best.items()}})
        if not np.isfinite(self.chi2).any():
            raise ResultError(f"fit {self.name}: scan chi2 is not finite at any grid point")

    @property
    def delta_chi2(self) -> np.ndarray:
        """chi^2 - chi^2_min on the grid."""
        return self.chi2 - self.chi2_min

    def to_dict(self) -> dict[str, Any]:
        """JSON view."""
        return to_jsonable(asdict(self))
