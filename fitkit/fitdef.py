"""Fit definitions: ``likelihoods/<name>.yaml`` -> a validated :class:`FitDefinition` -> a :class:`FitProblem`.

A fit is data: which measurements (likelihood terms), which model, which parameters are free
(start, bounds, scale) or fixed, how to search for the minimum and which scans to make. The
format is documented in ``docs/architecture.md``.

Example:
    >>> d = load_definition("bsll-sm")
    >>> d.model, d.all_terms()[0]["data"]["tags"]
    ('sm', ['table1-002'])
"""

from __future__ import annotations

import inspect
import math
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Annotated, Any, Literal, get_type_hints

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)

from fitkit.data import registry
from fitkit.data.catalog import Catalog, read_yaml, validation_error
from fitkit.errors import InputError
from fitkit.likelihood import TermContext, build_term
from fitkit.likelihood.hooks import WithNuisanceStart
from fitkit.models import get_model, model_factory
from fitkit.models.base import Model, Parameter
from fitkit.provenance import build as build_provenance

__all__ = [
    "FreeParameter",
    "FitSettings",
    "ScanSpec",
    "FitDefinition",
    "FitProblem",
    "default_likelihoods_dir",
    "definition_paths",
    "load_definition",
    "build_problem",
    "check_fit_name",
    "MAX_GRID_CELLS",
]

#: A fit name: ``likelihoods/<name>.yaml`` without folders, at most 100 characters.
FIT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.+-]{0,99}$")

#: Largest start grid of a fit (cells): the grid is evaluated in one vectorised pass.
MAX_GRID_CELLS: int = 4_000_000

#: Largest number of points per scan axis.
MAX_SCAN_POINTS: int = 2000


def check_fit_name(name: str, *, field: str = "NAME") -> str:
    """A fit name as a plain name (no folder, no absolute path, at most 100 characters).

    Example:
        >>> check_fit_name("darkz-A")
        'darkz-A'
    """
    if not FIT_NAME.match(name) or name.endswith(".yaml"):
        shown = name if len(name) <= 60 else name[:57] + "..."
        raise InputError(
            f"invalid fit name {shown!r}: use the name of a file in likelihoods/ (letters, digits, _ . + -, at most 100 characters)",
            field=field,
        )
    return name


def default_likelihoods_dir() -> Path:
    """``$FITKIT_LIKELIHOODS_DIR`` if set, else ``likelihoods/`` next to the package."""
    env = os.environ.get("FITKIT_LIKELIHOODS_DIR")
    return Path(env) if env else Path(__file__).resolve().parents[1] / "likelihoods"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FreeParameter(_Strict):
    """Overrides of a model parameter's start, bounds and scale for one fit."""

    start: float | None = Field(default=None, allow_inf_nan=False)
    bounds: tuple[float, float] | None = None
    scale: Literal["linear", "log"] | None = None

    @field_validator("bounds")
    @classmethod
    def _ordered(cls, v: tuple[float, float] | None) -> tuple[float, float] | None:
        if v is not None and not (math.isfinite(v[0]) and math.isfinite(v[1]) and v[0] < v[1]):
            raise ValueError(f"bounds must be finite [low, high] with low < high, got {list(v)}")
        return v


class FitSettings(_Strict):
    """How to look for the minimum."""

    grid: dict[str, Annotated[int, Field(ge=1, le=MAX_SCAN_POINTS)]] = {}
    starts: int = Field(default=3, ge=1, le=100)
    minos: bool = False
    strategy: int = Field(default=1, ge=0, le=2)

    @field_validator("grid")
    @classmethod
    def _bounded(cls, v: dict[str, int]) -> dict[str, int]:
        if math.prod(v.values()) > MAX_GRID_CELLS:
            raise ValueError(f"the grid has {math.prod(v.values())} cells; at most {MAX_GRID_CELLS}")
        return v


class ScanSpec(_Strict):
    """A profile scan made by ``fitkit run``: 1D if ``y`` is absent."""

    x: str
    y: str | None = None
    points: Annotated[tuple[Annotated[int, Field(ge=2, le=MAX_SCAN_POINTS)], ...], Field(min_length=1, max_length=2)] = (40,)
    method: Literal["grid", "migrad"] = "grid"
    profile_points: int = Field(default=12, ge=1, le=200)

    @model_validator(mode="after")
    def _distinct_axes(self) -> ScanSpec:
        if self.y is not None and self.y == self.x:
            raise ValueError(f"x and y are the same parameter {self.x!r}")
        return self


