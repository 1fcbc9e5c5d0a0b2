"""Binned and differential predictions of b -> s l l and b -> s nu nu observables.

``predict(name, q2, wc)`` evaluates the native SM (+ new physics) prediction of an observable
named as in :mod:`fitkit.data.observables`, vectorised over parameter points: the new-physics
callable ``wc(q2, lepton)`` is called once per bin with the quadrature nodes, shape
``(1, n_nodes)`` (or ``(n_points, n_nodes)`` with resonance-adapted nodes), and returns shifts
of shape ``(n_points, n_nodes)`` (or broadcastable). Bin integrals use Gauss-Legendre
quadrature (:mod:`fitkit.theory.quadrature`); q^2-independent hadronic inputs at the shared
nodes are cached.

Two ways to predict:

- native: ``predict`` -- fitkit's own SM + NP rate;
- ratio: ``predict_ratio`` -- an external SM expectation (e.g. the card's flavio number)
  times Gamma_{SM+NP}/Gamma_SM from the native engine, so that hadronic and implementation
  differences cancel. The fits of 002 Table 1 use the ratio mode (their chi^2 is built on
  flavio's SM column); the Belle II B -> K nu nu efficiency maps use the native spectrum.

Example:
    >>> round(float(predict("<dBR/dq2>(B+->Kmumu)", (1.1, 6.0))[0]) * 1e8, 2)
    3.51
    >>> shift = constant_wc({"C9": -1.0})
    >>> r = predict("<dBR/dq2>(B+->Kmumu)", (1.1, 6.0), shift) / predict("<dBR/dq2>(B+->Kmumu)", (1.1, 6.0))
    >>> round(float(r[0]), 3)
    0.792
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from fitkit.constants import width_from_lifetime
from fitkit.data.observables import ObservableName, parse_observable
from fitkit.theory import bsll, inclusive
from fitkit.theory.quadrature import gauss_legendre_bin, gauss_legendre_log_bin, resonance_bin

__all__ = [
    "WCFunction",
    "predict",
    "predict_ratio",
    "predict_sm",
    "predict_many",
    "constant_wc",
    "q2_range",
    "rate_at_nodes",
    "rate_rows",
    "hadronic_at",
    "point_rule",
    "plain_rule",
    "physical_bin",
    "RESONANCE_MARGIN",
    "N_RES_NODES",
]

#: New-physics shifts: ``wc(q2, lepton) -> {"C9": array, ...}`` (see :mod:`fitkit.theory`).
WCFunction = Callable[[np.ndarray, str], Mapping[str, np.ndarray]]

#: Gauss-Legendre nodes per plain bin.
N_NODES: int = 10
#: Gauss-Legendre nodes on each side of a resonance peak (resonance-adapted rule).
N_RES_NODES: int = 12
#: A resonance within this fraction of the bin width from a bin (or inside it) gets the adapted rule.
RESONANCE_MARGIN: float = 0.1
#: Sub-intervals used for a total branching ratio.
N_TOTAL_PIECES: int = 6

_HAD_CACHE: dict[tuple, Any] = {}


def constant_wc(values: Mapping[str, complex], lepton: str | None = None) -> WCFunction:
    """A :data:`WCFunction` returning constant shifts (optionally only for one ``lepton``).

    Example:
        >>> f = constant_wc({"C9": -1.0}, lepton="mu")
        >>> f(np.zeros((1, 3)), "mu")["C9"].shape, f(np.zeros((1, 3)), "e")
        ((1, 1), {})
    """
    arrays = {k: np.full((1, 1), complex(v)) for k, v in values.items()}

    def wc(q2: np.ndarray, lep: str) -> Mapping[str, np.ndarray]:
        if lepton is not None and lep != lepton:
            return {}
        return arrays

    return wc


def q2_range(obs: ObservableName) -> tuple[float, float]:
    """Full physical q^2 range (GeV^2) of a decay, for total branching ratios."""
    if obs.final == "Xs":
        return inclusive.q2_limits(obs.lepton)
    ch = bsll.channel((obs.initial, obs.final))
    m_l = bsll.lepton_mass(obs.lepton)
    return 4 * m_l * m_l, (ch.m_B - ch.m_M) ** 2


def hadronic_at(obs: ObservableName, lepton: str, q2: np.ndarray, c9_c7: tuple[np.ndarray, np.ndarray] | None = None) -> Any:
    """Point-independent inputs of the rate of ``obs`` with ``lepton`` at the nodes ``q2`` (any shape);
    ``c9_c7``: :func:`fitkit.theory.bsll.sm_c9_c7` at ``q2`` if already computed (exclusive modes)."""
    if obs.final == "Xs":
        return inclusive.hadronic(lepton, q2)
    return bsll.hadronic(bsll.channel((obs.initial, obs.final)), lepton, q2, c9_c7=c9_c7)


def _hadronic(obs: ObservableName, lepton: str, q2: np.ndarray, key: tuple | None) -> Any:
    if key is not None and (obs.initial, obs.final, lepton) + key in _HAD_CACHE:
        return _HAD_CACHE[(obs.initial, obs.final, lepton) + key]
    had = hadronic_at(obs, lepton, q2)
    if key is not None:
        if len(_HAD_CACHE) > 4096:
            _HAD_CACHE.clear()
        _HAD_CACHE[(obs.initial, obs.final, lepton) + key] = had
    return had


def rate_at_nodes(
    obs: ObservableName, lepton: str, q2: np.ndarray, wc: WCFunction | None, *, cache_key: tuple | None = None
) -> np.ndarray:
    """dBR/dq^2 (GeV^-2) at the nodes ``q2`` (shape ``(1 or n_points, n_nodes)``), SM + ``wc``."""
    had = _hadronic(obs, lepton, q2, cache_key)
    shifts = wc(q2, lepton) if wc is not None else None
    return rate_rows(obs, lepton, had, shifts)


def rate_rows(obs: ObservableName, lepton: str, had: Any, shifts: Mapping[str, np.ndarray] | None) -> np.ndarray:
    """dBR/dq^2 (GeV^-2) from hadronic inputs ``had`` (:func:`hadronic_at`) and new-physics ``shifts``
    that broadcast against the nodes of ``had``."""
    if obs.final == "Xs":
        return inclusive.dbr_dq2_from(had, lepton, shifts)
    ch = bsll.channel((obs.initial, obs.final))
    rate = bsll.dgamma_dq2(ch, had, bsll.total_coefficients(had, lepton, shifts))
    return (3.0 if lepton == "nu" else 1.0) * rate * ch.tau / width_from_lifetime(1.0)


def _bin_integral(
    obs: ObservableName,
    lepton: str,
    q2min: float,
    q2max: float,
    wc: WCFunction | None,
    resonances: tuple[np.ndarray, np.ndarray] | None,
) -> np.ndarray:
    """Integral of dBR/dq^2 over [q2min, q2max] within the physical region, shape (n_points,).

    All points use the shared plain rule; with ``resonances``, points whose M^2 lies in the bin
    or within 10 % of the bin width from an edge are redone with the resonance-adapted rule.
    """
    a, b = physical_bin(obs, lepton, q2min, q2max)
    if b <= a:
        return np.zeros(1 if resonances is None else np.size(resonances[0]))
    x, w, key = plain_rule(a, b)
    rate = rate_at_nodes(obs, lepton, x, wc, cache_key=key)
    total = np.sum(np.broadcast_to(w, rate.shape) * rate, axis=-1)
    if resonances is None or wc is None:
        return total if resonances is None else np.broadcast_to(total, (np.size(resonances[0]),)).copy()
    mass = np.atleast_1d(np.asarray(resonances[0], dtype=float))
    width = np.atleast_1d(np.asarray(resonances[1], dtype=float))
    total = np.broadcast_to(total, mass.shape).copy()
    margin = RESONANCE_MARGIN * (b - a)
    near = (mass * mass > a - margin) & (mass * mass < b + margin)
    if not near.any():
        return total
    idx = np.nonzero(near)[0]
    xs, ws = resonance_bin(a, b, mass[idx], width[idx], N_RES_NODES)
    # the WCFunction takes all points: far rows get the bin centre (their values are unused)
    xr = np.full((mass.size, xs.shape[1]), 0.5 * (a + b))
    xr[idx] = xs
    shifts = wc(xr, lepton)
    sub = {k: np.broadcast_to(v, xr.shape)[idx] for k, v in shifts.items()}
    had = hadronic_at(obs, lepton, xs)
    total[idx] = np.sum(ws * rate_rows(obs, lepton, had, sub), axis=-1)
    return total


def physical_bin(obs: ObservableName, lepton: str, q2min: float, q2max: float) -> tuple[float, float]:
    """The bin [q2min, q2max] clipped to the physical q^2 range of ``obs`` with ``lepton`` (GeV^2);
    empty when ``b <= a``."""
    lo, hi = q2_range(obs._replace(lepton=lepton))
    return max(q2min, lo), min(q2max, hi)


def plain_rule(a: float, b: float) -> tuple[np.ndarray, np.ndarray, tuple]:
    """The shared rule of a bin [a, b] without a nearby resonance: nodes and weights ``(1, N_NODES)``
    and a key naming them -- Gauss-Legendre in ln q^2 for bins reaching down to the photon pole
    (b > 3 a), in q^2 otherwise (:mod:`fitkit.theory.quadrature`)."""
    if a > 0.0 and b > 3.0 * a:
        x, w = gauss_legendre_log_bin(a, b, N_NODES)
        return x, w, ("gl-log", a, b, N_NODES)
    x, w = gauss_legendre_bin(a, b, N_NODES)
    return x, w, ("gl", a, b, N_NODES)


def point_rule(
    observable: str, q2min: float, q2max: float, mass: float | None = None, width: float | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The quadrature rule (1-D nodes, weights) that :func:`predict` uses for one parameter
    point with a resonance at ``mass``, ``width`` (or none): for cross-checks with codes that
    take constant coefficients (flavio), evaluated node by node.

    Example:
        >>> x, w = point_rule("<BR>(B+->Kmumu)", 1.1, 6.0)
        >>> len(x), round(float(w.sum()), 12)
        (10, 4.9)
    """
    obs = parse_observable(observable)
    lepton = "mu" if obs.kind == "<R>" else obs.lepton
    a, b = physical_bin(obs, lepton, q2min, q2max)
    if mass is not None and a - RESONANCE_MARGIN * (b - a) < mass * mass < b + RESONANCE_MARGIN * (b - a):
        x, w = resonance_bin(a, b, np.array([mass]), np.array([width]), N_RES_NODES)
    else:
        x, w, _ = plain_rule(a, b)
    return x[0], w[0]


