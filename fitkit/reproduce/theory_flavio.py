"""002 Table 1, SM column: fitkit's native SM predictions next to the printed SM expectations.

The SM column of 002 Table 1 was computed with flavio; fitkit's theory engine (leading order
in naive factorisation with the O(alpha_s) dipole shift, see :mod:`fitkit.theory.wilson_sm`) is
required to agree within 10 % for every observable (issue 3). The printed values are read from
the data cards (``sm`` field), not typed here.
"""

from __future__ import annotations

from fitkit.data.catalog import Catalog, default_data_dir
from fitkit.reproduce.row import Row, check
from fitkit.theory import predict

__all__ = ["PAPER", "rows"]

PAPER = "002"
_FILE = "002_8de271d8e1e07e0c.txt"


def rows() -> list[Row]:
    """One row per Table-1 observable: printed SM expectation vs native fitkit SM (10 %)."""
    out = []
    for m in Catalog(default_data_dir() / "bsll").select(tags=["bsll", "table1-002"], include_superseded=True):
        if m.sm is None or m.q2 is None:
            continue
        value = float(predict(m.observable, m.q2)[0])
        q2 = f"[{m.q2[0]:g}, {m.q2[1]:g}]"
        out.append(
            check(_FILE, f"SM {m.observable} {q2} (Table 1)", m.sm, value, rel_tol=0.10,
                  note="native engine vs flavio column of 002; fits use the ratio mode")  # fmt: skip
        )
    return out