class Selection(_Strict):
    """A ``data`` selection of measurements (:meth:`fitkit.data.catalog.Catalog.select`)."""

    tags: list[str] | None = None
    exclude_tags: list[str] | None = None
    cards: list[str] | None = None
    ids: list[str] | None = None
    exclude_ids: list[str] | None = None


class FitDefinition(_Strict):
    """A validated ``likelihoods/<name>.yaml``."""

    name: str
    description: str = ""
    paper: str | None = None
    pinned: bool = False  # a paper's data set: cards by id, `supersedes` ignored (fitkit.data.catalog)
    model: str
    options: dict[str, Any] = {}
    data: Selection | None = None
    asymmetric_errors: str | None = None
    theory_errors: str | None = None
    terms: list[dict[str, Any]] = []
    parameters: dict[str, FreeParameter] = {}
    fixed: dict[str, float] = {}
    fit: FitSettings = FitSettings()
    scans: list[ScanSpec] = []
    path: str | None = None

    def all_terms(self) -> list[dict[str, Any]]:
        """The likelihood terms, with the ``data`` shortcut as a gaussian term."""
        terms = list(self.terms)
        if self.data is not None:
            term: dict[str, Any] = {"type": "gaussian", "data": self.data.model_dump(exclude_none=True)}
            if self.asymmetric_errors is not None:
                term["asymmetric_errors"] = self.asymmetric_errors
            if self.theory_errors is not None:
                term["theory_errors"] = self.theory_errors
            terms.insert(0, term)
        return terms


def definition_paths(directory: Path | None = None) -> list[Path]:
    """All fit definitions, sorted by name."""
    directory = directory or default_likelihoods_dir()
    return sorted(directory.glob("*.yaml"))


def load_definition(name_or_path: str | Path, directory: Path | None = None) -> FitDefinition:
    """Load a fit definition by name (``likelihoods/<name>.yaml``) or by path."""
    p = Path(name_or_path)
    if not p.suffix:
        check_fit_name(str(name_or_path))
        p = (directory or default_likelihoods_dir()) / f"{name_or_path}.yaml"
        if not p.exists():
            known = ", ".join(q.stem for q in definition_paths(directory))
            raise InputError(f"no fit definition named {str(name_or_path)!r}; known: {known}", file=str(p))
    raw = read_yaml(p)
    raw.setdefault("name", p.stem)
    try:
        d = FitDefinition.model_validate({**raw, "path": str(p)})
    except ValidationError as exc:
        raise validation_error(exc, raw, file=str(p), list_key="terms") from None
    if d.data is None and not d.terms:
        raise InputError("a fit needs `data` (a selection) or `terms`", file=str(p), field="terms")
    for i, term in enumerate(d.terms):
        if "data" in term:
            try:
                Selection.model_validate(term["data"])
            except ValidationError as exc:
                err = exc.errors()[0]
                where = ".".join(str(x) for x in err["loc"])
                raise InputError(err["msg"], file=str(p), entry=str(term.get("type", f"#{i}")), field=f"terms.data{'.' + where if where else ''}") from None
    return d


@dataclass
class FitProblem:
    """Everything the inference needs: the summed cost, its parameters and where they start."""

    name: str
    definition: FitDefinition
    model: Model
    costs: list[Any]
    free: list[Parameter]
    start: dict[str, float]
    fixed: dict[str, float]
    nuisance_start: dict[str, float] = field(default_factory=dict)
    nuisance_limits: dict[str, tuple[float, float]] = field(default_factory=dict)
    provenance: dict[str, Any] = field(default_factory=dict)

    @property
    def cost(self) -> Any:
        """The total cost (iminuit ``CostSum`` when there are several terms)."""
        total = self.costs[0]
        for c in self.costs[1:]:
            total = total + c
        return total

    @property
    def parameter_names(self) -> list[str]:
        """Parameters of the total cost, in its order."""
        return list(self.cost._parameters)

    def with_fixed(self, values: dict[str, float]) -> FitProblem:
        """A copy with more parameters fixed (used by ``chi2 --at`` and by scans)."""
        free = [p for p in self.free if p.name not in values]
        return replace(self, free=free, fixed={**self.fixed, **values}, start={k: v for k, v in self.start.items() if k not in values})


