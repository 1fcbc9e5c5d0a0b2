"""The Belle II B+ -> K+ nu nubar likelihood (arXiv:2311.14647) with new-physics signals folded in.

Inputs (HEPData record 10.17182/hepdata.166082, shipped in ``data/hepdata/belle2_knunu_2023``
and verified against ``data/registry.yaml``, data set :data:`DATASET`): the pyhf
workspace of the ITA + HTA combination and the number densities N_it (reconstructed bin i x
true-q^2 bin t; each row sums to bin i's nominal SM signal yield).

**Protocol for models** (what a scenario implements to be folded through the maps)::

    model.knunu_signal(params: dict[str, np.ndarray], true_q2_edges: np.ndarray) -> np.ndarray

returns, with ``params[name]`` of shape (n_points,), the NEW-PHYSICS branching ratio of
B+ -> K+ + invisible falling in each true-q^2 bin, shape (n_points, n_true_bins). The edges
are :data:`TRUE_Q2_EDGES` (GeV^2): [-1, 0) underflow, then 100 uniform bins up to 22.885.

**Folding.** The efficiency map (expected yield per unit branching ratio) is

    eps_it = N_it / (BR_SM * w_t),  w_t = int_t dBR_SM/dq^2 dq^2 / BR_SM,

with the SM spectrum dBR/dq^2 ~ lambda^{3/2}(m_B^2, m_K^2, q^2) f_+(q^2)^2 (massless
neutrinos: only the vector form factor; 000 eq. (3.10)) normalised to
the BR behind mu = 1, BR_SM = 4.97e-6 (HPQCD, arXiv:2207.13371, used by Belle II and 003).
A new-physics spectrum B_t gives yields nu_i = sum_t eps_it B_t, added as a copy of the
SM-signal sample that shares its systematic modifiers (detector and efficiency systematics
fully correlated, its histosys variations relative). Where the SM spectrum vanishes (last
true bins at the endpoint, w_t < 1e-4 of the mean) eps_it is taken from the nearest bin with
SM content; the underflow column (HTA only, 1.1 % of its SM yield) has no physical
counterpart and is not used for new-physics signals.

With a new-physics signal the SM signal stays at mu = 1 within its theory uncertainty
(a Gaussian constraint of width 0.37 / 4.97 on mu).

003's treatment (:meth:`Belle2Knunu.gaussian_line_yields`): a line smeared by a Gaussian of
sigma = 1.5 GeV^2 in reconstructed q^2, integrated over the three q^2_rec bins of the ITA
([-inf, 4], [4, 8], [8, inf] GeV^2; Belle II's q^2_rec binning with the tails put in the
outer bins), times the SM signal efficiency of each BDT bin summed over q^2_rec; the HTA has
no q^2_rec binning, so there the X efficiency is the SM one.

Example:
    >>> TRUE_Q2_EDGES.shape, float(TRUE_Q2_EDGES[1]), round(float(TRUE_Q2_EDGES[2]), 5)
    ((102,), 0.0, 0.22885)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from iminuit.cost import Cost
from scipy import stats

from fitkit.constants import M_BPLUS, M_KPLUS
from fitkit.data.registry import dataset_dir
from fitkit.errors import InputError
from fitkit.likelihood.histfactory import CompiledWorkspace, FitResult, load_workspace
from fitkit.models.light_invisible import InvisibleX, phase_space_lambda
from fitkit.theory.formfactors import form_factors

__all__ = [
    "TRUE_Q2_EDGES",
    "BR_SM",
    "BR_SM_ERROR",
    "DATASET",
    "MAPS",
    "sm_true_bin_fractions",
    "Belle2Knunu",
    "LightXScan",
    "Belle2KnunuCost",
    "SIMPLIFIED_CARD",
    "simplified_spec",
    "load_simplified",
    "build_term",
    "TERMS",
    "External",
]

#: An external chi^2 term of the fits in BR (units of 1e-6): a Gaussian penalty (mean, sigma below,
#: sigma above) applied inside the workspace fit, or a callable chi2(br_in_1e-6, m_X) such as
#: :class:`fitkit.likelihood.counting.CountingExternal` (BaBar/Belle counting channels), profiled by
#: :func:`_fit_with_callables`.
External = tuple[float, float, float] | Callable[[np.ndarray, float | None], np.ndarray]

#: True-q^2 bin edges of the number-density maps in GeV^2 (HEPData record 166082).
TRUE_Q2_EDGES: np.ndarray = np.concatenate([[-1.0], np.linspace(0.0, 22.885, 101)])

#: SM BR(B+ -> K+ nu nubar) behind mu = 1 (HPQCD arXiv:2207.13371; 003 ref. [67]) and its error.
BR_SM: float = 4.97e-6
BR_SM_ERROR: float = 0.37e-6

#: Name of the data set in ``data/registry.yaml`` (and of ``fitkit data pull``).
DATASET: str = "belle2-knunu-2023"
#: Workspace file and number-density map per channel prefix: (file, SM signal sample name).
WORKSPACE_FILE: str = "combined_likelihood.json"
MAPS: dict[str, tuple[str, str]] = {
    "A__": ("number_density_ita_regA.csv", "signal"),
    "B__": ("number_density_ita_regB.csv", "signal"),
    "sgn1_had": ("number_density_hta.csv", "sgn_1_had"),
}
#: q^2_rec bin edges (GeV^2) of the ITA channels, q^2 index fastest within a channel.
ITA_Q2REC_EDGES: tuple[float, ...] = (-math.inf, 4.0, 8.0, math.inf)
#: 003 appendix: resolution assigned to the X line in reconstructed q^2 (GeV^2).
SIGMA_003: float = 1.5

_NP = "np_signal"
_NP_NORM = "br_np"  # NP normalisation in units of 1e-6 (BR per template)


def sm_true_bin_fractions(edges: np.ndarray = TRUE_Q2_EDGES, *, nodes: int = 12) -> np.ndarray:
    """Fraction w_t of the SM B+ -> K+ nu nubar rate in each true-q^2 bin (sums to 1).

    dBR/dq^2 ~ lambda^{3/2} f_+^2 (000 eq. (3.10)), Gauss-Legendre with ``nodes``
    points per bin; bins below q^2 = 0 get zero.

    Example:
        >>> w = sm_true_bin_fractions()
        >>> round(float(w.sum()), 12), float(w[0]), bool(w[1] > w[-1])
        (1.0, 0.0, True)
    """
    edges = np.asarray(edges, float)
    x, wq = np.polynomial.legendre.leggauss(nodes)
    q2max = (M_BPLUS - M_KPLUS) ** 2
    lo = np.clip(edges[:-1], 0.0, q2max)
    hi = np.clip(edges[1:], 0.0, q2max)
    half = 0.5 * (hi - lo)
    q2 = 0.5 * (hi + lo)[:, None] + half[:, None] * x[None, :]
    lam = phase_space_lambda(M_BPLUS, M_KPLUS, np.sqrt(q2))
    rate = lam**1.5 * form_factors("B->K", q2)["f+"] ** 2
    integral = (rate * wq).sum(axis=1) * half
    return integral / integral.sum()


def _smeared_number_density(sm_yield: np.ndarray, *, ita: bool, frac: np.ndarray, sigma: float = SIGMA_003) -> np.ndarray:
    """Number density without the published maps (offline, simplified card): 003's resolution model.

    ITA bin (BDT k, q^2_rec j): N_kj,t = eps_k BR_SM w_t G_j(q^2_t), eps_k the SM efficiency of
    BDT bin k summed over q^2_rec, G_j the fraction of a Gaussian (sigma = 1.5 GeV^2, 003
    appendix) around the true-bin centre falling in q^2_rec bin j. HTA bins (no q^2_rec
    binning): N_i,t = SM yield_i w_t (efficiency flat in q^2).
    """
    centres = 0.5 * (TRUE_Q2_EDGES[:-1] + TRUE_Q2_EDGES[1:])
    if not ita:
        return sm_yield[:, None] * frac[None, :]
    e = np.asarray(ITA_Q2REC_EDGES)
    g = np.diff(stats.norm.cdf((e[None, :] - centres[:, None]) / sigma), axis=1)  # (n_true, 3)
    eff = sm_yield.reshape(-1, 3).sum(axis=1)  # per BDT bin, times BR_SM
    return (eff[:, None, None] * g.T[None, :, :] * frac[None, None, :]).reshape(-1, centres.size)


def _load_map(path: Path) -> np.ndarray:
    try:
        return np.loadtxt(path, delimiter=",", ndmin=2)
    except OSError as exc:
        raise InputError(f"cannot read number-density map: {exc.strerror}", file=str(path)) from None


class LightXScan(NamedTuple):
    """The m_X scan of B+ -> K+ X: per mass the best BR, its HESSE error, -2 Delta ln L vs no X.

    ``z_local = sign(BR) sqrt(max(delta, 0))`` (one parameter of interest, Wilks).
    """

    m_x: np.ndarray
    br: np.ndarray
    br_error: np.ndarray
    delta: np.ndarray
    z_local: np.ndarray
    twice_nll_null: float
    treatment: str

    def best(self) -> dict[str, float]:
        """The mass of largest -2 Delta ln L and its numbers (masses where it is NaN are skipped)."""
        i = int(np.nanargmax(self.delta))
        return {
            "m_X": float(self.m_x[i]),
            "BR_KX": float(self.br[i]),
            "BR_KX_error": float(self.br_error[i]),
            "delta_twice_nll": float(self.delta[i]),
            "significance_local": float(self.z_local[i]),
        }


@dataclass
class Belle2Knunu:
    """The Belle II likelihood with an injectable new-physics sample.

    Args:
        directory: folder with the workspace and the three number-density maps.
    """

    directory: Path | None
    simplified: str | Path | None = None
    workspace: CompiledWorkspace = field(init=False)
    eps: np.ndarray = field(init=False)  # (n_np_cells, n_true): yield per unit BR

    def __post_init__(self) -> None:
        if self.directory is None:
            from fitkit.data.catalog import default_data_dir, load_yields_card

            card_path = Path(self.simplified) if self.simplified else default_data_dir() / SIMPLIFIED_CARD
            spec = simplified_spec(load_yields_card(card_path))
        else:
            self.directory = Path(self.directory)
            spec = load_workspace(self.directory / WORKSPACE_FILE)
        cw = CompiledWorkspace(spec)
        for parent in sorted({s for _, s in MAPS.values()}):
            cw.add_clone(parent, _NP, normfactor=_NP_NORM)
        self.workspace = cw
        frac = sm_true_bin_fractions(TRUE_Q2_EDGES)
        good = frac > 1e-4 * frac[frac > 0].mean()
        idx_good = np.flatnonzero(good)
        nearest = idx_good[np.abs(np.arange(frac.size)[:, None] - idx_good[None, :]).argmin(axis=1)]
        rows = []
        self.sm_yields = []
        self.channel_of_cell: list[str] = []
        self.q2rec_index: list[int] = []
        for ch in cw.channels:
            key = next((k for k in MAPS if ch.startswith(k)), None)
            if key is None:
                continue
            fname, parent = MAPS[key]
            sl = cw.channel_slices[ch]
            if self.directory is not None:
                nmap = _load_map(self.directory / fname)
            else:
                cells = [c for c in np.flatnonzero(cw.cell_sample == cw.samples.index((ch, parent)))]
                nmap = _smeared_number_density(cw.nominal[cells], ita=key != "sgn1_had", frac=frac)
            if nmap.shape != (sl.stop - sl.start, TRUE_Q2_EDGES.size - 1):
                raise InputError(f"map shape {nmap.shape} does not match channel {ch}", file=fname)
            eps = np.zeros_like(nmap)
            eps[:, good] = nmap[:, good] / (BR_SM * frac[good])
            eps[:, ~good] = eps[:, nearest[~good]]
            eps[:, 0] = 0.0  # underflow: no physical q^2
            rows.append(eps)
            self.sm_yields.append(nmap.sum(axis=1))
            nb = sl.stop - sl.start
            self.channel_of_cell += [ch] * nb
            self.q2rec_index += [i % 3 for i in range(nb)] if key != "sgn1_had" else [-1] * nb
        self.eps = np.concatenate(rows)
        self.sm_yield = np.concatenate(self.sm_yields)
        self.q2rec = np.asarray(self.q2rec_index)
        mu_i = cw.index["mu"]
        self._mu_index = mu_i

    # ---------------------------------------------------------------- signal templates
    def fold(self, br_true: np.ndarray) -> np.ndarray:
        """Yields of the NP sample per cell, (n_points, n_np_cells), from BR per true bin."""
        return np.atleast_2d(br_true) @ self.eps.T

    def line_yields(self, m_x: np.ndarray) -> np.ndarray:
        """Yields per unit BR(B+ -> K+ X) of a narrow X of mass m_X (GeV), (n_masses, n_cells)."""
        m_x = np.atleast_1d(np.asarray(m_x, float))
        sig = InvisibleX().knunu_signal({"m_X": m_x, "BR_KX": np.ones_like(m_x)}, TRUE_Q2_EDGES)
        return self.fold(sig)

    def gaussian_line_yields(self, m_x: np.ndarray, sigma: float = SIGMA_003) -> np.ndarray:
        """003's treatment: yields per unit BR of a Gaussian (sigma in GeV^2) in q^2_rec at m_X^2."""
        m_x = np.atleast_1d(np.asarray(m_x, float))
        e = np.asarray(ITA_Q2REC_EDGES)
        cdf = stats.norm.cdf((e[None, :] - (m_x**2)[:, None]) / sigma)
        frac = np.diff(cdf, axis=1)  # (n, 3)
        out = np.zeros((m_x.size, self.eps.shape[0]))
        # per BDT bin (3 consecutive q^2_rec bins in the ITA), SM efficiency summed over q^2_rec
        start = 0
        for ch in dict.fromkeys(self.channel_of_cell):
            nb = self.channel_of_cell.count(ch)
            y = self.sm_yield[start : start + nb] / BR_SM
            if self.q2rec[start] >= 0:
                eff = y.reshape(-1, 3).sum(axis=1)
                out[:, start : start + nb] = (eff[None, :, None] * frac[:, None, :]).reshape(m_x.size, nb)
            else:
                out[:, start : start + nb] = y[None, :]
            start += nb
        return out

    # ---------------------------------------------------------------- fits
    def _limits(self, br_max: float) -> dict[str, tuple[float, float]]:
        return {"mu": (-5.0, 20.0), _NP_NORM: (-br_max, br_max)}

    def fit_sm(self) -> FitResult:
        """The Belle II fit: mu free, no new physics (arXiv:2311.14647: mu = 4.6 +- 1.3)."""
        return self.workspace.fit(fixed={_NP_NORM: 0.0}, nominal={_NP: np.zeros(self.eps.shape[0])})

    def fit_with_signal(
        self,
        yields_per_1e6: np.ndarray,
        *,
        br_free: bool = True,
        br_value: float = 0.0,
        start: Mapping[str, float] | None = None,
        data: np.ndarray | None = None,
        hesse: bool = True,
        external: Sequence[External] = (),
        m_x: float | None = None,
    ) -> FitResult:
        """Fit with the NP sample of yields ``yields_per_1e6`` (per BR = 1e-6) and mu ~ N(1, 0.074).

        With ``br_free`` the NP normalisation ``br_np`` (BR in units of 1e-6) is free; otherwise
        fixed at ``br_value`` (0: the null hypothesis; 1: the template is the absolute signal).
        ``external`` adds chi^2 terms in BR (units 1e-6) from other experiments: tuples
        (:func:`fitkit.likelihood.bknunu_external.as_penalties`) or callables chi2(br, m_x)
        evaluated at the mass ``m_x`` of the template (:mod:`fitkit.likelihood.counting`).
        """
        tuples = [e for e in external if not callable(e)]
        calls = [e for e in external if callable(e)]
        if not calls:
            return _constrained_fit(
                self, yields_per_1e6, br_free=br_free, br_value=br_value, start=start, data=data, hesse=hesse, external=tuples
            )
        if not br_free:
            r = _constrained_fit(
                self, yields_per_1e6, br_free=False, br_value=br_value, start=start, data=data, hesse=hesse, external=tuples
            )
            return FitResult(r.values, r.errors, r.twice_nll + _callables_chi2(calls, br_value, m_x), r.valid, r.nfcn)
        return _fit_with_callables(self, yields_per_1e6, calls, tuples, start=start, data=data, m_x=m_x)

    def scan_light_x(
        self,
        masses: np.ndarray,
        *,
        treatment: str = "maps",
        data: np.ndarray | None = None,
        external: Sequence[External] = (),
    ) -> LightXScan:
        """Best BR(B+ -> K+ X), its error and -2 Delta ln L against no X at each mass (warm starts).

        ``external``: chi^2 terms in BR from BaBar/Belle (units 1e-6), for the combined scan:
        Gaussian penalty tuples, or callables chi2(br, m_X) evaluated at each mass (the counting
        likelihoods of :mod:`fitkit.likelihood.counting`; a mass-independent null value chi2(0)).
        """
        masses = np.asarray(masses, float)
        if treatment == "maps":
            templates = self.line_yields(masses)
        elif treatment == "gaussian":
            templates = self.gaussian_line_yields(masses)
        else:
            raise InputError(f"treatment must be 'maps' or 'gaussian', got {treatment!r}", field="treatment")
        templates = templates * 1e-6
        null = self.fit_with_signal(templates[0], br_free=False, data=data, hesse=False)
        tuples = [e for e in external if not callable(e)]
        if external:
            ext0 = float(sum(((0.0 - m) / (lo if 0.0 <= m else hi)) ** 2 if np.isfinite(lo if 0.0 <= m else hi) else 0.0 for m, lo, hi in tuples))
            ext0 += _callables_chi2([e for e in external if callable(e)], 0.0, None)
            null = FitResult(null.values, null.errors, null.twice_nll + ext0, null.valid, null.nfcn)
        br, err, dl = np.zeros(masses.size), np.zeros(masses.size), np.zeros(masses.size)
        start = dict(null.values)
        for i in range(masses.size):
            m_i = float(masses[i])
            r = self.fit_with_signal(templates[i], start={**start, _NP_NORM: 0.5}, data=data, external=external, m_x=m_i)
            if not r.valid:
                r = self.fit_with_signal(templates[i], start={**null.values, _NP_NORM: 1.0}, data=data, external=external, m_x=m_i)
            br[i], err[i] = r.values[_NP_NORM] * 1e-6, r.errors[_NP_NORM] * 1e-6
            dl[i] = null.twice_nll - r.twice_nll
            start = dict(r.values)
        z = np.sign(br) * np.sqrt(np.clip(dl, 0.0, None))
        return LightXScan(masses, br, err, dl, z, null.twice_nll, treatment)


