"""Scenarios: parameters -> predictions. ``get_model(name)`` finds a model by name.

Each module in this package may define ``MODELS: dict[str, Callable[..., Model]]``; the
registry imports the modules on first use (no registration side effects at import time).

Example:
    >>> "sm" in available_models()
    True
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from functools import cache
from typing import Any

from fitkit.errors import InputError
from fitkit.models.base import Model, Parameter

__all__ = ["Model", "Parameter", "get_model", "model_factory", "available_models"]


@cache
def _registry() -> dict[str, Callable[..., Model]]:
    found: dict[str, Callable[..., Model]] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_") or info.name == "base":
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        found.update(getattr(module, "MODELS", {}))
    return found


def available_models() -> list[str]:
    """Names of all registered models."""
    return sorted(_registry())


def model_factory(name: str) -> Callable[..., Model]:
    """The callable that builds model ``name`` (a class or a function taking the options)."""
    try:
        return _registry()[name]
    except KeyError:
        raise InputError(
            f"unknown model {name!r}; available: {', '.join(available_models())}", field="model"
        ) from None


def get_model(name: str, **options: Any) -> Model:
    """Build the model ``name`` with keyword ``options`` (from a fit definition)."""
    return model_factory(name)(**options)
