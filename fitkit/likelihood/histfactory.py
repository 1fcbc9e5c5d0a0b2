"""A pyhf (HistFactory) workspace compiled into numpy arrays: fast -ln L, analytic gradient and Hessian.

The HistFactory model (Cranmer et al., CERN-OPEN-2012-016; pyhf, JOSS 6 (2021) 2823) gives the
expected count of bin b as a sum over samples s,

    nu_sb(theta) = [n0_sb + sum_h Delta_h,sb(alpha_h)] * prod_n I_n,s(alpha_n) * prod_k theta_k,sb,

with additive ``histosys`` deltas (pyhf interpolation code 4p), multiplicative ``normsys``
factors (code 4: polynomial for |alpha| < 1, exponential beyond) and free or constrained
linear factors (``normfactor``, ``shapefactor``, ``lumi``, ``staterror``, ``shapesys``). The
likelihood is

    -ln L = sum_b [lam_b - n_b ln lam_b + ln Gamma(n_b + 1)] - sum_c ln p_c(aux_c | theta_c),
    lam_b = sum_s nu_sb,

with unit Gaussians for alpha, Gaussians of width sigma_b for ``staterror`` (sigma_b = the
quadrature sum of the samples' MC errors over their summed nominal, as pyhf computes it) and
``lumi``, and Poisson constraints (tau_b = (n0_b / err_b)^2) for ``shapesys``. The numbers are
identical to ``pyhf.Model.logpdf`` (tested to 1e-8 relative), including the constant terms.

Everything lives on the "cells" (sample, bin) that a channel actually has: for the Belle II
B+ -> K+ nu nubar workspace these are 180 cells and 232 parameters. Only the non-trivial
interpolation entries are stored (2329 of the 39 x 180 histosys and 180 of the 12 x 180 normsys
(parameter, cell) pairs). Code 4p is S alpha + A G(alpha), so its polynomial is evaluated once
per parameter and contracted with the stored coefficients; code 4 takes the powers of alpha once
per parameter and one product with a coefficient table per call. The gradient is analytic and so
is the Hessian (:meth:`CompiledWorkspace.hessian`): MIGRAD's seed and the errors need no finite
differences. Measured by ``benchmarks/knunu_fit.py`` on the 2-core machine of issue 15: -ln L
~90 µs, with gradient ~125 µs, Hessian ~1 ms, a full fit with errors ~80 ms of CPU. Every
evaluation takes a batch of parameter points, shape (n_points, n_par).

A sample's nominal can be replaced at call time (``nominal={sample: array}``): its histosys
deltas then scale with the new nominal (relative systematics) and its multiplicative
modifiers stay. This is how a new-physics signal is injected as a clone of the SM signal
(:meth:`CompiledWorkspace.add_clone`).

Example:
    >>> import pyhf
    >>> spec = pyhf.simplemodels.uncorrelated_background([5.0, 6.0], [50.0, 52.0], [3.0, 7.0]).spec
    >>> ws = {"channels": spec["channels"], "observations": [{"name": "singlechannel", "data": [53.0, 65.0]}],
    ...       "measurements": [{"name": "m", "config": {"poi": "mu", "parameters": []}}], "version": "1.0.0"}
    >>> cw = CompiledWorkspace(ws)
    >>> cw.parameters
    ['mu', 'uncorr_bkguncrt[0]', 'uncorr_bkguncrt[1]']
    >>> round(float(cw.nll(cw.init)[0]), 4)
    13.0147
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from iminuit.cost import Cost
from scipy import sparse
from scipy.special import gammaln

from fitkit.errors import InputError
from fitkit.likelihood.penalty import asymmetric_gaussian
from fitkit.likelihood.workspace import load_workspace

__all__ = [
    "CompiledWorkspace",
    "WorkspaceCost",
    "ProfiledWorkspace",
    "build_pyhf_term",
    "TERMS",
    "load_workspace",
    "code4_factor",
    "code4p_delta",
]

_DEFAULT_BOUNDS = {
    "normfactor": (0.0, 10.0),
    "shapefactor": (0.0, 10.0),
    "normsys": (-5.0, 5.0),
    "histosys": (-5.0, 5.0),
    "staterror": (1e-10, 10.0),
    "shapesys": (1e-10, 10.0),
}
_DEFAULT_INIT = {"normfactor": 1.0, "shapefactor": 1.0, "normsys": 0.0, "histosys": 0.0, "staterror": 1.0, "shapesys": 1.0, "lumi": 1.0}
_HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)
_POWERS = np.arange(7.0)  # alpha^0 .. alpha^6 of the code-4 polynomial
#: coefficient matrices up to this many elements are dense (Belle II: 39 x 180), sparse beyond
_DENSE_LIMIT = 2_000_000


def _code4_coefficients(hi: np.ndarray, lo: np.ndarray) -> np.ndarray:
    """Coefficients a_1..a_6 of the code-4 polynomial (pyhf ``interpolators.code4``, alpha0 = 1).

    They fix value, first and second derivative of 1 + sum a_i alpha^i to those of the
    exponential extrapolations hi^alpha and lo^-alpha at alpha = +-1. Shape (6, ...).
    """
    a_inv = np.array(
        [
            [15 / 16, -15 / 16, -7 / 16, -7 / 16, 1 / 16, -1 / 16],
            [3 / 2, 3 / 2, -9 / 16, 9 / 16, 1 / 16, 1 / 16],
            [-5 / 8, 5 / 8, 5 / 8, 5 / 8, -1 / 8, 1 / 8],
            [-3 / 2, -3 / 2, 7 / 8, -7 / 8, -1 / 8, -1 / 8],
            [3 / 16, -3 / 16, -3 / 16, -3 / 16, 1 / 16, -1 / 16],
            [1 / 2, 1 / 2, -5 / 16, 5 / 16, 1 / 16, 1 / 16],
        ]
    )
    lh, ll = np.log(hi), np.log(lo)
    b = np.stack([hi - 1, lo - 1, lh * hi, -ll * lo, lh**2 * hi, ll**2 * lo])
    return np.tensordot(a_inv, b, axes=1)


def _code4_power_table(coef: np.ndarray) -> np.ndarray:
    """(7, n_entries, 3): the coefficient of alpha^j in I, dI/dalpha and d2I/dalpha2 of code 4's polynomial.

    ``coef`` (6, n_entries) are a_1..a_6 of :func:`_code4_coefficients`; I = 1 + sum_i a_i alpha^i.
    """
    table = np.zeros((7, coef.shape[1], 3))
    table[0, :, 0] = 1.0
    for i in range(1, 7):
        table[i, :, 0] = coef[i - 1]
        table[i - 1, :, 1] = i * coef[i - 1]
        if i >= 2:
            table[i - 2, :, 2] = i * (i - 1) * coef[i - 1]
    return table


class _Code4Kernel:
    """Interpolation code 4 (normsys) for entries e acting with the parameter ``par[e]``, by matrix products.

    pyhf ``code4`` (HistFactory note CERN-OPEN-2012-016 sec. 4.1): I = hi^alpha (alpha >= 1),
    lo^-alpha (alpha <= -1), 1 + sum_i a_i alpha^i in between. Branch-free: the polynomial is
    evaluated at alpha_c = clip(alpha, -1, 1) and multiplied by e = exp((alpha - alpha_c) ln hi)
    (alpha > 1) or exp((alpha - alpha_c) (-ln lo)) (alpha < -1). The polynomial matches value,
    first and second derivative of hi^alpha (lo^-alpha) at +1 (-1), so this is hi^alpha (lo^-alpha)
    outside [-1, 1] and the polynomial inside, and its derivatives are those of the polynomial
    times e (to rounding). The powers of alpha_c are taken once per parameter; one product with
    the (parameter x power) x (entry x derivative) table gives I, I', I'' of every entry, a second
    one the exponents.
    """

    def __init__(self, par: np.ndarray, hi: np.ndarray, lo: np.ndarray) -> None:
        self.par, loc = np.unique(np.asarray(par, dtype=int), return_inverse=True)
        k, n_e = self.par.size, loc.size
        self.n_entries = n_e
        table = _code4_power_table(_code4_coefficients(hi, lo))  # (7, E, 3)
        rows = np.broadcast_to((loc[None, :] * 7 + np.arange(7)[:, None])[:, :, None], table.shape)
        cols = np.broadcast_to(np.arange(3)[None, None, :] * n_e + np.arange(n_e)[None, :, None], table.shape)
        nz = table != 0
        self.poly = _coefficient_matrix(rows[nz], cols[nz], table[nz], (7 * k, 3 * n_e))
        keep = nz & (cols < 2 * n_e)  # I and I' only (values and gradients)
        self.poly01 = _coefficient_matrix(rows[keep], cols[keep], table[keep], (7 * k, 2 * n_e))
        self.expo = _coefficient_matrix(
            np.concatenate([loc, loc + k]), np.tile(np.arange(n_e), 2), np.concatenate([np.log(hi), -np.log(lo)]), (2 * k, n_e)
        )

    def __call__(self, alpha: np.ndarray, order: int) -> list[np.ndarray]:
        """[I, dI/dalpha, d2I/dalpha2][: order + 1], (n, n_entries) each, for ``alpha`` (n, n_par) of :attr:`par`."""
        ac = np.minimum(np.maximum(alpha, -1.0), 1.0)
        d = alpha - ac
        poly = (ac[..., None] ** _POWERS).reshape(alpha.shape[0], -1) @ (self.poly if order >= 2 else self.poly01)
        e = np.exp(np.concatenate([np.maximum(d, 0.0), np.minimum(d, 0.0)], axis=1) @ self.expo)
        n_e = self.n_entries
        return [poly[:, i * n_e : (i + 1) * n_e] * e for i in range(order + 1)]


def code4_factor(alpha: np.ndarray, hi: np.ndarray, lo: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The normsys factor I(alpha) of interpolation code 4 and its derivative dI/dalpha.

    I = hi^alpha (alpha >= 1), lo^-alpha (alpha <= -1), 1 + sum_i a_i alpha^i otherwise
    (pyhf ``code4``; HistFactory note CERN-OPEN-2012-016 sec. 4.1). Broadcasts.

    Example:
        >>> f, d = code4_factor(np.array([-2.0, 0.0, 0.5, 2.0]), np.array(1.1), np.array(0.8))
        >>> np.round(f, 6).tolist()
        [0.64, 1.0, 1.055136, 1.21]
    """
    a, hi_b, lo_b = np.broadcast_arrays(np.asarray(alpha, float), np.asarray(hi, float), np.asarray(lo, float))
    kernel = _Code4Kernel(np.arange(a.size), hi_b.ravel(), lo_b.ravel())
    f, d = kernel(a.reshape(1, -1), 1)
    return f.reshape(a.shape), d.reshape(a.shape)