def _constrained_fit(
    lk: Belle2Knunu, yields: np.ndarray, *, br_free: bool, br_value: float, start, data, hesse, external=()
) -> FitResult:
    """Fit of the workspace plus the Gaussian theory constraint on mu (sigma = 0.37/4.97) and ``external``."""
    fixed = {} if br_free else {_NP_NORM: br_value}
    return lk.workspace.fit(
        fixed=fixed,
        start=start,
        data=data,
        nominal={_NP: yields},
        hesse=hesse,
        limits=lk._limits(100.0),
        penalties={"mu": (1.0, BR_SM_ERROR / BR_SM), **({_NP_NORM: list(external)} if external else {})},
    )


def _callables_chi2(calls: Sequence[Callable], br: float | np.ndarray, m_x: float | None) -> float | np.ndarray:
    """Sum of callable external chi^2 terms at BR ``br`` (units 1e-6) and mass ``m_x``."""
    return sum((np.asarray(f(np.asarray(br, float), m_x), float) for f in calls), np.zeros_like(np.asarray(br, float)))


def _fit_with_callables(
    lk: Belle2Knunu, yields: np.ndarray, calls: Sequence[Callable], tuples: Sequence, *, start, data, m_x: float | None
) -> FitResult:
    """Free-BR fit of Belle II plus callable chi^2 terms e(b) in b = BR / 1e-6.

    The Belle II profile in b is taken as the parabola P(b) = t0 + ((b - b0)/s)^2 of its free fit
    (minimum t0 at b0, HESSE error s); b1 = argmin P + e on a fine grid; an exact fit at fixed b1
    gives t1 = P_exact(b1), which resets s so that the parabola passes through it, and the
    minimisation is repeated once (b2, exact t2). Result: BR = b2, -2 ln L = t2 + e(b2), error
    from the Delta = 1 interval of the combined curve. Three workspace fits instead of a
    one-dimensional minimisation of exact profiles (each ~1 s).
    """
    free = _constrained_fit(lk, yields, br_free=True, br_value=0.0, start=start, data=data, hesse=True, external=tuples)
    b0, s, t0 = free.values[_NP_NORM], free.errors[_NP_NORM], free.twice_nll
    if np.isfinite(s) and s > 0:
        s = max(s, 1e-6)
        grid = np.linspace(b0 - 10.0 * s, b0 + 10.0 * s, 4001)
    else:  # no Belle II information on b (the X template vanishes above the maps' q^2 range): flat profile
        s = math.inf
        grid = np.linspace(*lk._limits(100.0)[_NP_NORM], 20001)
    ext = _callables_chi2(calls, grid, m_x)
    nfcn, res, b = free.nfcn, free, b0
    for _ in range(2):
        comb = t0 + ((grid - b0) / s) ** 2 + ext
        b = float(grid[int(np.argmin(comb))])
        res = _constrained_fit(lk, yields, br_free=False, br_value=b, start=free.values, data=data, hesse=False, external=tuples)
        nfcn += res.nfcn
        if abs(b - b0) < 1e-3 * s or res.twice_nll <= t0:
            break
        s = abs(b - b0) / math.sqrt(res.twice_nll - t0)
    comb = t0 + ((grid - b0) / s) ** 2 + ext
    inside = grid[comb <= comb.min() + 1.0]
    err = 0.5 * float(inside.max() - inside.min()) if inside.size > 1 else s
    values = {**res.values, _NP_NORM: b}
    errors = {**free.errors, _NP_NORM: err}
    total = res.twice_nll + float(_callables_chi2(calls, b, m_x))
    return FitResult(values, errors, total, bool(free.valid and res.valid), nfcn)