def _check_option_types(defn: FitDefinition) -> None:
    """Each model option against the type annotation of the model's constructor (pydantic, lax:
    ``n_nu: abc`` is refused as options.n_nu before the model is built)."""
    try:
        target = inspect.unwrap(model_factory(defn.model))
    except InputError as exc:
        raise InputError(exc.message, file=defn.path, entry=defn.name, field="model") from None
    try:
        hints = get_type_hints(target.__init__ if inspect.isclass(target) else target)
    except (NameError, TypeError):  # annotations that do not resolve: the model's own checks remain
        return
    for key, value in defn.options.items():
        if key in hints:
            try:
                TypeAdapter(hints[key]).validate_python(value)
            except ValidationError as exc:
                raise InputError(exc.errors()[0]["msg"], file=defn.path, entry=defn.name, field=f"options.{key}") from None


def _option_named(options: dict[str, Any], message: str) -> str:
    """``options.<key>`` for the option whose key or value the model's error message names."""
    for key, value in options.items():
        if f"{key!r}" in message or f"'{value}'" in message or f"{value!r}" in message or f"{key}=" in message:
            return f"options.{key}"
    return "options"


def build_problem(defn: FitDefinition, catalog: Catalog | None = None) -> FitProblem:
    """Build the model and the likelihood terms of a definition and check its parameter names."""
    file = defn.path
    catalog = catalog or Catalog()
    _check_option_types(defn)
    catalog = catalog.pinned_view() if defn.pinned else catalog.view()  # records this fit's cards
    try:
        model = get_model(defn.model, **defn.options)
    except InputError as exc:
        raise InputError(exc.message, file=file, entry=defn.name, field=exc.field or "model") from None
    except (TypeError, ValueError) as exc:
        raise InputError(f"bad model option: {exc}", file=file, entry=defn.name, field=_option_named(defn.options, str(exc))) from None
    from fitkit.inference.profile import as_cost  # terms with nuisances are profiled by inference

    context = TermContext(catalog=catalog, file=file)
    with registry.track() as used:
        costs = [as_cost(build_term(dict(t), model, context=context)) for t in defn.all_terms()]
    known = dict(model.parameters)
    for name, value in defn.fixed.items():
        if name not in known:
            raise InputError(f"unknown parameter; model {model.name!r} has {', '.join(known) or 'none'}", file=file, entry=name, field="fixed")
        if not math.isfinite(value):
            raise InputError("value must be a finite number", file=file, entry=name, field="fixed")
    free: list[Parameter] = []
    start: dict[str, float] = {}
    for name, over in defn.parameters.items():
        if name not in known:
            raise InputError(f"unknown parameter; model {model.name!r} has {', '.join(known) or 'none'}", file=file, entry=name, field="parameters")
        if name in defn.fixed:
            raise InputError("parameter is both free and fixed", file=file, entry=name, field="parameters")
        base = known[name]
        try:
            p = replace(base, bounds=over.bounds or base.bounds, scale=over.scale or base.scale)
        except InputError as exc:
            raise InputError(exc.message, file=file, entry=name, field=f"parameters.{exc.field}") from None
        s = over.start if over.start is not None else base.default
        if not p.bounds[0] <= s <= p.bounds[1]:
            raise InputError(f"start {s} outside bounds {list(p.bounds)}", file=file, entry=name, field="parameters.start")
        free.append(p)
        start[name] = s
    fixed = {n: p.default for n, p in known.items() if n not in start}
    fixed.update(defn.fixed)
    for name in defn.fit.grid:
        if name not in start:
            raise InputError("grid names a parameter that is not free", file=file, entry=name, field="fit.grid")
    for scan in defn.scans:
        for axis in (scan.x, scan.y):
            if axis is not None and axis not in start:
                raise InputError("scan axis is not a free parameter", file=file, entry=axis, field="scans")
    nuisance_start: dict[str, float] = {}
    nuisance_limits: dict[str, tuple[float, float]] = {}
    for c in costs:
        if isinstance(c, WithNuisanceStart):
            nuisance_start.update(c.start)
            nuisance_limits.update(c.limits)
    provenance = build_provenance(
        definition=Path(defn.path) if defn.path else None, options=defn.options, terms=defn.all_terms(),
        cards=catalog.selected, used=used, card_paths=[p for p, _ in catalog.cards.values()],
    )
    # fitkit.data.catalog: pinned (paper data set) or current, and any superseded id replaced
    provenance.update(pinned=catalog.pinned, substitutions=list(catalog.substitutions))
    return FitProblem(
        name=defn.name,
        definition=defn,
        model=model,
        costs=costs,
        free=free,
        start=start,
        fixed=fixed,
        nuisance_start=nuisance_start,
        nuisance_limits=nuisance_limits,
        provenance=provenance,
    )
