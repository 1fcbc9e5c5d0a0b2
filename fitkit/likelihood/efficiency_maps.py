"""Efficiency maps for reinterpretation: generated-kinematics x reconstructed-bin tables as ``hist`` histograms.

An experiment publishes, per reconstructed bin i of a channel and generated (true) bin t of the
signal kinematics (q^2, or q^2 x cos(theta), ...), either the number density N_it (the SM signal
yield of bin i coming from generated bin t; each row sums to bin i's nominal SM signal yield) or
the efficiency eps_it directly (expected yield in bin i per unit branching ratio generated in bin
t; dimensionless x luminosity, i.e. events per unit BR). From a number density,

    eps_it = N_it / (BR_SM w_t),    w_t = int_t dBR_SM / dq^2 dq^2 / BR_SM,       (1)

with BR_SM the branching ratio behind the map and w_t the SM fraction of generated bin t
(:mod:`fitkit.likelihood.sm_spectra`). A new-physics spectrum B_t (branching ratio per generated
bin) then gives the yields nu_i = sum_t eps_it B_t (:meth:`fitkit.likelihood.reinterpret.Reinterpretation.fold`).

Reconstructed bins may be structured (e.g. BDT bin x q^2_rec bin, the last axis fastest, which
is the order of the channel's bins in the workspace); a reconstructed axis that measures a
generated axis (``q2_rec`` measures ``q2``) carries 003's Gaussian-resolution treatment
(:func:`line_efficiencies`, :func:`resolution_number_density`).

Example:
    >>> expand_edges([-1.0, {"regular": [4, 0.0, 2.0]}]).tolist()
    [-1.0, 0.0, 0.5, 1.0, 1.5, 2.0]
    >>> gaussian_bin_fractions(np.array([4.0]), np.array([-np.inf, 4.0, np.inf]), 1.0).tolist()
    [[0.5, 0.5]]
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import hist
import numpy as np
from scipy import stats

from fitkit.errors import InputError

__all__ = [
    "expand_edges",
    "map_histogram",
    "read_map_csv",
    "efficiencies",
    "gaussian_bin_fractions",
    "resolution_number_density",
    "line_efficiencies",
]


def expand_edges(items: Sequence[Any]) -> np.ndarray:
    """Bin edges from a list of numbers and ``{regular: [n_bins, low, high]}`` pieces, concatenated.

    A regular piece is ``np.linspace(low, high, n_bins + 1)``; the result must be strictly
    increasing (``ValueError`` otherwise). Infinite outer edges are allowed (open tail bins).
    """
    parts: list[np.ndarray] = []
    for it in items:
        if isinstance(it, Mapping):
            n, lo, hi = it["regular"]
            parts.append(np.linspace(float(lo), float(hi), int(n) + 1))
        else:
            parts.append(np.array([float(it)]))
    edges = np.concatenate(parts) if parts else np.zeros(0)
    if edges.size < 2 or np.any(np.isnan(edges)) or np.any(np.diff(edges) <= 0):
        raise ValueError(f"edges must be at least two strictly increasing numbers, got {edges.tolist()}")
    return edges


def map_histogram(
    values: np.ndarray,
    reconstructed: Sequence[tuple[str, np.ndarray | int]],
    generated: Sequence[tuple[str, np.ndarray]],
    *,
    label: str = "",
) -> hist.Hist:
    """A map as a ``hist.Hist``: reconstructed axes (edges, or a bin count: an integer axis), then generated axes.

    ``values`` has shape (n_reconstructed_bins, n_generated_bins) with both flattened in C order
    (last axis fastest), or already the full N-dimensional shape.
    """
    axes: list[Any] = []
    for name, ax in reconstructed:
        if isinstance(ax, int | np.integer):
            axes.append(hist.axis.Integer(0, int(ax), name=name, underflow=False, overflow=False))
        else:
            axes.append(hist.axis.Variable(np.asarray(ax, float), name=name, underflow=False, overflow=False))
    for name, edges in generated:
        axes.append(hist.axis.Variable(np.asarray(edges, float), name=name, underflow=False, overflow=False))
    h = hist.Hist(*axes, storage=hist.storage.Double(), label=label)
    h.view()[...] = np.asarray(values, float).reshape(h.shape)
    return h


def read_map_csv(path: Path, *, file: str | None = None, entry: str | None = None, field: str | None = None) -> np.ndarray:
    """A map table: one row per reconstructed bin, one column per generated bin (comma-separated)."""
    try:
        table = np.loadtxt(path, delimiter=",", ndmin=2)
    except OSError as exc:
        raise InputError(f"cannot read map file {path}: {exc.strerror}", file=file or str(path), entry=entry, field=field) from None
    except ValueError as exc:
        raise InputError(f"map file {path} is not a numeric CSV table: {str(exc).splitlines()[0]}", file=file or str(path), entry=entry, field=field) from None
    if not np.all(np.isfinite(table)):
        raise InputError(f"map file {path} has non-finite entries", file=file or str(path), entry=entry, field=field)
    if np.any(table < 0):
        r, c = np.argwhere(table < 0)[0]
        raise InputError(f"map file {path} has a negative entry (row {r}, column {c}): yields and efficiencies are >= 0", file=file or str(path), entry=entry, field=field)
    return table


def _nearest(good: np.ndarray) -> np.ndarray:
    """For every generated bin (N-dimensional boolean grid ``good``), the flat index of the nearest good bin.

    Distance: Euclidean in bin indices (ties: the lowest flat index). In one dimension this is
    the nearest bin with SM content along the axis.
    """
    grid = np.indices(good.shape).reshape(good.ndim, -1).T  # (n_flat, ndim)
    idx_good = np.flatnonzero(good.ravel())
    d2 = ((grid[:, None, :] - grid[idx_good][None, :, :]) ** 2).sum(axis=2)
    return idx_good[d2.argmin(axis=1)]


def efficiencies(
    number_density: np.ndarray,
    sm_fraction: np.ndarray,
    sm_br: float,
    *,
    min_sm_fraction: float,
    physical: np.ndarray,
) -> np.ndarray:
    """Efficiencies eps_it = N_it / (BR_SM w_t), eq. (1); shape (n_reconstructed, n_generated_flat).

    ``sm_fraction`` (the generated grid's shape) is w_t; where the SM spectrum vanishes (w_t below
    ``min_sm_fraction`` times the mean of the non-zero w_t, e.g. at the kinematic endpoint) the map
    holds no information and eps is taken from the nearest bin with SM content (:func:`_nearest`).
    Generated bins outside the physical region (``physical`` False: e.g. an underflow below
    q^2 = 0) get eps = 0.
    """
    frac = np.asarray(sm_fraction, float).ravel()
    nmap = np.asarray(number_density, float).reshape(number_density.shape[0], -1)
    good = frac > min_sm_fraction * frac[frac > 0].mean()
    nearest = _nearest(good.reshape(np.shape(sm_fraction)))
    eps = np.zeros_like(nmap)
    eps[:, good] = nmap[:, good] / (sm_br * frac[good])
    eps[:, ~good] = eps[:, nearest[~good]]
    eps[:, ~np.asarray(physical, bool).ravel()] = 0.0
    return eps


def gaussian_bin_fractions(centres: np.ndarray, edges: np.ndarray, sigma: float) -> np.ndarray:
    """Fraction of a Gaussian (mean ``centres``, width ``sigma``) in each bin of ``edges``: (n_centres, n_bins).

    G_j(x) = Phi((e_{j+1} - x) / sigma) - Phi((e_j - x) / sigma) (003 appendix: the X line in
    reconstructed q^2 with sigma = 1.5 GeV^2); infinite outer edges put the tails in the outer bins.
    """
    cdf = stats.norm.cdf((np.asarray(edges, float)[None, :] - np.asarray(centres, float)[:, None]) / sigma)
    return np.diff(cdf, axis=1)


def _efficiency_over_axis(sm_efficiency: np.ndarray, reco_shape: tuple[int, ...], axis: int) -> np.ndarray:
    """The SM efficiency summed over reconstructed axis ``axis`` (kept with length 1)."""
    return np.asarray(sm_efficiency, float).reshape(reco_shape).sum(axis=axis, keepdims=True)


def resolution_number_density(
    sm_yield: np.ndarray,
    reco_shape: tuple[int, ...],
    sm_fraction: np.ndarray,
    *,
    measured: tuple[int, np.ndarray, np.ndarray] | None,
    sigma: float,
) -> np.ndarray:
    """A number density built from the SM yields alone (no published map): 003's resolution model.

    With a reconstructed axis a measuring the generated variable (``measured`` = (a, its edges,
    the generated value of each generated bin, grid-shaped)): N_(k j),t = Y_k w_t G_j(x_t), Y_k the
    SM yield summed over a, G_j the Gaussian fraction (:func:`gaussian_bin_fractions`) of bin j of
    a around x_t. Without: N_i,t = Y_i w_t (efficiency flat in the generated kinematics).
    Returns (n_reconstructed, n_generated_flat).
    """
    frac = np.asarray(sm_fraction, float).ravel()
    y = np.asarray(sm_yield, float)
    if measured is None:
        return y[:, None] * frac[None, :]
    axis, edges, x = measured
    eff = _efficiency_over_axis(y, reco_shape, axis)[..., None]  # reco dims (axis length 1), 1 generated dim
    g = gaussian_bin_fractions(np.asarray(x, float).ravel(), edges, sigma).T  # (n_j, n_generated)
    shape = [1] * len(reco_shape) + [frac.size]
    shape[axis] = g.shape[0]
    return (eff * g.reshape(shape) * frac).reshape(-1, frac.size)


def line_efficiencies(
    positions: np.ndarray, sm_efficiency: np.ndarray, reco_shape: tuple[int, ...], *, measured: tuple[int, np.ndarray] | None, sigma: float
) -> np.ndarray:
    """Yields per unit BR of a line at ``positions`` smeared by a Gaussian of width ``sigma`` (003's treatment).

    With a reconstructed axis a (``measured`` = (a, its edges)) measuring the line's variable:
    eps_(k j)(x) = E_k G_j(x), E_k the SM efficiency summed over a; without: the SM efficiency of
    each bin (no resolution information). Returns (n_positions, n_reconstructed).
    """
    x = np.atleast_1d(np.asarray(positions, float))
    e = np.asarray(sm_efficiency, float)
    if measured is None:
        return np.broadcast_to(e[None, :], (x.size, e.size)).copy()
    axis, edges = measured
    eff = _efficiency_over_axis(e, reco_shape, axis)[None, ...]
    frac = gaussian_bin_fractions(x, edges, sigma)  # (n, n_j)
    shape = [x.size] + [1] * len(reco_shape)
    shape[axis + 1] = frac.shape[1]
    return (eff * frac.reshape(shape)).reshape(x.size, -1)


def physical_mask(edges: Sequence[np.ndarray], ranges: Sequence[tuple[float, float] | None]) -> np.ndarray:
    """True for generated bins that overlap the physical range of every axis (grid-shaped)."""
    masks = []
    for e, r in zip(edges, ranges, strict=True):
        lo, hi = r if r is not None else (-math.inf, math.inf)
        masks.append((e[1:] > lo) & (e[:-1] < hi))
    out = masks[0]
    for m in masks[1:]:
        out = out[..., None] & m
    return out
