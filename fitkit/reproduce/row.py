"""One row of the reproduction table and the tolerance check behind its status."""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["Row", "check"]


class Row(NamedTuple):
    """A headline number of a paper next to fitkit's live value.

    ``tolerance`` is human-readable (``"±1.0"``, ``"3%"``, ``"×1.5"``); ``ok`` is the verdict;
    ``note`` explains a documented difference.
    """

    paper: str
    quantity: str
    paper_value: float
    fitkit_value: float
    tolerance: str
    ok: bool
    note: str = ""

    def as_dict(self) -> dict[str, object]:
        """JSON view with the keys of ``fitkit reproduce --json``."""
        return {
            "paper": self.paper,
            "quantity": self.quantity,
            "paper_value": self.paper_value,
            "fitkit_value": self.fitkit_value,
            "tolerance": self.tolerance,
            "ok": bool(self.ok),
            "note": self.note,
        }


def check(
    paper: str,
    quantity: str,
    paper_value: float,
    fitkit_value: float,
    *,
    abs_tol: float | None = None,
    rel_tol: float | None = None,
    factor: float | None = None,
    note: str = "",
) -> Row:
    """Build a :class:`Row` with its status from one kind of tolerance.

    Example:
        >>> check("002", "chi2_SM", 93.56, 93.9, abs_tol=1.0).ok
        True
        >>> check("000", "BR", 5.43e-6, 5.8e-6, rel_tol=0.03).ok
        False
        >>> check("002", "M_ZD", 0.0101, 0.014, factor=1.5).tolerance
        '×1.5'
    """
    if abs_tol is not None:
        ok, tol = abs(fitkit_value - paper_value) <= abs_tol, f"±{abs_tol:g}"
    elif rel_tol is not None:
        ok, tol = abs(fitkit_value - paper_value) <= rel_tol * abs(paper_value), f"{100 * rel_tol:g}%"
    elif factor is not None:
        ratio = fitkit_value / paper_value if paper_value else float("inf")
        ok, tol = (ratio > 0) and (1 / factor <= ratio <= factor), f"×{factor:g}"
    else:
        raise ValueError("give one of abs_tol, rel_tol, factor")
    return Row(paper, quantity, float(paper_value), float(fitkit_value), tol, bool(ok), note)
