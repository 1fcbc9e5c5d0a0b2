"""BaBar 2013 and Belle 2017 B -> K(*) nu nubar searches as one-bin counting experiments.

Each channel c (a final state of one search: K+, K0S, K*+, K*0) is a Poisson counting experiment
with a Gaussian-constrained background (cards ``data/bknunu/counting/*.yaml``)::

    n_c ~ Pois(s_c + b'_c),   b'_c ~ N(b_c, sigma_c),
    s_c = a_c [BR_SM(mode_c) + BR_X(mode_c) r_c(m_X)],   a_c = eps_c N_B,c f_vis,c,

with ``N_B = 2 N_BB f`` (f = B(Y(4S) -> B+B-) = 0.514 or B0 B0bar = 0.486, PDG 2024), ``f_vis``
the fraction of the mode the channel sees (1/2 for K0 -> K0S; the K0S -> pi+ pi- and K* -> K pi
fractions sit in eps), ``r_c(m_X)`` in {0, 1} the acceptance of a two-body X (below).
Branching ratios are plain numbers; the parameter of interest is BR(B+ -> K+ X) for the K modes
and BR(B0 -> K*0 X) for the K* modes, the other charge tied by isospin and lifetimes:
BR(B0 -> K0 X) = BR(B+ -> K+ X) tau_B0/tau_B+ and BR(B+ -> K*+ X) = BR(B0 -> K*0 X) tau_B+/tau_B0
(:data:`MODES`); the SM rates are :data:`fitkit.constants.SM_BR_KNUNU` times the same
factors.

Likelihood. Explicit Poisson x Gaussian rather than a pyhf model: one bin per channel has a
closed-form profile over b' (the positive root of a quadratic, :func:`profiled_deviance`), so
chi^2(BR_X) is exact, vectorised over any array of BR_X and needs no minimiser; it equals pyhf's
one-bin model with a ``staterror``-type Gaussian on the background (:meth:`CountingChannel.pyhf_spec`,
checked in the tests), which is how it would compose with a workspace. ``chi2`` is the deviance
``-2 ln [L(s, b'_hat) / L_saturated]`` summed over channels; differences are -2 Delta ln L.

Efficiencies. The papers' efficiency tables were not available (cards: ``efficiency: null``); the
loader then derives a_c from the published 90% CL limit of the mode with the single-channel CLs of
the channel's counts (:func:`cls_single`), which for one bin equals the Bayesian flat-prior limit
(Helene) that the published numbers follow: with it BaBar's K+ counts give back BaBar's central
BR(B+ -> K+ nu nubar) = 1.5e-5 (tests). The limits of the combinations (BaBar K, K*; Belle K*) are
independent checks of the construction.

Mass dependence. The papers' efficiency versus q^2 was not available: a two-body X at mass m_X has
the channel's SM-averaged efficiency when s_B = m_X^2/m_B^2 lies in the channel's accepted range
(``sB_range``, default the full kinematic range m_X < m_B - m_h) and zero outside (r_c). What is
lost against 003's binned BaBar s_B spectra: a localised X populates one s_B bin with that bin's
background and efficiency; a single bin dilutes it with the whole spectrum's background, so the
BaBar K channels cannot veto an excess at a given m_X as 003's fit does.

Limits: :meth:`CountingLikelihood.upper_limit` with ``method="cls"`` (LEP-style CLs, test statistic
the log likelihood ratio of s+b to b, backgrounds sampled from their constraints: hybrid
Cousins-Highland; exact for one channel, seeded toys for several) or ``"profile"`` (one-sided
profile likelihood, Delta chi^2 = Phi^-1(CL)^2 above the minimum on BR_X >= 0).

Example:
    >>> ch = CountingChannel("x", "BaBar", "B+->K+", n_obs=6, n_bkg=2.9, n_bkg_error=0.1, yield_per_br=2.0e5)
    >>> round(ch.upper_limit_mode(0.90) * 1e5, 2)   # signal events per 1e-5 = 2
    3.85
    >>> lk = CountingLikelihood((ch,), "K", include_sm=False)
    >>> round(float(lk.best_fit()[0]) * 1e5, 3)        # (n - b) / a
    1.55
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from iminuit.cost import Cost
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from scipy import optimize, special, stats

from fitkit.constants import (
    M_B0,
    M_BPLUS,
    M_K0,
    M_KPLUS,
    M_KSTAR0,
    M_KSTARPLUS,
    SM_BR_KNUNU,
    TAU_B0,
    TAU_BPLUS,
)
from fitkit.data.catalog import default_data_dir, read_yaml, validation_error
from fitkit.data.schema import Source
from fitkit.errors import InputError

__all__ = [
    "CountingCost",
    "build_counting_term",
    "TERMS",
    "Mode",
    "MODES",
    "F_CHARGED",
    "F_NEUTRAL",
    "COUNTING_DIR",
    "CountingCard",
    "load_counting_card",
    "counting_cards",
    "CountingChannel",
    "CountingLikelihood",
    "counting_channels",
    "counting_likelihood",
    "profiled_deviance",
    "cls_single",
]

#: B(Y(4S) -> B+ B-) and B(Y(4S) -> B0 B0bar), PDG 2024 (0.514 +- 0.006, 0.486 +- 0.006). Only the
#: quoted efficiencies depend on them (a = eps N_B is what the likelihood uses).
F_CHARGED: float = 0.514
F_NEUTRAL: float = 0.486
#: The counting cards, relative to the data folder (a non-card area of the catalog).
COUNTING_DIR: str = "bknunu/counting"


@dataclass(frozen=True)
class Mode:
    """A B -> K(*) mode: its kind ('K' or 'K*'), masses (GeV) and BR(mode) / BR(reference mode)."""

    kind: Literal["K", "K*"]
    m_b: float
    m_h: float
    isospin: float
    f_pair: float


#: Reference modes: B+ -> K+ (kind K) and B0 -> K*0 (kind K*); the others by isospin x lifetimes.
MODES: dict[str, Mode] = {
    "B+->K+": Mode("K", M_BPLUS, M_KPLUS, 1.0, F_CHARGED),
    "B0->K0": Mode("K", M_B0, M_K0, TAU_B0 / TAU_BPLUS, F_NEUTRAL),
    "B0->K*0": Mode("K*", M_B0, M_KSTAR0, 1.0, F_NEUTRAL),
    "B+->K*+": Mode("K*", M_BPLUS, M_KSTARPLUS, TAU_BPLUS / TAU_B0, F_CHARGED),
}

_Pos = Annotated[float, Field(gt=0, allow_inf_nan=False)]
_NonNeg = Annotated[float, Field(ge=0, allow_inf_nan=False)]
_CL = Annotated[float, Field(gt=0, lt=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Published(_Strict):
    """The mode's published result: 90% CL limit (and a central value, absolute BR)."""

    upper_limit: _Pos
    cl: _CL = 0.90
    value: float | None = None
    stat: tuple[float, float] | None = None
    syst: tuple[float, float] | None = None


