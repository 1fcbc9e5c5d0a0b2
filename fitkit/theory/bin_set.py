"""Many binned rates at once: the bin integrals of a fixed list of (observable, q^2 bin) items,
vectorised over parameter points and over all bins of one decay.

:func:`fitkit.theory.predict` integrates one bin per call. A fit of 27 binned rates (002 Table 1)
called it 27 times per parameter point, each time with the new-physics function, the rate
formula and the quadrature of one bin (issue 15: ~7 ms per point, mostly Python overhead). A
:class:`BinSet` groups the items by decay and lepton, concatenates the nodes of all bins of a
group into one array (hadronic inputs computed once), evaluates the new-physics shifts and the
rate once per group, and sums the bins with one matrix product. Near a narrow resonance the
(point, bin) pairs take the resonance-adapted rule of :func:`fitkit.theory.quadrature.resonance_bin`,
with the hadronic inputs of all such pairs of a group computed in one call.

The rules are those of :func:`fitkit.theory.predict` (:func:`~fitkit.theory.observables.plain_rule`,
the adapted rule within :data:`~fitkit.theory.observables.RESONANCE_MARGIN` of a bin), so the
integrals equal ``predict``'s to rounding (tests/theory/test_bin_set.py).

Example:
    >>> from fitkit.theory import constant_wc, predict
    >>> bins = BinSet([("<dBR/dq2>(B+->Kmumu)", (1.1, 6.0)), ("<BR>(B0->K*mumu)", (1.1, 6.0))])
    >>> i = bins.integrals(constant_wc({"C9": -1.0}))
    >>> i.shape, bool(np.allclose(i[0, 0] / 4.9, predict("<dBR/dq2>(B+->Kmumu)", (1.1, 6.0), constant_wc({"C9": -1.0}))[0]))
    ((1, 2), True)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from fitkit.data.observables import ObservableName, parse_observable
from fitkit.theory.observables import (
    N_RES_NODES,
    RESONANCE_MARGIN,
    WCFunction,
    hadronic_at,
    physical_bin,
    plain_rule,
    rate_rows,
)
from fitkit.theory.quadrature import resonance_bin

__all__ = ["BinSet"]


@dataclass(frozen=True)
class _Group:
    """The bins of one decay and lepton: item columns, physical bin edges, shared plain nodes."""

    obs: ObservableName
    lepton: str
    columns: np.ndarray  # (n_bins,) item indices
    edges: np.ndarray  # (n_bins, 2) physical [a, b]; b <= a for an empty bin
    nodes: np.ndarray  # (1, n_nodes) all bins' plain nodes, concatenated
    weights: np.ndarray  # (n_nodes, n_bins) block matrix of the plain weights
    had: Any  # hadronic inputs at ``nodes``


class BinSet:
    """Bin integrals of dBR/dq^2 for the items ``(observable, (q2min, q2max))`` (kinds ``<dBR/dq2>``
    and ``<BR>`` of one lepton; ``<R>`` is built by the caller from two rates).

    The hadronic inputs at the plain nodes are computed once, when the set is made; keep the set
    (e.g. per likelihood) and call :meth:`integrals` for every batch of points.
    """

    def __init__(self, items: Sequence[tuple[str, tuple[float, float]]]) -> None:
        self.items = [(name, (float(q2[0]), float(q2[1]))) for name, q2 in items]
        by_group: dict[tuple[str, str, str], list[int]] = {}
        parsed = []
        for j, (name, (q2min, q2max)) in enumerate(self.items):
            obs = parse_observable(name)
            if obs.kind not in ("<dBR/dq2>", "<BR>"):
                raise ValueError(f"{name}: a BinSet integrates binned rates (<dBR/dq2>, <BR>), not {obs.kind}")
            if q2max <= q2min:
                raise ValueError(f"empty q2 bin [{q2min}, {q2max}]")
            parsed.append(obs)
            by_group.setdefault((obs.initial, obs.final, obs.lepton), []).append(j)
        self.groups = [self._group(parsed[cols[0]], cols) for cols in by_group.values()]

    def _group(self, obs: ObservableName, cols: list[int]) -> _Group:
        edges = np.array([physical_bin(obs, obs.lepton, *self.items[j][1]) for j in cols])
        xs, ws = [], []
        for a, b in edges:
            if b > a:
                x, w, _ = plain_rule(float(a), float(b))
            else:
                x, w = np.zeros((1, 0)), np.zeros((1, 0))
            xs.append(x[0])
            ws.append(w[0])
        nodes = np.concatenate(xs)[None, :]
        weights = np.zeros((nodes.shape[1], len(cols)))
        start = 0
        for k, w in enumerate(ws):
            weights[start : start + w.size, k] = w
            start += w.size
        return _Group(obs, obs.lepton, np.array(cols), edges, nodes, weights, hadronic_at(obs, obs.lepton, nodes))

    @cached_property
    def sm(self) -> np.ndarray:
        """The SM integrals ``(n_items,)`` (no new physics), computed once."""
        return self.integrals(None)[0]

    def integrals(
        self,
        wc: WCFunction | None,
        resonances: tuple[np.ndarray, np.ndarray] | None = None,
        offshell: np.ndarray | None = None,
    ) -> np.ndarray:
        """∫ dBR/dq^2 dq^2 over each item's bin (physical part), shape ``(n_points, n_items)``.

        Args:
            wc: new-physics shifts (:data:`~fitkit.theory.observables.WCFunction`), None for the SM.
            resonances: ``(mass, width)`` arrays ``(n_points,)`` (GeV) of a narrow resonance in
                ``wc``; a (point, bin) pair whose M^2 lies in the bin or within RESONANCE_MARGIN of
                its width from an edge is integrated with the adapted rule.
            offshell: optional mask ``(n_points, n_items)``; pairs where it is False skip the
                adapted rule (the caller replaces them, e.g. by a narrow-width formula) and keep
                the plain rule's value.
        """
        plain = []
        for g in self.groups:
            rate = rate_rows(g.obs, g.lepton, g.had, wc(g.nodes, g.lepton) if wc is not None else None)
            plain.append(rate @ g.weights)
        n = max(p.shape[0] for p in plain)
        if resonances is not None:
            n = max(n, np.size(resonances[0]))
        out = np.empty((n, len(self.items)))
        for g, p in zip(self.groups, plain):
            out[:, g.columns] = p
            if resonances is not None and wc is not None:
                self._adapted(g, wc, resonances, offshell, out)
        return out

    def _adapted(
        self,
        g: _Group,
        wc: WCFunction,
        resonances: tuple[np.ndarray, np.ndarray],
        offshell: np.ndarray | None,
        out: np.ndarray,
    ) -> None:
        """Redo the (point, bin) pairs of group ``g`` near the resonance with the adapted rule."""
        mass = np.atleast_1d(np.asarray(resonances[0], dtype=float))
        width = np.atleast_1d(np.asarray(resonances[1], dtype=float))
        m2 = mass * mass
        rows, cols, nodes, weights, shifts = [], [], [], [], []
        for k, (a, b) in enumerate(g.edges):
            if b <= a:
                continue
            margin = RESONANCE_MARGIN * (b - a)
            near = (m2 > a - margin) & (m2 < b + margin)
            if offshell is not None:
                near &= offshell[:, g.columns[k]]
            if not near.any():
                continue
            idx = np.nonzero(near)[0]
            x, w = resonance_bin(float(a), float(b), mass[idx], width[idx], N_RES_NODES)
            # the WCFunction takes all points (row i = point i): far rows get the bin centre
            full = np.full((mass.size, x.shape[1]), 0.5 * (a + b))
            full[idx] = x
            rows.append(idx)
            cols.append(np.full(idx.size, g.columns[k]))
            nodes.append(x)
            weights.append(w)
            shifts.append({key: np.broadcast_to(v, full.shape)[idx] for key, v in wc(full, g.lepton).items()})
        if not rows:
            return
        x_all = np.concatenate(nodes)
        sub = {key: np.concatenate([s[key] for s in shifts]) for key in shifts[0]}
        rate = rate_rows(g.obs, g.lepton, hadronic_at(g.obs, g.lepton, x_all), sub)
        out[np.concatenate(rows), np.concatenate(cols)] = np.sum(np.concatenate(weights) * rate, axis=-1)