class Belle2KnunuCost(Cost):
    """-2 ln L of the Belle II likelihood, profiled over its 232 nuisance parameters.

    The parameters are the model's (``mu`` for :class:`~fitkit.models.light_invisible.SignalStrength`,
    otherwise those of a model with ``knunu_signal``); every evaluation minimises the nuisances
    (MIGRAD with the analytic gradient, warm-started from the previous point), so the fit
    machinery sees a cost of a handful of parameters and chi^2 differences are profile
    likelihood ratios.
    """

    #: -2 ln L of Poisson counts, not against the saturated model: no ndof or p-value (fitkit.inference.fit).
    poisson = True

    def __init__(self, likelihood: Belle2Knunu, model: Any, names: Sequence[str]) -> None:
        self.likelihood = likelihood
        self.model = model
        self.names = list(names)
        self.start: dict[str, float] = {}
        self.limits: dict[str, tuple[float, float]] = {}
        self._warm: dict[str, float] | None = None
        super().__init__({n: None for n in self.names}, 0)

    def _evaluate(self, params: dict[str, float]) -> float:
        lk = self.likelihood
        if "mu" in params and not hasattr(self.model, "knunu_signal"):
            r = lk.workspace.fit(
                fixed={"mu": params["mu"], _NP_NORM: 0.0},
                start=self._warm,
                nominal={_NP: np.zeros(lk.eps.shape[0])},
                hesse=False,
                limits={"mu": (-5.0, 20.0)},
            )
        else:
            pts = {k: np.array([v]) for k, v in params.items()}
            yields = lk.fold(self.model.knunu_signal(pts, TRUE_Q2_EDGES))[0]
            r = lk.fit_with_signal(yields, br_free=False, br_value=1.0, start=self._warm, hesse=False)
        self._warm = r.values
        return r.twice_nll

    def _value(self, args: Sequence[float]) -> float:
        return self._evaluate(dict(zip(self.names, (float(a) for a in args), strict=True)))

    def _grad(self, args: Sequence[float]) -> np.ndarray:
        """Central differences of the profiled cost (iminuit computes its own when has_grad is False)."""
        x = np.asarray(args, float)
        h = 1e-4 * np.maximum(1.0, np.abs(x))
        return np.array([(self._value(x + hi) - self._value(x - hi)) / (2 * h[i]) for i, hi in enumerate(np.diag(h))])

    def _has_grad(self) -> bool:
        return False

    def _ndata(self) -> int:
        return self.likelihood.workspace.n_bins

    def extras(self, point: Mapping[str, float]) -> dict[str, Any]:
        """Numbers for ``fitkit fit --json`` besides the fit: the local significance.

        ``significance_local``: sqrt(-2 Delta ln L) between ``point`` and the model's SM point at
        the same mass (one parameter of interest, Wilks). The global significance of the toys is
        not read here: ``fitkit fit --toys-result FILE`` adds it from a result passed explicitly.
        """
        params = {k: float(point[k]) for k in self.names}
        sm = {**params, **{k: v for k, v in self.model.sm_point().items() if k in params}}
        delta = self._evaluate(sm) - self._evaluate(params)
        return {"significance_local": float(np.sign(delta) * np.sqrt(abs(delta)))}

    def batch(self, params: Mapping[str, np.ndarray]) -> np.ndarray:
        """The profiled cost at many points (sequential inner fits, warm-started)."""
        n = len(next(iter(params.values())))
        return np.array([self._evaluate({k: float(np.asarray(v)[i]) for k, v in params.items()}) for i in range(n)])


