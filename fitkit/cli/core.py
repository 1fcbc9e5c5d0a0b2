"""``fitkit run | fit | scan | chi2 | reproduce``."""

from __future__ import annotations

import dataclasses
import io
import json
import math
import os
import time
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from fitkit import api
from fitkit.cli._execution import check_execution, executing, execution_options
from fitkit.cli._paths import check_output_dir, check_output_file, inside
from fitkit.cli._progress import elapsed, progress_bar, stage, stage_line
from fitkit.errors import InputError
from fitkit.fitdef import (
    MAX_SCAN_POINTS,
    FitProblem,
    check_fit_name,
    definition_paths,
    load_definition,
)
from fitkit.inference import evaluate
from fitkit.inference.results import (
    FILE_MODE,
    FitResult,
    ParameterResult,
    ResultError,
    load_toys_result,
    to_jsonable,
    write_json_atomic,
)
from fitkit.reproduce import Row, row_sources

__all__ = ["COMMANDS", "parse_assignments"]


def parse_assignments(items: tuple[str, ...], *, option: str) -> dict[str, float]:
    """Parse ``NAME=VALUE`` pairs; a malformed pair, a non-number or NaN is an :class:`InputError`."""
    out: dict[str, float] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise InputError(f"expected NAME=VALUE, got {item!r}", field=option)
        try:
            v = float(value)
        except ValueError:
            raise InputError(f"value {value!r} is not a number", entry=name, field=option) from None
        if not math.isfinite(v):
            raise InputError(f"value must be a finite number, got {value!r}", entry=name, field=option)
        out[name] = v
    return out


def _echo_json(payload: object) -> None:
    click.echo(json.dumps(to_jsonable(payload), indent=2))


def _fit_table(r: FitResult) -> Table:
    t = Table(title=f"{r.name} ({r.model})", show_header=True)
    t.add_column("quantity")
    t.add_column("value", justify="right")
    # a Poisson likelihood's cost is -2 ln L (up to a constant), not a chi2 (fitkit.inference.fit)
    cost = "chi2" if r.goodness_of_fit != "none" else "-2 ln L"
    t.add_row(f"{cost}_min", f"{r.chi2_min:.3f}")
    t.add_row(f"{cost}_SM", f"{r.chi2_sm:.3f}")
    if r.ndof is None:
        t.add_row("ndof, p-value", "n/a (Poisson likelihood: -2 ln L is not a chi2 without the saturated model)")
    else:
        t.add_row("ndof", str(r.ndof) + (" (Poisson terms: deviance vs the saturated model)" if r.goodness_of_fit == "saturated" else ""))
        t.add_row("p-value", "n/a" if r.p_value is None else f"{r.p_value:.3g}")
    t.add_row("pull wrt SM", f"{r.pull_sm:.2f}")
    for name, p in r.parameters.items():
        t.add_row(name, _parameter_cell(p))
    for i, m in enumerate(r.runners_up, start=1):
        at = ", ".join(f"{k} = {v:.4g}" for k, v in m.parameters.items())
        t.add_row(f"runner-up {i}", f"chi2 = {m.fval:.3f} (+{m.fval - r.chi2_min:.2f}) at {at}")
    return t


def _parameter_cell(p: ParameterResult) -> str:
    """'value ± HESSE error unit', with the MINOS interval when it was computed.

    Example:
        >>> _parameter_cell(ParameterResult(0.03, 0.004, "GeV", minos_lower=-0.0035, minos_upper=0.0052))
        '0.03 ± 0.004 GeV  (MINOS -0.0035 +0.0052)'
    """
    text = f"{p.value:.4g} ± {p.error:.2g} {p.unit}".rstrip()
    if p.minos_lower is not None and p.minos_upper is not None:
        text += f"  (MINOS {p.minos_lower:+.2g} {p.minos_upper:+.2g})"
    if p.at_bound:
        text += f"  (at {p.at_bound} bound)"
    return text


def _fit_with_bar(name: str, *, minos: bool = False) -> FitResult:
    with progress_bar(f"fit {name}", unit="start points", then="MIGRAD + HESSE" + (" + MINOS" if minos else "")) as bar:
        if minos:
            from fitkit.inference import fit as do_fit

            return do_fit(api.problem(name), minos=True, progress=bar)
        return api.fit_named(name, progress=bar)