class ChannelEntry(_Strict):
    """One counting channel as written in a card."""

    id: str
    mode: Literal["B+->K+", "B0->K0", "B+->K*+", "B0->K*0"]
    final_state: str
    visible_fraction: Annotated[float, Field(gt=0, le=1)] = 1.0
    n_obs: Annotated[int, Field(ge=0, le=10**9, strict=False)]  # an observed count: a whole number of events
    n_bkg: _Pos
    n_bkg_error: _NonNeg
    efficiency: Annotated[float, Field(gt=0, lt=1)] | None = None
    sB_range: tuple[_NonNeg, _NonNeg] | None = None
    published: Published
    note: str | None = None


class CombinedEntry(_Strict):
    """A published combination of channels (isospin), used to test the counting likelihood."""

    id: str
    kind: Literal["K", "K*"]
    channels: list[str] = Field(min_length=1)
    upper_limit: _Pos | None = None
    cl: _CL = 0.90
    value: float | None = None
    error: tuple[float, float] | None = None
    note: str | None = None


class CountingCard(_Strict):
    """A publication's counting channels (``data/bknunu/counting/*.yaml``)."""

    id: str
    source: Source
    supersedes: list[str] = []  # card ids this card replaces (fitkit.data.catalog)
    tag: str
    n_bb: _Pos
    channels: list[ChannelEntry] = Field(min_length=1)
    combined: list[CombinedEntry] = []


