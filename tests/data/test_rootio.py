"""ROOT I/O: `fitkit data import FILE.root:PATH` and `fitkit scan --root` (files written with uproot here)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import uproot
import yaml

from fitkit.data.catalog import load_card
from fitkit.data.rootio import grid_edges
from tests.cli.conftest import run_cli as _run


@pytest.fixture
def root_file(tmp_path: Path) -> Path:
    p = tmp_path / "in.root"
    with uproot.recreate(p) as f:
        f["dir/h1"] = (np.array([2.1, 3.0, 2.5]), np.array([1.1, 2.0, 4.0, 6.0]))
        f["h2"] = (np.arange(6.0).reshape(2, 3) + 1, np.array([0.0, 1.0, 2.0]), np.array([0.0, 1.0, 2.0, 3.0]))
    return p


def test_th1_becomes_a_valid_card(root_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cards" / "new_card.yaml"
    code, stdout, _ = _run(["data", "import", f"{root_file}:dir/h1", "--output", str(out), "--observable", "<dBR/dq2>(B+->Kmumu)", "--scale", "1e-8"], capsys)
    assert code == 0 and "3 measurements" in stdout
    card = load_card(out)
    assert card.id == "new_card" and [m.q2 for m in card.measurements] == [(1.1, 2.0), (2.0, 4.0), (4.0, 6.0)]
    # uproot fills sumw2 = contents for a (values, edges) tuple: errors sqrt(content)
    np.testing.assert_allclose([m.value for m in card.measurements], np.array([2.1, 3.0, 2.5]) / 1e-8)
    np.testing.assert_allclose([m.uncertainty["total"] for m in card.measurements], np.sqrt([2.1, 3.0, 2.5]) / 1e-8)


def test_th2_becomes_a_map(root_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "map.yaml"
    code, _, _ = _run(["data", "import", f"{root_file}:h2", "--output", str(out)], capsys)
    m = yaml.safe_load(out.read_text())
    assert code == 0 and m["x_edges"] == [0.0, 1.0, 2.0] and m["values"][1] == [4.0, 5.0, 6.0]


@pytest.mark.parametrize(
    ("source", "message"),
    [("{f}:nope", "no object 'nope'"), ("{f}", "expected FILE.root:PATH"), ("{missing}:h", "ROOT file not found"), ("{notroot}:h", "cannot read as ROOT")],
)
def test_import_errors_are_one_line_and_write_nothing(root_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], source: str, message: str) -> None:
    notroot = tmp_path / "x.root"
    notroot.write_text("not root")
    out = tmp_path / "o.yaml"
    code, _, err = _run(["data", "import", source.format(f=root_file, missing=tmp_path / "m.root", notroot=notroot), "--output", str(out), "--observable", "<dBR/dq2>(B+->Kmumu)"], capsys)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1 and not out.exists()


def test_grid_edges_linear_and_log() -> None:
    np.testing.assert_allclose(grid_edges(np.array([1.0, 2.0, 3.0])), [0.5, 1.5, 2.5, 3.5])
    np.testing.assert_allclose(grid_edges(np.array([1.0, 10.0, 100.0]), "log"), [10**-0.5, 10**0.5, 10**1.5, 10**2.5])


def test_scan_writes_th2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "scan.root"
    code, stdout, err = _run(["scan", "massless-dark-photon", "--x", "alpha_D", "--y", "Lambda", "--points", "6", "--points", "5", "--json", "--root", str(out)], capsys)
    assert code == 0, err
    scan = json.loads(stdout)
    with uproot.open(out) as f:
        values, xe, ye = f["dchi2"].to_numpy()
    np.testing.assert_allclose(values, np.asarray(scan["chi2"]) - scan["chi2_min"], rtol=1e-12)
    np.testing.assert_allclose(xe, grid_edges(np.asarray(scan["x_values"])))
    np.testing.assert_allclose(ye, grid_edges(np.asarray(scan["y_values"]), "log"))


def test_scan_root_needs_root_suffix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(["scan", "massless-dark-photon", "--x", "alpha_D", "--root", str(tmp_path / "x.txt")], capsys)
    assert code == 2 and "must end in .root" in err
