"""Likelihood terms (iminuit costs) built from fit definitions.

Each module in this package may define ``TERMS: dict[str, builder]`` with
``builder(spec: dict, model: Model, *, context: TermContext) -> iminuit.cost.Cost``; the
registry imports the modules on first use. Term types built by packages above this one (the
low-energy constraints' ``lowenergy``) or by other installed packages are declared as entry
points of the group ``fitkit.terms`` (``pyproject.toml``), loaded the same way, so that this
package never imports them.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from fitkit.data.catalog import Catalog
from fitkit.errors import InputError

__all__ = ["TermContext", "build_term", "available_terms", "ENTRY_POINT_GROUP"]

#: Entry-point group of term types defined outside this package.
ENTRY_POINT_GROUP = "fitkit.terms"


@dataclass
class TermContext:
    """What a term builder may need besides its spec and the model."""

    catalog: Catalog = field(default_factory=Catalog)
    root: Path = field(default_factory=lambda: Path(__file__).resolve().parents[2])
    data_root: Path | None = None  # folder of data/registry.yaml; None: fitkit.data.registry.repo_data_dir()
    file: str | None = None  # the fit definition being built (for error messages)


@cache
def _registry() -> dict[str, Callable[..., Any]]:
    found: dict[str, Callable[..., Any]] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        found.update(getattr(module, "TERMS", {}))
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name in found:
            raise InputError(f"term type {ep.name!r} of entry point {ep.value!r} is already defined by fitkit.likelihood", field="terms.type")
        found[ep.name] = ep.load()
    return found


def available_terms() -> list[str]:
    """Names of all likelihood term types."""
    return sorted(_registry())


def build_term(spec: dict, model: Any, *, context: TermContext) -> Any:
    """Build one likelihood term from its spec (``spec['type']`` selects the builder)."""
    kind = spec.get("type", "gaussian")
    try:
        builder = _registry()[kind]
    except KeyError:
        raise InputError(
            f"unknown likelihood term type {kind!r}; available: {', '.join(available_terms())}",
            file=context.file, field="terms.type",
        ) from None
    return builder(spec, model, context=context)
