"""What the terminal says: one stderr line per finished stage (also off a TTY), "fit i of N",
MIGRAD as its own stage, where the results went, MINOS intervals, full short help texts."""

from __future__ import annotations

import inspect
import re

import click
import pytest
from click.testing import CliRunner

from fitkit.cli import cli
from fitkit.cli._progress import progress_bar, stages

STAGE = re.compile(r"^fitkit: (.+): (\d+)/(\d+)(?: [\w +]+)? in [\d.]+ s$")


@pytest.fixture(scope="module")
def run_log(tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    res = CliRunner().invoke(cli, ["run", "massless-dark-photon", "--no-reproduce", "--output", str(out)])
    assert res.exit_code == 0, res.output
    return res, out


def test_run_log_says_what_ran_how_long_and_where(run_log):
    """What `make run > log 2>&1` leaves: the plan, fit i of N, each stage with counts and time,
    the files written, the total time."""
    res, out = run_log
    err = res.stderr.splitlines()
    assert err[0] == f"fitkit: run: 1 fit (massless-dark-photon), results in {out}/"
    assert "fitkit: fit 1 of 1: massless-dark-photon" in err
    stage_lines = [m.groups() for line in err if (m := STAGE.match(line))]
    names = [g[0] for g in stage_lines]
    assert names == ["fit massless-dark-photon", "scan massless-dark-photon Lambda_alpha_D", "scan massless-dark-photon alpha_D"]
    assert all(done == total for _, done, total in stage_lines)
    assert ("fit massless-dark-photon", "1681", "1681") in stage_lines  # the 41 x 41 start grid
    # MIGRAD is a stage of its own (the bar does not sit at 100% while it runs)
    assert any(re.fullmatch(r"fitkit: fit massless-dark-photon: MIGRAD \+ HESSE in [\d.]+ s", line) for line in err)
    figures = [line for line in err if line.startswith("fitkit: figure ")]
    assert len(figures) == 3 and all(re.search(r": done in [\d.]+ s$", line) for line in figures)
    assert re.fullmatch(r"fitkit: fit 1 of 1: massless-dark-photon done in [\d.]+ s", err[-2])
    assert err[-1].startswith("fitkit: run: finished in ") and err[-1].endswith(f"results in {out}/")
    written = [line for line in res.stdout.splitlines() if line.startswith("written: ")]
    files = [f for line in written for f in line.removeprefix("written: ").split(", ")]
    assert str(out / "massless-dark-photon" / "scan_alpha_D.png") in files and str(out / "summary.json") in files
    assert all((out / f).exists() for f in files)
    assert "\x1b[" not in res.output  # off a TTY: no terminal control codes, no bars


def test_stage_line_off_tty_for_a_counted_stage(capsys):
    with progress_bar("toys", unit="toys") as bar:
        for i in range(1, 4):
            bar(25 * i, 75)
    assert re.fullmatch(r"fitkit: toys: 75/75 toys in [\d.]+ s\n", capsys.readouterr().err)


def test_named_stages_each_get_a_line(capsys):
    with stages("knunu scan") as progress:
        progress("SM fits", 0, 2)
        progress("SM fits", 2, 2)
        progress("toys", 0, 50)
        progress("toys", 50, 50)
    lines = capsys.readouterr().err.splitlines()
    assert [re.sub(r"in [\d.]+ s", "in T", line) for line in lines] == ["fitkit: knunu scan: SM fits: 2/2 in T", "fitkit: knunu scan: toys: 50/50 in T"]


def test_failed_stage_says_so(capsys):
    with pytest.raises(RuntimeError), progress_bar("scan x") as bar:
        bar(3, 10)
        raise RuntimeError("boom")
    assert capsys.readouterr().err.startswith("fitkit: scan x: stopped after ")


def test_minos_interval_in_the_table():
    res = CliRunner().invoke(cli, ["fit", "massless-dark-photon", "--minos"])
    assert res.exit_code == 0, res.output
    rows = [line for line in res.stdout.splitlines() if re.match(r"\W+(alpha_D|Lambda) ", line)]
    assert len(rows) == 2 and all(re.search(r"\(MINOS [-+][\d.e+-]+ [-+][\d.e+-]+\)", r) for r in rows), res.stdout
    assert "MIGRAD + HESSE + MINOS in" in res.stderr
    plain = CliRunner().invoke(cli, ["fit", "massless-dark-photon"])
    assert "MINOS" not in plain.stdout  # only when computed


def _commands(group: click.Group, prefix: str = ""):
    from fitkit.cli import load_all

    load_all()  # the CLI imports command modules lazily: walk all of them, not only those loaded
    for name, cmd in group.commands.items():
        yield prefix + name, cmd
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, prefix + name + " ")


@pytest.mark.parametrize("name,cmd", list(_commands(cli)), ids=[n for n, _ in _commands(cli)])
def test_short_help_is_the_whole_first_line(name, cmd):
    """`fitkit --help` shows the docstring's whole first paragraph (not cut at "sec.")."""
    first = " ".join(inspect.cleandoc(cmd.help or "").split("\n\n")[0].split())
    assert cmd.get_short_help_str(limit=45) == first


def test_constraints_help_not_cut_at_sec():
    res = CliRunner().invoke(cli, ["--help"], terminal_width=200)
    line = next(line for line in res.output.splitlines() if line.strip().startswith("constraints "))
    assert "002 sec. 4 at the best fit of NAME" in line


def test_on_a_tty_bars_stay_and_migrad_has_its_own(monkeypatch):
    import io

    from rich.console import Console

    from fitkit.cli import _progress

    buffer = io.StringIO()
    monkeypatch.setattr(_progress, "stderr", Console(file=buffer, force_terminal=True, width=120, color_system=None))
    with progress_bar("fit demo", unit="start points", then="MIGRAD + HESSE") as bar:
        bar(50, 100)
        bar(100, 100)
    text = buffer.getvalue()
    assert "fit demo" in text and "100/100 start points" in text  # the finished bar is still on screen
    assert "fit demo: MIGRAD + HESSE" in text  # a separate task while MIGRAD runs
    assert "0/?" not in text and "fitkit: " not in text  # no empty counts; the bars replace the lines


def test_toy_progress_reaches_the_callback(monkeypatch):
    """run_toys reports each finished toy (serial path; the toys themselves replaced by zeros)."""
    import numpy as np

    from fitkit.inference import toys

    monkeypatch.setattr(toys, "toy_statistic", lambda i, **kw: (0.0, 0.0))
    calls = []
    res = toys.run_toys("unused", np.linspace(0, 4, 5), np.zeros((5, 3)), {}, n_toys=6, progress=lambda d, n: calls.append((d, n)))
    assert calls == [(i, 6) for i in range(1, 7)] and len(res.z_max) == 6