#: The simplified card, relative to the data folder (derived by scripts/derive_belle2_knunu_simplified.py).
SIMPLIFIED_CARD: str = "bknunu/yields/belle2_2023_simplified.yaml"


def simplified_spec(card: Mapping[str, Any]) -> dict[str, Any]:
    """A pyhf workspace from the simplified Belle II card (observed, yields, normsys, MC stat).

    Each channel gets the card's samples with their normalisation uncertainties (``normsys``,
    relative hi/lo), the signal the normfactor ``mu`` and one ``staterror`` per bin carrying the
    card's MC-statistical uncertainty. No shape systematics: the difference to the full
    likelihood measures their effect (see :func:`fitkit.reproduce.paper003.rows`).
    """
    channels, observations = [], []
    for ch in card["channels"]:
        samples = []
        for k, smp in enumerate(ch["samples"]):
            mods: list[dict[str, Any]] = [
                {"name": name, "type": "normsys", "data": {"hi": hl[0], "lo": hl[1]}} for name, hl in smp.get("normsys", {}).items()
            ]
            unc = ch["mcstat"] if k == 0 else [0.0] * len(ch["mcstat"])
            mods.append({"name": f"mcstat_{ch['name']}", "type": "staterror", "data": list(unc)})
            if smp.get("signal"):
                mods.append({"name": "mu", "type": "normfactor", "data": None})
            samples.append({"name": smp["name"], "data": list(smp["yields"]), "modifiers": mods})
        channels.append({"name": ch["name"], "samples": samples})
        observations.append({"name": ch["name"], "data": [float(v) for v in ch["observed"]]})
    return {
        "channels": channels,
        "observations": observations,
        "measurements": [{"name": "simplified", "config": {"poi": "mu", "parameters": []}}],
        "version": "1.0.0",
    }


