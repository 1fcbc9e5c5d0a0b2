"""``fitkit constraints NAME``: every low-energy constraint of 002 sec. 4 at one point.

The point is the best fit of fit NAME (``fitkit.api.fit_named``), or the values given with
``--at`` (M_ZD in GeV, eps, eps_Z, g_mu); parameters not given are taken from the fit
definition's fixed values, then from the values the case fixes (002 sec. 5: Case B eps = 1e-4,
eps_Z = 1e-5; Case C eps = eps_Z = 1e-4; Case A g_mu = 0), then from 002's best fit of the case
(eqs. (5.2), (5.3), (5.6)). The case is the model's (``darkz-A/B/C``) or the name's last letter.

Example (shell)::

    fitkit constraints darkz-C --at M_ZD=0.15 --at g_mu=0.025
    fitkit constraints darkz-A --json
    fitkit constraints darkz-C --at M_ZD=0.03 --plot c.png --plane M_ZD g_mu
    fitkit constraints-table --json        # which constraints exclude each best fit
"""

from __future__ import annotations

import io
import json

import click
import numpy as np
from rich.console import Console
from rich.table import Table

from fitkit.cli._execution import check_execution, executing, execution_options
from fitkit.cli._paths import check_output_file
from fitkit.cli.core import parse_assignments
from fitkit.constraints import CONSTRAINTS, PARAMETERS, evaluate
from fitkit.constraints.base import CASE_DEFAULTS
from fitkit.constraints.overlay import PAPER_BEST_FITS, exclusion_maps, verdict_table
from fitkit.errors import FitkitError, InputError
from fitkit.inference.results import ResultError

__all__ = ["COMMANDS", "constraints_cmd", "constraints_table_cmd", "resolve_point"]

#: Default plane ranges (GeV for M_ZD).
_RANGES: dict[str, tuple[float, float]] = {"M_ZD": (0.005, 2.0), "eps": (1e-6, 1e-2), "eps_Z": (1e-6, 1e-2), "g_mu": (1e-4, 0.5)}


def _case_of(name: str) -> str:
    tail = name.strip()[-1:].upper()
    if tail in CASE_DEFAULTS:
        return tail
    raise InputError(f"cannot tell the Z_D case of {name!r}; use darkz-A, darkz-B, darkz-C (or A, B, C)", field="NAME")


def resolve_point(name: str, at: dict[str, float]) -> tuple[str, dict[str, float], str]:
    """(case, full point, where it came from) for ``fitkit constraints NAME [--at ...]``.

    Example:
        >>> resolve_point("C", {"M_ZD": 0.15, "g_mu": 0.025})
        ('C', {'M_ZD': 0.15, 'eps': 0.0001, 'eps_Z': 0.0001, 'g_mu': 0.025}, '--at')
    """
    for k in at:
        if k not in PARAMETERS:
            raise InputError(f"unknown parameter; use {', '.join(PARAMETERS)}", entry=k, field="--at")
    if "M_ZD" in at and not at["M_ZD"] > 0:
        raise InputError(f"the Z_D mass must be > 0 GeV, got {at['M_ZD']:g}", entry="M_ZD", field="--at")
    case = _case_of(name)
    fixed: dict[str, float] = {}
    if name not in CASE_DEFAULTS:
        try:
            from fitkit import api

            problem = api.problem(name)
            case = getattr(problem.model, "case", case)
            fixed = {k: float(v) for k, v in problem.definition.fixed.items() if k in PARAMETERS}
            if not at:
                r = api.fit_named(name)
                point = {**PAPER_BEST_FITS[case], **fixed, **r.fixed, **{k: p.value for k, p in r.parameters.items()}}
                return case, {k: float(point[k]) for k in PARAMETERS}, f"best fit of {name}"
        except (FitkitError, FileNotFoundError, AttributeError) as exc:
            if not at:
                raise InputError(f"fit {name!r} is not available ({exc}); give the point with --at", field="NAME") from None
    point = {**PAPER_BEST_FITS[case], **CASE_DEFAULTS[case], **fixed, **at}
    return case, {k: float(point[k]) for k in PARAMETERS}, "--at"


def _table(case: str, point: dict[str, float], rows: list[dict], where: str) -> str:
    pt = ", ".join(f"{k} = {v:.4g}" for k, v in point.items())
    t = Table(title=f"Case {case} at {pt} ({where})")
    for col in ("constraint", "prediction", "measurement / limit", "excluded at", "verdict"):
        t.add_column(col, justify="right" if col != "constraint" else "left")
    for r in rows:
        m = r["measurement_or_limit"]
        meas = f"< {m['upper_limit']:.3g}" if isinstance(m.get("upper_limit"), float) else (
            f"{m['value']:.4g} ± {m.get('error', m.get('error_up', float('nan'))):.2g}" if "value" in m else str(m.get("upper_limit", ""))
        )
        if not r["applies"]:
            verdict = "n/a"
        else:
            verdict = f"EXCLUDED ({100 * r['cl']:.4g}% CL)" if r["excluded"] else "allowed"
        t.add_row(r["name"], f"{r['prediction']:.4g}", meas, f"{100 * r['exclusion_cl']:.4g}%", verdict)
    buffer = io.StringIO()
    Console(file=buffer, width=130).print(t)
    return buffer.getvalue()