def _as_bins(q2: Any) -> tuple[np.ndarray, bool]:
    arr = np.asarray(q2, dtype=float)
    if arr.ndim == 1 and arr.shape == (2,):
        return arr[None, :], True
    if arr.ndim == 2 and arr.shape[1] == 2:
        return arr, False
    raise ValueError(f"q2 must be (q2min, q2max) or an array of shape (n_bins, 2), got shape {arr.shape}")


def _binned(obs: ObservableName, lepton: str, q2: Any, wc: WCFunction | None, resonances, average: bool) -> np.ndarray:
    bins, single = _as_bins(q2)
    cols = []
    for q2min, q2max in bins:
        if q2max <= q2min:
            raise ValueError(f"empty q2 bin [{q2min}, {q2max}]")
        val = _bin_integral(obs, lepton, float(q2min), float(q2max), wc, resonances)
        cols.append(val / (q2max - q2min) if average else val)
    n = max(c.shape[0] for c in cols)
    out = np.stack([np.broadcast_to(c, (n,)) for c in cols], axis=-1)
    return out[:, 0] if single else out


def _total(obs: ObservableName, lepton: str, wc: WCFunction | None, resonances) -> np.ndarray:
    lo, hi = q2_range(obs._replace(lepton=lepton))
    edges = np.linspace(lo, hi, N_TOTAL_PIECES + 1)
    parts = [_bin_integral(obs, lepton, float(a), float(b), wc, resonances) for a, b in zip(edges[:-1], edges[1:])]
    n = max(p.shape[0] for p in parts)
    return np.sum([np.broadcast_to(p, (n,)) for p in parts], axis=0)