def _code4p_shape(alpha: np.ndarray, order: int) -> list[np.ndarray]:
    """[G, dG/dalpha, d2G/dalpha2][: order + 1]: code 4p is delta = S alpha + A G(alpha) (pyhf ``code4p``).

    With S = (dup + ddn) / 2, A = (dup - ddn) / 16 (dup = hi - nom, ddn = nom - lo) and
    g(x) = x^2 (15 - 10 x^2 + 3 x^4) inside |alpha| <= 1. The slope of S x + A g at +1 (-1) is
    S + 8 A = dup (S - 8 A = ddn) and g'' vanishes there, so the linear extrapolation beyond is
    G = g(alpha_c) + (alpha - alpha_c) g'(alpha_c), alpha_c = clip(alpha, -1, 1): delta = dup alpha
    (ddn alpha) outside. G depends on the parameter only: it is evaluated once per parameter.
    """
    ac = np.minimum(np.maximum(alpha, -1.0), 1.0)
    a2 = ac * ac
    g1 = ac * (30.0 + a2 * (-40.0 + 18.0 * a2))
    out = [a2 * (15.0 + a2 * (-10.0 + 3.0 * a2)) + (alpha - ac) * g1]
    if order >= 1:
        out.append(g1)
    if order >= 2:
        out.append(30.0 + a2 * (-120.0 + 90.0 * a2))
    return out


