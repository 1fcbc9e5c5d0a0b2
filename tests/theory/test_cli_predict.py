"""``fitkit predict`` (fitkit/cli/predict.py): text and JSON output, flavio-like WC names, errors."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from fitkit.cli import main
from fitkit.cli.predict import parse_wc_option, predict
from fitkit.errors import InputError
from fitkit.theory import constant_wc
from fitkit.theory import predict as theory_predict


def run(*args):
    return CliRunner().invoke(predict, list(args), standalone_mode=False, catch_exceptions=False)


def test_json_output_matches_the_library():
    res = run("<dBR/dq2>(B0->K*mumu)", "--q2", "1.1", "6.0", "--wc", "C9_bsmumu=-1", "--wc", "C10_bsmumu=0.5", "--json")
    out = json.loads(res.output)
    assert set(out) == {"observable", "q2", "sm", "np", "wc"}
    assert out["q2"] == [1.1, 6.0]
    assert out["wc"] == {"C9_bsmumu": -1.0, "C10_bsmumu": 0.5}
    assert out["sm"] == pytest.approx(float(theory_predict("<dBR/dq2>(B0->K*mumu)", (1.1, 6.0))[0]), rel=1e-12)
    ref = theory_predict("<dBR/dq2>(B0->K*mumu)", (1.1, 6.0), constant_wc({"C9": -1.0, "C10": 0.5}))[0]
    assert out["np"] == pytest.approx(float(ref), rel=1e-12)


def test_lepton_specific_shift_leaves_the_other_lepton_alone():
    out = json.loads(run("<dBR/dq2>(B+->Kee)", "--q2", "1.1", "6.0", "--wc", "C9_bsmumu=-1", "--json").output)
    assert out["np"] == pytest.approx(out["sm"], rel=1e-12)
    out = json.loads(run("<R>(B+->Kll)", "--q2", "1.1", "6.0", "--wc", "C9_bsmumu=-1", "--json").output)
    assert out["sm"] == pytest.approx(1.0, abs=2e-3) and out["np"] < 0.85


def test_neutrinos_total_and_point():
    out = json.loads(run("BR(B+->Knunu)", "--wc", "CL_bsnunu=1.5", "--json").output)
    assert out["q2"] is None and 4e-6 < out["sm"] < 5e-6 and out["np"] < out["sm"]
    out = json.loads(run("dBR/dq2(B+->Knunu)", "--q2", "5", "5", "--json").output)
    assert out["sm"] == pytest.approx(float(theory_predict("dBR/dq2(B+->Knunu)", [5.0])[0, 0]), rel=1e-12)


def test_text_output():
    res = run("<dBR/dq2>(B+->Kmumu)", "--q2", "1.1", "6.0", "--wc", "C9_bsmumu=-1")
    assert "SM     :" in res.output and "SM+NP  :" in res.output and "NP/SM  :" in res.output


@pytest.mark.parametrize(
    "text,expected",
    [("C9_bsmumu=-1", ("C9", "mu", -1 + 0j)), ("C10p_bsee=0.5-0.1j", ("C10p", "e", 0.5 - 0.1j)),
     ("C7_bs=0.02", ("C7", None, 0.02 + 0j)), ("CR_bsnunu=2", ("CR", "nu", 2 + 0j)), ("C9=1", ("C9", None, 1 + 0j))],
)  # fmt: skip
def test_parse_wc_option(text, expected):
    assert parse_wc_option(text) == expected


@pytest.mark.parametrize("text", ["C9_bsmumu", "C11_bsmumu=1", "C9_bstautau=1", "CL_bsmumu=1", "C7_bsmumu=1", "C9_bsmumu=abc"])
def test_bad_wc_names_raise_input_error(text):
    with pytest.raises(InputError):
        parse_wc_option(text)


@pytest.mark.parametrize(
    "args",
    [["<dBR/dq2>(B+->Kmumu)"], ["<dBR/dq2>(B+->Xmumu)", "--q2", "1", "2"], ["dBR/dq2(B+->Knunu)", "--q2", "1", "2"],
     ["<dBR/dq2>(B+->Kmumu)", "--q2", "2", "1"], ["<dBR/dq2>(B+->Kmumu)", "--q2", "1", "2", "--wc", "C9_bsmumu=x"]],
)  # fmt: skip
def test_errors_exit_with_code_2(args, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["predict", *args])
    assert exc.value.code == 2
    assert "fitkit: error:" in capsys.readouterr().err
