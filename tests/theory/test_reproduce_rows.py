"""fitkit/reproduce/theory_flavio.py: the SM column of 002 Table 1, native engine within 3 % (inclusive 6 %)."""

from fitkit.reproduce.theory_flavio import PAPER, rows


def test_rows_cover_table1_and_pass():
    out = rows()
    assert PAPER == "002" and len(out) == 27
    bad = [(r.quantity, r.paper_value, r.fitkit_value) for r in out if not r.ok]
    assert not bad
