"""One figure per scan, whatever the entry point: `fitkit run`, `fitkit scan --plot` and Python
draw pixel-identical PNGs for the same scan."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from matplotlib.testing.compare import compare_images

from fitkit import api
from fitkit.cli import cli
from fitkit.plotting.figures import scan_figure

NAME = "massless-dark-photon"


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    res = CliRunner().invoke(cli, ["run", NAME, "--no-reproduce", "--output", str(out)])
    assert res.exit_code == 0, res.output
    return out / NAME


@pytest.mark.parametrize(
    "label,args",
    [("alpha_D", ["--x", "alpha_D", "--points", "60"]), ("Lambda_alpha_D", ["--x", "Lambda", "--y", "alpha_D", "--points", "50", "--points", "50"])],
)
def test_run_and_scan_cli_draw_the_same_png(run_dir, tmp_path, label, args):
    cli_png = tmp_path / "cli.png"
    res = CliRunner().invoke(cli, ["scan", NAME, *args, "--plot", str(cli_png)])
    assert res.exit_code == 0, res.output
    assert f"written: {cli_png}" in res.stdout
    run_png = run_dir / f"scan_{label}.png"
    assert compare_images(str(run_png), str(cli_png), tol=0) is None
    assert run_png.read_bytes() == cli_png.read_bytes()


def test_python_entry_draws_the_same_png(run_dir, tmp_path):
    scan = api.scan_named(NAME, "alpha_D", None, points=(60,))
    out = scan_figure(scan, tmp_path / "py.png", problem=api.problem(NAME), result=api.fit_named(NAME))
    assert out.read_bytes() == (run_dir / "scan_alpha_D.png").read_bytes()
