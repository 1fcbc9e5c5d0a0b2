"""Errors that fitkit reports to users: each names the file, the entry and the field at fault."""

from __future__ import annotations

__all__ = ["FitkitError", "InputError"]


class FitkitError(Exception):
    """Base class of all errors fitkit raises on purpose (the CLI prints them and exits 2)."""


class InputError(FitkitError):
    """Bad user input: a data card, a fit definition or a command-line value.

    Example:
        >>> str(InputError("value must be > 0", file="data/x.yaml", entry="m1", field="uncertainty.stat"))
        'data/x.yaml: entry m1: field uncertainty.stat: value must be > 0'
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        entry: str | None = None,
        field: str | None = None,
    ) -> None:
        self.file, self.entry, self.field, self.message = file, entry, field, message
        parts = []
        if file:
            parts.append(str(file))
        if entry:
            parts.append(f"entry {entry}")
        if field:
            parts.append(f"field {field}")
        parts.append(message)
        super().__init__(": ".join(parts))
