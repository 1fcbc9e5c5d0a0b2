"""Full one-line help texts in ``fitkit --help``.

Click shortens a command's help to its first sentence and 45 characters, which cuts "Low-energy
constraints of 002 sec. 4 ..." after "sec.". :func:`set_short_help` sets every command's
``short_help`` to the whole first line of its docstring (the formatter wraps it to the terminal).
"""

from __future__ import annotations

import inspect

import click

__all__ = ["set_short_help", "short_help_of"]


def short_help_of(doc: str | None) -> str:
    """The first paragraph of a docstring on one line ("" for none)."""
    if not doc:
        return ""
    return " ".join(inspect.cleandoc(doc).split("\n\n")[0].split())


def set_short_help(command: click.Command) -> None:
    """Set ``short_help`` of ``command`` and of all its sub-commands to their docstring's first line."""
    if command.short_help is None and command.help:
        command.short_help = short_help_of(command.help)
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            set_short_help(sub)
