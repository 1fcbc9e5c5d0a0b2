"""--workers / --scheduler of the heavy commands: a bad value stops before any computation (exit 2, one line)."""

from __future__ import annotations

import pytest

from tests.cli.conftest import fails

HEAVY = [
    ["run", "darkz-A", "--no-reproduce"],
    ["scan", "darkz-A", "--x", "M_ZD", "--y", "eps_Z", "--method", "migrad"],
    ["knunu", "scan", "--simplified"],
    ["constraints", "darkz-C", "--plot", "c.png"],
]


@pytest.mark.parametrize("argv", HEAVY, ids=lambda a: " ".join(a[:2]))
@pytest.mark.parametrize(
    "option, needles",
    [
        (["--workers", "0"], ("--workers", "0")),
        (["--workers", "many"], ("--workers",)),
        (["--scheduler", "localhost"], ("--scheduler", "tcp://HOST:PORT")),
        (["--workers", "2", "--scheduler", "tcp://127.0.0.1:8786"], ("--scheduler", "not both")),
        (["--scheduler", "tcp://127.0.0.1:9"], ("--scheduler", "cannot reach")),
    ],
    ids=["zero", "word", "address", "both", "unreachable"],
)
def test_bad_execution_options_stop_before_any_computation(workdir, capsys, argv, option, needles):
    fails(argv + option, capsys, *needles)


def test_toys_need_the_published_likelihood(workdir, capsys):
    fails(["knunu", "scan", "--simplified", "--toys", "3"], capsys, "--toys", "published")


@pytest.mark.slow
def test_run_on_two_workers_writes_the_serial_numbers(workdir, capsys):
    """``fitkit run --workers 2``: the fits run as Dask tasks, the results are the serial ones."""
    import json

    from tests.cli.conftest import run_cli

    names = ["bsll-sm-muon", "bsll-sm"]
    summaries = []
    for extra, out in (([], "serial"), (["--workers", "2"], "dask")):
        code, _, err = run_cli(["run", *names, "--no-scans", "--no-reproduce", "--output", out, *extra], capsys)
        assert code == 0, err
        summaries.append({e["name"]: e["chi2_min"] for e in json.loads((workdir / out / "summary.json").read_text())})
    assert summaries[0] == summaries[1] and set(summaries[0]) == set(names)
