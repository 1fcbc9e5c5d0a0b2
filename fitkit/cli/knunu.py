"""``fitkit knunu scan``: the B -> K(*) X analyses of 003.

``fitkit knunu scan`` runs :func:`fitkit.analyses.paper003.light_x.light_x_analysis` (SM fit, m_X scans,
K* limit, ALP and Z' numbers), writes ``<output>/light_x.json`` and the plots
``light_x.png`` (003 Figs. 1, 5) and ``zprime.png`` (Fig. 2); ``--toys N`` adds the global
significance from N background-only toys. The m_X scans and the toys run through
:mod:`fitkit.execution`: ``--workers W`` on a local Dask cluster, ``--scheduler ADDRESS`` on an
existing one, serially otherwise (the same numbers).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import click

from fitkit.cli._execution import check_execution, executing, execution_options
from fitkit.cli._progress import stage, stages
from fitkit.errors import InputError

__all__ = ["COMMANDS", "RESULT_FILE"]

#: Where ``fitkit knunu scan`` writes its result (relative to --output).
RESULT_FILE = "light_x.json"


@click.group("knunu")
def knunu_group() -> None:
    """B -> K(*) nu nubar and invisible light X (003)."""


def _fmt(x: float, scale: float = 1.0, digits: int = 2) -> str:
    return "inf" if not math.isfinite(x) else f"{x / scale:.{digits}f}"


@knunu_group.command("scan")
@click.option("--points", default=100, show_default=True, help="Masses from 0 to m_B - m_K.")
@click.option("--toys", default=0, type=click.IntRange(0, 1_000_000), show_default=True, help="Background-only toys for the global significance.")
@click.option("--seed", default=20231124, show_default=True, help="Seed of the toys (SeedSequence).")
@click.option("--simplified", is_flag=True, help="Use the simplified Belle II card instead of the published likelihood (approximate).")
@click.option("--output", default=Path("results/knunu"), type=click.Path(path_type=Path), show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@execution_options
def scan_cmd(points: int, toys: int, seed: int, simplified: bool, output: Path, as_json: bool, workers: int | None, scheduler: str | None) -> None:
    """Mass scan of B+ -> K+ X (maps, 003 Gaussian, combined), LEE, K* limit, ALP and Z' couplings."""
    check_execution(workers, scheduler)
    from fitkit.analyses.paper003.light_x import default_masses, light_x_analysis
    from fitkit.cli._paths import check_output_dir
    from fitkit.data.registry import dataset_dir
    from fitkit.inference.results import write_json_atomic
    from fitkit.plotting.knunu import plot_light_x, plot_zprime

    if not 2 <= points <= 10_000:
        raise InputError(f"need 2 to 10000 mass points, got {points}", field="--points")
    check_output_dir(output)
    directory = None if simplified else dataset_dir("belle2-knunu-2023")
    if toys > 0 and directory is None:
        raise InputError("toys need the published Belle II likelihood (drop --simplified)", field="--toys")
    with executing(workers, scheduler), stages("knunu scan") as progress:
        result = light_x_analysis(directory, masses=default_masses(points), toys=toys, seed=seed, progress=progress)
    output.mkdir(parents=True, exist_ok=True)
    write_json_atomic(output / RESULT_FILE, result)
    with stage("knunu scan: plots"):
        plot_light_x(result, output / "light_x.png")
        plot_zprime(result, output / "zprime.png")
    if as_json:
        click.echo(json.dumps({k: v for k, v in result.items() if k not in ("zprime",)}, default=str))
        return
    click.echo(f"likelihood: {result['likelihood']}")
    if result["likelihood"] == "full":
        click.echo(f"mu (full) = {result['sm']['mu']:.2f} +- {result['sm']['mu_error']:.2f};  mu (simplified card) = "
                   f"{result['sm_simplified']['mu']:.2f} +- {result['sm_simplified']['mu_error']:.2f}")
    else:
        click.echo(f"mu (simplified card, APPROXIMATE: shape systematics dropped) = {result['sm']['mu']:.2f} +- {result['sm']['mu_error']:.2f}")
    for name, scan in result["scans"].items():
        b = scan["best"]
        click.echo(f"{name:>9}: m_X = {b['m_X']:.2f} GeV  BR(B+->K+X) = ({_fmt(b['BR_KX'], 1e-6)} +- "
                   f"{_fmt(b['BR_KX_error'], 1e-6)})e-6  Z_local = {b['significance_local']:.2f}")
    lee = result["lee"]
    if "significance_global" in lee:
        click.echo(f"global significance ({lee['toys']} toys, seed {lee['seed']}, {lee['cpu_seconds_per_toy']:.3f} s CPU per toy): "
                   f"{lee['significance_global']:.2f} sigma; Gross-Vitells: {lee['gross_vitells_significance_global']:.2f} sigma")
    else:
        click.echo(f"Gross-Vitells global significance: {lee['gross_vitells_significance_global']:.2f} sigma (no toys)")
    click.echo(f"BR(B->K*X) < {_fmt(result['kstar_limit']['BR_KstarX_UL90_value'], 1e-5)}e-5 (90% CL)")
    a = result["alp"]
    click.echo(f"ALP at m_a = {a['m_a']:.2f} GeV: F_V = {a['F_V'] / 1e8:.2f} (+{a['F_V_up'] / 1e8:.2f} -{a['F_V_down'] / 1e8:.2f})e8 GeV, "
               f"F_A > {a['F_A_min_2sigma'] / 1e8:.2f}e8 GeV (2 sigma)")
    z = result["zprime"]["dim4"]
    click.echo(f"Z' dim 4 at {z['m_Zp']:.2f} GeV: g_L = {z['g_L']:.2e}, g_R = {z['g_R']:.2e} (g_V = {z['g_V']:.2e}, g_A = {z['g_A']:.2e})")
    click.echo(f"written: {output / RESULT_FILE}, {output / 'light_x.png'}, {output / 'zprime.png'}")

COMMANDS = [knunu_group]
