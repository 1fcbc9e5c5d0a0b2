"""Cards that validated before issue 11 and gave nonsense: each is refused naming file, entry, field."""

from __future__ import annotations

from pathlib import Path

import pytest

from fitkit.data.catalog import load_card
from fitkit.errors import InputError
from tests.conftest import GOOD_CARD

CORR = "correlations:\n  - {between: [m1, m2], rho: 0.5}\n"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("    q2: [1.1, 2.0]", "    lepton: tau\n    q2: [1.1, 2.0]", "entry m1: field lepton: Value error, lepton 'tau' contradicts"),
        ("uncertainty: {stat: 0.16}", "uncertainty: {stat: [1, 2, 3]}", "entry m2: field uncertainty.stat: "),
        ("value: 2.33", "value: 1.0e300", "entry m1: field value: Value error, magnitude must be at most 1e+30"),
        ("uncertainty: {stat: 0.16}", "uncertainty: {stat: 1.0e-40}", "entry m2: field uncertainty: Value error, component 'stat': uncertainty must be >= 1e-30"),
        ("scale: 1.0e-8", "scale: 1.0e-300", "entry test_card: field scale: Value error, scale must be in"),
    ],
    ids=["lepton", "uncertainty-triple", "value-1e300", "error-1e-40", "scale-1e-300"],
)
def test_bad_entry(tmp_path: Path, old: str, new: str, message: str) -> None:
    assert old in GOOD_CARD
    p = tmp_path / "card.yaml"
    p.write_text(GOOD_CARD.replace(old, new))
    with pytest.raises(InputError) as exc:
        load_card(p)
    text = str(exc.value)
    assert text.startswith(f"{p}: ")
    assert any(m in text for m in message.split("|")), text
    assert "function-after" not in text


@pytest.mark.parametrize(
    ("corr", "message"),
    [
        ("  - {between: [m1, m1], rho: 0.5}\n", "with itself"),
        ("  - {between: [m1, m2], rho: 0.5}\n  - {between: [m2, m1], rho: 0.4}\n", "given twice"),
        ("  - {between: [m1, m2], rho: 1.0}\n", "not positive definite"),
        ("  - {between: [m1, nope], rho: 0.1}\n", "unknown measurement id 'nope'"),
    ],
    ids=["self", "twice", "singular", "unknown-id"],
)
def test_bad_correlations(tmp_path: Path, corr: str, message: str) -> None:
    p = tmp_path / "card.yaml"
    p.write_text(GOOD_CARD + "correlations:\n" + corr)
    with pytest.raises(InputError, match=f"card.yaml: entry test_card: field correlations: .*{message}"):
        load_card(p)


def test_non_positive_definite_three_measurements(tmp_path: Path) -> None:
    """Each |rho| < 1, but together impossible: the chi2 would be computed with a wrong metric."""
    third = GOOD_CARD.split("  - id: m2")[1].replace("m2", "m3").replace("[2.0, 3.0]", "[3.0, 4.0]")
    corr = "correlations:\n  - {between: [m1, m2], rho: 0.99}\n  - {between: [m2, m3], rho: 0.99}\n  - {between: [m1, m3], rho: -0.99}\n"
    p = tmp_path / "card.yaml"
    p.write_text(GOOD_CARD + "  - id: m3" + third + corr)
    with pytest.raises(InputError, match="field correlations: .*smallest eigenvalue -0.98"):
        load_card(p)
    p.write_text(GOOD_CARD + "  - id: m3" + third + corr.replace("-0.99", "0.98"))
    assert len(load_card(p).correlations) == 3


REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("relative", "old", "new", "message"),
    [
        ("bknunu/counting/babar_2013_hta.yaml", "n_obs: 6\n", "n_obs: 6.5\n", "entry babar2013_Kp: field n_obs: Input should be a valid integer"),
        ("bknunu/counting/babar_2013_hta.yaml", "n_obs: 6\n", "n_obs: 1.0e300\n", "entry babar2013_Kp: field n_obs:"),
        ("bknunu/limits/belle_2017_bknunu.yaml", "upper_limit: 1.9e-5", "upper_limit: 1.0e300", "entry belle2017_Kp_nunu: field upper_limit:"),
        ("bknunu/yields/belle2_2023_simplified.yaml", "mcstat: [25.5496,", "mcstat: [25.5496, 1.0,", "entry A__Bsig_H_reconstructed"),
    ],
    ids=["count-fraction", "count-1e300", "limit-1e300", "yields-bins"],
)
def test_bad_counting_limit_and_yields_files(tmp_path: Path, relative: str, old: str, new: str, message: str) -> None:
    from fitkit.data.catalog import load_yields_card
    from fitkit.data.limits import load_limit_file
    from fitkit.likelihood.counting import load_counting_card

    loader = {"counting": load_counting_card, "limits": load_limit_file, "yields": load_yields_card}[relative.split("/")[1]]
    text = (REPO / "data" / relative).read_text()
    assert old in text
    p = tmp_path / "file.yaml"
    p.write_text(text.replace(old, new, 1))
    with pytest.raises(InputError, match=f"file.yaml: {message}"):
        loader(p)