def load_simplified(path: str | Path | None = None) -> CompiledWorkspace:
    """The simplified Belle II likelihood (offline default), compiled; ``path`` default: the card in data/."""
    from fitkit.data.catalog import default_data_dir, load_yields_card

    card = load_yields_card(Path(path) if path else default_data_dir() / SIMPLIFIED_CARD)
    try:
        return CompiledWorkspace(simplified_spec(card))
    except (KeyError, TypeError) as exc:
        raise InputError(f"malformed simplified card: {exc}", file=str(path or SIMPLIFIED_CARD)) from None


@lru_cache(maxsize=2)
def _cached_likelihood(directory: str | None) -> Belle2Knunu:
    return Belle2Knunu(None if directory is None else Path(directory))


def build_term(spec: Mapping[str, Any], model: Any, *, context: Any) -> Belle2KnunuCost:
    """Term builder ``type: belle2-knunu``.

    Spec key ``likelihood``: ``full`` (default: the published workspace and maps of
    :data:`DATASET`, sha256-verified) or ``simplified`` (the approximate card
    ``data/bknunu/yields/belle2_2023_simplified.yaml``: shape systematics dropped, mu error 0.99
    instead of 1.33; only on request, never as a fallback).
    """
    file = getattr(context, "file", None)
    unknown = sorted(set(spec) - {"type", "likelihood"})
    if unknown:
        raise InputError(f"unknown key(s) {', '.join(unknown)}; a belle2-knunu term takes 'likelihood'", file=file, field=f"terms.{unknown[0]}")
    mode = spec.get("likelihood", "full")
    if mode not in ("full", "simplified"):
        raise InputError(f"likelihood must be full or simplified, got {mode!r}", file=file, field="terms.likelihood")
    directory = None if mode == "simplified" else dataset_dir(DATASET, root=getattr(context, "data_root", None))
    lk = _cached_likelihood(None if directory is None else str(directory))
    if hasattr(model, "knunu_signal"):
        names = list(model.parameters)
    elif "mu" in getattr(model, "parameters", {}):
        names = ["mu"]
    else:
        raise InputError(f"model {getattr(model, 'name', model)!r} has neither knunu_signal nor mu", file=getattr(context, "file", None), field="model")
    return Belle2KnunuCost(lk, model, names)


TERMS = {"belle2-knunu": build_term}
