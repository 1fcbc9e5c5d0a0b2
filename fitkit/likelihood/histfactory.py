"""A pyhf (HistFactory) workspace compiled into dense numpy arrays: fast NLL with its gradient.

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
B+ -> K+ nu nubar workspace these are 180 cells and 232 parameters; one evaluation of
``-2 ln L`` with its analytic gradient takes ~0.2 ms, which is what makes the m_X
scans and the toys of issue 6 cheap.

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
from typing import Any

import numpy as np
from iminuit.cost import Cost
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


def code4_factor(alpha: np.ndarray, hi: np.ndarray, lo: np.ndarray, coef: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The normsys factor I(alpha) of interpolation code 4 and its derivative dI/dalpha.

    I = hi^alpha (alpha >= 1), lo^-alpha (alpha <= -1), 1 + sum_i a_i alpha^i otherwise
    (pyhf ``code4``; HistFactory note CERN-OPEN-2012-016 sec. 4.1).

    Example:
        >>> f, d = code4_factor(np.array([-2.0, 0.0, 0.5, 2.0]), np.array(1.1), np.array(0.8))
        >>> np.round(f, 6).tolist()
        [0.64, 1.0, 1.055136, 1.21]
    """
    coef = _code4_coefficients(hi, lo) if coef is None else coef
    a = np.asarray(alpha, dtype=float)
    poly = np.ones(np.broadcast_shapes(a.shape, np.shape(hi)))
    dpoly = np.zeros_like(poly)
    apow = np.ones_like(a)
    for i in range(6):  # Horner-free: 6 terms
        dpoly = dpoly + (i + 1) * coef[i] * apow
        apow = apow * a
        poly = poly + coef[i] * apow
    with np.errstate(divide="ignore", invalid="ignore"):
        up = np.power(hi, a)
        dn = np.power(lo, -a)
        f = np.where(a >= 1, up, np.where(a <= -1, dn, poly))
        d = np.where(a >= 1, up * np.log(hi), np.where(a <= -1, -dn * np.log(lo), dpoly))
    return f, d


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
    s = 0.5 * (dup + ddn)
    amp = 0.0625 * (dup - ddn)
    a2 = a * a
    inner = a * (s + amp * a * (15.0 + a2 * (-10.0 + 3.0 * a2)))
    dinner = s + amp * a * (30.0 + a2 * (-40.0 + 18.0 * a2))
    delta = np.where(a > 1, dup * a, np.where(a < -1, ddn * a, inner))
    ddelta = np.where(a > 1, dup, np.where(a < -1, ddn, dinner))
    return delta, ddelta


