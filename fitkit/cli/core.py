"""``fitkit run | fit | scan | chi2 | reproduce``."""

from __future__ import annotations

import io
import json
import math
import time
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from fitkit import api
from fitkit.cli._progress import elapsed, progress_bar, stage, stage_line
from fitkit.errors import FitkitError, InputError
from fitkit.fitdef import definition_paths, load_definition
from fitkit.inference import evaluate
from fitkit.inference.results import FitResult, ParameterResult, to_jsonable, write_json_atomic
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
    t.add_row("chi2_min", f"{r.chi2_min:.3f}")
    t.add_row("chi2_SM", f"{r.chi2_sm:.3f}")
    t.add_row("ndof", str(r.ndof))
    t.add_row("p-value", f"{r.p_value:.3g}")
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
        >>> from fitkit.inference.results import ParameterResult
        >>> _parameter_cell(ParameterResult(0.03, 0.004, "GeV", minos_lower=-0.0035, minos_upper=0.0052))
        '0.03 ± 0.004 GeV  (MINOS -0.0035 +0.0052)'
    """
    text = f"{p.value:.4g} ± {p.error:.2g} {p.unit}".rstrip()
    if p.minos_lower is not None and p.minos_upper is not None:
        text += f"  (MINOS {p.minos_lower:+.2g} {p.minos_upper:+.2g})"
    return text


def _fit_with_bar(name: str, *, minos: bool = False) -> FitResult:
    with progress_bar(f"fit {name}", unit="start points", then="MIGRAD + HESSE" + (" + MINOS" if minos else "")) as bar:
        if minos:
            from fitkit.inference import fit as do_fit

            return do_fit(api.problem(name), minos=True, progress=bar)
        return api.fit_named(name, progress=bar)


@click.command("fit")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--minos", is_flag=True, help="MINOS errors for the free parameters.")
def fit_cmd(name: str, as_json: bool, minos: bool) -> None:
    """Fit likelihoods/NAME.yaml and print the best fit."""
    result = _fit_with_bar(name, minos=minos)
    if as_json:
        _echo_json(result.to_dict())
    else:
        click.echo(_render(_fit_table(result)))


def _render(table: Table) -> str:
    buffer = io.StringIO()
    Console(file=buffer, width=110).print(table)
    return buffer.getvalue()


@click.command("chi2")
@click.argument("name")
@click.option("--at", "at", multiple=True, metavar="P=V", help="Parameter value (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def chi2_cmd(name: str, at: tuple[str, ...], as_json: bool) -> None:
    """chi^2 of fit NAME at a point (default: the fit's start values)."""
    problem = api.problem(name)
    values = parse_assignments(at, option="--at")
    known = set(problem.model.parameters)
    for k in values:
        if k not in known:
            raise InputError(f"unknown parameter; model {problem.model.name!r} has {', '.join(sorted(known)) or 'none'}", file=problem.definition.path, entry=k, field="--at")
    chi2 = evaluate(problem, values)
    if as_json:
        _echo_json({"name": name, "at": values, "chi2": chi2})
    else:
        click.echo(f"{name}: chi2 = {chi2:.4f} at {values or 'start values'}")


@click.command("scan")
@click.argument("name")
@click.option("--x", "x", required=True, help="Parameter on the x axis.")
@click.option("--y", "y", default=None, help="Parameter on the y axis (2D scan).")
@click.option("--points", type=int, multiple=True, default=(40,), show_default=True, help="Grid points per axis.")
@click.option("--method", type=click.Choice(["grid", "migrad"]), default="grid", show_default=True)
@click.option("--plot", "plot", type=click.Path(dir_okay=False), default=None, help="Write a PNG of the regions.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def scan_cmd(name: str, x: str, y: str | None, points: tuple[int, ...], method: str, plot: str | None, as_json: bool) -> None:
    """Profile scan of fit NAME in x (and y) with 1/2/3 sigma levels."""
    label = x if y is None else f"{x} x {y}"
    with progress_bar(f"scan {name} {label}") as bar:
        scan = api.scan_named(name, x, y, points=points, method=method, progress=bar)
    if plot:
        from fitkit.plotting.figures import scan_figure

        scan_figure(scan, plot, problem=api.problem(name), result=api.fit_named(name))
    if as_json:
        _echo_json(scan.to_dict())
    else:
        click.echo(f"{name}: scan of {label}: chi2_min = {scan.chi2_min:.3f} at {scan.best}")
        if plot:
            click.echo(f"written: {plot}")


def run_one(name: str, output: Path, *, scans: bool = True) -> dict[str, object]:
    """Fit one definition, make its scans and plots, write them under ``output/name/``."""
    from fitkit.plotting import plot_pulls
    from fitkit.plotting.figures import scan_figure

    defn = load_definition(name)
    result = _fit_with_bar(name)
    outdir = output / name
    write_json_atomic(outdir / "fit.json", result.to_dict())
    files = [str(outdir / "fit.json")]
    if result.observables:
        with stage(f"figure {name} pulls"):
            files.append(str(plot_pulls(result, outdir / "pulls.png")))
    if scans:
        for spec in defn.scans:
            label = spec.x if spec.y is None else f"{spec.x}_{spec.y}"
            with progress_bar(f"scan {name} {label}") as bar:
                scan = api.scan_named(name, spec.x, spec.y, points=spec.points, method=spec.method, profile_points=spec.profile_points, progress=bar)
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
def run_cmd(names: tuple[str, ...], output: Path, no_scans: bool, no_reproduce: bool) -> None:
    """Run all fits in likelihoods/ (or NAMES): results, plots and the reproduction report in results/."""
    names = names or tuple(p.stem for p in definition_paths())
    for n in names:  # validate everything before computing anything
        load_definition(n)
    summary = []
    t_run = time.perf_counter()
    stage_line(f"run: {len(names)} fit{'s' if len(names) != 1 else ''} ({', '.join(names)}), results in {output}/")
    for i, n in enumerate(names, start=1):
        t0 = time.perf_counter()
        stage_line(f"fit {i} of {len(names)}: {n}")
        summary.append(run_one(n, output, scans=not no_scans))
        click.echo(f"{n}: chi2_min = {summary[-1]['chi2_min']:.3f}, chi2_SM = {summary[-1]['chi2_sm']:.3f}")
        click.echo(f"written: {', '.join(summary[-1]['files'])}")  # type: ignore[arg-type]
        stage_line(f"fit {i} of {len(names)}: {n} done in {elapsed(time.perf_counter() - t0)}")
    write_json_atomic(output / "summary.json", summary)
    click.echo(f"written: {output / 'summary.json'}")
    if not no_reproduce:
        skipped: list[str] = []
        rows = _rows(None, skipped=skipped)
        _write_markdown(rows, output / "reproduction.md", skipped=skipped)
        click.echo(f"reproduction report: {output / 'reproduction.md'} ({sum(r.ok for r in rows)}/{len(rows)} within tolerance)")
        for item in skipped:
            click.echo(f"reproduction rows skipped: {item}", err=True)
    stage_line(f"run: finished in {elapsed(time.perf_counter() - t_run)}; results in {output}/")


def _rows(paper: str | None, *, skipped: list[str] | None = None) -> list[Row]:
    """All rows of ``paper``; with ``skipped`` given, a module whose inputs are missing (e.g. no
    ../shared/data on an offline machine) is recorded there instead of stopping the report."""
    sources = list(row_sources(paper))
    if not sources:
        raise InputError(f"no reproduction rows for paper {paper!r}", field="PAPER")
    rows: list[Row] = []
    for i, (module, fn) in enumerate(sources):
        try:
            with progress_bar(f"reproduce: {module} ({i + 1} of {len(sources)})", unit="rows") as bar:
                new = fn()
                bar(len(new), len(new))
        except FitkitError as exc:
            if skipped is None:
                raise
            skipped.append(f"{module}: {exc}")
            continue
        rows.extend(new)
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


def _write_markdown(rows: list[Row], path: Path, *, skipped: list[str] | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    text = "# fitkit reproduction report (generated by `fitkit reproduce`)\n\n" + markdown_table(rows)
    if skipped:
        text += "\nSkipped (inputs missing on this machine):\n\n" + "".join(f"- {s}\n" for s in skipped)
    tmp.write_text(text)
    tmp.replace(path)


@click.command("reproduce")
@click.argument("paper", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of rows.")
@click.option("--markdown", "markdown", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Also write the table as Markdown.")
def reproduce_cmd(paper: str | None, as_json: bool, markdown: Path | None) -> None:
    """Paper vs fitkit: every headline number recomputed live (PAPER: e.g. 002)."""
    rows = _rows(paper)
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
