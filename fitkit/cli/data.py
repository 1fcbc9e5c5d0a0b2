"""``fitkit data list | validate``."""

from __future__ import annotations

import json
from pathlib import Path

import click

from fitkit.data.catalog import Catalog
from fitkit.fitdef import definition_paths, load_definition

__all__ = ["DATA_COMMANDS"]


@click.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of cards.")
def list_cmd(as_json: bool) -> None:
    """List the data cards (superseded ones marked)."""
    cat = Catalog()
    current = {c.id for c in cat.current()}
    rows = [
        {
            "id": cid,
            "file": str(path.relative_to(cat.root.parent)) if cat.root.parent in path.parents else str(path),
            "experiment": card.source.experiment,
            "year": card.source.year,
            "arxiv": card.source.arxiv,
            "measurements": len(card.measurements),
            "superseded": cid not in current,
        }
        for cid, (path, card) in cat.cards.items()
    ]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for r in rows:
        flag = " (superseded)" if r["superseded"] else ""
        click.echo(f"{r['id']:<28} {r['experiment']:<8} {r['year']}  arXiv:{r['arxiv']}  {r['measurements']:>3} measurements{flag}")


@click.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def validate_cmd(paths: tuple[Path, ...]) -> None:
    """Validate all cards and fit definitions (or the given files); exit 2 on the first error."""
    from fitkit.data.catalog import load_card

    if paths:
        for p in paths:
            if p.parent.name == "likelihoods" or "likelihoods" in p.parts:
                load_definition(p)
            else:
                load_card(p)
        click.echo(f"{len(paths)} file(s) valid")
        return
    cat = Catalog()
    n_meas = sum(len(c.measurements) for _, c in cat.cards.values())
    defs = [load_definition(p) for p in definition_paths()]
    click.echo(f"{len(cat.cards)} cards ({n_meas} measurements) and {len(defs)} fit definitions valid")


DATA_COMMANDS = [list_cmd, validate_cmd]