def load_counting_card(path: str | Path) -> CountingCard:
    """Read and validate one counting card; errors name the file, the channel id and the field.

    Example:
        >>> card = load_counting_card(default_data_dir() / COUNTING_DIR / "babar_2013_hta.yaml")
        >>> [c.id for c in card.channels]
        ['babar2013_Kp', 'babar2013_K0', 'babar2013_Kstp', 'babar2013_Kst0']
    """
    path = Path(path)
    raw = read_yaml(path)
    try:
        card = CountingCard.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = "combined" if err["loc"] and err["loc"][0] == "combined" else "channels"
        raise validation_error(exc, raw, file=str(path), list_key=key) from None
    ids = [c.id for c in card.channels]
    for i, c in enumerate(card.channels):
        if c.id in ids[:i]:
            raise InputError("duplicate channel id", file=str(path), entry=c.id, field="id")
        if c.sB_range is not None and not c.sB_range[0] < c.sB_range[1]:
            raise InputError("sB_range must be [low, high] with low < high", file=str(path), entry=c.id, field="sB_range")
    for comb in card.combined:
        for cid in comb.channels:
            if cid not in ids:
                raise InputError(f"unknown channel {cid!r}; known: {', '.join(ids)}", file=str(path), entry=comb.id, field="channels")
            if MODES[card.channels[ids.index(cid)].mode].kind != comb.kind:
                raise InputError(f"channel {cid!r} is not a {comb.kind} mode", file=str(path), entry=comb.id, field="channels")
    return card


def counting_cards(root: str | Path | None = None) -> list[tuple[Path, CountingCard]]:
    """The current counting cards (``counting/`` folders of the data folder, superseded ones dropped), sorted by file."""
    from fitkit.data.catalog import Catalog

    return [(i.path, load_counting_card(i.path)) for i in Catalog(Path(root or default_data_dir())).current_cards("counting")]


# --------------------------------------------------------------------------- statistics
def profiled_deviance(s: np.ndarray, n: float, b: float, sigma: float) -> np.ndarray:
    """-2 ln [Pois(n | s + b') N(b' | b, sigma) / Pois(n | n) N(b | b, sigma)] at the best b'.

    The profile over b' is closed form: d/db' = 0 gives x = s + b' as the positive root of
    x^2 - (s + b - sigma^2) x - sigma^2 n = 0. Vectorised over s (events); sigma = 0 fixes b' = b.

    Example:
        >>> np.round(profiled_deviance(np.array([0.0, 3.1, 8.0]), 6, 2.9, 0.0), 4)
        array([2.5246, 0.    , 2.636 ])
    """
    s = np.asarray(s, float)
    if sigma > 0:
        p = s + b - sigma**2
        x = 0.5 * (p + np.sqrt(p**2 + 4.0 * sigma**2 * n))
        x = np.maximum(x, 1e-300)
        pen = ((x - s - b) / sigma) ** 2
    else:
        x = np.maximum(s + b, 1e-300)
        pen = 0.0
    nlog = n * np.log(n / x) if n > 0 else 0.0
    return 2.0 * (x - n + nlog) + pen


@cache
def _bkg_nodes(b: float, sigma: float, n_nodes: int = 40) -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Hermite nodes/weights of N(b, sigma) truncated to b' > 0 (a point mass for sigma = 0)."""
    if sigma == 0:
        return np.array([b]), np.array([1.0])
    x, w = np.polynomial.hermite_e.hermegauss(n_nodes)
    bb = b + sigma * x
    keep = bb > 0
    return bb[keep], w[keep] / w[keep].sum()


