"""003 reproduction rows of the BaBar / Belle counting likelihoods (fast: no Belle II fits)."""

from __future__ import annotations

from fitkit.reproduce.paper003 import counting_rows


def test_counting_rows_within_tolerance_except_documented_kstar_central_value():
    rows = {r.quantity: r for r in counting_rows()}
    assert len(rows) == 6
    differs = {q for q, r in rows.items() if not r.ok}
    assert differs == {"BaBar B->K*nunu BR x1e5, counting"}
    assert "inside fitkit's 1 sigma" in rows["BaBar B->K*nunu BR x1e5, counting"].note
