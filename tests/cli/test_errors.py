"""The error promise (issue 11 item 5): bad input -> exit code 2, ONE line naming file, entry and
field, no traceback, nothing written, before any computation.

Each test runs the CLI in a scratch working directory and checks that no file appeared there.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from fitkit.cli import main
from tests.cli.conftest import fails

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def fitdefs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A likelihoods folder (FITKIT_LIKELIHOODS_DIR) holding a copy of darkz-A.yaml."""
    d = tmp_path / "likelihoods"
    d.mkdir()
    (d / "darkz-A.yaml").write_text((REPO / "likelihoods" / "darkz-A.yaml").read_text())
    monkeypatch.setenv("FITKIT_LIKELIHOODS_DIR", str(d))
    return d


#: The data selection of likelihoods/darkz-A.yaml (a pinned paper fit: its cards by id).
DATA = next(ln for ln in (Path(__file__).resolve().parents[2] / "likelihoods" / "darkz-A.yaml").read_text().splitlines() if ln.startswith("data:"))


def _variant(fitdefs: Path, name: str, old: str, new: str) -> Path:
    text = (fitdefs / "darkz-A.yaml").read_text()
    assert old in text
    path = fitdefs / f"{name}.yaml"
    path.write_text(text.replace(old, new).replace("name: darkz-A", f"name: {name}"))
    return path


# ----------------------------------------------------------------------------- tracebacks before
def test_non_utf8_card(data_dir: Path, workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (data_dir / "bsll" / "latin1.yaml").write_bytes("id: caf\xe9\n".encode("latin-1"))
    fails(["data", "validate"], capsys, "latin1.yaml", "not UTF-8 text (byte 7)")


def test_missing_data_dir_even_for_help(tmp_path: Path) -> None:
    env = {**os.environ, "FITKIT_DATA_DIR": str(tmp_path / "nowhere")}
    r = subprocess.run([str(Path(sys.executable).parent / "fitkit"), "--help"], env=env, capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 2, r.stderr
    assert r.stdout == "" and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    assert "field FITKIT_DATA_DIR" in r.stderr and "nowhere" in r.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("convention: physical}", "convention: physical, n_nu: abc}", "field options.n_nu"),
        ("convention: physical}", "convention: bogus}", "field options.convention"),
        ("convention: physical}", "convention: physical, f_inv: abc}", "field options.f_inv"),
        ("convention: physical}", "convention: physical, nwa: maybe}", "field options.nwa"),
        ("convention: physical}", "convention: physical, n_nu: -3}", "field options.n_nu"),
        (DATA, DATA.replace("tags: [table1-002]", "tags: [[table1-002]]"), "field data.tags.0"),
        ("grid: {M_ZD: 90", "grid: {M_ZD: -3", "field fit.grid.M_ZD"),
        ("points: [60, 40], method: grid}\n  - {x: M_ZD, y: eps,", "points: [60, 1], method: grid}\n  - {x: M_ZD, y: eps,", "field scans.0.points.1"),
        ("{x: M_ZD, y: eps_Z,", "{x: M_ZD, y: M_ZD,", "field scans.0"),
    ],
    ids=["n_nu-abc", "convention-bogus", "f_inv-abc", "nwa-maybe", "n_nu-negative", "tags-nested", "grid-negative", "scan-points-1", "scan-same-axes"],
)
def test_bad_fit_definition(fitdefs: Path, workdir: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, field: str) -> None:
    path = _variant(fitdefs, "bad", old, new)
    fails(["chi2", "bad"], capsys, str(path), field)
    fails(["data", "validate", str(path)], capsys, str(path), field)