def cls_single(s: np.ndarray, n: float, b: float, sigma: float) -> np.ndarray:
    """CLs of signal s (events) for one bin: E_b'[P(N <= n | s + b')] / E_b'[P(N <= n | b')].

    The test statistic of one bin is n itself; b' is integrated over its truncated Gaussian
    (Cousins-Highland). Equals the Bayesian flat-prior posterior tail (Helene, NIM 212 (1983) 319).

    Example:
        >>> round(float(cls_single(np.array(2.303), 0, 1.0, 0.0)), 3)   # n = 0: CLs = exp(-s)
        0.1
    """
    bb, w = _bkg_nodes(b, sigma)
    k = math.floor(n) + 1
    s = np.asarray(s, float)
    num = special.gammaincc(k, s[..., None] + bb) @ w
    den = float(special.gammaincc(k, bb) @ w)
    return num / den


# --------------------------------------------------------------------------- channels
@dataclass(frozen=True)
class CountingChannel:
    """One counting channel; ``yield_per_br`` a = eps N_B f_vis: expected events per unit BR(mode)."""

    id: str
    experiment: str
    mode: str
    n_obs: float
    n_bkg: float
    n_bkg_error: float
    yield_per_br: float
    efficiency: float | None = None
    efficiency_derived: bool = False
    visible_fraction: float = 1.0
    sB_range: tuple[float, float] | None = None
    published: Published | None = None
    card: str = ""

    def acceptance(self, m_x: float | np.ndarray | None) -> np.ndarray | float:
        """r(m_X): 1 if a two-body X of mass m_X (GeV) is kinematically allowed and s_B = m_X^2/m_B^2
        lies in ``sB_range``, else 0; ``None``: 1 (a mass-independent signal)."""
        if m_x is None:
            return 1.0
        md = MODES[self.mode]
        m = np.asarray(m_x, float)
        ok = m < md.m_b - md.m_h
        if self.sB_range is not None:
            sb = m**2 / md.m_b**2
            ok = ok & (sb >= self.sB_range[0]) & (sb <= self.sB_range[1])
        return ok.astype(float)

    def deviance(self, s: np.ndarray) -> np.ndarray:
        """:func:`profiled_deviance` of this channel at signal counts ``s``."""
        return profiled_deviance(s, self.n_obs, self.n_bkg, self.n_bkg_error)

    def upper_limit_mode(self, cl: float = 0.90) -> float:
        """Single-channel CLs upper limit on BR(mode) (the signal being the whole mode)."""
        return _cls_events_limit(self.n_obs, self.n_bkg, self.n_bkg_error, cl) / self.yield_per_br

    def pyhf_spec(self, br: float = 1.0) -> dict[str, Any]:
        """The channel as a pyhf workspace: signal ``a br`` with a normfactor ``mu`` and the background
        with a Gaussian ``staterror`` of relative width sigma/b (equivalent to the likelihood here)."""
        return {
            "channels": [
                {
                    "name": self.id,
                    "samples": [
                        {"name": "signal", "data": [self.yield_per_br * br], "modifiers": [{"name": "mu", "type": "normfactor", "data": None}]},
                        {
                            "name": "background",
                            "data": [self.n_bkg],
                            "modifiers": [{"name": "bkg_err", "type": "staterror", "data": [self.n_bkg_error]}],
                        },
                    ],
                }
            ],
            "observations": [{"name": self.id, "data": [self.n_obs]}],
            "measurements": [{"name": "m", "config": {"poi": "mu", "parameters": []}}],
            "version": "1.0.0",
        }


def _cls_events_limit(n: float, b: float, sigma: float, cl: float) -> float:
    """Signal events s with CLs(s) = 1 - cl (:func:`cls_single`)."""
    alpha = 1.0 - cl
    hi = max(10.0, n + 10.0 * math.sqrt(n + 1.0))
    while float(cls_single(np.array(hi), n, b, sigma)) > alpha:
        hi *= 2.0
    return float(optimize.brentq(lambda s: float(cls_single(np.array(s), n, b, sigma)) - alpha, 0.0, hi, xtol=1e-10, rtol=1e-12))


