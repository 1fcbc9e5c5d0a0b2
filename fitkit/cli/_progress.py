"""What the terminal shows while fitkit works: progress bars on a TTY, stage lines everywhere.

Off a terminal (``make run > log 2>&1``) every stage (a grid, a scan, MIGRAD, toys, a figure)
ends with ONE line on stderr, with its counts and elapsed time, so the log says what ran and how
long it took::

    fitkit: fit darkz-C: grid 19320/19320 in 3.1 s
    fitkit: fit darkz-C: MIGRAD 6 starts in 2.4 s

On a terminal each stage is a rich progress bar that stays on screen afterwards
(``transient=False``) with the same counts and time; a failed stage prints ``stopped after``. The code below the CLI never prints: it takes a ``progress(done, total)``
callback, and this module turns the callbacks into bars and lines.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

__all__ = ["progress_bar", "stages", "stage", "stage_line", "elapsed", "stderr"]

stderr = Console(stderr=True)

Callback = Callable[[int, int], None]


def elapsed(seconds: float) -> str:
    """'0.42 s', '12.3 s', '3 min 05 s'.

    Example:
        >>> elapsed(0.421), elapsed(12.34), elapsed(185.2)
        ('0.42 s', '12.3 s', '3 min 05 s')
    """
    if seconds < 10:
        return f"{seconds:.2f} s"
    if seconds < 60:
        return f"{seconds:.1f} s"
    return f"{int(seconds // 60)} min {int(seconds % 60):02d} s"


def stage_line(text: str) -> None:
    """One line on stderr, prefixed 'fitkit: ' (what a log shows of a finished stage)."""
    click.echo(f"fitkit: {text}", err=True)


class _Counts(ProgressColumn):
    """'done/total unit' for counted tasks, nothing for uncounted ones (no '0/?')."""

    def render(self, task: Task) -> Text:
        if task.fields.get("counted") and task.total is not None:
            return Text(f"{int(task.completed)}/{int(task.total)} {task.fields.get('unit', '')}".rstrip())
        return Text("")


def _bar() -> Progress:
    return Progress(
        SpinnerColumn(finished_text="[green]✓"), TextColumn("[bold]{task.description}"), BarColumn(), _Counts(),
        TimeElapsedColumn(), console=stderr, transient=False,
    )


@contextmanager
def progress_bar(description: str, *, unit: str = "points", then: str | None = None) -> Iterator[Callback]:
    """Yield a callback ``(done, total)`` for a stage; report the stage when it ends.

    On a TTY a rich bar is drawn and stays on screen when the stage ends; otherwise one line
    ``fitkit: description: done/total unit in t`` (``done in t`` if the callback was never
    called) is printed on stderr. A stage that fails prints ``stopped after t`` either way.

    ``then``: the name of an uncounted stage that follows the counted one inside the same call
    (e.g. ``"MIGRAD"`` after a fit's start grid): when the callback reports ``done == total`` the
    counted stage ends and ``then`` starts as a stage of its own (its own bar / line), so a bar
    never sits at 100% while MIGRAD runs.
    """
    live = _bar() if stderr.is_terminal else None
    state: dict[str, Any] = {"done": 0, "total": 0, "t0": time.perf_counter(), "t1": None, "then": None}
    task = TaskID(-1)  # the rich task id (only used when live)
    if live is not None:
        live.start()
        task = live.add_task(description, total=None, counted=True, unit=unit)

    def finish_counted() -> None:
        state["t1"] = time.perf_counter()
        if live is not None:
            live.update(task, completed=state["done"], total=state["total"])
            live.stop_task(task)
        else:
            counts = f"{state['done']}/{state['total']}" + (f" {unit}" if unit else "")
            stage_line(f"{description}: {counts} in {elapsed(state['t1'] - state['t0'])}")

    def update(done: int, total: int) -> None:
        state["done"], state["total"] = int(done), int(total)
        if live is not None:
            live.update(task, completed=done, total=total)
        if then is not None and done >= total and state["t1"] is None:
            finish_counted()
            if live is not None:
                state["then"] = live.add_task(f"{description}: {then}", total=None, counted=False)

    try:
        yield update
    except BaseException:
        if live is not None:
            live.stop()
        stage_line(f"{description}: stopped after {elapsed(time.perf_counter() - state['t0'])}")
        raise
    t_end = time.perf_counter()
    if live is not None:
        last = state["then"] if state["then"] is not None else task
        if state["then"] is not None or not state["total"]:  # uncounted: mark done, hide counts
            live.update(last, total=1, completed=1, counted=False)
        else:
            live.update(task, completed=state["done"], total=state["total"])
        live.stop()
        return
    if state["t1"] is None:
        if state["total"]:
            finish_counted()
        else:
            stage_line(f"{description}: done in {elapsed(t_end - state['t0'])}")
    elif then is not None:
        stage_line(f"{description}: {then} in {elapsed(t_end - state['t1'])}")


@contextmanager
def stage(description: str) -> Iterator[None]:
    """An uncounted stage (a pulsing bar on a TTY); one line with its elapsed time when it ends."""
    with progress_bar(description):
        yield


@contextmanager
def stages(prefix: str, *, unit: str = "") -> Iterator[Callable[[str, int, int], None]]:
    """Yield a callback ``(stage, done, total)`` for a computation with named stages.

    A stage starts with its first call and ends when the next stage starts (or the block ends);
    each gets its bar on a TTY and its line (``prefix: stage: done/total in t``) everywhere.
    """
    current: dict[str, object] = {}

    def close() -> None:
        cm = current.get("cm")
        if cm is not None:
            cm.__exit__(None, None, None)  # type: ignore[attr-defined]
        current.clear()

    def update(name: str, done: int, total: int) -> None:
        if current.get("name") != name:
            close()
            cm = progress_bar(f"{prefix}: {name}", unit=unit)
            current.update(name=name, cm=cm, bar=cm.__enter__())
        current["bar"](done, total)  # type: ignore[operator]

    try:
        yield update
    except BaseException:
        cm = current.get("cm")
        if cm is not None:
            import sys

            cm.__exit__(*sys.exc_info())  # type: ignore[attr-defined]
        current.clear()
        raise
    else:
        close()
