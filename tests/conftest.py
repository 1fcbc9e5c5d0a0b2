"""Shared fixtures: a scratch data folder with one valid card, and CLI runners."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

GOOD_CARD = textwrap.dedent(
    """\
    id: test_card
    source: {experiment: LHCb, arxiv: "1403.8044", year: 2014}
    tags: [bsll, muon]
    scale: 1.0e-8
    measurements:
      - id: m1
        observable: "<dBR/dq2>(B+->Kmumu)"
        q2: [1.1, 2.0]
        value: 2.33
        uncertainty: {stat: 0.15, syst: [+0.12, -0.10]}
        sm: {value: 3.53, error: 0.58, source: test}
      - id: m2
        observable: "<dBR/dq2>(B+->Kmumu)"
        q2: [2.0, 3.0]
        value: 2.82
        uncertainty: {stat: 0.16}
        sm: {value: 3.51, error: 0.52, source: test}
    """
)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data folder holding GOOD_CARD, installed as FITKIT_DATA_DIR."""
    d = tmp_path / "data" / "bsll"
    d.mkdir(parents=True)
    (d / "test_card.yaml").write_text(GOOD_CARD)
    monkeypatch.setenv("FITKIT_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The suite runs the same whatever the user's shell has set: no fitkit variable leaks in."""
    for var in ("FITKIT_DATA_DIR", "FITKIT_LIKELIHOODS_DIR", "FITKIT_DATA_MIRROR", "FITKIT_CACHE_DIR", "FITKIT_KNUNU_RESULT"):
        monkeypatch.delenv(var, raising=False)
