"""``fitkit export NAME [--at P=V ...] -o workspace.json``: a fit's likelihood as one pyhf workspace.

Every term of the fit definition must be exportable (a ``pyhf_workspace(values)`` hook: the
Belle II term with the model's signal as a patch, counting experiments as one-bin channels);
the model point is the definition's start and fixed values, overridden by ``--at``. The file is
validated through pyhf before it is written (atomically).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from fitkit.errors import InputError

__all__ = ["COMMANDS", "export_workspace"]


def export_workspace(name: str, at: dict[str, float]) -> dict[str, Any]:
    """The pyhf workspace of fit ``name`` at the model point (start/fixed values updated by ``at``)."""
    from fitkit import api
    from fitkit.inference.profile import ProfiledCost
    from fitkit.likelihood.export import merge_workspaces
    from fitkit.likelihood.hooks import ExportsPyhf
    from fitkit.likelihood.workspace import validate_workspace

    problem = api.problem(name)
    file = problem.definition.path
    known = problem.model.parameters
    for k, v in at.items():
        if k not in known:
            raise InputError(f"unknown parameter; model {problem.model.name!r} has {', '.join(known)}", file=file, entry=k, field="--at")
        lo, hi = known[k].bounds
        if not lo <= v <= hi:
            raise InputError(f"value {v} outside the bounds [{lo}, {hi}]", file=file, entry=k, field="--at")
    values = {**problem.fixed, **problem.start, **at}
    specs = []
    for i, (cost, spec) in enumerate(zip(problem.costs, problem.definition.all_terms(), strict=True)):
        term = cost.term if isinstance(cost, ProfiledCost) else cost
        if not isinstance(term, ExportsPyhf):
            raise InputError(f"term type {spec.get('type', 'gaussian')!r} has no pyhf form", file=file, field=f"terms[{i}].type")
        specs.append(term.pyhf_workspace(values))
    poi = specs[0]["measurements"][0]["config"]["poi"]
    ws = specs[0] if len(specs) == 1 else merge_workspaces(specs, poi=poi, name=name)
    return dict(validate_workspace(ws, file=f"<export of {name}>"))


@click.command("export")
@click.argument("name")
@click.option("--at", "at", multiple=True, metavar="P=V", help="Model parameter value (repeatable).")
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path), help="The workspace JSON to write.")
def export_cmd(name: str, at: tuple[str, ...], output: Path) -> None:
    """Write fit NAME's likelihood, the model's signal patched in, as a pyhf workspace."""
    from fitkit.cli.core import parse_assignments
    from fitkit.inference.results import write_json_atomic

    values = parse_assignments(at, option="--at")
    parent = output.parent if str(output.parent) else Path(".")
    if output.is_dir() or not parent.is_dir() or not os.access(parent, os.W_OK):
        raise InputError("not a writable file path (its folder must exist and be writable)", file=str(output), field="--output")
    ws = export_workspace(name, values)
    write_json_atomic(output, ws)
    n_bins = sum(len(o["data"]) for o in ws["observations"])
    click.echo(f"{output}: {len(ws['channels'])} channels, {n_bins} bins, POI {ws['measurements'][0]['config']['poi']}")


COMMANDS = [export_cmd]
