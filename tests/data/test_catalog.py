"""The shipped cards: 002 Table 1 with the missing LHCb 2014 row."""

from __future__ import annotations

import pytest

from fitkit.data.catalog import Catalog
from fitkit.data.observables import parse_observable


def test_table1_has_27_observables_21_muon() -> None:
    cat = Catalog()
    ms = cat.select(tags=["table1-002"], include_superseded=True)
    assert len(ms) == 27
    assert len(cat.select(tags=["table1-002", "muon"], include_superseded=True)) == 21
    assert len(cat.select(tags=["table1-002", "electron"], include_superseded=True)) == 6
    assert all(m.sm is not None and m.sm_error > 0 for m in ms)


def test_missing_row_is_lhcb_2014_kmumu_5_6() -> None:
    (m,) = Catalog().select(ids=["lhcb2014_Kp_mumu_5.0_6.0"])
    assert m.value == pytest.approx(2.31e-8) and m.q2 == (5.0, 6.0)
    assert parse_observable(m.observable) == ("<dBR/dq2>", "B+", "K", "mu")


def test_leptons_match_observables() -> None:
    for m in Catalog().select(tags=["table1-002"], include_superseded=True):
        assert parse_observable(m.observable).lepton == m.lepton