def _channel(entry: ChannelEntry, card: CountingCard, path: Path) -> CountingChannel:
    md = MODES[entry.mode]
    n_b = 2.0 * card.n_bb * md.f_pair
    if entry.efficiency is not None:
        eps, derived = entry.efficiency, False
        a = eps * n_b * entry.visible_fraction
    else:
        s_ul = _cls_events_limit(entry.n_obs, entry.n_bkg, entry.n_bkg_error, entry.published.cl)
        a = s_ul / entry.published.upper_limit
        eps, derived = a / (n_b * entry.visible_fraction), True
    return CountingChannel(
        id=entry.id,
        experiment=card.source.experiment,
        mode=entry.mode,
        n_obs=entry.n_obs,
        n_bkg=entry.n_bkg,
        n_bkg_error=entry.n_bkg_error,
        yield_per_br=a,
        efficiency=eps,
        efficiency_derived=derived,
        visible_fraction=entry.visible_fraction,
        sB_range=entry.sB_range,
        published=entry.published,
        card=str(path),
    )


@cache
def _channels_cached(root: str) -> dict[str, CountingChannel]:
    out: dict[str, CountingChannel] = {}
    for path, card in counting_cards(root):
        for entry in card.channels:
            if entry.id in out:
                raise InputError(f"channel id also used in {out[entry.id].card}", file=str(path), entry=entry.id, field="id")
            out[entry.id] = _channel(entry, card, path)
    return out


def counting_channels(root: str | Path | None = None) -> dict[str, CountingChannel]:
    """All counting channels of the cards under ``root`` (the data folder), by id (cached per folder)."""
    return dict(_channels_cached(str(Path(root or default_data_dir()))))


