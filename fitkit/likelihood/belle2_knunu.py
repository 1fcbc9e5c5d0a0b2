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
from typing import Any

import numpy as np
from scipy import stats

from fitkit.constants import M_BPLUS, M_KPLUS, SM_BR_KNUNU
from fitkit.data.registry import dataset_dir
from fitkit.errors import InputError
from fitkit.likelihood.histfactory import CompiledWorkspace, WorkspaceCost
from fitkit.likelihood.workspace import load_workspace, validate_workspace
from fitkit.models.base import KnunuSpectrum
from fitkit.theory.formfactors import form_factors
from fitkit.theory.kinematics import kallen

__all__ = [
    "TRUE_Q2_EDGES",
    "BR_SM",
    "BR_SM_ERROR",
    "DATASET",
    "MAPS",
    "sm_true_bin_fractions",
    "Belle2Knunu",
    "Belle2KnunuTerm",
    "NP_NORM",
    "NP_SAMPLE",
    "SIMPLIFIED_CARD",
    "simplified_spec",
    "load_simplified",
    "build_term",
    "TERMS",
]

#: True-q^2 bin edges of the number-density maps in GeV^2 (HEPData record 166082).
TRUE_Q2_EDGES: np.ndarray = np.concatenate([[-1.0], np.linspace(0.0, 22.885, 101)])

#: SM BR(B+ -> K+ nu nubar) behind mu = 1 (HPQCD arXiv:2207.13371; 003 ref. [67]) and its error.
BR_SM: float = SM_BR_KNUNU["K"]
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

NP_SAMPLE = "np_signal"  # the new-physics sample (a clone of the SM signal)
NP_NORM = "br_np"  # NP normalisation, in the unit its template is per (a plain number for absolute yields)


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
    lam = np.clip(kallen(1.0, (M_KPLUS / M_BPLUS) ** 2, q2 / M_BPLUS**2), 0.0, None)  # 003 eq. (6)
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


@dataclass
class Belle2Knunu:
    """The Belle II likelihood with an injectable new-physics sample.

    Args:
        directory: folder with the workspace and the three number-density maps.
    """

    directory: Path | None
    simplified: str | Path | None = None
    norm_parameter: str = field(default=NP_NORM, init=False)
    workspace: CompiledWorkspace = field(init=False)
    eps: np.ndarray = field(init=False)  # (n_np_cells, n_true): yield per unit BR

    def __post_init__(self) -> None:
        if self.directory is None:
            from fitkit.data.catalog import default_data_dir, load_yields_card

            card_path = Path(self.simplified) if self.simplified else default_data_dir() / SIMPLIFIED_CARD
            spec = validate_workspace(simplified_spec(load_yields_card(card_path)), file=str(card_path))
        else:
            self.directory = Path(self.directory)
            spec = load_workspace(self.directory / WORKSPACE_FILE)
        self.published: dict[str, Any] = dict(spec)  # the workspace as read (before the NP clones)
        cw = CompiledWorkspace(spec)
        for parent in sorted({s for _, s in MAPS.values()}):
            cw.add_clone(parent, NP_SAMPLE, normfactor=NP_NORM)
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

    def yields_by_channel(self, yields: np.ndarray) -> dict[str, list[float]]:
        """NP yields per cell (:meth:`fold`) split into the channels that carry them."""
        out: dict[str, list[float]] = {}
        start = 0
        for ch in dict.fromkeys(self.channel_of_cell):
            nb = self.channel_of_cell.count(ch)
            out[ch] = [float(v) for v in yields[start : start + nb]]
            start += nb
        return out

    def parent_sample(self, channel: str) -> str:
        """The SM signal sample of ``channel`` (the one the NP sample copies)."""
        return next(parent for key, (_, parent) in MAPS.items() if channel.startswith(key))

    # ---------------------------------------------------------------- signal templates
    def fold(self, br_true: np.ndarray) -> np.ndarray:
        """Yields of the NP sample per cell, (n_points, n_np_cells), from BR per true bin."""
        return np.atleast_2d(br_true) @ self.eps.T

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

    # ---------------------------------------------------------------- costs (minimised by fitkit.inference)
    def limits(self, br_max: float = 100.0) -> dict[str, tuple[float, float]]:
        """Bounds of mu and of the NP normalisation (BR in units of the template's BR)."""
        return {"mu": (-5.0, 20.0), NP_NORM: (-br_max, br_max)}

    def sm_cost(self) -> WorkspaceCost:
        """-2 ln L without new physics (the NP sample empty; mu free: the Belle II fit)."""
        return WorkspaceCost(self.workspace, nominal={NP_SAMPLE: np.zeros(self.eps.shape[0])})

    def signal_cost(
        self,
        template: np.ndarray,
        *,
        data: np.ndarray | None = None,
        aux: np.ndarray | None = None,
        mu_centre: float = 1.0,
        penalties: Sequence[tuple[float, float, float]] = (),
    ) -> WorkspaceCost:
        """-2 ln L with the NP sample ``template`` x ``br_np`` and the SM signal at mu ~ N(mu_centre, 0.074).

        ``penalties``: Gaussian terms (mean, sigma below, sigma above) on ``br_np`` (external BR
        measurements in the template's units); ``data``/``aux`` replace the observation (toys).
        """
        pen: dict[str, Any] = {"mu": (mu_centre, BR_SM_ERROR / BR_SM)}
        if penalties:
            pen[NP_NORM] = list(penalties)
        return WorkspaceCost(self.workspace, nominal={NP_SAMPLE: template}, data=data, aux=aux, penalties=pen)


