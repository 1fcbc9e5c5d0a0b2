"""The paper-vs-fitkit table, computed live: ``fitkit reproduce [PAPER]``.

Each module in this package defines ``PAPER`` (the paper's file name in the team's papers folder, e.g.
``"002"``) and ``rows() -> list[Row]``; every row recomputes its fitkit value when called.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator

from fitkit.reproduce.row import Row, check

__all__ = ["Row", "check", "row_sources", "all_rows"]


def row_sources(paper: str | None = None) -> Iterator[tuple[str, Callable[[], list[Row]]]]:
    """(module name, rows function) for every reproduction module, optionally one paper's."""
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name.startswith("_") or info.name == "row":
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        if paper is None or str(getattr(module, "PAPER", "")).startswith(paper):
            yield info.name, module.rows


def all_rows(paper: str | None = None) -> list[Row]:
    """Compute every row (may take minutes: it runs the fits)."""
    return [r for _, fn in row_sources(paper) for r in fn()]