def test_fit_name_of_5000_characters(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fails(["fit", "a" * 5000], capsys, "field NAME", "invalid fit name")


def test_plot_under_a_file(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (workdir / "afile").write_text("x")
    fails(["scan", "darkz-A", "--x", "M_ZD", "--plot", "afile/scan.png"], capsys, "afile/scan.png", "field --plot", "is a file, not a folder")


def test_output_under_a_file(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (workdir / "afile").write_text("x")
    fails(["run", "bsll-sm", "--output", "afile/out"], capsys, "afile/out", "field --output", "is a file, not a folder")
    fails(["knunu", "scan", "--simplified", "--output", "afile/out"], capsys, "afile/out", "field --output")


def test_output_on_an_unwritable_folder(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # /sys refuses new files even to root
    fails(["run", "bsll-sm", "--output", "/sys/fitkit-out"], capsys, "/sys/fitkit-out", "field --output", "not writable")
    fails(["scan", "darkz-A", "--x", "M_ZD", "--plot", "/sys/scan.png"], capsys, "/sys/scan.png", "field --plot", "not writable")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_output_on_a_read_only_folder(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ro = workdir / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        fails(["run", "bsll-sm", "--output", "ro/out"], capsys, "ro/out", "field --output", "not writable")
    finally:
        ro.chmod(0o755)


def test_plot_with_an_unknown_suffix(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fails(["scan", "darkz-A", "--x", "M_ZD", "--plot", "scan.xyz"], capsys, "scan.xyz", "field --plot", "unknown file type")


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ('{"lee": {"toys": 10', "not a JSON toys result"),
        ('[1, 2]', "expected a JSON object"),
        ('{"lee": []}', "field lee"),
        ('{"lee": {"toys": 10, "seed": 1, "p_global": 0.1, "significance_global": "x", "gross_vitells_significance_global": 2}}',
         "field lee.significance_global"),
    ],
    ids=["truncated", "list", "lee-not-object", "string-significance"],
)
def test_bad_toys_result(workdir: Path, capsys: pytest.CaptureFixture[str], content: str, needle: str) -> None:
    path = workdir / "light_x.json"
    path.write_text(content)
    fails(["fit", "knunu-belle2-sm", "--toys-result", str(path)], capsys, "light_x.json", needle)
    fails(["reproduce", "003", "--toys-result", str(path)], capsys, "light_x.json", needle)


# ----------------------------------------------------------------------------- exit 0 with nonsense before
@pytest.mark.parametrize("value", ["-1", "1e-300", "100"])
def test_chi2_at_outside_bounds(workdir: Path, capsys: pytest.CaptureFixture[str], value: str) -> None:
    fails(["chi2", "darkz-A", "--at", f"M_ZD={value}"], capsys, "likelihoods/darkz-A.yaml", "entry M_ZD", "field --at", "outside the bounds [0.01, 2]")


def test_chi2_at_sm_value_outside_bounds_is_allowed(capsys: pytest.CaptureFixture[str]) -> None:
    """eps = 0 (the SM) lies outside the log-scale bounds but is the point chi2_SM is computed at."""
    try:
        main(["chi2", "darkz-A", "--at", "eps=0", "--at", "eps_Z=0", "--json"])
    except SystemExit as exc:
        assert not exc.code
    assert '"chi2": 93.' in capsys.readouterr().out


@pytest.mark.parametrize("points", ["0", "-5", "1"])
def test_scan_points(workdir: Path, capsys: pytest.CaptureFixture[str], points: str) -> None:
    fails(["scan", "darkz-A", "--x", "M_ZD", "--points", points], capsys, "fitkit scan", "'--points'", "range")


def test_scan_same_axes(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fails(["scan", "darkz-A", "--x", "M_ZD", "--y", "M_ZD"], capsys, "likelihoods/darkz-A.yaml", "entry M_ZD", "field --y", "same parameter")


def test_scan_axis_not_free(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fails(["scan", "darkz-A", "--x", "g_mu"], capsys, "likelihoods/darkz-A.yaml", "entry g_mu", "field --x")


def test_card_value_1e300(data_dir: Path, workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    card = data_dir / "bsll" / "test_card.yaml"
    card.write_text(card.read_text().replace("value: 2.33", "value: 1.0e300"))
    fails(["data", "validate"], capsys, "test_card.yaml", "entry m1", "field value", "magnitude must be at most 1e+30, got 1e+300")


def _copy_aux(data_dir: Path, relative: str) -> Path:
    dest = data_dir / relative
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text((REPO / "data" / relative).read_text())
    return dest


@pytest.fixture
def no_fitdefs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty likelihoods folder: ``data validate`` then checks the data folder only."""
    d = tmp_path / "no-likelihoods"
    d.mkdir()
    monkeypatch.setenv("FITKIT_LIKELIHOODS_DIR", str(d))
    return d


def test_negative_observed_counts_in_a_yields_card(
    data_dir: Path, no_fitdefs: Path, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from fitkit.likelihood.belle2_knunu import _cached_likelihood

    card = _copy_aux(data_dir, "bknunu/yields/belle2_2023_simplified.yaml")
    card.write_text(card.read_text().replace("observed: [1830,", "observed: [-1830,", 1))
    needles = ("belle2_2023_simplified.yaml", "entry A__Bsig", "field observed.0", "greater than or equal to 0")
    fails(["data", "validate", str(card)], capsys, *needles)
    fails(["data", "validate"], capsys, *needles)
    # a fit on the simplified card reads it through the same validation, before fitting
    (no_fitdefs / "simple.yaml").write_text(
        "model: knunu-mu\nterms: [{type: belle2-knunu, likelihood: simplified}]\nparameters: {mu: {start: 1.0, bounds: [-2, 15]}}\n"
    )
    _cached_likelihood.cache_clear()
    fails(["chi2", "simple"], capsys, *needles)


@pytest.mark.parametrize(
    ("q2", "needle"),
    [(["1e300", "1e300"], "outside the physical range"), (["-1", "-1"], "outside the physical range")],
    ids=["1e300", "negative"],
)
def test_predict_q2_outside_the_physical_range(workdir: Path, capsys: pytest.CaptureFixture[str], q2: list[str], needle: str) -> None:
    fails(["predict", "dBR/dq2(B+->Kmumu)", "--q2", *q2], capsys, "field --q2", needle)


def test_predict_bin_beyond_the_endpoint(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fails(["predict", "<dBR/dq2>(B+->Kmumu)", "--q2", "20", "30"], capsys, "field --q2", "22.9")


# ----------------------------------------------------------------------------- accepted silently before
def test_card_superseding_an_unknown_id(data_dir: Path, workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    card = data_dir / "bsll" / "test_card.yaml"
    card.write_text(card.read_text().replace("tags: [bsll, muon]", "supersedes: [no_such_card]\ntags: [bsll, muon]"))
    fails(["data", "validate"], capsys, "test_card.yaml", "entry test_card", "field supersedes", "unknown card id 'no_such_card'")


def test_card_superseding_itself(data_dir: Path, workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    card = data_dir / "bsll" / "test_card.yaml"
    card.write_text(card.read_text().replace("tags: [bsll, muon]", "supersedes: [test_card]\ntags: [bsll, muon]"))
    fails(["data", "validate"], capsys, "test_card.yaml", "entry test_card", "field supersedes", "itself")


def test_measurement_id_in_two_cards(data_dir: Path, workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (data_dir / "bsll" / "test_card.yaml").read_text()
    (data_dir / "bsll" / "zz_copy.yaml").write_text(text.replace("id: test_card", "id: other_card"))
    fails(["data", "validate"], capsys, "zz_copy.yaml", "entry m1", "field measurements.id", "test_card")


# ----------------------------------------------------------------------------- data validate == fit's checks
@pytest.mark.parametrize(
    ("old", "new", "needles"),
    [
        ("model: darkz-A", "model: darkz-Q", ("field model", "unknown model")),
        ("M_ZD: {start: 0.0101,", "M_ZD: {start: 5.0,", ("entry M_ZD", "field parameters.start", "outside bounds")),
        ("  eps: {start", "  m_nope: {start: 1.0}\n  eps: {start", ("entry m_nope", "field parameters", "unknown parameter")),
        (DATA, "terms: [{type: nonsense}]", ("field terms.type", "unknown likelihood term type")),
        (DATA, "data: {cards: [no_such_card]}", ("unknown card id(s): no_such_card",)),
        (DATA, "data: {tag: [bsll]}", ("field data.tag", "unknown field")),
        (DATA, DATA.replace("}", ", exclude_ids: [nope]}"), ("field exclude_ids", "nope")),
    ],
    ids=["model", "start-outside-bounds", "unknown-parameter", "term-type", "selection-card", "selection-key", "exclude-unknown-id"],
)
def test_data_validate_checks_what_fit_checks(
    fitdefs: Path, workdir: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, needles: tuple[str, ...]
) -> None:
    path = _variant(fitdefs, "bad", old, new)
    fails(["data", "validate"], capsys, *needles)
    fails(["data", "validate", str(path)], capsys, *needles)
    fails(["chi2", "bad"], capsys, *needles)


def test_data_validate_checks_counting_and_limit_files(data_dir: Path, no_fitdefs: Path, workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    counting = _copy_aux(data_dir, "bknunu/counting/babar_2013_hta.yaml")
    limits = _copy_aux(data_dir, "bknunu/limits/belle_2017_bknunu.yaml")
    code = 0
    try:
        main(["data", "validate"])
    except SystemExit as exc:
        code = int(exc.code or 0)
    assert code == 0 and "2 yields/counting/limit files" in capsys.readouterr().out
    counting.write_text(counting.read_text().replace("n_bb:", "n_bb: -1\nold_n_bb:", 1))
    fails(["data", "validate"], capsys, "babar_2013_hta.yaml")
    counting.unlink()
    limits.write_text(limits.read_text() + "\nbogus_key: 1\n")
    fails(["data", "validate"], capsys, "belle_2017_bknunu.yaml", "field bogus_key", "unknown field")


# ----------------------------------------------------------------------------- YAML denial of service
BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
    for i in range(9)
)


def test_yaml_alias_bomb_in_a_card_is_refused(data_dir: Path, workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert len(BOMB) < 1100  # 9^10 = 3.5e9 leaves once expanded
    (data_dir / "bsll" / "bomb.yaml").write_text(BOMB)
    fails(["data", "validate"], capsys, "bomb.yaml", "anchors and aliases", "line 1")


def test_yaml_alias_in_a_fit_definition_is_refused(fitdefs: Path, workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _variant(fitdefs, "alias", DATA, "data: &sel {tags: [bsll]}\nsame: *sel")
    fails(["chi2", "alias"], capsys, str(path), "anchors and aliases")


def test_constraints_negative_mass_and_plot_under_a_file(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fails(["constraints", "darkz-A", "--at", "M_ZD=-1"], capsys, "entry M_ZD", "field --at", "must be > 0 GeV")
    (workdir / "afile").write_text("x")
    fails(["constraints", "darkz-A", "--at", "M_ZD=0.1", "--plot", "afile/x.png"], capsys, "afile/x.png", "field --plot")
    fails(["constraints", "darkz-A", "--at", "M_ZD=0.1", "--plot", "x.png", "--plane", "M_ZD", "M_ZD"], capsys, "field --plane")