@dataclass
class Belle2KnunuTerm:
    """The Belle II likelihood as a fit term: the model's parameters exposed, the 232 nuisances profiled.

    The exposed parameters are the model's (``mu`` for a model without ``knunu_signal``, e.g.
    :class:`~fitkit.models.light_invisible.SignalStrength`; otherwise those of a model with
    ``knunu_signal``, whose spectrum is folded through the maps as the NP sample at its absolute
    normalisation). A :class:`fitkit.inference.profile.Profilable`: the fit wraps it in a
    :class:`fitkit.inference.profile.ProfiledCost`.
    """

    likelihood: Belle2Knunu
    model: Any
    exposed: list[str]
    #: -2 ln L of Poisson counts, not against the saturated model: no ndof or p-value (fitkit.inference.fit).
    poisson: bool = field(default=True, init=False)

    def __post_init__(self) -> None:
        self.ndata = self.likelihood.workspace.n_bins
        self._signal = isinstance(self.model, KnunuSpectrum)

    def nuisance_cost(self, values: Mapping[str, float]) -> tuple[WorkspaceCost, dict[str, float], dict[str, tuple[float, float]]]:
        """The full cost at the model point ``values``, what is fixed and the bounds."""
        lk = self.likelihood
        if not self._signal:
            return lk.sm_cost(), {"mu": float(values["mu"]), NP_NORM: 0.0}, {"mu": (-5.0, 20.0)}
        pts = {k: np.array([v]) for k, v in values.items()}
        yields = lk.fold(self.model.knunu_signal(pts, TRUE_Q2_EDGES))[0]
        return lk.signal_cost(yields), {NP_NORM: 1.0}, lk.limits()

    def pyhf_workspace(self, values: Mapping[str, float]) -> dict[str, Any]:
        """This term at the model point ``values`` as a pyhf workspace (``fitkit export``).

        Without ``knunu_signal``: the published workspace (POI mu). Otherwise the published
        workspace patched with the model's folded signal (:func:`fitkit.likelihood.export.signal_patch`,
        POI ``mu_np``: the signal strength relative to ``values``) and the SM signal strength
        constrained to N(1, 0.37/4.97) as pyhf's ``lumi`` factor.
        """
        from fitkit.likelihood.export import apply, constrain_normfactor_patch, signal_patch

        lk = self.likelihood
        spec = dict(lk.published)
        if not self._signal:
            return spec
        pts = {k: np.array([float(values[k])]) for k in self.exposed}
        by_channel = lk.yields_by_channel(lk.fold(self.model.knunu_signal(pts, TRUE_Q2_EDGES))[0])
        ops: list[dict[str, Any]] = []
        for parent in sorted({lk.parent_sample(ch) for ch in by_channel}):
            mine = {ch: y for ch, y in by_channel.items() if lk.parent_sample(ch) == parent}
            ops += signal_patch(spec, parent, mine, name=NP_SAMPLE, normfactor="mu_np")
        spec = apply(spec, ops)
        spec = apply(spec, constrain_normfactor_patch(spec, "mu", sigma=BR_SM_ERROR / BR_SM, bounds=self.likelihood.limits()["mu"]))
        for meas in spec["measurements"]:
            meas["config"]["poi"] = "mu_np"
        return spec

    def extras(self, point: Mapping[str, float], profile: Callable[[Mapping[str, float]], float]) -> dict[str, Any]:
        """Numbers for ``fitkit fit --json`` besides the fit: the local significance.

        ``significance_local``: sqrt(-2 Delta ln L) between ``point`` and the model's SM point at
        the same mass (one parameter of interest, Wilks), ``profile`` being the profiled -2 ln L.
        The global significance of the toys is not read here: ``fitkit fit --toys-result FILE``
        adds it from a result passed explicitly.
        """
        params = {k: float(point[k]) for k in self.exposed}
        sm = {**params, **{k: v for k, v in self.model.sm_point().items() if k in params}}
        delta = profile(sm) - profile(params)
        return {"significance_local": float(np.sign(delta) * np.sqrt(abs(delta)))}


#: The simplified card, relative to the data folder (derived by scripts/derive_belle2_knunu_simplified.py).
SIMPLIFIED_CARD: str = "bknunu/yields/belle2_2023_simplified.yaml"
#: Its card id (fits ask the catalog for the current card standing for it).
SIMPLIFIED_CARD_ID: str = "belle2_2023_knunu_simplified"


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

    card_path = Path(path) if path else default_data_dir() / SIMPLIFIED_CARD
    card = load_yields_card(card_path)
    try:
        spec = simplified_spec(card)
    except (KeyError, TypeError) as exc:
        raise InputError(f"malformed simplified card: {exc}", file=str(card_path)) from None
    return CompiledWorkspace(validate_workspace(spec, file=str(card_path)))


@lru_cache(maxsize=2)
def _cached_likelihood(directory: str | None, simplified: str | None = None) -> Belle2Knunu:
    return Belle2Knunu(None if directory is None else Path(directory), simplified=simplified)


def build_term(spec: Mapping[str, Any], model: Any, *, context: Any) -> Belle2KnunuTerm:
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
    # simplified: the current card standing for the shipped one (it follows `supersedes`)
    simplified = None if directory is not None else str(context.catalog.card_path(SIMPLIFIED_CARD_ID))
    lk = _cached_likelihood(None if directory is None else str(directory), simplified)
    if isinstance(model, KnunuSpectrum):
        names = list(model.parameters)
    elif "mu" in getattr(model, "parameters", {}):
        names = ["mu"]
    else:
        raise InputError(f"model {getattr(model, 'name', model)!r} has neither knunu_signal nor mu", file=getattr(context, "file", None), field="model")
    return Belle2KnunuTerm(lk, model, names)


TERMS = {"belle2-knunu": build_term}
