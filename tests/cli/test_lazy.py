"""Lazy command loading (fitkit/cli/_lazy.py): ``fitkit --help`` imports no heavy module and
lists every command with the same one-line help the imported command has."""

from __future__ import annotations

import subprocess
import sys

import click

HEAVY = ("numpy", "scipy", "scipy.stats", "iminuit", "matplotlib", "pyhf", "rich", "fitkit.api", "fitkit.inference")

_PROBE = """
import sys
from fitkit.cli import main
try:
    main([{args}])
except SystemExit as exc:
    assert exc.code in (0, None), exc.code
heavy = [m for m in {heavy!r} if m in sys.modules]
print("HEAVY:" + ",".join(heavy), file=sys.stderr)
"""


def _heavy_after(*args: str) -> list[str]:
    code = _PROBE.format(args=", ".join(repr(a) for a in args), heavy=HEAVY)
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    line = [x for x in r.stderr.splitlines() if x.startswith("HEAVY:")][-1]
    return [m for m in line.removeprefix("HEAVY:").split(",") if m]


def test_help_imports_nothing_heavy() -> None:
    assert _heavy_after("--help") == []
    assert _heavy_after("data", "--help") == []


def test_data_list_imports_no_fit_machinery() -> None:
    assert not {"scipy.stats", "iminuit", "matplotlib", "pyhf", "fitkit.api", "fitkit.inference"} & set(_heavy_after("data", "list"))


def test_index_matches_the_imported_commands() -> None:
    from fitkit.cli import _INDEX, _UNREADABLE, cli, data_group, load_all

    assert _UNREADABLE == []  # every module's commands are read from source (none imported at start-up)
    load_all()
    for group, entries in (("cli", cli), ("data", data_group)):
        assert isinstance(entries, click.Group)
        listed = {e.name: e.short_help for e in _INDEX[group]}
        loaded = {n: c.short_help for n, c in entries.commands.items() if n != "data"}
        assert listed == loaded
        assert all(listed.values())


def test_lazily_loaded_group_runs() -> None:
    from click.testing import CliRunner

    from fitkit.cli import cli

    r = CliRunner().invoke(cli, ["knunu", "--help"])
    assert r.exit_code == 0 and "scan" in r.output