@click.command("constraints")
@click.argument("name")
@click.option("--at", "at", multiple=True, metavar="P=V", help="Parameter value: M_ZD [GeV], eps, eps_Z, g_mu (repeatable).")
@click.option("--only", "only", multiple=True, metavar="CONSTRAINT", help="Evaluate only these constraints (repeatable).")
@click.option("--json", "as_json", is_flag=True, help='Print {"point": ..., "constraints": [...]} as JSON.')
@click.option("--plot", "plot", type=click.Path(dir_okay=False), default=None, help="Also draw the excluded regions on a plane (PNG).")
@click.option("--plane", nargs=2, default=("M_ZD", "g_mu"), show_default=True, metavar="X Y", help="Parameters of the --plot plane.")
@click.option("--with-scan", is_flag=True, help="Draw the allowed regions of a profile scan of fit NAME under the exclusions.")
@execution_options
def constraints_cmd(
    name: str, at: tuple[str, ...], only: tuple[str, ...], as_json: bool, plot: str | None, plane: tuple[str, str], with_scan: bool,
    workers: int | None, scheduler: str | None,
) -> None:
    """Low-energy constraints of 002 sec. 4 at the best fit of NAME or at --at P=V."""
    check_execution(workers, scheduler)
    names = list(only) or list(CONSTRAINTS)
    for n in names:
        if n not in CONSTRAINTS:
            raise InputError(f"unknown constraint; use {', '.join(CONSTRAINTS)}", entry=n, field="--only")
    if plot:
        check_output_file(plot, option="--plot")
        for p in plane:
            if p not in PARAMETERS:
                raise InputError(f"unknown parameter; use {', '.join(PARAMETERS)}", entry=p, field="--plane")
        if plane[0] == plane[1]:
            raise InputError("the two --plane parameters are the same", entry=plane[1], field="--plane")
    case, point, where = resolve_point(name, parse_assignments(at, option="--at"))
    rows = evaluate(point, case, names)  # type: ignore[arg-type]
    for r in rows:
        if r["applies"] and not np.isfinite(r["prediction"]):
            raise ResultError(f"constraints {name}: the prediction of {r['name']} is not a finite number ({r['prediction']}) at {point}")
    if plot:
        with executing(workers, scheduler):  # the maps: one task per constraint
            _plot_maps(name, case, point, where, names, plot, plane, with_scan)
    if as_json:
        click.echo(json.dumps({"name": name, "case": case, "source": where, "point": point, "constraints": rows}, indent=2))
    else:
        click.echo(_table(case, point, rows, where))
    if plot:
        click.echo(f"written: {plot}", err=as_json)


def _plot_maps(
    name: str, case: str, point: dict[str, float], where: str, names: list[str], plot: str, plane: tuple[str, str], with_scan: bool
) -> None:
    """The --plot of ``fitkit constraints``: exclusion maps on ``plane`` (and the scan of fit NAME)."""
    from fitkit.plotting.constraints import plot_exclusions

    x, y = plane
    ranges = dict(_RANGES)
    scan = None
    if with_scan:
        from fitkit import api

        scan = api.scan_named(name, x, y, points=(40, 30))
        sx, sy = np.asarray(scan.x_values), np.abs(np.asarray(scan.y_values))
        ranges[x] = (max(float(sx.min()), 1e-4), float(sx.max()))
        ranges[y] = (max(float(sy[sy > 0].min()), 1e-6), float(sy.max()))
    grid = {p: np.geomspace(*ranges[p], 60) for p in plane}
    fixed = {k: abs(v) if k == "g_mu" else v for k, v in point.items() if k not in plane}
    emap = exclusion_maps(case, x, grid[x], y, grid[y], fixed=fixed, names=names)  # type: ignore[arg-type]
    plot_exclusions(emap, plot, scan=scan, best={k: abs(v) for k, v in point.items()}, paper_best=PAPER_BEST_FITS[case],
                    best_label="--at point" if where == "--at" else "best fit (fitkit)")


@click.command("constraints-table")
@click.option("--fits/--no-fits", default=True, show_default=True, help="Also run the darkz-A/B/C fits and judge their best fits.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of rows.")
def constraints_table_cmd(fits: bool, as_json: bool) -> None:
    """Which constraints exclude each best fit of 002 (eqs. (5.2), (5.3), (5.6)) and of fitkit."""
    rows = [{"source": "002", **r} for r in verdict_table(PAPER_BEST_FITS)]
    if fits:
        for case in ("A", "B", "C"):
            try:
                _, point, where = resolve_point(f"darkz-{case}", {})
            except FitkitError as exc:
                click.echo(f"fitkit: darkz-{case} skipped: {exc}", err=True)
                continue
            rows += [{"source": where, **r} for r in verdict_table({case: point})]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    t = Table(title="Best-fit points and the constraints that exclude them (at each constraint's CL)")
    for col in ("case", "source", "point", "excluded by"):
        t.add_column(col)
    for r in rows:
        pt = ", ".join(f"{k}={v:.3g}" for k, v in r["point"].items())
        t.add_row(r["case"], r["source"], pt, ", ".join(r["excluded_by"]) or "none")
    buffer = io.StringIO()
    Console(file=buffer, width=140).print(t)
    click.echo(buffer.getvalue())


COMMANDS = [constraints_cmd, constraints_table_cmd]
