"""``fitkit data list | validate``."""

from __future__ import annotations

import json
from pathlib import Path

import click

from fitkit.data.catalog import Catalog
from fitkit.errors import InputError
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


@click.command("pull")
@click.argument("dataset")
@click.option("--mirror", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Copy from a local mirror folder (<folder>/<file>) instead of the source (default: $FITKIT_DATA_MIRROR).")
def pull_cmd(dataset: str, mirror: Path | None) -> None:
    """Refresh a registered data set (data/registry.yaml) from its source; verify every sha256."""
    from fitkit.data.hepdata import pull
    from fitkit.data.registry import load_registry

    where = pull(dataset, mirror=mirror)
    ds = load_registry().datasets[dataset]
    click.echo(f"{dataset}: {len(ds.files)} file(s) verified (sha256) in {where}  [{ds.source.doi or ds.source.url}]")


@click.command("verify")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of {dataset, file, ok, error}.")
def verify_cmd(as_json: bool) -> None:
    """Check the sha256 of every registered data file; exit 2 if any is missing or altered."""
    from fitkit.data.registry import verify

    rows = verify()
    if as_json:
        click.echo(json.dumps([{"dataset": d, "file": f, "ok": e is None, "error": e} for d, f, e in rows], indent=2))
    else:
        for d, f, e in rows:
            click.echo(f"{'ok ' if e is None else 'BAD'} {d}/{f}" + (f"  {e}" if e else ""))
    bad = [e for _, _, e in rows if e]
    if bad:
        raise InputError(f"{len(bad)} of {len(rows)} registered data files failed verification; first: {bad[0]}")
    if not as_json:
        click.echo(f"{len(rows)} registered data files verified (sha256)")


DATA_COMMANDS = [list_cmd, validate_cmd, pull_cmd, verify_cmd]
