"""``--workers N`` / ``--scheduler ADDRESS`` of the commands that do heavy work (:mod:`fitkit.execution`).

Both are checked when the command line is read, before anything is computed: a bad value is one
line and exit code 2 (``--workers`` outside 1..256, a ``--scheduler`` that is not
``tcp://HOST:PORT``, both at once, Dask not installed, a scheduler that does not answer).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import click

__all__ = ["execution_options", "executing", "check_execution"]

F = TypeVar("F", bound=Callable[..., Any])


def _scheduler(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from fitkit.execution import check_scheduler

    return check_scheduler(value)


def execution_options(f: F) -> F:
    """Add ``--workers`` and ``--scheduler`` to a command (passed as ``workers``, ``scheduler``)."""
    f = click.option(
        "--scheduler", default=None, metavar="ADDRESS", callback=_scheduler,
        help="Run the heavy work on the Dask cluster at ADDRESS (tcp://HOST:PORT).",
    )(f)
    f = click.option(
        "--workers", default=None, type=click.IntRange(1, 256),
        help="Run the heavy work on N local Dask worker processes (default: serial).",
    )(f)
    return f


def check_execution(workers: int | None, scheduler: str | None) -> None:
    """Check ``--workers`` / ``--scheduler`` together (not both; Dask installed; the scheduler
    answers): the first thing a command does, before any computation."""
    from fitkit.execution import Executor

    ex = Executor(workers, scheduler)
    try:
        if scheduler is not None:
            ex.client()
    finally:
        ex.close()


@contextmanager
def executing(workers: int | None, scheduler: str | None) -> Iterator[None]:
    """The :func:`fitkit.execution.session` of a command; connects to ``scheduler`` at once (a
    scheduler that does not answer stops the command before any computation)."""
    from fitkit.execution import session

    with session(workers, scheduler) as ex:
        if scheduler is not None:
            ex.client()
        yield