# --------------------------------------------------------------------------- likelihood
@dataclass(frozen=True)
class CountingLikelihood:
    """Counting channels of one kind ('K' or 'K*') as a likelihood in the reference-mode BR.

    ``include_sm``: the SM B -> K(*) nu nubar rate is added to the X signal (new-physics fits);
    without it the parameter is the total branching ratio (to compare with published results).
    """

    channels: tuple[CountingChannel, ...]
    kind: Literal["K", "K*"]
    include_sm: bool = True
    toys: int = 20000
    seed: int = 20130329
    _cache: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for ch in self.channels:
            if MODES[ch.mode].kind != self.kind:
                raise InputError(f"channel is a {MODES[ch.mode].kind} mode, not {self.kind}", entry=ch.id, field="mode")

    # ------------------------------------------------------------ expected counts
    def per_unit_br(self, m_x: float | None = None) -> np.ndarray:
        """Signal events per unit reference-mode BR(X), per channel: a_c isospin_c r_c(m_X)."""
        return np.array([ch.yield_per_br * MODES[ch.mode].isospin * float(ch.acceptance(m_x)) for ch in self.channels])

    def sm_counts(self) -> np.ndarray:
        """SM signal events per channel (zero without ``include_sm``)."""
        if not self.include_sm:
            return np.zeros(len(self.channels))
        return np.array([ch.yield_per_br * MODES[ch.mode].isospin * SM_BR_KNUNU[self.kind] for ch in self.channels])

    def chi2(self, br: np.ndarray | float, m_x: float | None = None) -> np.ndarray:
        """Deviance summed over channels at reference-mode BR_X values ``br`` (any shape): see module doc."""
        br = np.asarray(br, float)
        a, s0 = self.per_unit_br(m_x), self.sm_counts()
        return sum((ch.deviance(s0[i] + a[i] * br) for i, ch in enumerate(self.channels)), np.zeros_like(br))

    # ------------------------------------------------------------ fits and intervals
    def _grid(self, m_x: float | None, lo: float, hi: float, n: int = 4001) -> tuple[np.ndarray, np.ndarray]:
        g = np.linspace(lo, hi, n)
        return g, self.chi2(g, m_x)

    def _scale(self, m_x: float | None) -> float:
        a = self.per_unit_br(m_x).sum()
        if a <= 0:
            return math.inf
        n = sum(ch.n_obs + ch.n_bkg for ch in self.channels)
        return (10.0 * math.sqrt(n + 1.0) + 10.0) / a

    def best_fit(self, m_x: float | None = None, *, lower: float | None = None) -> tuple[float, float, float]:
        """(BR_hat, error below, error above): the minimum of chi2 and its Delta chi^2 = 1 interval.

        ``lower`` bounds BR from below (default: each channel's s + b stays above b/10; a negative
        BR_X is a downward fluctuation of the total signal).
        """
        scale = self._scale(m_x)
        if not math.isfinite(scale):
            return 0.0, math.inf, math.inf
        if lower is None:  # keep every channel's expectation s + b above 10% of b
            a, s0 = self.per_unit_br(m_x), self.sm_counts()
            b = np.array([ch.n_bkg for ch in self.channels])
            lower = float(np.max(np.where(a > 0, (0.1 * b - s0 - b) / np.where(a > 0, a, 1.0), -np.inf)))
        lo = max(lower, -scale)
        f = lambda x: float(self.chi2(np.array(x), m_x))  # noqa: E731
        g, c = self._grid(m_x, lo, scale)
        i = int(np.argmin(c))
        a_, b_ = g[max(i - 1, 0)], g[min(i + 1, g.size - 1)]
        x0 = float(optimize.minimize_scalar(f, bounds=(a_, b_), method="bounded", options={"xatol": 1e-14 * scale}).x) if b_ > a_ else g[i]
        f0 = f(x0)
        down = x0 - optimize.brentq(lambda x: f(x) - f0 - 1.0, lo, x0) if f(lo) > f0 + 1.0 else math.inf
        up = optimize.brentq(lambda x: f(x) - f0 - 1.0, x0, scale) - x0
        return x0, down, up

    def upper_limit(self, m_x: float | None = None, *, cl: float = 0.90, method: Literal["cls", "profile"] = "cls") -> float:
        """Upper limit on the reference-mode BR_X >= 0 at mass ``m_x`` (inf if no channel accepts X).

        ``cls``: CLs = P_s(T <= T_obs) / P_0(T <= T_obs) = 1 - cl with T = sum_c n_c ln(1 + a_c BR / m0_c),
        m0_c = SM + background expectation (the LEP log likelihood ratio up to a constant); backgrounds
        are sampled from their truncated Gaussians; one channel: exact (:func:`cls_single`), several:
        ``toys`` seeded pseudo-experiments with common random numbers. ``profile``: Delta chi^2 =
        Phi^-1(cl)^2 above the minimum on BR >= 0.
        """
        a = self.per_unit_br(m_x)
        if not np.any(a > 0):
            return math.inf
        key = (method, cl, tuple(np.round(a, 9)))
        if key not in self._cache:
            self._cache[key] = self._cls_limit(a, cl) if method == "cls" else self._profile_limit(m_x, cl)
        return self._cache[key]

    def _profile_limit(self, m_x: float | None, cl: float) -> float:
        scale = self._scale(m_x)
        f = lambda x: float(self.chi2(np.array(x), m_x))  # noqa: E731
        x0 = max(self.best_fit(m_x)[0], 0.0)
        thr = f(x0) + float(stats.norm.ppf(cl)) ** 2
        hi = scale
        while f(hi) < thr:
            hi *= 2.0
        return float(optimize.brentq(lambda x: f(x) - thr, x0, hi, xtol=1e-16, rtol=1e-10))

    def _cls_limit(self, a: np.ndarray, cl: float) -> float:
        alpha = 1.0 - cl
        use = a > 0
        chans = [ch for ch, u in zip(self.channels, use, strict=True) if u]
        a, s0 = a[use], self.sm_counts()[use]
        if len(chans) == 1:  # exact; the SM rate is a known part of the background
            ch = chans[0]
            return _cls_events_limit(ch.n_obs, ch.n_bkg + s0[0], ch.n_bkg_error, cl) / a[0]
        n_obs = np.array([ch.n_obs for ch in chans])
        nodes = [_bkg_nodes(ch.n_bkg, ch.n_bkg_error) for ch in chans]
        m0 = s0 + np.array([ch.n_bkg for ch in chans])
        u = np.clip(np.random.default_rng(self.seed).random((self.toys, len(chans))), 1e-15, 1.0 - 1e-15)

        def counts(hyp: float) -> np.ndarray:
            """Toy counts at BR = hyp: inverse CDF of each channel's background-marginalised Poisson."""
            out = np.empty(u.shape)
            for c, (bb, w) in enumerate(nodes):
                mu = s0[c] + a[c] * hyp + bb
                n_max = int(mu.max() + 12.0 * math.sqrt(mu.max()) + 30.0)
                cdf = special.gammaincc(np.arange(n_max + 1)[:, None] + 1.0, mu[None, :]) @ w
                out[:, c] = np.minimum(np.searchsorted(cdf, u[:, c]), n_max)
            return out

        n_bkg_only = counts(0.0)

        def cls(br: float) -> float:
            w = np.log1p(a * br / m0)
            t_obs = float(n_obs @ w) * (1 + 1e-12) + 1e-12
            p_sb = float(np.mean(counts(br) @ w <= t_obs))
            p_b = float(np.mean(n_bkg_only @ w <= t_obs))
            return p_sb / max(p_b, 1.0 / self.toys)

        hi = 10.0 * (math.sqrt(float(n_obs.sum() + m0.sum()) + 1.0) + 1.0) / a.sum()
        while cls(hi) > alpha:
            hi *= 2.0
        return float(optimize.brentq(lambda x: cls(x) - alpha, 0.0, hi, xtol=1e-6 * hi, rtol=1e-6))

    def external(self) -> Callable[[np.ndarray | float, float | None], np.ndarray]:
        """This likelihood as an external chi^2(BR_X, m_X) term of a template fit (plain branching ratios)."""
        return self.chi2


