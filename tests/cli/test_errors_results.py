"""Results folder integrity and honest statistics (issue 11 items 4, 6)."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from tests.cli.conftest import fails
from tests.cli.conftest import run_cli as _run

REPO = Path(__file__).resolve().parents[2]


def test_run_updates_summary_removes_stale_outputs_and_temporaries(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = workdir / "out"
    (out / "bsll-sm").mkdir(parents=True)
    (out / "summary.json").write_text(json.dumps([{"name": "other-fit", "status": "complete", "chi2_min": 1.0}]))
    (out / "bsll-sm" / "scan_old.json").write_text("{}")
    (out / "bsll-sm" / "mine.txt").write_text("not fitkit's")
    (out / ".summary.json.abc.tmp").write_text("half")
    (out / "bsll-sm" / ".scan_x.tmp.png").write_text("half")
    code, _, err = _run(["run", "bsll-sm", "--no-scans", "--no-reproduce", "--output", str(out)], capsys)
    assert code == 0, err
    summary = {e["name"]: e for e in json.loads((out / "summary.json").read_text())}
    assert set(summary) == {"other-fit", "bsll-sm"}
    assert summary["bsll-sm"]["status"] == "complete" and summary["other-fit"]["chi2_min"] == 1.0
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert files == ["bsll-sm/fit.json", "bsll-sm/mine.txt", "bsll-sm/pulls.png", "index.html", "summary.json"]
    for f in ("bsll-sm/fit.json", "bsll-sm/pulls.png", "summary.json"):
        assert stat.S_IMODE((out / f).stat().st_mode) == 0o644, f


def test_interrupted_run_is_marked_incomplete(workdir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import fitkit.cli.core as core

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(core, "run_one", interrupted)
    code, _, _ = _run(["run", "bsll-sm", "--no-reproduce", "--output", "out"], capsys)
    assert code == 130
    (entry,) = json.loads((workdir / "out" / "summary.json").read_text())
    assert entry == {"name": "bsll-sm", "status": "incomplete"}


@pytest.mark.parametrize("name", ["../x", "/tmp/x", "sub/x"])
def test_run_refuses_paths_as_names(workdir: Path, capsys: pytest.CaptureFixture[str], name: str) -> None:
    fails(["run", name, "--output", "out"], capsys, "field NAMES", "invalid fit name")


def test_run_refuses_a_malformed_summary(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (workdir / "out").mkdir()
    (workdir / "out" / "summary.json").write_text('[{"name": "x"')
    fails(["run", "bsll-sm", "--output", "out"], capsys, "out/summary.json", "cannot read the existing summary")


def test_fit_reads_no_results_from_the_working_directory(workdir: Path) -> None:
    """A truncated results/knunu/light_x.json in the working directory changes nothing."""
    from fitkit import api

    (workdir / "results" / "knunu").mkdir(parents=True)
    (workdir / "results" / "knunu" / "light_x.json").write_text('{"lee": {"significance_global": 9')
    problem = api.problem("knunu-belle2-sm")
    (cost,) = problem.costs
    extras = cost.extras({**problem.fixed, **problem.start})
    assert set(extras) == {"significance_local"}


def test_fit_json_of_a_poisson_likelihood(
    workdir: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No ndof or p-value for the Belle II likelihood (-2 ln L, not against the saturated model); a
    best fit at a bound is flagged; a toys result passed explicitly adds the global significance."""
    d = tmp_path / "likelihoods"
    d.mkdir()
    (d / "mu-capped.yaml").write_text(
        (REPO / "likelihoods" / "knunu-belle2-sm.yaml").read_text().replace("bounds: [-2.0, 15.0]", "bounds: [-2.0, 2.0]").replace("start: 4.0", "start: 1.0")
    )
    toys = workdir / "toys.json"
    toys.write_text(json.dumps({"likelihood": "full", "significance_local": 3.5, "lee": {
        "toys": 100, "seed": 1, "p_global": 0.01, "significance_global": 2.5, "gross_vitells_significance_global": 2.6}}))
    monkeypatch.setenv("FITKIT_LIKELIHOODS_DIR", str(d))
    code, out, err = _run(["fit", "mu-capped", "--json", "--toys-result", str(toys)], capsys)
    assert code == 0, err
    r = json.loads(out)
    assert r["ndof"] is None and r["p_value"] is None and r["goodness_of_fit"] == "none"
    assert r["parameters"]["mu"]["at_bound"] == "upper"
    assert r["significance_global"] == 2.5 and r["toys_result"] == str(toys)
    code, out, err = _run(["fit", "mu-capped"], capsys)
    assert code == 0, err
    assert "at upper bound" in out and "n/a (Poisson likelihood" in out and "-2 ln L_min" in out and "chi2_min" not in out
    assert sorted(p.name for p in workdir.iterdir()) == ["toys.json"]


def test_chi2_non_finite_is_an_error(workdir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import fitkit.cli.core as core

    monkeypatch.setattr(core, "evaluate", lambda problem, values: float("nan"))
    line = fails(["chi2", "bsll-sm"], capsys, "fit bsll-sm", "chi2 is not a finite number (nan)")
    assert "chi2 =" not in line


def test_fit_minos_errors_in_json(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """MINOS errors, when computed, are in the JSON (asymmetric, around the best fit)."""
    code, out, err = _run(["fit", "knunu-belle2-sm", "--minos", "--json"], capsys)
    assert code == 0, err
    mu = json.loads(out)["parameters"]["mu"]
    assert mu["minos_lower"] < 0 < mu["minos_upper"]
    assert abs(mu["minos_upper"] - mu["minos_lower"]) == pytest.approx(2 * mu["error"], rel=0.3)
