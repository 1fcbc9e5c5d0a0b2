"""The ``fitkit`` command line. Commands live in the modules of this package.

Each module may define ``COMMANDS`` (top-level click commands) and ``DATA_COMMANDS``
(sub-commands of ``fitkit data``). Errors of the user's input (:class:`fitkit.errors.FitkitError`)
print one line naming file, entry and field, and exit with code 2.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys

import click

from fitkit import __version__
from fitkit.cli._help import set_short_help
from fitkit.errors import FitkitError

__all__ = ["cli", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="fitkit")
def cli() -> None:
    """fitkit: fits of light new physics to rare B decays."""


@cli.group("data")
def data_group() -> None:
    """Data cards and published data files: list, validate, verify, pull."""


def _load_commands() -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for cmd in getattr(module, "COMMANDS", []):
            cli.add_command(cmd)
        for cmd in getattr(module, "DATA_COMMANDS", []):
            data_group.add_command(cmd)


# One BLAS thread unless the user says otherwise: the fits are many small matrix operations,
# for which threading costs more than it gains (about 3x faster on 2 cores); numpy reads this
# when it is first imported, i.e. when the commands below are loaded.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

#: An input error met while loading the commands (e.g. ``$FITKIT_DATA_DIR`` is not a folder):
#: :func:`main` reports it instead of a traceback at import.
LOAD_ERROR: FitkitError | None = None
try:
    _load_commands()
except FitkitError as _exc:
    LOAD_ERROR = _exc
set_short_help(cli)


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