def counting_likelihood(
    kind: Literal["K", "K*"],
    *,
    experiments: Sequence[str] | None = None,
    ids: Sequence[str] | None = None,
    include_sm: bool = True,
    root: str | Path | None = None,
) -> CountingLikelihood:
    """The counting channels of ``kind`` (optionally only ``experiments`` or channel ``ids``).

    Example:
        >>> lk = counting_likelihood("K*")
        >>> [c.id for c in lk.channels]
        ['babar2013_Kstp', 'babar2013_Kst0', 'belle2017_Kstp', 'belle2017_Kst0']
    """
    chans = counting_channels(root)
    if ids is not None:
        unknown = [i for i in ids if i not in chans]
        if unknown:
            raise InputError(f"unknown counting channel(s) {', '.join(unknown)}; known: {', '.join(chans)}", field="ids")
        sel = [chans[i] for i in ids]
    else:
        sel = [c for c in chans.values() if MODES[c.mode].kind == kind]
    if experiments is not None:
        sel = [c for c in sel if c.experiment in experiments]
    return CountingLikelihood(tuple(sel), kind, include_sm=include_sm)



# --------------------------------------------------------------------------- fit term
class CountingCost(Cost):
    """A :class:`CountingLikelihood` as a fit term: chi^2(BR_X, m_X) in two model parameters.

    ``br``: the model parameter that is the reference-mode BR of X (a plain number);
    ``mass``: the model parameter that is m_X (GeV), or None for a mass-independent signal. The
    nuisance (each channel's background) is profiled in closed form (:func:`profiled_deviance`),
    so the cost is exact and vectorised (``batch``).
    """

    def __init__(self, likelihood: CountingLikelihood, *, br: str, mass: str | None) -> None:
        self.likelihood = likelihood
        self.br, self.mass = br, mass
        super().__init__({n: None for n in ([mass] if mass else []) + [br]}, 0)

    def _value(self, args: Sequence[float]) -> float:
        if self.mass:
            m_x, br = float(args[0]), float(args[1])
            return float(self.likelihood.chi2(br, m_x))
        return float(self.likelihood.chi2(float(args[0])))

    def _grad(self, args: Sequence[float]) -> np.ndarray:
        """Central differences of the closed-form chi^2 (not used by Minuit: ``_has_grad`` is False)."""
        x = np.asarray(args, dtype=float)
        h = 1e-6 * np.maximum(np.abs(x), 1e-9)
        return np.array([(self._value(x + h[i] * e) - self._value(x - h[i] * e)) / (2 * h[i]) for i, e in enumerate(np.eye(x.size))])

    def _has_grad(self) -> bool:
        return False

    def _ndata(self) -> int:
        return len(self.likelihood.channels)

    def batch(self, params: Mapping[str, np.ndarray]) -> np.ndarray:
        """chi^2 at many points (one vectorised evaluation per distinct mass)."""
        br = np.asarray(params[self.br], float)
        if not self.mass:
            return np.asarray(self.likelihood.chi2(br), float)
        m = np.asarray(params[self.mass], float)
        out = np.empty(br.shape)
        for mu in np.unique(m):
            sel = m == mu
            out[sel] = self.likelihood.chi2(br[sel], float(mu))
        return out

    def pyhf_workspace(self, values: Mapping[str, float]) -> dict[str, Any]:
        """The channels as one-bin pyhf channels at the model point ``values`` (``fitkit export``).

        Samples: the SM signal (fixed), the X signal with the normfactor ``mu_np`` (the POI:
        the X rate relative to ``values``) and the background with a ``staterror`` of relative
        width sigma_b / b (the Gaussian of the likelihood here). -2 ln L differs from
        :meth:`CountingLikelihood.chi2` by the saturated model's constant.
        """
        lk = self.likelihood
        m_x = float(values[self.mass]) if self.mass else None
        a, s0 = lk.per_unit_br(m_x), lk.sm_counts()
        br = float(values[self.br])
        channels, observations = [], []
        for i, ch in enumerate(lk.channels):
            samples: list[dict[str, Any]] = [
                {"name": "np_signal", "data": [float(a[i] * br)], "modifiers": [{"name": "mu_np", "type": "normfactor", "data": None}]},
                {"name": "background", "data": [ch.n_bkg], "modifiers": [{"name": f"bkg_{ch.id}", "type": "staterror", "data": [ch.n_bkg_error]}]},
            ]
            if s0[i] > 0:
                samples.insert(0, {"name": "sm_signal", "data": [float(s0[i])], "modifiers": []})
            channels.append({"name": ch.id, "samples": samples})
            observations.append({"name": ch.id, "data": [float(ch.n_obs)]})
        return {
            "channels": channels,
            "observations": observations,
            "measurements": [{"name": "counting", "config": {"poi": "mu_np", "parameters": []}}],
            "version": "1.0.0",
        }