def _with_toys(result: FitResult, toys: dict[str, object] | None) -> FitResult:
    """The result with the global significance of a ``fitkit knunu scan --toys`` result passed explicitly."""
    if toys is None:
        return result
    extra = {**result.extra, "significance_global": toys["significance_global"], "toys": toys["toys"], "toys_result": toys["file"]}
    return dataclasses.replace(result, extra=extra)


_TOYS_OPTION = click.option(
    "--toys-result", "toys_result", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help="A `fitkit knunu scan --toys N` result (light_x.json) whose global significance to report.",
)


@click.command("fit")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--minos", is_flag=True, help="MINOS errors for the free parameters.")
@_TOYS_OPTION
def fit_cmd(name: str, as_json: bool, minos: bool, toys_result: Path | None) -> None:
    """Fit likelihoods/NAME.yaml and print the best fit."""
    api.problem(name)  # validates the definition, its cards and terms before fitting
    toys = load_toys_result(toys_result) if toys_result else None
    result = _fit_with_bar(name, minos=minos)
    result.check_finite()
    result = _with_toys(result, toys)
    if as_json:
        _echo_json(result.to_dict())
    else:
        from fitkit.provenance import summary_line

        click.echo(_render(_fit_table(result)))
        click.echo(summary_line(result.provenance))


def _render(table: Table) -> str:
    buffer = io.StringIO()
    Console(file=buffer, width=110).print(table)
    return buffer.getvalue()


def _check_point(problem: FitProblem, values: dict[str, float]) -> None:
    """Each ``--at`` value names a model parameter and lies inside its bounds (the fit's bounds for a
    free parameter, the model's otherwise) or at its SM value."""
    known = problem.model.parameters
    bounds = {**{n: p.bounds for n, p in known.items()}, **{p.name: p.bounds for p in problem.free}}
    sm = problem.model.sm_point()
    for k, v in values.items():
        if k not in known:
            raise InputError(f"unknown parameter; model {problem.model.name!r} has {', '.join(sorted(known)) or 'none'}", file=problem.definition.path, entry=k, field="--at")
        lo, hi = bounds[k]
        if not lo <= v <= hi and v != sm.get(k):
            raise InputError(f"{k} = {v:g} is outside the bounds [{lo:g}, {hi:g}]", file=problem.definition.path, entry=k, field="--at")


