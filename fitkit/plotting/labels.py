"""Axis labels with units from the parameter definitions (:class:`fitkit.models.base.Parameter`).

A parameter's ``label`` is its LaTeX symbol, ``unit`` the unit it is stored in and ``plot_unit``
the unit figures show it in (M_ZD stored in GeV, drawn in MeV as in 002 Figs. 11-13; Lambda in
GeV, drawn in TeV as in 000 Fig. 2).

Example:
    >>> from fitkit.models.base import Parameter
    >>> p = Parameter("M_ZD", unit="GeV", bounds=(0.01, 2.0), scale="log", label=r"M_{Z_D}", plot_unit="MeV")
    >>> axis_label(p), display_factor(p)
    ('$M_{Z_D}$ [MeV]', 1000.0)
    >>> axis_label(Parameter("g_mu", bounds=(-1, 1), label=r"g_D^\\mu"), absolute=True)
    '$|g_D^\\\\mu|$'
"""

from __future__ import annotations

from fitkit.errors import InputError
from fitkit.models.base import Parameter

__all__ = ["axis_label", "display_factor", "display_unit"]

#: Energies in GeV.
_ENERGY_GEV: dict[str, float] = {"eV": 1e-9, "keV": 1e-6, "MeV": 1e-3, "GeV": 1.0, "TeV": 1e3, "PeV": 1e6}


def display_unit(p: Parameter) -> str:
    """The unit a figure shows ``p`` in."""
    return p.plot_unit or p.unit


def display_factor(p: Parameter) -> float:
    """Multiply a stored value by this to get it in :func:`display_unit`."""
    if not p.plot_unit or p.plot_unit == p.unit:
        return 1.0
    if p.unit in _ENERGY_GEV and p.plot_unit in _ENERGY_GEV:
        return _ENERGY_GEV[p.unit] / _ENERGY_GEV[p.plot_unit]
    raise InputError(f"cannot convert {p.unit!r} to {p.plot_unit!r}", entry=p.name, field="plot_unit")


def _tex_unit(unit: str) -> str:
    return unit.replace("^(4-d)", r"$^{4-d}$")


def axis_label(p: Parameter, *, absolute: bool = False) -> str:
    """'$symbol$ [unit]' (the name if the parameter has no LaTeX label); ``absolute``: |symbol|."""
    sym = p.label or p.name.replace("_", r"\_")
    text = f"$|{sym}|$" if absolute else f"${sym}$"
    unit = display_unit(p)
    return f"{text} [{_tex_unit(unit)}]" if unit else text
