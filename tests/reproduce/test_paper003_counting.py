"""003 reproduction rows of the BaBar / Belle counting likelihoods (fast: no Belle II fits)."""

from __future__ import annotations

from fitkit.reproduce.paper003 import counting_rows


def test_counting_rows_within_tolerance_except_documented_kstar_central_value():
    rows = {r.quantity: r for r in counting_rows()}
    assert len(rows) == 5
    differs = {q for q, r in rows.items() if not r.ok}
    assert differs == {"BaBar B->K*nunu BR x1e5, counting"}
    assert "inside fitkit's 1 sigma" in rows["BaBar B->K*nunu BR x1e5, counting"].note


def test_toys_row_reads_the_scan_result(tmp_path):
    import json

    import pytest

    from fitkit.errors import InputError
    from fitkit.reproduce.paper003 import toys_rows

    with pytest.raises(InputError, match="missing.json"):
        toys_rows(tmp_path / "missing.json")
    lee = {"toys": 1000, "seed": 7, "p_global": 0.004, "significance_global": 2.88, "gross_vitells_significance_global": 3.0}
    path = tmp_path / "light_x.json"
    path.write_text(json.dumps({"likelihood": "simplified", "significance_local": 3.58, "lee": lee}))
    assert toys_rows(path) == []  # toys need the published likelihood
    path.write_text(json.dumps({"likelihood": "full", "significance_local": 3.58, "lee": lee}))
    (row,) = toys_rows(path)
    assert row.fitkit_value == 2.88 and row.paper_value == 3.58 and row.ok
    assert "1000 toys, seed 7" in row.note
