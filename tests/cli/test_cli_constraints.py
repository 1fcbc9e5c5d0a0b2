"""``fitkit constraints NAME [--at P=V ...] [--json]``."""

import json

import pytest
from click.testing import CliRunner

from fitkit.cli import cli

NAMES = {
    "bs_mixing", "bs_mumu", "b_knunu", "k_pinunu", "delta_mk", "k_munu_x", "k_munu_ee",
    "pi_munu_x", "apv", "trident", "cevns", "w_width", "lhcb_darkphoton", "g_minus_2",
}


def test_json_at_point():
    r = CliRunner().invoke(cli, ["constraints", "darkz-C", "--at", "M_ZD=0.15", "--at", "g_mu=0.025", "--json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert d["point"] == {"M_ZD": 0.15, "eps": 1e-4, "eps_Z": 1e-4, "g_mu": 0.025}
    assert {c["name"] for c in d["constraints"]} == NAMES
    for c in d["constraints"]:
        assert {"name", "prediction", "measurement_or_limit", "excluded", "cl"} <= set(c)


def test_case_b_defaults_and_table(tmp_path):
    r = CliRunner().invoke(cli, ["constraints", "B", "--at", "M_ZD=0.0103", "--at", "g_mu=0.28", "--only", "w_width",
                                 "--plot", str(tmp_path / "b.png"), "--plane", "M_ZD", "g_mu"])
    assert r.exit_code == 0, r.output
    assert "w_width" in r.output and "EXCLUDED" in r.output
    assert (tmp_path / "b.png").exists()


def test_bad_parameter_is_an_input_error():
    r = CliRunner().invoke(cli, ["constraints", "C", "--at", "mass=0.1"])
    assert r.exit_code != 0


def test_table_of_paper_best_fits():
    r = CliRunner().invoke(cli, ["constraints-table", "--no-fits", "--json"])
    assert r.exit_code == 0, r.output
    rows = {row["case"]: row for row in json.loads(r.output)}
    assert "apv" in rows["A"]["excluded_by"]
    assert {"k_munu_x", "w_width"} <= set(rows["B"]["excluded_by"])


@pytest.mark.slow
def test_overlay_on_the_fit_scan(tmp_path):
    out = tmp_path / "c.png"
    r = CliRunner().invoke(cli, ["constraints", "darkz-C", "--at", "M_ZD=0.15", "--at", "g_mu=0.025", "--only", "trident",
                                 "--only", "w_width", "--plot", str(out), "--with-scan"])
    assert r.exit_code == 0, r.output
    assert out.exists() and out.stat().st_size > 10_000
