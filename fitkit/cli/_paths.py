"""Checks of output paths and fit names made BEFORE any computation (the error promise).

A command that writes files calls :func:`check_output_dir` / :func:`check_output_file` first,
so that a folder under a file, a read-only folder or a bad suffix stops the command with exit
code 2 and one line, instead of after minutes of fitting. Nothing is created by the checks (the
write probe is a temporary file removed at once).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from fitkit.errors import InputError

__all__ = ["check_output_dir", "check_output_file", "inside"]

#: File types the plots can be written as (matplotlib's Agg and vector back-ends).
PLOT_SUFFIXES: frozenset[str] = frozenset({".png", ".pdf", ".svg", ".eps", ".ps", ".jpg", ".jpeg", ".tif", ".tiff", ".webp"})


def _first_existing(path: Path) -> Path:
    q = path
    while not q.exists() and q != q.parent:
        q = q.parent
    return q


def _probe(folder: Path, path: Path, option: str) -> None:
    """Raise unless a file can be created in ``folder`` (an existing folder)."""
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(f"folder {folder} is not writable", file=str(path), field=option)
    try:
        fd, name = tempfile.mkstemp(dir=folder, prefix=".fitkit-probe-")
    except OSError as exc:
        raise InputError(f"folder {folder} is not writable ({exc.strerror})", file=str(path), field=option) from None
    os.close(fd)
    os.unlink(name)


def check_output_dir(path: str | Path, *, option: str = "--output", named: Path | None = None) -> Path:
    """``path`` is (or can be created as) a writable folder; it is not created here.

    ``named``: the path the user gave, for the message (default ``path``).
    """
    path = Path(path)
    shown = named or path
    q = _first_existing(path)
    if not q.is_dir():
        raise InputError(f"{q} is a file, not a folder", file=str(shown), field=option)
    _probe(q, shown, option)
    return path


def check_output_file(path: str | Path, *, option: str = "--plot", suffixes: frozenset[str] = PLOT_SUFFIXES) -> Path:
    """``path`` can be written as a file of one of ``suffixes`` (its folder may not exist yet)."""
    path = Path(path)
    if path.suffix.lower() not in suffixes:
        raise InputError(f"unknown file type {path.suffix or '(none)'!r}; use one of {', '.join(sorted(suffixes))}", file=str(path), field=option)
    if path.is_dir():
        raise InputError("is a folder, not a file", file=str(path), field=option)
    if path.exists() and not os.access(path, os.W_OK):
        raise InputError("file is not writable", file=str(path), field=option)
    check_output_dir(path.parent, option=option, named=path)
    return path


def inside(base: Path, path: Path, *, field: str) -> Path:
    """``path`` resolved, refused unless it lies inside ``base`` (no ``..`` or absolute escapes)."""
    resolved = path.resolve()
    if resolved != base.resolve() and base.resolve() not in resolved.parents:
        raise InputError(f"output path {path} is outside the output folder {base}", field=field)
    return resolved
