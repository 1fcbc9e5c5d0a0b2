"""Many binned rates at once: the bin integrals of a fixed list of (observable, q^2 bin) items,
vectorised over parameter points and over all bins of one decay.

:func:`fitkit.theory.predict` integrates one bin per call. A fit of 27 binned rates (002 Table 1)
called it 27 times per parameter point, each time with the new-physics function, the rate
formula and the quadrature of one bin (issue 15: ~7 ms per point, mostly Python overhead). A
:class:`BinSet` groups the items by decay and lepton, concatenates the nodes of all bins of a
group into one array (hadronic inputs computed once), evaluates the new-physics shifts once per
group and the rate as a Hermitian form in the shifts (:class:`QuadraticForm`, tabulated at the
shared nodes), and sums each bin's nodes row by row (a point's integrals do not depend on the
other points of the batch). Near a narrow resonance the (point, bin) pairs take the
resonance-adapted rule of :func:`fitkit.theory.quadrature.resonance_bin`: all pairs at once, with
one new-physics call per lepton and one hadronic call per group. Measured (002 Table 1, 27 bins,
benchmarks/bsll_chi2.py): 1.4 ms per single point instead of 5.9 ms, 72 us per point batched
instead of 98 us.

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

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from fitkit.data.observables import ObservableName, parse_observable
from fitkit.theory.bsll import sm_c9_c7
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

__all__ = ["BinSet", "QuadraticForm"]


class QuadraticForm:
    """A rate as a Hermitian form in its new-physics shifts at fixed nodes.

    Amplitudes are linear in the Wilson coefficients, so a rate is
    ``f(δ) = v^† H v`` with ``v = (1, δ_1, ..., δ_K)``: H_00 the SM rate, H_0i the interference
    and H_ij (i, j >= 1) the new-physics squares, each an array over the nodes. H is read off
    1 + 3K + K(K - 1) evaluations of ``rate`` (δ_i = 1, -1, i and pairs δ_i = 1, δ_j = 1 or i),
    exact up to rounding; :meth:`__call__` then evaluates the form at any shifts (arrays over
    points and nodes) with a few complex products instead of the amplitudes.

    Example:
        >>> form = QuadraticForm(lambda d: abs(2.0 + d.get("C9", 0) - 1j * d.get("C10", 0)) ** 2 + abs(d.get("C10", 0)) ** 2, ("C9", "C10"))
        >>> d = {"C9": np.array([0.3 - 0.2j]), "C10": np.array([-1.1 + 0.5j])}
        >>> bool(np.isclose(form(d)[0], abs(2.3 - 0.2j - 1j * d["C10"][0]) ** 2 + abs(d["C10"][0]) ** 2))
        True
    """

    def __init__(self, rate: Callable[[Mapping[str, Any]], np.ndarray], keys: tuple[str, ...]) -> None:
        self.keys = keys
        f0 = np.asarray(rate({}))
        self.h00 = f0
        self.lin: list[np.ndarray] = []
        self.diag: list[np.ndarray] = []
        for k in keys:
            fp, fm, fi = (np.asarray(rate({k: t})) for t in (1.0, -1.0, 1j))
            hii = 0.5 * (fp + fm) - f0
            self.lin.append(0.25 * (fp - fm) + 0.5j * (f0 + hii - fi))  # f(δ_i = t) = H00 + 2 Re(H0i t) + Hii |t|^2
            self.diag.append(hii)
        self.cross: dict[tuple[int, int], np.ndarray] = {}
        for i in range(len(keys)):
            for j in range(i + 1, len(keys)):
                f11 = np.asarray(rate({keys[i]: 1.0, keys[j]: 1.0}))
                f1i = np.asarray(rate({keys[i]: 1.0, keys[j]: 1j}))
                base = f0 + 2 * self.lin[i].real + self.diag[i] + self.diag[j]
                # cross term 2 Re(conj(δ_i) H_ij δ_j)
                re = 0.5 * (f11 - base - 2 * self.lin[j].real)
                im = 0.5 * (base - 2 * self.lin[j].imag - f1i)
                self.cross[i, j] = re + 1j * im

    def __call__(self, shifts: Mapping[str, np.ndarray]) -> np.ndarray:
        """The rate at ``shifts`` (keys among :attr:`keys`; arrays broadcasting against the nodes)."""
        d = [np.asarray(shifts[k]) if k in shifts else None for k in self.keys]
        out = self.h00
        for i, di in enumerate(d):
            if di is None:
                continue
            out = out + 2.0 * (self.lin[i] * di).real + self.diag[i] * (di.real**2 + di.imag**2)
        for (i, j), hij in self.cross.items():
            di, dj = d[i], d[j]
            if di is not None and dj is not None:
                out = out + 2.0 * (np.conj(di) * hij * dj).real
        return out


@dataclass
class _Group:
    """The bins of one decay and lepton: item columns, physical bin edges, shared plain nodes."""

    obs: ObservableName
    lepton: str
    columns: np.ndarray  # (n_bins,) item indices
    edges: np.ndarray  # (n_bins, 2) physical [a, b]; b <= a for an empty bin
    nodes: np.ndarray  # (1, n_nodes) all bins' plain nodes, concatenated
    weights: np.ndarray  # (1, n_nodes) their weights
    starts: np.ndarray  # (n_bins,) first node of each bin (bins without nodes: none)
    filled: np.ndarray  # (n_bins,) True where the bin has nodes
    had: Any  # hadronic inputs at ``nodes``
    forms: dict[tuple[str, ...], QuadraticForm] = field(default_factory=dict)

    def rate(self, shifts: Mapping[str, np.ndarray] | None) -> np.ndarray:
        """dBR/dq^2 at the plain nodes: the SM, or the cached :class:`QuadraticForm` of the shifts' keys."""
        if not shifts:
            return rate_rows(self.obs, self.lepton, self.had, None)
        keys = tuple(sorted(shifts))
        if keys not in self.forms:
            self.forms[keys] = QuadraticForm(lambda d: rate_rows(self.obs, self.lepton, self.had, d), keys)
        return self.forms[keys](shifts)

    def integrate(self, rate: np.ndarray) -> np.ndarray:
        """The bins' sums of weight x rate, ``(n_rows, n_bins)``; each row summed on its own, so a
        point's integrals do not depend on the other points of the batch (bit for bit)."""
        out = np.zeros((rate.shape[0], self.filled.size))
        if self.filled.any():
            out[:, self.filled] = np.add.reduceat(self.weights * rate, self.starts[self.filled], axis=1)
        return out


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
        self._edges = np.empty((len(self.items), 2))  # physical bin edges by item
        for g in self.groups:
            self._edges[g.columns] = g.edges

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
        sizes = np.array([w.size for w in ws])
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        weights = np.concatenate(ws)[None, :]
        return _Group(obs, obs.lepton, np.array(cols), edges, nodes, weights, starts, sizes > 0, hadronic_at(obs, obs.lepton, nodes))

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
        shifts = self._plain_shifts(wc) if wc is not None else [None] * len(self.groups)
        plain = [g.integrate(g.rate(d)) for g, d in zip(self.groups, shifts)]
        n = max(p.shape[0] for p in plain)
        if resonances is not None:
            n = max(n, np.size(resonances[0]))
        out = np.empty((n, len(self.items)))
        for g, p in zip(self.groups, plain):
            out[:, g.columns] = p
        if resonances is not None and wc is not None:
            self._adapted(wc, resonances, offshell, out)
        return out

    def _plain_shifts(self, wc: WCFunction) -> list[dict[str, np.ndarray]]:
        """``wc`` at every group's plain nodes: one call per lepton on the groups' nodes side by side."""
        out: list[dict[str, np.ndarray]] = [{} for _ in self.groups]
        for lepton in dict.fromkeys(g.lepton for g in self.groups):
            idx = [i for i, g in enumerate(self.groups) if g.lepton == lepton]
            nodes = np.concatenate([self.groups[i].nodes for i in idx], axis=1)
            values = wc(nodes, lepton)
            start = 0
            for i in idx:
                stop = start + self.groups[i].nodes.shape[1]
                out[i] = {k: v[..., start:stop] if np.shape(v)[-1] == nodes.shape[1] else v for k, v in values.items()}
                start = stop
        return out

    def _adapted(
        self,
        wc: WCFunction,
        resonances: tuple[np.ndarray, np.ndarray],
        offshell: np.ndarray | None,
        out: np.ndarray,
    ) -> None:
        """Redo the (point, bin) pairs near the resonance with the adapted rule, all pairs at once:
        one rule for every pair, one new-physics call per lepton, the SM C9eff, C7eff of all
        exclusive pairs in one call and one hadronic call per group."""
        mass = np.atleast_1d(np.asarray(resonances[0], dtype=float))
        width = np.atleast_1d(np.asarray(resonances[1], dtype=float))
        m2 = mass[:, None] * mass[:, None]
        rows_l, group_l, bin_l = [], [], []
        for gi, g in enumerate(self.groups):
            a, b = g.edges[:, 0], g.edges[:, 1]
            margin = RESONANCE_MARGIN * (b - a)
            near = (b > a) & (m2 > a - margin) & (m2 < b + margin)
            if offshell is not None:
                near &= offshell[:, g.columns]
            r, k = np.nonzero(near)
            rows_l.append(r)
            group_l.append(np.full(r.size, gi))
            bin_l.append(k)
        rows, group = np.concatenate(rows_l), np.concatenate(group_l)
        if rows.size == 0:
            return
        cols = np.concatenate([g.columns[k] for g, k in zip(self.groups, bin_l)])
        edges = self._edges[cols]
        x, w = resonance_bin(edges[:, :1], edges[:, 1:], mass[rows], width[rows], N_RES_NODES)
        lepton = np.array([g.lepton for g in self.groups])[group]
        shifts: dict[str, np.ndarray] = {}
        for lep in np.unique(lepton):
            sel = np.nonzero(lepton == lep)[0]
            for key, value in _at_pairs(wc, str(lep), rows[sel], x[sel], mass.size).items():
                shifts.setdefault(key, np.zeros(x.shape, dtype=complex))[sel] = value
        exclusive = np.nonzero(np.array([g.obs.final != "Xs" for g in self.groups])[group])[0]
        c9 = c7 = None
        if exclusive.size:
            c9_ex, c7_ex = sm_c9_c7(x[exclusive])
            c9, c7 = np.zeros(x.shape, dtype=complex), np.zeros(x.shape, dtype=complex)
            c9[exclusive], c7[exclusive] = c9_ex, c7_ex
        for gi in np.unique(group):
            g, sel = self.groups[gi], np.nonzero(group == gi)[0]
            c9_c7 = None if g.obs.final == "Xs" or c9 is None or c7 is None else (c9[sel], c7[sel])
            had = hadronic_at(g.obs, g.lepton, x[sel], c9_c7)
            rate = rate_rows(g.obs, g.lepton, had, {key: v[sel] for key, v in shifts.items()})
            out[rows[sel], cols[sel]] = np.sum(w[sel] * rate, axis=-1)


def _at_pairs(wc: WCFunction, lepton: str, rows: np.ndarray, nodes: np.ndarray, n_points: int) -> dict[str, np.ndarray]:
    """``wc`` at the nodes ``(n_pairs, k)`` of pairs whose points are ``rows``, in one call.

    The :data:`~fitkit.theory.observables.WCFunction` takes one row of nodes per point: a point's
    pairs go side by side into slots of k columns (unused slots hold a node of the first pair).
    """
    k = nodes.shape[1]
    order = np.argsort(rows, kind="stable")
    ranked = rows[order]
    slot = np.empty(rows.size, dtype=int)
    slot[order] = np.arange(rows.size) - np.searchsorted(ranked, ranked, side="left")
    full = np.full((n_points, (int(slot.max()) + 1) * k), nodes.flat[0])
    cols = slot[:, None] * k + np.arange(k)
    full[rows[:, None], cols] = nodes
    return {key: np.broadcast_to(v, full.shape)[rows[:, None], cols] for key, v in wc(full, lepton).items()}