class CompiledWorkspace:
    """A pyhf workspace compiled into dense arrays over its (sample, bin) cells.

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

        # histosys rows grouped by parameter (a parameter may act on several samples: disjoint cells)
        hpars = sorted({p for p, _, _ in hist_rows})
        self._h_par = np.asarray(hpars, dtype=int)
        self._h_up = np.zeros((len(hpars), ncell))
        self._h_dn = np.zeros((len(hpars), ncell))
        for p, dup, ddn in hist_rows:
            j = hpars.index(p)
            self._h_up[j] += dup
            self._h_dn[j] += ddn
        npars = sorted({p for p, _, _ in norm_rows})
        self._n_par = np.asarray(npars, dtype=int)
        self._n_hi = np.ones((len(npars), ncell))
        self._n_lo = np.ones((len(npars), ncell))
        for p, hi, lo in norm_rows:
            j = npars.index(p)
            mask = hi != 1.0
            mask |= lo != 1.0
            self._n_hi[j, mask] = hi[mask]
            self._n_lo[j, mask] = lo[mask]
        self._n_coef = _code4_coefficients(self._n_hi, self._n_lo)
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
        self._layer_onehot = []
        for layer in layers:
            onehot = np.zeros((ncell, npar))
            on = layer >= 0
            onehot[np.flatnonzero(on), layer[on]] = 1.0
            self._layer_onehot.append(onehot)
        self._gauss_idx = np.asarray(gauss_idx, dtype=int)
        self._gauss_mu = np.asarray(gauss_mu, dtype=float)
        self._gauss_sigma = np.asarray(gauss_sigma, dtype=float)
        self._pois_idx = np.asarray(pois_idx, dtype=int)
        self._pois_tau = np.asarray(pois_tau, dtype=float)
        self._const = float(
            np.sum(gammaln(self.data + 1))
            + len(gauss_idx) * _HALF_LOG_2PI
            + np.sum(np.log(self._gauss_sigma))
            + np.sum(gammaln(self._pois_tau + 1))
        )
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
    def _nominal(self, n_points: int, nominal: Mapping[str, np.ndarray] | None) -> np.ndarray:
        nom = np.broadcast_to(self.nominal, (n_points, self.nominal.size))
        if nominal:
            nom = nom.copy()
            for name, vals in nominal.items():
                cells = self.sample_cells(name)
                nom[:, cells] = np.broadcast_to(np.asarray(vals, float), (n_points, cells.size))
        return nom

    def _pieces(self, pars: np.ndarray, nominal: Mapping[str, np.ndarray] | None):
        pars = np.atleast_2d(np.asarray(pars, dtype=float))
        n = pars.shape[0]
        nom = self._nominal(n, nominal)
        # relative scale of histosys deltas: overridden nominal / compiled nominal
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(self.nominal != 0, nom / np.where(self.nominal != 0, self.nominal, 1.0), 0.0)
        a_h = pars[:, self._h_par][:, :, None]
        dh, ddh = code4p_delta(a_h, self._h_up, self._h_dn)  # (n, H, C)
        base = nom + scale * dh.sum(axis=1)
        a_n = pars[:, self._n_par][:, :, None]
        fn, dfn = code4_factor(a_n, self._n_hi, self._n_lo, self._n_coef)  # (n, N, C)
        norm = np.prod(fn, axis=1)
        lin = []
        for layer in self._layers:
            f = np.ones((n, layer.size))
            on = layer >= 0
            f[:, on] = pars[:, layer[on]]
            lin.append(f)
        mult = norm * (np.prod(lin, axis=0) if lin else 1.0)
        nu = base * mult
        return pars, nom, scale, dh, ddh, base, fn, dfn, norm, lin, mult, nu

    def expected_data(self, pars: np.ndarray, *, nominal: Mapping[str, np.ndarray] | None = None) -> np.ndarray:
        """Expected counts per bin, shape (n_points, n_bins) (main measurement only)."""
        nu = self._pieces(pars, nominal)[-1]
        return nu @ self._bin_onehot

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
        injects a sample whose nominal depends on its own parameters.
        """
        pars, nom, scale, dh, ddh, base, fn, dfn, norm, lin, mult, nu = self._pieces(pars, nominal)
        n_obs = self.data if data is None else np.asarray(data, float)
        lam = nu @ self._bin_onehot
        with np.errstate(divide="ignore", invalid="ignore"):
            main = np.sum(lam - n_obs * np.log(lam), axis=1)
        g_mu = self._gauss_mu if aux is None else np.asarray(aux, float)
        z = (pars[:, self._gauss_idx] - g_mu) / self._gauss_sigma
        cons = 0.5 * np.sum(z * z, axis=1)
        if self._pois_idx.size:
            lam_c = pars[:, self._pois_idx] * self._pois_tau
            cons = cons + np.sum(lam_c - self._pois_tau * np.log(lam_c), axis=1)
        const = self._const
        if data is not None:
            const = const - np.sum(gammaln(self.data + 1)) + np.sum(gammaln(n_obs + 1), axis=-1)
        value = main + cons + const
        if not grad:
            return value, None, None
        w = 1.0 - n_obs / lam  # d main / d lam, (n, B)
        wc = w[:, self.cell_bin]  # (n, C)
        g = np.zeros_like(pars)
        # histosys: d nu / d alpha_h = scale * ddh * mult
        g[:, self._h_par] += np.einsum("nc,nhc->nh", wc * mult * scale, ddh)
        # normsys: d nu / d alpha_n = nu * dfn / fn
        g[:, self._n_par] += np.einsum("nc,nkc->nk", wc * nu, dfn / fn)
        # linear layers: d nu / d theta = nu without that layer's factor
        for i, onehot in enumerate(self._layer_onehot):
            others = base * norm
            for j, f in enumerate(lin):
                if j != i:
                    others = others * f
            g += (wc * others) @ onehot
        g[:, self._gauss_idx] += z / self._gauss_sigma
        if self._pois_idx.size:
            g[:, self._pois_idx] += self._pois_tau * (1.0 - 1.0 / pars[:, self._pois_idx])
        # d(-ln L)/d nominal_c: base = nom * (1 + dh/nominal) for overridden cells
        with np.errstate(divide="ignore", invalid="ignore"):
            rel = np.where(self.nominal != 0, dh.sum(axis=1) / np.where(self.nominal != 0, self.nominal, 1.0), 0.0)
        gnom = wc * mult * (1.0 + rel)
        return value, g, gnom

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
        step: float = 1e-5,
        chunk: int = 16,
    ) -> np.ndarray:
        """Hessian of -ln L in the ``free`` parameters (default: all) at ``x``.

        Central differences of the analytic gradient, the 2 n_free shifted points evaluated in
        batches of ``chunk``, symmetrised. MIGRAD gets it as its seed (instead of O(n) numerical
        second derivatives) and the covariance is its inverse (instead of MINUIT's HESSE, which
        needs O(n^2) likelihood calls).
        """
        x = np.asarray(x, dtype=float)
        free = np.arange(x.size) if free is None else np.asarray(free, dtype=int)
        h = step * np.maximum(1.0, np.abs(x[free]))
        pts = np.repeat(x[None, :], 2 * free.size, axis=0)
        k = np.arange(free.size)
        pts[2 * k, free] += h
        pts[2 * k + 1, free] -= h
        grads = np.concatenate(
            [
                self.nll_and_grad(pts[i : i + chunk], data=data, aux=aux, nominal=nominal)[1]
                for i in range(0, pts.shape[0], chunk)
            ]
        )[:, free]
        hess = (grads[0::2] - grads[1::2]) / (2.0 * h[:, None])
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
        self.start = dict(zip(self.parameters, workspace.init.tolist(), strict=True))
        self.limits = {
            n: ((float(x), float(x)) if fx else (float(lo), float(hi)))
            for n, x, fx, (lo, hi) in zip(self.parameters, workspace.init, workspace.fixed, workspace.bounds, strict=True)
        }
        super().__init__({n: None for n in self.parameters}, 0)

    def _kw(self) -> dict[str, Any]:
        return {"data": self.data, "aux": self.aux, "nominal": self.nominal}

    def value(self, x: np.ndarray) -> float:
        """-2 ln L (+ penalties) at the parameter vector ``x``."""
        x = np.asarray(x, float)
        val = 2.0 * float(self.workspace.nll(x[None, :], **self._kw())[0])
        return val + float(np.sum(_penalty_terms(x, self._pen)[0]))

    def grad(self, x: np.ndarray) -> np.ndarray:
        """Analytic gradient of :meth:`value`."""
        x = np.asarray(x, float)
        g = self.workspace.nll_and_grad(x[None, :], **self._kw())[1]
        assert g is not None  # grad=True
        gr = 2.0 * g[0]
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