def predict(
    observable: str,
    q2: Any = None,
    wc: WCFunction | None = None,
    *,
    resonances: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """Native SM (+NP if ``wc``) prediction, vectorised over parameter points.

    Args:
        observable: a name parsed by :func:`fitkit.data.observables.parse_observable`.
        q2: binned kinds (``<dBR/dq2>``, ``<BR>``, ``<R>``): ``(q2min, q2max)`` -> shape
            ``(n_points,)``, or an array ``(n_bins, 2)`` -> ``(n_points, n_bins)``;
            ``dBR/dq2``: array ``(n_q,)`` of points -> ``(n_points, n_q)``; ``BR``: ignored.
        wc: new-physics shifts δC_i(q^2) (:data:`WCFunction`), None for the SM.
        resonances: ``(mass, width)`` arrays ``(n_points,)`` in GeV of narrow resonances in
            ``wc``; the bins are then integrated with :func:`fitkit.theory.quadrature.resonance_bin`.

    Returns:
        Branching ratios (plain numbers) or dBR/dq^2 in GeV^-2; ``<R>`` is BR(mu)/BR(e). A total
        ``BR`` of a charged-lepton mode is the non-resonant (short-distance) rate over the whole
        q^2 range, without charmonium; for nu nu it is the full rate summed over flavours.
    """
    obs = parse_observable(observable)
    if obs.kind == "<R>":
        num = _binned(obs, "mu", q2, wc, resonances, average=False)
        den = _binned(obs, "e", q2, wc, resonances, average=False)
        return num / den
    if obs.kind in ("<dBR/dq2>", "<BR>"):
        if q2 is None:
            raise ValueError(f"{observable}: a q2 bin (q2min, q2max) is required")
        return _binned(obs, obs.lepton, q2, wc, resonances, average=obs.kind == "<dBR/dq2>")
    if obs.kind == "dBR/dq2":
        if q2 is None:
            raise ValueError(f"{observable}: q2 points are required")
        pts = np.atleast_1d(np.asarray(q2, dtype=float))[None, :]
        lo, hi = q2_range(obs)
        rate = rate_at_nodes(obs, obs.lepton, pts, wc)
        return np.where((pts >= lo) & (pts <= hi), rate, 0.0)
    return _total(obs, obs.lepton, wc, resonances)


def predict_ratio(
    observable: str,
    sm_value: float | np.ndarray,
    q2: Any = None,
    wc: WCFunction | None = None,
    *,
    resonances: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """Ratio mode: ``sm_value`` (an external SM expectation) x Gamma_{SM+NP}/Gamma_SM (native).

    Example:
        >>> r = predict_ratio("<dBR/dq2>(B+->Kmumu)", 3.5e-8, (1.1, 6.0), constant_wc({"C9": -1.0}))
        >>> round(float(r[0]) * 1e8, 3)
        2.771
    """
    return np.asarray(sm_value) * predict(observable, q2, wc, resonances=resonances) / _sm_for(observable, q2)


def predict_sm(observable: str, q2: tuple[float, float] | None = None) -> float:
    """Native SM prediction of one bin (``q2 = (q2min, q2max)``; binned kinds) or a total ``BR`` (``q2 = None``),
    computed once per process: it does not depend on the parameter point, and a fit evaluates
    it in every call (ratio mode, 002 sec. 5; issue 15: half of a darkz fit's time).

    Example:
        >>> predict_sm("<dBR/dq2>(B+->Kmumu)", (1.1, 6.0)) == float(predict("<dBR/dq2>(B+->Kmumu)", (1.1, 6.0))[0])
        True
    """
    return _predict_sm(observable, None if q2 is None else (float(q2[0]), float(q2[1])))


@lru_cache(maxsize=4096)
def _predict_sm(observable: str, q2: tuple[float, float] | None) -> float:
    return float(predict(observable, q2)[0])


def _sm_for(observable: str, q2: Any) -> np.ndarray | float:
    """The SM denominator of :func:`predict_ratio`: cached for one bin (or a total BR), computed
    for many bins or for ``dBR/dq2`` at q^2 points."""
    if parse_observable(observable).kind != "dBR/dq2" and (q2 is None or np.shape(q2) == (2,)):
        return predict_sm(observable, q2)
    return predict(observable, q2, None)


def predict_many(
    items: Sequence[tuple[str, Any]],
    wc: WCFunction | None = None,
    *,
    resonances: tuple[np.ndarray, np.ndarray] | None = None,
    sm_values: Sequence[float] | None = None,
) -> np.ndarray:
    """Predictions of several ``(observable, q2)`` items at once, shape ``(n_points, n_items)``.

    With ``sm_values`` (one external SM expectation per item) the ratio mode is used:
    ``sm_value x Gamma_{SM+NP}/Gamma_SM``; otherwise the native prediction. Each item must give
    one number per point (binned with a single bin, total, or one q^2 point).

    Example:
        >>> items = [("<dBR/dq2>(B+->Kmumu)", (1.1, 6.0)), ("BR(B+->Knunu)", None)]
        >>> predict_many(items, constant_wc({"C9": -1.0}), sm_values=[3.5e-8, 4.6e-6]).shape
        (1, 2)
    """
    if sm_values is not None and len(sm_values) != len(items):
        raise ValueError(f"{len(sm_values)} SM values for {len(items)} items")
    cols = []
    for k, (name, q2) in enumerate(items):
        if sm_values is None:
            col = predict(name, q2, wc, resonances=resonances)
        else:
            col = predict_ratio(name, sm_values[k], q2, wc, resonances=resonances)
        col = np.asarray(col)
        if col.ndim == 2:
            if col.shape[1] != 1:
                raise ValueError(f"{name}: item must give one number per point, got shape {col.shape}")
            col = col[:, 0]
        cols.append(col)
    n = max(c.shape[0] for c in cols)
    return np.stack([np.broadcast_to(c, (n,)) for c in cols], axis=-1)
