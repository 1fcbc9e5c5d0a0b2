"""``fitkit diff OLD NEW``: what changed between two runs (Markdown + HTML, overlay plots)."""

from __future__ import annotations

from pathlib import Path

import click

__all__ = ["COMMANDS", "report_compare"]


def report_compare(old: Path, new: Path, output: Path) -> None:
    """Compare two run folders, write ``compare.md``/``compare.html`` to ``output`` and print the changed fits."""
    from fitkit.report import diff_runs, write_diff

    d = diff_runs(old, new)
    md, html = write_diff(d, output)
    for f in d.changed:
        click.echo(f"{f.name}: {f.status}")
    click.echo(f"comparison: {md} and {html} ({len(d.changed)} of {len(d.fits)} fits changed)")


@click.command("diff")
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option("--output", type=click.Path(file_okay=False, path_type=Path), default=None, help="Where to write compare.md/.html (default: NEW).")
def diff_cmd(old: Path, new: Path, output: Path | None) -> None:
    """Compare two `fitkit run` result folders: per fit old -> new, changed cards, overlaid contours."""
    from fitkit.report import diff_runs

    diff_runs(old, new)  # validate both folders before writing anything
    report_compare(old, new, output or new)


COMMANDS = [diff_cmd]