def code4p_delta(alpha: np.ndarray, dup: np.ndarray, ddn: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The histosys delta of interpolation code 4p and its derivative.

    With dup = hi - nom and ddn = nom - lo: delta = dup alpha (alpha > 1), ddn alpha
    (alpha < -1), alpha S + A alpha^2 (15 - 10 alpha^2 + 3 alpha^4) otherwise, S = (dup + ddn)/2,
    A = (dup - ddn)/16 (pyhf ``code4p``).

    Example:
        >>> d, g = code4p_delta(np.array([-2.0, 0.5, 2.0]), np.array(2.0), np.array(1.0))
        >>> d.tolist()
        [-2.0, 0.9482421875, 4.0]
    """
    a = np.asarray(alpha, dtype=float)
    s = 0.5 * (np.asarray(dup, float) + ddn)
    amp = 0.0625 * (np.asarray(dup, float) - ddn)
    shape, slope = _code4p_shape(a, 1)
    return s * a + amp * shape, s + amp * slope


def _coefficient_matrix(rows: np.ndarray, cols: np.ndarray, values: np.ndarray, shape: tuple[int, int]) -> Any:
    """A (parameters x cells) coefficient matrix holding only the given entries.

    Dense while it has at most :data:`_DENSE_LIMIT` elements (one BLAS product is then faster
    than a sparse one), a ``scipy.sparse.csr_array`` beyond; both support ``x @ m`` and ``m.T``.
    """
    if shape[0] * shape[1] <= _DENSE_LIMIT:
        out = np.zeros(shape)
        np.add.at(out, (rows, cols), values)
        return out
    return sparse.csr_array((values, (rows, cols)), shape=shape)


def _scatter(index: np.ndarray, weights: np.ndarray, size: int) -> np.ndarray:
    """Sums of ``weights`` (n_points, n_entries) into ``size`` slots per point by ``index`` (n_entries,)."""
    n = weights.shape[0]
    if n == 1:
        return _bincount(index, weights[0], size)[None, :]
    flat = (index[None, :] + size * np.arange(n)[:, None]).ravel()
    return _bincount(flat, weights.ravel(), n * size).reshape(n, size)


def _bincount(index: np.ndarray, weights: np.ndarray, size: int) -> np.ndarray:
    """``np.bincount`` with weights into ``size`` float slots (also for no entries at all)."""
    return np.bincount(index, weights, minlength=size).astype(float, copy=False)


def _dense(m: Any) -> np.ndarray:
    """A coefficient matrix of :func:`_coefficient_matrix` as a numpy array."""
    return m.toarray() if sparse.issparse(m) else np.asarray(m)


class _Forward(NamedTuple):
    """The pieces of one evaluation over n points (cells C): shared by value, gradient and Hessian."""

    pars: np.ndarray  # (n, P)
    scale: np.ndarray  # (n or 1, C) histosys scale: overridden / compiled nominal
    hist: list[np.ndarray]  # code 4p G(alpha) and its derivatives per histosys parameter, (n, H) each
    sum_delta: np.ndarray  # (n, C) sum of the histosys deltas
    base: np.ndarray  # (n, C) nominal + scaled deltas
    norm_terms: list[np.ndarray]  # code 4 factor and derivatives per normsys entry, (n, E_n) each
    norm: np.ndarray  # (n, C) product of normsys factors
    lin: list[np.ndarray]  # (n, C) per layer of linear factors (1 where a cell has none)
    mult: np.ndarray  # (n, C) all multiplicative factors
    nu: np.ndarray  # (n, C) expected counts per cell
    lam: np.ndarray  # (n, B) expected counts per bin


class CompiledWorkspace:
    """A pyhf workspace compiled into arrays over its (sample, bin) cells.

    Args:
        spec: the workspace (pyhf JSON as a dict).
        measurement: name of the measurement whose config (POI, inits, bounds, fixed
            parameters, lumi) is used; default: the first one.
    """

    def __init__(self, spec: Mapping[str, Any], measurement: str | None = None) -> None:
        self.spec = copy.deepcopy(dict(spec))
        meas = self.spec["measurements"]
        cfg = next((m for m in meas if m["name"] == measurement), None) if measurement else meas[0]
        if cfg is None:
            raise InputError(f"no measurement named {measurement!r} in the workspace", field="measurements")
        self.config = cfg["config"]
        self.poi: str = self.config.get("poi", "")
        self._clones: set[str] = set()
        self._compile()

    # ------------------------------------------------------------------ compilation
    def _compile(self) -> None:
        chans = sorted(self.spec["channels"], key=lambda c: c["name"])  # pyhf orders channels by name
        obs = {o["name"]: o["data"] for o in self.spec["observations"]}
        self.channels = [c["name"] for c in chans]
        self.channel_slices: dict[str, slice] = {}
        data: list[float] = []
        cells_s: list[int] = []
        cells_b: list[int] = []
        nom: list[float] = []
        err: list[float] = []
        self.samples: list[tuple[str, str]] = []  # (channel, sample)
        mods: dict[tuple[str, str], list[tuple[int, dict[str, Any]]]] = {}
        for ch in chans:
            if ch["name"] not in obs:
                raise InputError(f"no observation for channel {ch['name']!r}", field="observations")
            n = len(obs[ch["name"]])
            start = len(data)
            self.channel_slices[ch["name"]] = slice(start, start + n)
            data.extend(obs[ch["name"]])
            for smp in ch["samples"]:
                s = len(self.samples)
                self.samples.append((ch["name"], smp["name"]))
                for m in smp["modifiers"]:
                    mods.setdefault((m["name"], m["type"]), []).append((s, m))
                for i, v in enumerate(smp["data"]):
                    cells_s.append(s)
                    cells_b.append(start + i)
                    nom.append(v)
                errs = next((m["data"] for m in smp["modifiers"] if m["type"] in ("staterror", "shapesys")), None)
                err.extend(errs if errs is not None else [0.0] * len(smp["data"]))
        self.data = np.asarray(data, dtype=float)
        self.n_bins = len(data)
        self.cell_sample = np.asarray(cells_s)
        self.cell_bin = np.asarray(cells_b)
        self.nominal = np.asarray(nom, dtype=float)
        ncell = len(nom)
        sample_cells = [np.flatnonzero(self.cell_sample == s) for s in range(len(self.samples))]
        self._sample_cells = sample_cells

        types: dict[str, str] = {}
        for name, typ in mods:
            if name in types and {types[name], typ} != {"normsys", "histosys"} and types[name] != typ:
                raise InputError(f"parameter {name!r} is used by modifiers {types[name]} and {typ}", field="modifiers")
            types.setdefault(name, typ)

        params: list[str] = []
        init: list[float] = []
        bounds: list[tuple[float, float]] = []
        fixed: list[bool] = []
        overrides = {p["name"]: p for p in self.config.get("parameters", [])}
        # constraint bookkeeping
        gauss_idx, gauss_mu, gauss_sigma = [], [], []
        pois_idx, pois_tau = [], []
        self.normfactor_names: list[str] = []

        def new_params(name: str, typ: str, n: int, default_bounds: tuple[float, float], default_init: float) -> list[int]:
            o = overrides.get(name, {})
            ob = o.get("bounds")
            oi = o.get("inits")
            idx = []
            for j in range(n):
                idx.append(len(params))
                params.append(name if n == 1 and typ not in ("staterror", "shapesys", "shapefactor") else f"{name}[{j}]")
                init.append(float(oi[j]) if oi is not None else default_init)
                bounds.append(tuple(ob[j]) if ob is not None else default_bounds)
                fixed.append(bool(o.get("fixed", False)))
            return idx

        # ordering like pyhf: parameters sorted by name
        by_name: dict[str, list[tuple[str, list[tuple[int, dict[str, Any]]]]]] = {}
        for (name, typ), lst in mods.items():
            by_name.setdefault(name, []).append((typ, lst))
        hist_rows: list[tuple[int, np.ndarray, np.ndarray]] = []
        norm_rows: list[tuple[int, np.ndarray, np.ndarray]] = []
        lin_entries: list[tuple[np.ndarray, int | np.ndarray]] = []  # (cells, param index or per-cell indices)
        self.param_type: dict[str, str] = {}
        for name in sorted(by_name):
            typs = dict(by_name[name])
            if "normsys" in typs or "histosys" in typs:
                (p,) = new_params(name, "alpha", 1, (-5.0, 5.0), 0.0)
                gauss_idx.append(p)
                gauss_mu.append(0.0)
                gauss_sigma.append(1.0)
                self.param_type[name] = "normsys" if "normsys" in typs else "histosys"
                for s, m in typs.get("histosys", []):
                    cells = sample_cells[s]
                    dup = np.zeros(ncell)
                    ddn = np.zeros(ncell)
                    dup[cells] = np.asarray(m["data"]["hi_data"], float) - self.nominal[cells]
                    ddn[cells] = self.nominal[cells] - np.asarray(m["data"]["lo_data"], float)
                    hist_rows.append((p, dup, ddn))
                for s, m in typs.get("normsys", []):
                    cells = sample_cells[s]
                    hi = np.ones(ncell)
                    lo = np.ones(ncell)
                    hi[cells] = m["data"]["hi"]
                    lo[cells] = m["data"]["lo"]
                    norm_rows.append((p, hi, lo))
                continue
            if len(by_name[name]) != 1:
                raise InputError(f"parameter {name!r} is shared by modifiers of different types", field="modifiers")
            ((typ, lst),) = by_name[name]
            self.param_type[name] = typ
            if typ in ("normfactor", "lumi"):
                if typ == "lumi":
                    o = overrides.get(name, {})
                    (p,) = new_params(name, typ, 1, tuple(o.get("bounds", [[0.0, 10.0]])[0]), 1.0)
                    gauss_idx.append(p)
                    gauss_mu.append(float(o.get("auxdata", [1.0])[0]))
                    gauss_sigma.append(float(o["sigmas"][0]) if "sigmas" in o else 1.0)
                else:
                    (p,) = new_params(name, typ, 1, _DEFAULT_BOUNDS[typ], 1.0)
                    self.normfactor_names.append(name)
                for s, _ in lst:
                    lin_entries.append((sample_cells[s], p))
            elif typ in ("staterror", "shapesys", "shapefactor"):
                # bins covered: union over samples (the same mask for all, as pyhf asserts)
                bins = sorted({int(b) for s, _ in lst for b in self.cell_bin[sample_cells[s]]})
                bin_pos = {b: j for j, b in enumerate(bins)}
                if typ == "staterror":
                    nom_b = np.zeros(self.n_bins)
                    for s, _ in lst:
                        if self.samples[s][1] not in self._clones:
                            nom_b[self.cell_bin[sample_cells[s]]] += self.nominal[sample_cells[s]]
                    rel2 = np.zeros(self.n_bins)
                    for s, m in lst:
                        b = self.cell_bin[sample_cells[s]]
                        u = np.asarray(m["data"], float)
                        rel2[b] += np.where(nom_b[b] > 0, (u / np.where(nom_b[b] > 0, nom_b[b], 1.0)) ** 2, 0.0)
                    sig = np.sqrt(rel2[bins])
                    idx = new_params(name, typ, len(bins), _DEFAULT_BOUNDS[typ], 1.0)
                    for j, p in enumerate(idx):
                        # pyhf fixes gammas of bins without uncertainty at 1 (constraint width 1)
                        fixed[p] = fixed[p] or bool(sig[j] == 0)
                        gauss_idx.append(p)
                        gauss_mu.append(1.0)
                        gauss_sigma.append(float(sig[j]) if sig[j] > 0 else 1.0)
                elif typ == "shapesys":
                    if len(lst) != 1:
                        raise InputError(f"shapesys {name!r} on more than one sample", field="modifiers")
                    (s, m), = lst
                    u = np.asarray(m["data"], float)
                    nb = self.nominal[sample_cells[s]]
                    idx = new_params(name, typ, len(bins), _DEFAULT_BOUNDS[typ], 1.0)
                    for j, p in enumerate(idx):
                        if u[j] > 0 and nb[j] > 0:
                            pois_idx.append(p)
                            pois_tau.append(float((nb[j] / u[j]) ** 2))
                        else:
                            fixed[p] = True
                else:
                    idx = new_params(name, typ, len(bins), _DEFAULT_BOUNDS[typ], 1.0)
                for s, _ in lst:
                    cells = sample_cells[s]
                    lin_entries.append((cells, np.asarray([idx[bin_pos[int(b)]] for b in self.cell_bin[cells]])))
            else:
                raise InputError(f"modifier type {typ!r} is not supported", entry=name, field="modifiers")
        self.parameters = params
        self.index = {p: i for i, p in enumerate(params)}
        self.init = np.asarray(init, dtype=float)
        self.bounds = np.asarray(bounds, dtype=float)
        self.fixed = np.asarray(fixed, dtype=bool)
        npar = len(params)

        # histosys and normsys: only the non-trivial (parameter, cell) entries are kept (Belle II:
        # 2329 of 39 x 180 and 180 of 12 x 180); a parameter may act on several samples
        h_up = np.zeros((npar, ncell))
        h_dn = np.zeros((npar, ncell))
        for p, dup, ddn in hist_rows:
            h_up[p] += dup
            h_dn[p] += ddn
        # code 4p is delta = S alpha + A G(alpha) (:func:`_code4p_shape`): G once per parameter,
        # then one product with the (histosys parameters x cells) coefficients [S; A]
        self._h_par = np.flatnonzero(np.any((h_up != 0) | (h_dn != 0), axis=1))
        rows, cols = np.nonzero((h_up[self._h_par] != 0) | (h_dn[self._h_par] != 0))
        nh = self._h_par.size
        self._h_coef = _coefficient_matrix(
            np.concatenate([rows, rows + nh]),
            np.concatenate([cols, cols]),
            np.concatenate([0.5 * (h_up + h_dn)[self._h_par[rows], cols], 0.0625 * (h_up - h_dn)[self._h_par[rows], cols]]),
            (2 * nh, ncell),
        )
        self._h_coef_t = sparse.csr_array(self._h_coef.T) if sparse.issparse(self._h_coef) else self._h_coef.T.copy()
        self.n_interpolation_entries = {"histosys": int(rows.size), "normsys": 0}
        n_hi = np.ones((npar, ncell))
        n_lo = np.ones((npar, ncell))
        for p, hi, lo in norm_rows:
            mask = (hi != 1.0) | (lo != 1.0)
            n_hi[p, mask] = hi[mask]
            n_lo[p, mask] = lo[mask]
        # normsys entries sorted by cell: the product per cell by one reduceat
        self._n_cell, self._n_par = np.nonzero(((n_hi != 1.0) | (n_lo != 1.0)).T)
        hi_e, lo_e = n_hi[self._n_par, self._n_cell], n_lo[self._n_par, self._n_cell]
        if np.any(hi_e <= 0) or np.any(lo_e <= 0):
            raise InputError("normsys hi and lo factors must be positive (code 4 takes their logarithms)", field="modifiers")
        self._n_kernel = _Code4Kernel(self._n_par, hi_e, lo_e)
        self._n_cells, self._n_starts = np.unique(self._n_cell, return_index=True)
        self.n_interpolation_entries["normsys"] = int(self._n_par.size)
        # the interpolated parameters (alphas) and each entry's position among them (Hessian blocks)
        self._alpha_par = np.union1d(self._h_par, self._n_par).astype(int)
        self._h_alpha = np.searchsorted(self._alpha_par, self._h_par)
        self._n_alpha = np.searchsorted(self._alpha_par, self._n_par)
        # linear factors in layers (each cell at most once per layer)
        layers: list[np.ndarray] = []
        for cells, par in lin_entries:
            pidx = np.broadcast_to(np.asarray(par), cells.shape)
            for layer in layers:
                if np.all(layer[cells] < 0):
                    layer[cells] = pidx
                    break
            else:
                layer = np.full(ncell, -1, dtype=int)
                layer[cells] = pidx
                layers.append(layer)
        self._layers = layers
        self._layer_cells = [np.flatnonzero(layer >= 0) for layer in layers]
        self._layer_par = [layer[cells] for layer, cells in zip(layers, self._layer_cells, strict=True)]
        # parameter of every gradient contribution: normsys entries, then the cells of each layer
        self._grad_index = np.concatenate([self._n_par, *self._layer_par]).astype(int)
        self._gauss_idx = np.asarray(gauss_idx, dtype=int)
        self._gauss_mu = np.asarray(gauss_mu, dtype=float)
        self._gauss_sigma = np.asarray(gauss_sigma, dtype=float)
        self._pois_idx = np.asarray(pois_idx, dtype=int)
        self._pois_tau = np.asarray(pois_tau, dtype=float)
        self._gauss_weight = np.zeros(npar)
        self._gauss_weight[self._gauss_idx] = 1.0 / self._gauss_sigma**2
        self._gauss_centre_all = np.zeros(npar)
        self._gauss_centre_all[self._gauss_idx] = self._gauss_mu
        self._log_factorial_data = float(np.sum(gammaln(self.data + 1)))
        self._const = float(
            self._log_factorial_data
            + len(gauss_idx) * _HALF_LOG_2PI
            + np.sum(np.log(self._gauss_sigma))
            + np.sum(gammaln(self._pois_tau + 1))
        )
        self._nominal_row = self.nominal[None, :]
        self._unit_scale = np.ones((1, ncell))
        with np.errstate(divide="ignore"):
            self._inv_nominal = np.where(self.nominal != 0, 1.0 / self.nominal, 0.0)
        self._bin_onehot = np.zeros((ncell, self.n_bins))
        self._bin_onehot[np.arange(ncell), self.cell_bin] = 1.0

    @property
    def gauss_index(self) -> np.ndarray:
        """Indices of the parameters with a Gaussian constraint (the order of ``aux``)."""
        return self._gauss_idx

    @property
    def gauss_sigma(self) -> np.ndarray:
        """Widths of the Gaussian constraints (same order as :attr:`gauss_index`)."""
        return self._gauss_sigma

    # ------------------------------------------------------------------ clones (signal injection)
    def add_clone(self, parent: str, name: str, *, normfactor: str | None = None) -> None:
        """Add, in every channel that has sample ``parent``, a copy ``name`` of it.

        The copy keeps every modifier of the parent (its histosys deltas scale with its own
        nominal when that is replaced at call time) except the parent's normfactors, which it
        replaces by ``normfactor`` (a new free parameter) or by nothing. Its nominal starts at
        zero: set it per call with ``nominal={name: yields}``.
        """
        spec = copy.deepcopy(self.spec)
        found = False
        for ch in spec["channels"]:
            for smp in list(ch["samples"]):
                if smp["name"] != parent:
                    continue
                found = True
                clone = copy.deepcopy(smp)
                clone["name"] = name
                keep = [m for m in clone["modifiers"] if m["type"] not in ("normfactor", "shapesys")]
                if normfactor:
                    keep.append({"name": normfactor, "type": "normfactor", "data": None})
                # the clone must not change staterror widths: its own MC error is zero
                for m in keep:
                    if m["type"] == "staterror":
                        m["data"] = [0.0] * len(smp["data"])
                    if m["type"] == "histosys":
                        m["data"] = {
                            "hi_data": [h / v if v else 0.0 for h, v in zip(m["data"]["hi_data"], smp["data"])],
                            "lo_data": [lo / v if v else 0.0 for lo, v in zip(m["data"]["lo_data"], smp["data"])],
                        }
                clone["modifiers"] = keep
                clone["data"] = [1.0 if v else 0.0 for v in smp["data"]]
                ch["samples"].append(clone)
        if not found:
            raise InputError(f"no sample named {parent!r} in the workspace", field="samples")
        self.spec = spec
        self._clones.add(name)
        self._compile()

    def sample_cells(self, sample: str) -> np.ndarray:
        """Cell indices of every sample called ``sample`` (all channels, channel order)."""
        idx = [i for i, (_, s) in enumerate(self.samples) if s == sample]
        if not idx:
            raise InputError(f"no sample named {sample!r}", field="samples")
        return np.concatenate([self._sample_cells[i] for i in idx])

    def sample_bins(self, sample: str) -> np.ndarray:
        """Global bin index of each cell of ``sample`` (same order as :meth:`sample_cells`)."""
        return self.cell_bin[self.sample_cells(sample)]

    # ------------------------------------------------------------------ evaluation
    def _nominal(self, n_points: int, nominal: Mapping[str, np.ndarray] | None) -> tuple[np.ndarray, np.ndarray]:
        """Nominal counts per cell (n_points or 1, n_cells) and the histosys scale (new / compiled nominal)."""
        if not nominal:
            return self._nominal_row, self._unit_scale
        nom = np.repeat(self._nominal_row, n_points, axis=0)
        scale = np.ones((n_points, self.nominal.size))
        for name, vals in nominal.items():
            cells = self.sample_cells(name)
            nom[:, cells] = np.broadcast_to(np.asarray(vals, float), (n_points, cells.size))
            ref = self.nominal[cells]
            with np.errstate(divide="ignore", invalid="ignore"):
                scale[:, cells] = np.where(ref != 0, nom[:, cells] / np.where(ref != 0, ref, 1.0), 0.0)
        return nom, scale

    def _forward(self, pars: np.ndarray, nominal: Mapping[str, np.ndarray] | None, order: int) -> _Forward:
        """Expected counts per cell and the interpolation terms up to derivative ``order``."""
        pars = np.atleast_2d(np.asarray(pars, dtype=float))
        n, ncell = pars.shape[0], self.nominal.size
        nom, scale = self._nominal(n, nominal)
        # histosys: base_c = nom_c + scale_c sum_h (S_hc alpha_h + A_hc G(alpha_h)) (code 4p, additive)
        a_h = pars[:, self._h_par]
        hist = _code4p_shape(a_h, order)
        sum_delta = np.concatenate([a_h, hist[0]], axis=1) @ self._h_coef
        base = nom + scale * sum_delta
        # normsys: product of code-4 factors per cell
        norm_terms = self._n_kernel(pars[:, self._n_kernel.par], order)
        norm = self._unit_scale.copy() if n == 1 else np.ones((n, ncell))
        if self._n_par.size:
            norm[:, self._n_cells] = np.multiply.reduceat(norm_terms[0], self._n_starts, axis=1)
        mult = norm
        lin = []
        for cells, par in zip(self._layer_cells, self._layer_par, strict=True):
            if cells.size == ncell:
                t = pars[:, par]
            else:
                t = self._unit_scale.copy() if n == 1 else np.ones((n, ncell))
                t[:, cells] = pars[:, par]
            lin.append(t)
            mult = mult * t
        nu = base * mult
        return _Forward(pars, scale, hist, sum_delta, base, norm_terms, norm, lin, mult, nu, nu @ self._bin_onehot)

    def _except(self, fw: _Forward, skip: Sequence[int]) -> np.ndarray:
        """base x normsys x all linear layers except those in ``skip`` (d nu / d layer factors)."""
        out = fw.base * fw.norm
        for j, t in enumerate(fw.lin):
            if j not in skip:
                out = out * t
        return out

    def expected_data(self, pars: np.ndarray, *, nominal: Mapping[str, np.ndarray] | None = None) -> np.ndarray:
        """Expected counts per bin, shape (n_points, n_bins) (main measurement only)."""
        return self._forward(pars, nominal, 0).lam

    def nll(
        self,
        pars: np.ndarray,
        *,
        data: np.ndarray | None = None,
        nominal: Mapping[str, np.ndarray] | None = None,
        aux: np.ndarray | None = None,
    ) -> np.ndarray:
        """-ln L = -pyhf logpdf, shape (n_points,), for ``pars`` of shape (n_points, n_par).

        ``data`` (n_bins,) or (n_points, n_bins) replaces the observed counts (toys); ``aux``
        replaces the auxiliary data of the Gaussian constraints (same order as their parameters).
        """
        return self.nll_and_grad(pars, data=data, nominal=nominal, aux=aux, grad=False)[0]

    def nll_and_grad(
        self,
        pars: np.ndarray,
        *,
        data: np.ndarray | None = None,
        nominal: Mapping[str, np.ndarray] | None = None,
        aux: np.ndarray | None = None,
        grad: bool = True,
    ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
        """-ln L, its gradient in the parameters (n_points, n_par) and d(-ln L)/d(nominal) per cell.

        The third output (n_points, n_cells) is what a caller needs for the chain rule when it
        injects a sample whose nominal depends on its own parameters. Batched: every row of
        ``pars`` is a parameter point.
        """
        fw = self._forward(pars, nominal, 1 if grad else 0)
        value = self._value(fw, data, aux)
        if not grad:
            return value, None, None
        return (value, *self._gradient(fw, data, aux))

    def _gauss_centre(self, aux: np.ndarray | None) -> np.ndarray:
        """Centres of the Gaussian constraints on the full parameter vector (``aux`` replaces them)."""
        if aux is None:
            return self._gauss_centre_all
        aux = np.asarray(aux, float)
        centre = np.zeros(aux.shape[:-1] + (self.init.size,))
        centre[..., self._gauss_idx] = aux
        return centre

    def _value(self, fw: _Forward, data: np.ndarray | None, aux: np.ndarray | None) -> np.ndarray:
        """-ln L (n_points,) from the pieces of :meth:`_forward`."""
        pars, lam = fw.pars, fw.lam
        n_obs = self.data if data is None else np.asarray(data, float)
        with np.errstate(divide="ignore", invalid="ignore"):
            main = np.sum(lam - n_obs * np.log(lam), axis=1)
        dev = pars - self._gauss_centre(aux)  # Gaussian constraints: 1/sigma^2 weights, 0 for others
        cons = 0.5 * np.sum(dev * dev * self._gauss_weight, axis=1)
        if self._pois_idx.size:
            lam_c = pars[:, self._pois_idx] * self._pois_tau
            cons = cons + np.sum(lam_c - self._pois_tau * np.log(lam_c), axis=1)
        const = self._const
        if data is not None:
            const = const - self._log_factorial_data + np.sum(gammaln(n_obs + 1), axis=-1)
        return main + cons + const

    def _gradient(self, fw: _Forward, data: np.ndarray | None, aux: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """d(-ln L)/d parameters (n_points, n_par) and d(-ln L)/d nominal (n_points, n_cells)."""
        pars = fw.pars
        n_obs = self.data if data is None else np.asarray(data, float)
        wc = (1.0 - n_obs / fw.lam)[:, self.cell_bin]  # d main / d nu_c, (n, C)
        wm = wc * fw.mult
        f, df = fw.norm_terms[:2]
        parts = [(wc * fw.nu)[:, self._n_cell] * (df / f)]  # normsys: d nu/d alpha = nu I'/I
        for j, cells in enumerate(self._layer_cells):  # linear: nu without that layer's factor
            parts.append((wc * self._except(fw, [j]))[:, cells])
        g = _scatter(self._grad_index, np.concatenate(parts, axis=1), pars.shape[1])
        # histosys: d nu_c/d alpha_h = scale_c mult_c (S_hc + A_hc G'(alpha_h))
        nh = self._h_par.size
        back = (wm * fw.scale) @ self._h_coef_t  # (n, 2 H)
        g[:, self._h_par] += back[:, :nh] + fw.hist[1] * back[:, nh:]
        g += (pars - self._gauss_centre(aux)) * self._gauss_weight
        if self._pois_idx.size:
            g[:, self._pois_idx] += self._pois_tau * (1.0 - 1.0 / pars[:, self._pois_idx])
        # d(-ln L)/d nominal_c: base = nom * (1 + sum_delta / nominal) for overridden cells
        return g, wm * (1.0 + fw.sum_delta * self._inv_nominal)

    # ------------------------------------------------------------------ fitting
    def vector(self, values: Mapping[str, float] | None = None) -> np.ndarray:
        """Parameter vector from the init values, updated by ``values`` (name -> value)."""
        v = self.init.copy()
        for k, x in (values or {}).items():
            v[self.index[k]] = x
        return v

    def hessian(
        self,
        x: np.ndarray,
        free: np.ndarray | None = None,
        *,
        data: np.ndarray | None = None,
        aux: np.ndarray | None = None,
        nominal: Mapping[str, np.ndarray] | None = None,
    ) -> np.ndarray:
        """Analytic Hessian of -ln L in the ``free`` parameters (default: all) at the point ``x``.

        With lam_b = sum_{c in b} nu_c and w_c = 1 - n_b / lam_b,

            d2(-ln L)/dtheta_i dtheta_j = sum_b n_b / lam_b^2 J_bi J_bj + sum_c w_c d2 nu_c / dtheta_i dtheta_j
                                          + constraint terms,

        J_bi = d lam_b / d theta_i. Writing nu_c = E_c T_c with E = base x N, N = prod_n I_n
        (alphas), and T = prod_l theta_l (linear factors): dE/dalpha_i = N a_i with a_i = scale
        Delta_i' + base r_i, r_i = I_i'/I_i, and d2E/dalpha_i dalpha_j = N [delta_ij (scale
        Delta_i'' + base (I_i''/I_i - r_i^2)) + a_i r_j + a_j r_i - base r_i r_j]; the linear
        factors enter through d nu/d theta_l = E T / theta_l (the product of the other layers).
        Exact: no finite differences (tested against them and against pyhf). ``aux`` is accepted
        like everywhere else but does not enter: the constraints' curvature does not depend on it.
        """
        x = np.asarray(x, dtype=float).reshape(-1)
        fw = self._forward(x[None, :], nominal, 2)
        npar, ncell = x.size, self.nominal.size
        n_obs = (self.data if data is None else np.asarray(data, float)).reshape(-1)
        base, norm, lam = fw.base[0], fw.norm[0], fw.lam[0]
        scale = np.broadcast_to(fw.scale, fw.base.shape)[0]
        wc = (1.0 - n_obs / lam)[self.cell_bin]
        tall = np.prod([t[0] for t in fw.lin], axis=0) if fw.lin else np.ones(ncell)
        # the alpha block: A (cells x alphas) = dE/dalpha / N, R = I'/I
        k = self._alpha_par.size
        f, df, d2f = (t[0] for t in fw.norm_terms)
        r = df / f
        a_mat = _bincount(self._n_cell * k + self._n_alpha, base[self._n_cell] * r, ncell * k).reshape(ncell, k)
        r_mat = _bincount(self._n_cell * k + self._n_alpha, r, ncell * k).reshape(ncell, k)
        wn = wc * tall * norm
        diag = _bincount(self._n_alpha, (wn * base)[self._n_cell] * (d2f / f - r * r), k)
        # histosys: a = scale (S + A G'(alpha)), second derivative scale A G''(alpha)
        nh = self._h_par.size
        coef_t = _dense(self._h_coef_t)  # (cells, 2 H): S^T, A^T
        a_mat[:, self._h_alpha] += scale[:, None] * (coef_t[:, :nh] + coef_t[:, nh:] * fw.hist[1])
        diag[self._h_alpha] += fw.hist[2][0] * ((wn * scale) @ coef_t[:, nh:])
        wr = wn[:, None] * r_mat
        h_aa = a_mat.T @ wr
        h_aa = h_aa + h_aa.T - r_mat.T @ (base[:, None] * wr)
        h_aa[np.diag_indices(k)] += diag
        # J = d lam / d theta (bins x parameters); mixed and layer-layer second derivatives
        jac = np.zeros((self.n_bins, npar))
        jac[:, self._alpha_par] = self._bin_onehot.T @ ((norm * tall)[:, None] * a_mat)
        j_idx, j_val, m_idx, m_val = [], [], [], []
        for j, (cells, par) in enumerate(zip(self._layer_cells, self._layer_par, strict=True)):
            j_idx.append(self.cell_bin[cells] * npar + par)
            j_val.append(self._except(fw, [j])[0, cells])
            # d2 nu / d alpha d theta_l = N a T_(not l)
            t_not = np.prod([t[0] for i, t in enumerate(fw.lin) if i != j], axis=0) if len(fw.lin) > 1 else np.ones(ncell)
            m_idx.append((self._alpha_par[None, :] * npar + par[:, None]).ravel())
            m_val.append(((wc * norm * t_not)[cells, None] * a_mat[cells]).ravel())
            for i in range(j + 1, len(self._layer_cells)):  # d2 nu / d theta_l d theta_m = E T_(not l, m)
                both = np.flatnonzero((self._layers[j] >= 0) & (self._layers[i] >= 0))
                m_idx.append(self._layers[j][both] * npar + self._layers[i][both])
                m_val.append((wc * self._except(fw, [j, i])[0])[both])
        if j_idx:
            jac += _bincount(np.concatenate(j_idx), np.concatenate(j_val), self.n_bins * npar).reshape(
                self.n_bins, npar
            )
        hess = jac.T @ ((n_obs / lam**2)[:, None] * jac)
        hess[np.ix_(self._alpha_par, self._alpha_par)] += h_aa
        if m_idx:
            mixed = _bincount(np.concatenate(m_idx), np.concatenate(m_val), npar * npar).reshape(npar, npar)
            hess += mixed + mixed.T
        hess[self._gauss_idx, self._gauss_idx] += 1.0 / self._gauss_sigma**2
        if self._pois_idx.size:
            hess[self._pois_idx, self._pois_idx] += self._pois_tau / x[self._pois_idx] ** 2
        if free is None:
            return hess
        free = np.asarray(free, dtype=int)
        return hess[np.ix_(free, free)]

    def numerical_hessian(
        self,
        x: np.ndarray,
        free: np.ndarray | None = None,
        *,
        data: np.ndarray | None = None,
        aux: np.ndarray | None = None,
        nominal: Mapping[str, np.ndarray] | None = None,
        step: float = 1e-5,
        chunk: int = 16,
    ) -> np.ndarray:
        """Central differences of the analytic gradient (the cross-check of :meth:`hessian`).

        The 2 n_free shifted points are evaluated in batches of ``chunk``; the result is symmetrised.
        """
        x = np.asarray(x, dtype=float)
        free = np.arange(x.size) if free is None else np.asarray(free, dtype=int)
        h = step * np.maximum(1.0, np.abs(x[free]))
        pts = np.repeat(x[None, :], 2 * free.size, axis=0)
        k = np.arange(free.size)
        pts[2 * k, free] += h
        pts[2 * k + 1, free] -= h
        grads = []
        for i in range(0, pts.shape[0], chunk):
            g = self.nll_and_grad(pts[i : i + chunk], data=data, aux=aux, nominal=nominal)[1]
            assert g is not None  # grad=True
            grads.append(g[:, free])
        gr = np.concatenate(grads)
        hess = (gr[0::2] - gr[1::2]) / (2.0 * h[:, None])
        return 0.5 * (hess + hess.T)

    def covariance(
        self,
        x: np.ndarray,
        free: np.ndarray,
        *,
        data: np.ndarray | None = None,
        aux: np.ndarray | None = None,
        nominal: Mapping[str, np.ndarray] | None = None,
        extra_hessian: np.ndarray | None = None,
    ) -> np.ndarray:
        """Covariance of the ``free`` parameters at ``x``: the inverse Hessian of -ln L.

        ``extra_hessian`` (n_free, n_free) is added first (constraint terms of the caller).
        A singular Hessian (a parameter the data do not constrain) gives infinite variances.
        """
        hess = self.hessian(x, free, data=data, aux=aux, nominal=nominal)
        if extra_hessian is not None:
            hess = hess + extra_hessian
        try:
            return np.linalg.inv(hess)
        except np.linalg.LinAlgError:
            return np.full_like(hess, np.inf)


Penalty = tuple[float, ...]


def _penalty_table(
    penalties: Mapping[str, Penalty | Sequence[Penalty]] | None, index: Mapping[str, int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(parameter index, mean, sigma below, sigma above) arrays of Gaussian penalties."""
    rows = []
    for name, spec in (penalties or {}).items():
        items: list[Any] = [spec] if np.ndim(spec[0]) == 0 else list(spec)
        for it in items:
            mean, lo = float(it[0]), float(it[1])
            hi = float(it[2]) if len(it) > 2 else lo
            rows.append((index[name], mean, lo, hi))
    if not rows:
        return np.zeros(0, int), np.zeros(0), np.ones(0), np.ones(0)
    idx, means, lo_, hi_ = (np.array(c) for c in zip(*rows))
    return idx.astype(int), means, lo_, hi_


def _penalty_terms(x: np.ndarray, pen: tuple[np.ndarray, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """chi^2 contributions, their first and second derivatives in the penalised parameters."""
    idx, mean, lo, hi = pen
    return asymmetric_gaussian(x[idx], mean, lo, hi)


class WorkspaceCost(Cost):
    """-2 ln L of a :class:`CompiledWorkspace` over all its parameters, an iminuit ``Cost``.

    It composes by ``+`` with other costs (nuisances then profiled by the outer fit), and it is a
    :class:`fitkit.inference.profile.NuisanceCost` (``value``/``grad``/``hessian`` on parameter
    vectors) for :func:`fitkit.inference.profile.fit_nuisances`. ``nominal`` replaces sample
    nominals (an injected signal), ``data``/``aux`` the observed counts and the auxiliary data
    (toys), ``penalties`` adds Gaussian constraints ``{name: (mean, sigma)}`` or ``(mean,
    sigma_below, sigma_above)`` (several per parameter in a list; an infinite sigma switches that
    side off: a one-sided limit) as ((x - mean) / sigma_side)^2. ``start`` and ``limits`` carry
    the workspace's inits and bounds (fixed workspace parameters get a degenerate interval).
    """

    #: -2 ln L of Poisson counts, not against the saturated model: no ndof or p-value (fitkit.inference.fit).
    poisson = True

    def __init__(
        self,
        workspace: CompiledWorkspace,
        *,
        nominal: Mapping[str, np.ndarray] | None = None,
        data: np.ndarray | None = None,
        aux: np.ndarray | None = None,
        penalties: Mapping[str, Penalty | Sequence[Penalty]] | None = None,
    ) -> None:
        self.workspace = workspace
        self.nominal = nominal
        self.data = data
        self.aux = aux
        self.parameters = list(workspace.parameters)
        self.index = dict(workspace.index)
        self.init = workspace.init
        self.bounds = workspace.bounds
        self.fixed = workspace.fixed
        self._pen = _penalty_table(penalties, self.index)
        self._last: tuple[np.ndarray, Any, tuple[int, ...]] | None = None  # (x, forward pieces, inputs) of the last evaluation
        self.start = dict(zip(self.parameters, workspace.init.tolist(), strict=True))
        self.limits = {
            n: ((float(x), float(x)) if fx else (float(lo), float(hi)))
            for n, x, fx, (lo, hi) in zip(self.parameters, workspace.init, workspace.fixed, workspace.bounds, strict=True)
        }
        super().__init__({n: None for n in self.parameters}, 0)

    def _kw(self) -> dict[str, Any]:
        return {"data": self.data, "aux": self.aux, "nominal": self.nominal}

    def _pieces(self, x: np.ndarray) -> Any:
        """The forward pieces at ``x``, reused when MIGRAD asks for the gradient where it just evaluated."""
        # besides x: the inputs of a call (replaced attributes, a recompiled workspace) invalidate the cache
        state = (id(self.nominal), id(self.data), id(self.aux), id(self.workspace._n_kernel))
        if self._last is not None and self._last[2] == state and np.array_equal(self._last[0], x):
            return self._last[1]
        fw = self.workspace._forward(x[None, :], self.nominal, 1)
        self._last = (x.copy(), fw, state)
        return fw

    def value(self, x: np.ndarray) -> float:
        """-2 ln L (+ penalties) at the parameter vector ``x``."""
        x = np.asarray(x, float)
        val = 2.0 * float(self.workspace._value(self._pieces(x), self.data, self.aux)[0])
        if self._pen[0].size:
            val += float(np.sum(_penalty_terms(x, self._pen)[0]))
        return val

    def grad(self, x: np.ndarray) -> np.ndarray:
        """Analytic gradient of :meth:`value`."""
        x = np.asarray(x, float)
        gr = 2.0 * self.workspace._gradient(self._pieces(x), self.data, self.aux)[0][0]
        if self._pen[0].size:
            np.add.at(gr, self._pen[0], _penalty_terms(x, self._pen)[1])
        return gr

    def hessian(self, x: np.ndarray, free: np.ndarray | None = None) -> np.ndarray:
        """Hessian of :meth:`value` in the parameters ``free`` (default all)."""
        x = np.asarray(x, float)
        hh = 2.0 * self.workspace.hessian(x, free, **self._kw())
        cols = np.arange(x.size) if free is None else free
        where = {int(p): i for i, p in enumerate(cols)}
        for p, c in zip(self._pen[0], _penalty_terms(x, self._pen)[2]):
            if int(p) in where:
                hh[where[int(p)], where[int(p)]] += c
        return hh

    def _value(self, args: Sequence[float]) -> float:
        return self.value(np.asarray(args, float))

    def _grad(self, args: Sequence[float]) -> np.ndarray:
        return self.grad(np.asarray(args, float))

    def _has_grad(self) -> bool:
        return True

    def _ndata(self) -> int:
        return self.workspace.n_bins

    def batch(self, params: Mapping[str, np.ndarray]) -> np.ndarray:
        """-2 ln L at many points: ``params[name]`` arrays of equal length (missing: init)."""
        n = len(next(iter(params.values())))
        x = np.broadcast_to(self.workspace.init, (n, len(self.workspace.init))).copy()
        for k, v in params.items():
            x[:, self.index[k]] = v
        value = 2.0 * self.workspace.nll(x, **self._kw())
        idx, mean, lo, hi = self._pen
        if idx.size:
            d = x[:, idx] - mean
            sig = np.where(d > 0, hi, lo)
            value = value + np.sum(np.where(np.isfinite(sig), (d / np.where(np.isfinite(sig), sig, 1.0)) ** 2, 0.0), axis=1)
        return value


@dataclass
class ProfiledWorkspace:
    """A workspace entering a fit through some of its parameters, all others profiled.

    ``cost``: the workspace's full cost (:class:`WorkspaceCost`, compiled, or
    :class:`fitkit.likelihood.pyhf_backend.PyhfCost`). A
    :class:`fitkit.inference.profile.Profilable`: the fit machinery wraps it in
    :class:`fitkit.inference.profile.ProfiledCost`.
    """

    cost: Any
    exposed: list[str]
    #: -2 ln L of Poisson counts, not against the saturated model: no ndof or p-value (fitkit.inference.fit).
    poisson: bool = True

    def __post_init__(self) -> None:
        unknown = [p for p in self.exposed if p not in self.cost.index]
        if unknown:
            raise InputError(f"parameter(s) {', '.join(unknown)} not in the workspace", field="terms")
        self.ndata = int(self.cost.ndata)

    def nuisance_cost(self, values: Mapping[str, float]) -> tuple[Any, dict[str, float], dict[str, tuple[float, float]]]:
        """The full cost, the exposed parameters fixed at ``values``."""
        return self.cost, dict(values), {}


#: Evaluators of a HistFactory term: ``compiled`` (default; equal to pyhf's logpdf to 1e-8,
#: tests/likelihood/test_workspace.py) or ``pyhf`` (pyhf's own logpdf, the reference).
BACKENDS = ("compiled", "pyhf")


def _workspace_path(name: str, context: Any) -> Path:
    """A registered ``<data set>/<file>`` (verified) or a plain path (relative to the repository)."""
    from fitkit.data.registry import data_file, load_registry

    dataset, _, fname = name.partition("/")
    if fname and dataset in load_registry(getattr(context, "data_root", None)).datasets:
        return data_file(dataset, fname, root=getattr(context, "data_root", None))
    path = Path(name)
    return path if path.is_absolute() else Path(getattr(context, "root", Path.cwd())) / path


def build_pyhf_term(spec: Mapping[str, Any], model: Any, *, context: Any) -> Any:
    """Term type ``pyhf``: ``{workspace: path, measurement: name, profile: true, backend: compiled}``.

    ``workspace`` is a registered data file ``<data set>/<file>`` (``data/registry.yaml``,
    sha256-verified), or a path (absolute, or relative to the repository); it is read and validated
    through pyhf (:func:`fitkit.likelihood.workspace.load_workspace`). The model's parameters
    that are workspace parameters (e.g. ``mu``) are the cost's; with ``profile: true`` (default)
    all others are profiled at every evaluation (:class:`ProfiledWorkspace`), with
    ``profile: false`` they are exposed too (with ``start``/``limits``) for the fit to profile.
    ``backend``: :data:`BACKENDS`.
    """
    file = getattr(context, "file", None)
    if "workspace" not in spec:
        raise InputError("a pyhf term needs 'workspace: <path>'", file=file, field="terms.workspace")
    backend = spec.get("backend", "compiled")
    if backend not in BACKENDS:
        raise InputError(f"backend must be one of {', '.join(BACKENDS)}, got {backend!r}", file=file, field="terms.backend")
    path = _workspace_path(str(spec["workspace"]), context)
    ws = load_workspace(path)
    measurement = spec.get("measurement")
    if measurement is not None and measurement not in [m["name"] for m in ws["measurements"]]:
        raise InputError(f"no measurement {measurement!r} in {path}", file=file, field="terms.measurement")
    if backend == "pyhf":
        from fitkit.likelihood.pyhf_backend import PyhfCost

        cost: Any = PyhfCost(ws, measurement=measurement)
    else:
        cost = WorkspaceCost(CompiledWorkspace(ws, measurement=measurement))
    if not spec.get("profile", True):
        return cost
    exposed = [p for p in getattr(model, "parameters", {}) if p in cost.index]
    if not exposed:
        raise InputError("the model shares no parameter with the workspace", file=file, field="model")
    return ProfiledWorkspace(cost, exposed)


TERMS = {"pyhf": build_pyhf_term}
