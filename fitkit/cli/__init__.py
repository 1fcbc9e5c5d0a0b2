"""The ``fitkit`` command line. Commands live in the modules of this package.

Each module may define ``COMMANDS`` (top-level click commands) and ``DATA_COMMANDS``
(sub-commands of ``fitkit data``). Errors of the user's input (:class:`fitkit.errors.FitkitError`)
print one line naming file, entry and field, and exit with code 2.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from fitkit import __version__
from fitkit.cli._help import set_short_help
from fitkit.cli._lazy import GROUPS, LazyGroup, command_index, load_module
from fitkit.errors import FitkitError

__all__ = ["cli", "main"]


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="fitkit")
def cli() -> None:
    """fitkit: fits of light new physics to rare B decays."""


@cli.group("data", cls=LazyGroup)
def data_group() -> None:
    """Data cards and published data files: list, validate, verify, pull."""


# One BLAS thread unless the user says otherwise: the fits are many small matrix operations,
# for which threading costs more than it gains (about 3x faster on 2 cores); numpy reads this
# when it is first imported, i.e. when a command module is loaded.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

# Commands are imported when run (fitkit/cli/_lazy.py): ``fitkit --help`` reads their names and
# help from the modules' source and imports none of numpy, scipy, iminuit, pyhf, matplotlib.
GROUPS.update({"cli": cli, "data": data_group})
_INDEX, _UNREADABLE = command_index(__name__, Path(__file__).parent)
for _group, _entries in _INDEX.items():
    for _entry in _entries:
        GROUPS[_group].lazy[_entry.name] = _entry  # type: ignore[attr-defined]

#: An input error met while loading the commands (e.g. ``$FITKIT_DATA_DIR`` is not a folder):
#: :func:`main` reports it instead of a traceback at import.
LOAD_ERROR: FitkitError | None = None
try:
    for _module in _UNREADABLE:
        load_module(_module)
except FitkitError as _exc:
    LOAD_ERROR = _exc
set_short_help(cli)


def load_all() -> None:
    """Import every command module (for callers that walk ``cli.commands``)."""
    for entries in _INDEX.values():
        for entry in entries:
            load_module(entry.module)


def _check_environment() -> None:
    """Stop on a bad ``$FITKIT_DATA_DIR`` before any command (also ``--help``) runs."""
    if os.environ.get("FITKIT_DATA_DIR"):
        from fitkit.data.catalog import default_data_dir

        default_data_dir()


def _usage_line(exc: click.UsageError) -> str:
    """One line for a click usage error: the command, then click's message."""
    ctx = exc.ctx
    where = f"{ctx.command_path}: " if ctx is not None else ""
    return f"fitkit: error: {where}{exc.format_message()}".replace("\n", " ")


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI, turning fitkit errors into one line on stderr and exit code 2."""
    if LOAD_ERROR is not None:
        click.echo(f"fitkit: error: {LOAD_ERROR}", err=True)
        sys.exit(2)
    try:
        _check_environment()
        cli.main(args=argv, prog_name="fitkit", standalone_mode=False)
    except FitkitError as exc:
        click.echo(f"fitkit: error: {exc}", err=True)
        sys.exit(2)
    except click.exceptions.Abort:
        click.echo("fitkit: aborted", err=True)
        sys.exit(130)
    except click.UsageError as exc:
        click.echo(_usage_line(exc), err=True)
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        click.echo(f"fitkit: error: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