@click.command("chi2")
@click.argument("name")
@click.option("--at", "at", multiple=True, metavar="P=V", help="Parameter value (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def chi2_cmd(name: str, at: tuple[str, ...], as_json: bool) -> None:
    """chi^2 of fit NAME at a point (default: the fit's start values)."""
    problem = api.problem(name)
    values = parse_assignments(at, option="--at")
    _check_point(problem, values)
    chi2 = evaluate(problem, values)
    if not math.isfinite(chi2):
        raise ResultError(f"fit {name}: chi2 is not a finite number ({chi2}) at {values or 'the start values'}")
    if as_json:
        _echo_json({"name": name, "at": values, "chi2": chi2})
    else:
        click.echo(f"{name}: chi2 = {chi2:.4f} at {values or 'start values'}")


@click.command("scan")
@click.argument("name")
@click.option("--x", "x", required=True, help="Parameter on the x axis.")
@click.option("--y", "y", default=None, help="Parameter on the y axis (2D scan).")
@click.option("--points", type=click.IntRange(2, MAX_SCAN_POINTS), multiple=True, default=(40,), show_default=True, help="Grid points per axis.")
@click.option("--method", type=click.Choice(["grid", "migrad"]), default="grid", show_default=True)
@click.option("--plot", "plot", type=click.Path(dir_okay=False), default=None, help="Write a PNG of the regions.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--root", "root", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Write Delta chi^2 as a TH1/TH2 (uproot).")
@execution_options
def scan_cmd(
    name: str, x: str, y: str | None, points: tuple[int, ...], method: str, plot: str | None, as_json: bool, root: Path | None,
    workers: int | None, scheduler: str | None,
) -> None:
    """Profile scan of fit NAME in x (and y) with 1/2/3 sigma levels (MIGRAD scans: --workers / --scheduler)."""
    check_execution(workers, scheduler)
    problem = api.problem(name)
    free = [p.name for p in problem.free]
    for option, axis in (("--x", x), ("--y", y)):
        if axis is not None and axis not in free:
            raise InputError(f"not a free parameter of the fit; free: {', '.join(free) or 'none'}", file=problem.definition.path, entry=axis, field=option)
    if y is not None and y == x:
        raise InputError("--x and --y name the same parameter", file=problem.definition.path, entry=y, field="--y")
    if len(points) > (1 if y is None else 2):
        raise InputError(f"give one --points per axis, got {len(points)}", field="--points")
    if plot:
        check_output_file(plot, option="--plot")
    if root is not None and root.suffix != ".root":
        raise InputError("the output must end in .root", file=str(root), field="--root")
    label = x if y is None else f"{x} x {y}"
    with executing(workers, scheduler), progress_bar(f"scan {name} {label}") as bar:
        scan = api.scan_named(name, x, y, points=points, method=method, progress=bar)
    scan.check_finite()
    if plot:
        from fitkit.plotting.figures import scan_figure

        scan_figure(scan, plot, problem=problem, result=api.fit_named(name))
    if root is not None:
        from fitkit.data.rootio import write_scan_root

        write_scan_root(scan, root)
    if as_json:
        _echo_json(scan.to_dict())
    else:
        click.echo(f"{name}: scan of {label}: chi2_min = {scan.chi2_min:.3f} at {scan.best}")
        if plot:
            click.echo(f"written: {plot}")


#: Files ``fitkit run`` writes for one fit (under ``<output>/<name>/``); older ones are removed first.
_FIT_OUTPUTS = ("fit.json", "pulls.png", "scan_*.json", "scan_*.png")


def _remove_temporaries(output: Path) -> None:
    """Delete the temporary files an interrupted run left behind (``.<name>.*tmp*``)."""
    for pattern in (".*.tmp", ".*.tmp.*"):
        for f in output.rglob(pattern):
            if f.is_file():
                f.unlink()


def _remove_stale(outdir: Path) -> None:
    """Delete the outputs of an earlier run of this fit (its scans may have changed)."""
    for pattern in _FIT_OUTPUTS:
        for f in outdir.glob(pattern):
            f.unlink()


def _read_summary(path: Path) -> dict[str, dict[str, object]]:
    """The entries of an existing ``summary.json`` by fit name ({} if there is none)."""
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"cannot read the existing summary ({exc}); remove it or choose another --output", file=str(path)) from None
    if not isinstance(data, list) or not all(isinstance(e, dict) and isinstance(e.get("name"), str) for e in data):
        raise InputError("expected a list of fit entries with a name; remove it or choose another --output", file=str(path))
    return {e["name"]: e for e in data}


def _write_summary(path: Path, summary: dict[str, dict[str, object]]) -> None:
    write_json_atomic(path, [summary[k] for k in sorted(summary)])


def run_one(name: str, output: Path, *, scans: bool = True, result: FitResult | None = None) -> dict[str, object]:
    """Fit one definition (unless its ``result`` is given), make its scans and plots, write them under ``output/name/``."""
    from fitkit.plotting import plot_pulls
    from fitkit.plotting.figures import scan_figure

    defn = load_definition(name)
    outdir = inside(output, output / check_fit_name(name), field="NAMES")
    result = _fit_with_bar(name) if result is None else result
    result.check_finite()
    _remove_stale(outdir)
    write_json_atomic(outdir / "fit.json", result.to_dict())
    files = [str(outdir / "fit.json")]
    if result.observables:
        with stage(f"figure {name} pulls"):
            files.append(str(plot_pulls(result, outdir / "pulls.png")))
    if scans:
        for spec in defn.scans:
            label = spec.x if spec.y is None else f"{spec.x}_{spec.y}"
            with progress_bar(f"scan {name} {label}") as bar:
                scan = api.scan_named(
                    name, spec.x, spec.y, points=spec.points, method=spec.method, profile_points=spec.profile_points, progress=bar,
                    chi2_min=result.chi2_min,
                )
            scan.check_finite()
            write_json_atomic(outdir / f"scan_{label}.json", scan.to_dict())
            files.append(str(outdir / f"scan_{label}.json"))
            with stage(f"figure {name} scan_{label}"):
                files.append(str(scan_figure(scan, outdir / f"scan_{label}.png", problem=api.problem(name), result=result)))
    return {"name": name, "chi2_min": result.chi2_min, "chi2_sm": result.chi2_sm, "pull_sm": result.pull_sm, "files": files}


@click.command("run")
@click.argument("names", nargs=-1)
@click.option("--output", type=click.Path(file_okay=False, path_type=Path), default=Path("results"), show_default=True)
@click.option("--no-scans", is_flag=True, help="Skip the scans of the fit definitions.")
@click.option("--no-reproduce", is_flag=True, help="Skip the reproduction report.")
@_TOYS_OPTION
@click.option("--compare", "compare", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="A previous run's results folder: also write compare.md/.html (what changed).")
@execution_options
def run_cmd(
    names: tuple[str, ...], output: Path, no_scans: bool, no_reproduce: bool, toys_result: Path | None, compare: Path | None,
    workers: int | None, scheduler: str | None,
) -> None:
    """Run all fits in likelihoods/ (or NAMES): results, plots, the reproduction report and
    ``index.html`` (the front page) in results/; with ``--compare OLD`` also what changed since OLD.

    With ``--workers N`` / ``--scheduler ADDRESS`` the fits run as parallel tasks first (one per
    definition), then the MIGRAD scans and constraint maps are spread over the same workers.

    ``summary.json`` keeps the entries of fits not run this time; each fit's entry is marked
    ``incomplete`` while it runs, and its older outputs are replaced.
    """
    check_execution(workers, scheduler)
    from fitkit.data.registry import dataset_dir, load_registry

    names = names or tuple(p.stem for p in definition_paths())
    for dataset in load_registry().datasets:  # every published file (sha256) before anything else
        dataset_dir(dataset)
    for n in names:  # validate everything (definitions, models, terms, cards) before writing anything
        check_fit_name(n, field="NAMES")
        api.problem(n)
    if compare is not None:
        from fitkit.report.diff import load_run

        if compare.resolve() == output.resolve():
            raise InputError("--compare must name another folder than --output (the old results would be overwritten)", field="--compare")
        load_run(compare)
    check_output_dir(output)
    toys = load_toys_result(toys_result) if toys_result else None
    summary_path = output / "summary.json"
    summary = _read_summary(summary_path)
    output.mkdir(parents=True, exist_ok=True)
    _remove_temporaries(output)
    t_run = time.perf_counter()
    stage_line(f"run: {len(names)} fit{'s' if len(names) != 1 else ''} ({', '.join(names)}), results in {output}/")
    with executing(workers, scheduler):
        _run_fits(names, output, summary, summary_path, scans=not no_scans, parallel=workers is not None or scheduler is not None)
    click.echo(f"written: {summary_path}")
    if not no_reproduce:
        rows = _rows(None, toys=toys)
        _write_markdown(rows, output / "reproduction.md")
        click.echo(f"reproduction report: {output / 'reproduction.md'} ({sum(r.ok for r in rows)}/{len(rows)} within tolerance)")
    if compare is not None:
        from fitkit.cli.report import report_compare

        report_compare(compare, output, output)
    from fitkit.report import write_index

    click.echo(f"front page: {write_index(output)}")
    stage_line(f"run: finished in {elapsed(time.perf_counter() - t_run)}; results in {output}/")


def _fit_task(name: str) -> FitResult:
    """The fit of one definition (a task of fitkit.execution: the same result on any worker)."""
    return api.fit_named(name)


def _run_fits(names: tuple[str, ...], output: Path, summary: dict[str, dict[str, object]], summary_path: Path, *, scans: bool, parallel: bool) -> None:
    """Fit, scan and plot ``names`` one after the other; with Dask (``parallel``) the fits run first as parallel tasks."""
    results: dict[str, FitResult] = {}
    if parallel and len(names) > 1:
        from fitkit.execution import map_tasks

        with progress_bar(f"fits of {len(names)} definitions", unit="fits") as bar:
            results = dict(zip(names, map_tasks(_fit_task, list(names), progress=bar)))
    for i, n in enumerate(names, start=1):
        t0 = time.perf_counter()
        stage_line(f"fit {i} of {len(names)}: {n}")
        summary[n] = {"name": n, "status": "incomplete"}
        _write_summary(summary_path, summary)
        entry = run_one(n, output, scans=scans, result=results.get(n))
        summary[n] = {**entry, "status": "complete"}
        _write_summary(summary_path, summary)
        click.echo(f"{n}: chi2_min = {entry['chi2_min']:.3f}, chi2_SM = {entry['chi2_sm']:.3f}")
        click.echo(f"written: {', '.join(entry['files'])}")  # type: ignore[arg-type]
        stage_line(f"fit {i} of {len(names)}: {n} done in {elapsed(time.perf_counter() - t0)}")


def _rows(paper: str | None, *, toys: dict[str, object] | None = None) -> list[Row]:
    """All rows of ``paper`` (every input ships in data/, so a missing one is an error, not a skip);
    ``toys``: a validated toys result (:func:`load_toys_result`) adds 003's global-significance row."""
    sources = list(row_sources(paper))
    if not sources:
        raise InputError(f"no reproduction rows for paper {paper!r}", field="PAPER")
    rows: list[Row] = []
    for i, (module, fn) in enumerate(sources):
        with progress_bar(f"reproduce: {module} ({i + 1} of {len(sources)})", unit="rows") as bar:
            new = fn()
            bar(len(new), len(new))
        rows.extend(new)
    if toys is not None and (paper is None or "003".startswith(paper) or paper.startswith("003")):
        from fitkit.reproduce.paper003 import toys_rows

        rows.extend(toys_rows(Path(str(toys["file"]))))
    return rows


def markdown_table(rows: list[Row]) -> str:
    """The reproduction table as Markdown."""
    lines = [
        "| paper | quantity | paper | fitkit | tolerance | status | note |",
        "|---|---|---:|---:|---|---|---|",
    ]
    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    for r in rows:
        lines.append(
            f"| {cell(r.paper)} | {cell(r.quantity)} | {r.paper_value:.4g} | {r.fitkit_value:.4g} | {r.tolerance} | "
            f"{'ok' if r.ok else 'DIFFERS'} | {cell(r.note)} |"
        )
    return "\n".join(lines) + "\n"


def _write_markdown(rows: list[Row], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    text = "# fitkit reproduction report (generated by `fitkit reproduce`)\n\n" + markdown_table(rows)
    tmp.write_text(text)
    os.chmod(tmp, FILE_MODE)
    tmp.replace(path)


@click.command("reproduce")
@click.argument("paper", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of rows.")
@click.option("--markdown", "markdown", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Also write the table as Markdown.")
@_TOYS_OPTION
def reproduce_cmd(paper: str | None, as_json: bool, markdown: Path | None, toys_result: Path | None) -> None:
    """Paper vs fitkit: every headline number recomputed live (PAPER: e.g. 002)."""
    if markdown:
        check_output_file(markdown, option="--markdown", suffixes=frozenset({".md", ".markdown", ".txt"}))
    toys = load_toys_result(toys_result) if toys_result else None
    rows = _rows(paper, toys=toys)
    if markdown:
        _write_markdown(rows, markdown)
    if as_json:
        _echo_json([r.as_dict() for r in rows])
        return
    t = Table(title="paper vs fitkit")
    for col in ("paper", "quantity", "paper value", "fitkit", "tolerance", "status"):
        t.add_column(col)
    for r in rows:
        t.add_row(r.paper, r.quantity, f"{r.paper_value:.4g}", f"{r.fitkit_value:.4g}", r.tolerance, "ok" if r.ok else "DIFFERS")
    click.echo(_render(t))


COMMANDS = [fit_cmd, chi2_cmd, scan_cmd, run_cmd, reproduce_cmd]