#: Default BR parameter of a counting term per kind (the light-invisible models' names).
_DEFAULT_BR = {"K": "BR_KX", "K*": "BR_KstarX"}


def build_counting_term(spec: Mapping[str, Any], model: Any, *, context: Any) -> CountingCost:
    """Term type ``counting``: ``{kind: K | K*, ids: [...], experiments: [...], br: NAME, mass: NAME}``.

    ``br`` (default BR_KX for K, BR_KstarX for K*) and ``mass`` (default m_X; ``null``: none)
    name the model parameters; the SM rate is included (new-physics fits).
    """
    file = getattr(context, "file", None)
    kind = spec.get("kind", "K")
    if kind not in _DEFAULT_BR:
        raise InputError(f"kind must be K or K*, got {kind!r}", file=file, field="terms.kind")
    br = spec.get("br", _DEFAULT_BR[kind])
    mass = spec.get("mass", "m_X")
    params = getattr(model, "parameters", {})
    for key, name in (("br", br), ("mass", mass)):
        if name is not None and name not in params:
            raise InputError(f"model {getattr(model, 'name', model)!r} has no parameter {name!r}", file=file, field=f"terms.{key}")
    try:
        lk = counting_likelihood(kind, ids=spec.get("ids"), experiments=spec.get("experiments"))
    except InputError as exc:
        raise InputError(exc.message, file=file, field=f"terms.{exc.field or 'ids'}") from None
    if not lk.channels:
        raise InputError("no counting channel selected", file=file, field="terms.ids")
    return CountingCost(lk, br=br, mass=mass)


TERMS = {"counting": build_counting_term}
