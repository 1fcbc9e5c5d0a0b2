"""``fitkit predict``: SM and SM+NP prediction of one observable from the shell.

Example (shell)::

    fitkit predict "<dBR/dq2>(B+->Kmumu)" --q2 1.1 6.0 --wc C9_bsmumu=-1
    fitkit predict "BR(B+->Knunu)" --wc CL_bsnunu=1.5 --json
"""

from __future__ import annotations

import json
import math
import re

import click
import numpy as np

from fitkit.data.observables import parse_observable
from fitkit.errors import InputError
from fitkit.inference.results import ResultError

__all__ = ["COMMANDS", "predict", "parse_wc_option"]

_SECTORS = {"bsmumu": "mu", "bsee": "e", "bsnunu": "nu", "bs": None}
_KEYS = ("C7", "C7p", "C9", "C9p", "C10", "C10p", "CL", "CR")
_WC_RE = re.compile(r"^(?P<key>C7p|C7|C9p|C9|C10p|C10|CL|CR)(?:_(?P<sector>bsmumu|bsee|bsnunu|bs))?$")


def parse_wc_option(text: str) -> tuple[str, str | None, complex]:
    """Parse ``NAME=VALUE`` with a flavio-like NAME (``C9_bsmumu``, ``C10p_bsee``, ``C7_bs``,
    ``CL_bsnunu``; a bare ``C9`` applies to the observable's lepton) and a real or complex VALUE.

    Returns ``(key, lepton or None, value)``.

    Example:
        >>> parse_wc_option("C9_bsmumu=-1")
        ('C9', 'mu', (-1+0j))
        >>> parse_wc_option("CL_bsnunu=0.5+0.2j")
        ('CL', 'nu', (0.5+0.2j))
    """
    if "=" not in text:
        raise InputError(f"--wc expects NAME=VALUE, got {text!r}", field="--wc")
    name, value_text = (s.strip() for s in text.split("=", 1))
    m = _WC_RE.match(name)
    if m is None:
        raise InputError(
            f"unknown Wilson coefficient {name!r}; use e.g. C9_bsmumu, C10p_bsee, C7_bs, CL_bsnunu "
            f"(keys {', '.join(_KEYS)}; sectors bsmumu, bsee, bsnunu, bs)",
            field="--wc",
        )
    key, sector = m.group("key"), m.group("sector")
    if key in ("CL", "CR") and sector not in (None, "bsnunu"):
        raise InputError(f"{name}: C_L and C_R belong to the bsnunu sector (flavour-universal)", field="--wc")
    if key not in ("CL", "CR") and sector == "bsnunu":
        raise InputError(f"{name}: the bsnunu sector has only CL and CR", field="--wc")
    if key.startswith("C7") and sector not in (None, "bs"):
        raise InputError(f"{name}: dipole coefficients have no lepton index, write {key}_bs", field="--wc")
    try:
        value = complex(value_text.replace(" ", ""))
    except ValueError:
        raise InputError(f"{name}: cannot read the value {value_text!r} as a number", field="--wc") from None
    if not np.isfinite(value.real) or not np.isfinite(value.imag):
        raise InputError(f"{name}: value must be finite", field="--wc")
    return key, (_SECTORS[sector] if sector else None), value


def _number(x: complex | float) -> float | list[float]:
    c = complex(x)
    return c.real if c.imag == 0 else [c.real, c.imag]


@click.command("predict")
@click.argument("observable")
@click.option("--q2", nargs=2, type=float, default=None, metavar="MIN MAX", help="q^2 bin in GeV^2 (a point for dBR/dq2: MIN = MAX).")
@click.option("--wc", "wcs", multiple=True, metavar="NAME=VALUE", help="Constant NP shift, flavio-like name, e.g. C9_bsmumu=-1 (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with keys observable, q2, sm, np, wc.")
def predict(observable: str, q2: tuple[float, float] | None, wcs: tuple[str, ...], as_json: bool) -> None:
    """Print the native SM and SM+NP prediction of OBSERVABLE, e.g. "<dBR/dq2>(B0->K*mumu)"."""
    from fitkit.theory import constant_wc
    from fitkit.theory import predict as theory_predict

    try:
        obs = parse_observable(observable)
    except ValueError as exc:
        raise InputError(str(exc), field="OBSERVABLE") from None
    if obs.binned and q2 is None:
        raise InputError(f"{observable} is binned: give --q2 MIN MAX", field="--q2")
    if obs.kind == "dBR/dq2":
        if q2 is None or q2[0] != q2[1]:
            raise InputError(f"{observable} is differential: give the point as --q2 X X", field="--q2")
    if q2 is not None and obs.binned and not q2[0] < q2[1]:
        raise InputError(f"q2 bin must have MIN < MAX, got {list(q2)}", field="--q2")
    if q2 is not None:
        from fitkit.theory.observables import q2_range

        lo, hi = q2_range(obs._replace(lepton="mu" if obs.kind == "<R>" else obs.lepton))
        low_ok = q2[0] >= lo if obs.kind == "dBR/dq2" else q2[0] >= 0.0
        if not (math.isfinite(q2[0]) and math.isfinite(q2[1]) and low_ok and q2[1] <= hi):
            raise InputError(f"q2 = {list(q2)} is outside the physical range [{lo:.4g}, {hi:.4g}] GeV^2 of {observable}", field="--q2")

    shifts: dict[str | None, dict[str, complex]] = {}
    table: dict[str, float | list[float]] = {}
    for text in wcs:
        key, lepton, value = parse_wc_option(text)
        shifts.setdefault(lepton, {})[key] = value
        table[text.split("=", 1)[0].strip()] = _number(value)
    # shifts without a lepton index (C7_bs, bare names) apply to every lepton
    common = shifts.pop(None, {})

    def wc(q2_nodes: np.ndarray, lepton: str):
        values = {**common, **shifts.get(lepton, {})}
        if lepton == "nu":
            values = {k: v for k, v in values.items() if k in ("CL", "CR")}
        else:
            values = {k: v for k, v in values.items() if k not in ("CL", "CR")}
        return constant_wc(values)(q2_nodes, lepton) if values else {}

    arg = None if q2 is None else (q2 if obs.binned else np.array([q2[0]]))
    try:
        sm = float(np.ravel(theory_predict(observable, arg))[0])
        np_value = float(np.ravel(theory_predict(observable, arg, wc if wcs else None))[0])
    except ValueError as exc:
        raise InputError(str(exc)) from None

    for label, v in (("SM", sm), ("SM+NP", np_value)):
        if not math.isfinite(v):
            raise ResultError(f"predict {observable}: the {label} prediction is not a finite number ({v})")
    if as_json:
        click.echo(json.dumps({"observable": observable, "q2": None if q2 is None else list(q2), "sm": sm, "np": np_value, "wc": table}))
        return
    where = "" if q2 is None else (f" at q2 = {q2[0]:g} GeV^2" if not obs.binned else f" in q2 = [{q2[0]:g}, {q2[1]:g}] GeV^2")
    click.echo(f"{observable}{where}")
    click.echo(f"  SM     : {sm:.6e}")
    if wcs:
        shown = ", ".join(f"{k}={v}" for k, v in table.items())
        click.echo(f"  SM+NP  : {np_value:.6e}   ({shown})")
        click.echo(f"  NP/SM  : {np_value / sm:.6f}" if sm else "  NP/SM  : n/a")


COMMANDS = [predict]
