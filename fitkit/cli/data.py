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


#: Sub-folders of data/ with inputs that are not measurement cards, and their validators.
_AUX_KINDS = ("yields", "counting", "limits")


def _validate_aux(path: Path, kind: str) -> None:
    """Validate a non-measurement card of ``kind`` (yields, counting, limits) as its loader does."""
    if kind == "yields":
        from fitkit.data.catalog import load_yields_card

        load_yields_card(path)
    elif kind == "counting":
        from fitkit.likelihood.counting import load_counting_card

        load_counting_card(path)
    else:
        from fitkit.data.limits import load_limit_file

        load_limit_file(path)


def validate_workspace_file(path: Path) -> None:
    """Validate a pyhf JSON workspace the way a ``pyhf`` term loads it.

    Hook for issue 12: the schema check of pyhf workspaces (a workspace that is a list, has no
    channels, ...) belongs to :mod:`fitkit.likelihood.histfactory`; here the workspace is read
    and compiled exactly as a fit would.
    """
    from fitkit.likelihood.histfactory import CompiledWorkspace, load_workspace

    CompiledWorkspace(load_workspace(path))


def _kind_of(path: Path) -> str:
    parts = set(path.resolve().parts[:-1])
    if path.suffix == ".json":
        return "workspace"
    if "likelihoods" in parts:
        return "definition"
    for kind in _AUX_KINDS:
        if kind in parts:
            return kind
    return "card"


def _validate_definition(path: Path, catalog: Catalog | None = None) -> None:
    """Everything ``fitkit fit`` checks before fitting: the definition, its model and options,
    parameters and bounds, starts inside bounds, term types and selections, the cards they read."""
    from fitkit.fitdef import build_problem

    build_problem(load_definition(path), catalog)


@click.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def validate_cmd(paths: tuple[Path, ...]) -> None:
    """Validate all cards and fit definitions (or the given files); exit 2 on the first error.

    A fit definition is checked as ``fitkit fit`` checks it (model, parameters, starts, terms,
    selections); cards of every kind (measurements, yields, counting, limits) and pyhf
    workspaces (``.json``) as their loaders read them.
    """
    from fitkit.data.catalog import load_card

    if paths:
        for p in paths:
            kind = _kind_of(p)
            if kind == "definition":
                _validate_definition(p)
            elif kind == "workspace":
                validate_workspace_file(p)
            elif kind == "card":
                load_card(p)
            else:
                _validate_aux(p, kind)
        click.echo(f"{len(paths)} file(s) valid")
        return
    cat = Catalog()
    n_meas = sum(len(c.measurements) for _, c in cat.cards.values())
    aux = 0
    for p in sorted(cat.root.rglob("*.yaml")):
        kind = _kind_of(p)
        if kind in _AUX_KINDS:
            _validate_aux(p, kind)
            aux += 1
    defs = definition_paths()
    for p in defs:
        _validate_definition(p, cat)
    click.echo(f"{len(cat.cards)} cards ({n_meas} measurements), {aux} yields/counting/limit files and {len(defs)} fit definitions valid")


@click.command("pull")
@click.argument("dataset")
@click.option("--mirror", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Copy from a local mirror folder (<folder>/<file>) instead of the source (default: $FITKIT_DATA_MIRROR).")
def pull_cmd(dataset: str, mirror: Path | None) -> None:
    """Refresh a registered data set (data/registry.yaml), or pull any HEPData record (INSPIRE id
    or HEPData DOI: files, registry entry, card skeletons); verify every sha256."""
    from fitkit.data.hepdata import pull
    from fitkit.data.registry import load_registry

    if dataset in load_registry().datasets:
        where = pull(dataset, mirror=mirror)
        ds = load_registry().datasets[dataset]
        click.echo(f"{dataset}: {len(ds.files)} file(s) verified (sha256) in {where}  [{ds.source.doi or ds.source.url}]")
        return
    from fitkit.data.hepdata_record import pull_record

    got = pull_record(dataset, mirror=mirror)
    state = "registered as data set" if got.registered else "verified against data set"
    click.echo(f"{dataset}: {len(got.files)} file(s) (sha256) in {got.folder}, {state} {got.key!r}")
    for w in got.workspaces:
        click.echo(f"  pyhf workspace: use {{type: pyhf, workspace: {got.key}/{w}}} in a fit definition")
    for p in got.skeletons:
        click.echo(f"  card skeleton: {p} (complete it, then move it into a card area)")


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
