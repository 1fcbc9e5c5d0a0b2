"""Commands imported on first use, listed without importing them.

The command modules of :mod:`fitkit.cli` import numpy, scipy, iminuit, pyhf, rich ... which takes
about a second. ``fitkit --help`` must not pay that: :func:`command_index` reads each module's
source with :mod:`ast` (a few ms) and finds the commands it exports in ``COMMANDS`` /
``DATA_COMMANDS``, their names (``@click.command("name")`` / ``@click.group("name")``) and the
first paragraph of their docstrings. :class:`LazyGroup` lists those and imports a module only when
one of its commands is run (or its own ``--help`` is asked for). A module whose commands cannot be
read this way (a name not given as a string literal, ``help=`` / ``short_help=`` in the decorator)
is imported at start-up instead: slower, never wrong.
"""

from __future__ import annotations

import ast
import importlib
from dataclasses import dataclass
from pathlib import Path

import click

from fitkit.cli._help import set_short_help, short_help_of

__all__ = ["LazyGroup", "LazyEntry", "command_index"]

#: The list names a command module exports its commands in, by the group they join.
EXPORTS = {"COMMANDS": "cli", "DATA_COMMANDS": "data"}


@dataclass(frozen=True)
class LazyEntry:
    """A command found in a module's source: where it lives and its one-line help."""

    name: str
    module: str
    short_help: str


def _decorated_name(func: ast.FunctionDef) -> str | None:
    """``"name"`` of ``@click.command("name")`` / ``@click.group("name")`` with no help keywords."""
    for dec in func.decorator_list:
        if not (isinstance(dec, ast.Call) and isinstance(dec.func, ast.Attribute) and dec.func.attr in ("command", "group")):
            continue
        if any(k.arg in ("help", "short_help", "name") for k in dec.keywords):
            return None
        if dec.args and isinstance(dec.args[0], ast.Constant) and isinstance(dec.args[0].value, str):
            return dec.args[0].value
        return None
    return None


def _module_entries(path: Path, module: str) -> dict[str, list[LazyEntry]] | None:
    """The commands ``module`` exports, by group; None if its source does not tell them plainly."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    out: dict[str, list[LazyEntry]] = {}
    for node in tree.body:
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)):
            continue
        group = EXPORTS.get(node.targets[0].id)
        if group is None:
            continue
        if not isinstance(node.value, ast.List):
            return None
        for item in node.value.elts:
            func = functions.get(item.id) if isinstance(item, ast.Name) else None
            name = _decorated_name(func) if func is not None else None
            if func is None or name is None:
                return None
            out.setdefault(group, []).append(LazyEntry(name, module, short_help_of(ast.get_docstring(func, clean=False))))
    return out


def command_index(package: str, folder: Path) -> tuple[dict[str, list[LazyEntry]], list[str]]:
    """Commands of the modules ``folder/*.py`` of ``package`` (not ``_*``) by group, and the
    modules whose source could not be read plainly (to be imported at start-up)."""
    index: dict[str, list[LazyEntry]] = {group: [] for group in EXPORTS.values()}
    unreadable: list[str] = []
    for path in sorted(folder.glob("*.py")):
        if path.name.startswith("_"):
            continue
        module = f"{package}.{path.stem}"
        entries = _module_entries(path, module)
        if entries is None:
            unreadable.append(module)
            continue
        for group, found in entries.items():
            index[group].extend(found)
    return index, unreadable


class LazyGroup(click.Group):
    """A click group whose commands are imported when first resolved (see the module docstring).

    ``lazy`` maps a command name to its :class:`LazyEntry`; ``load(module)`` imports a command
    module and adds its commands (to this and the other groups).
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.lazy: dict[str, LazyEntry] = {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(self.lazy))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = self.lazy.get(cmd_name)
        if cmd_name not in self.commands and entry is not None:
            load_module(entry.module)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command listing of ``--help`` from the index, importing nothing."""
        rows: list[tuple[str, str]] = []
        for name in self.list_commands(ctx):
            cmd = self.commands.get(name)
            if cmd is not None:
                if cmd.hidden:
                    continue
                rows.append((name, cmd.get_short_help_str(formatter.width)))
            else:
                rows.append((name, self.lazy[name].short_help))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


#: Groups by the export list's group name (``cli``, ``data``), filled by :mod:`fitkit.cli`.
GROUPS: dict[str, click.Group] = {}
_LOADED: set[str] = set()


def load_module(module: str) -> None:
    """Import a command module and add its exported commands to their groups (once)."""
    if module in _LOADED:
        return
    mod = importlib.import_module(module)
    _LOADED.add(module)
    for export, group in EXPORTS.items():
        for cmd in getattr(mod, export, []):
            GROUPS[group].add_command(cmd)
            set_short_help(cmd)
