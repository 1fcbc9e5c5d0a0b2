"""Schema of the YAML data cards in ``data/`` (one publication per file), validated with pydantic.

A card::

    id: lhcb_2014_bkmumu
    source: {experiment: LHCb, arxiv: "1403.8044", inspire: 1289948,
             doi: 10.1007/JHEP06(2014)133, hepdata: ins1289948, year: 2014}
    supersedes: []                      # ids of cards this one replaces
    tags: [bsll, muon]
    scale: 1.0e-8                       # default scale of values and errors below
    measurements:
      - id: lhcb2014_Kp_mumu_1.1_2.0
        observable: "<dBR/dq2>(B+->Kmumu)"
        process: "B+ -> K+ mu+ mu-"
        lepton: mu
        q2: [1.1, 2.0]                  # GeV^2
        value: 2.33                     # times scale
        uncertainty: {stat: 0.15, syst: [+0.12, -0.11]}   # symmetric or [+up, -down]
        sm: {value: 3.53, error: 0.64, source: "002 Table 1 (flavio)"}
    correlations:                       # optional, of the total experimental errors
      - {between: [id_a, id_b], rho: 0.2}

Loaded measurements (:class:`Measurement`) carry absolute numbers: value x scale.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

import numpy as np
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from fitkit.data.observables import parse_observable

__all__ = [
    "Source",
    "SMExpectation",
    "MeasurementEntry",
    "Correlation",
    "Card",
    "Measurement",
    "YieldsCard",
    "ObservableName",
]

#: Largest magnitude of a number in a card (in the card's units; times ``scale`` for absolute
#: numbers): 1e30 keeps every chi^2 term finite in double precision (residual/error < 1e120).
MAX_MAGNITUDE: float = 1e30
#: Smallest uncertainty component in card units (the same reason).
MIN_ERROR: float = 1e-30



def _bounded(v: float) -> float:
    if abs(v) > MAX_MAGNITUDE:
        raise ValueError(f"magnitude must be at most {MAX_MAGNITUDE:g}, got {v:g}")
    return v


def _sane_scale(v: float) -> float:
    if not MIN_ERROR <= v <= MAX_MAGNITUDE:
        raise ValueError(f"scale must be in [{MIN_ERROR:g}, {MAX_MAGNITUDE:g}], got {v:g}")
    return v


def _known_observable(v: str) -> str:
    parse_observable(v)
    return v


_Finite = Annotated[float, Field(allow_inf_nan=False), AfterValidator(_bounded)]
_Scale = Annotated[float, Field(gt=0, allow_inf_nan=False), AfterValidator(_sane_scale)]
#: An observable name fitkit can predict (:func:`fitkit.data.observables.parse_observable`).
ObservableName = Annotated[str, AfterValidator(_known_observable)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    """Where the numbers of a card were published."""

    experiment: str
    title: str | None = None
    arxiv: str | None = None
    inspire: int | None = None
    doi: str | None = None
    hepdata: str | None = None
    journal: str | None = None
    year: int
    transcribed_from: str | None = Field(
        default=None, description="where fitkit read the numbers, if not the publication itself"
    )


class SMExpectation(_Strict):
    """An SM expectation printed with a measurement (value and error in the entry's scale)."""

    value: _Finite
    error: _Finite = Field(ge=0)
    source: str


class MeasurementEntry(_Strict):
    """One measured number as written in a card."""

    id: str
    observable: ObservableName
    process: str | None = None
    lepton: str | None = None
    q2: tuple[_Finite, _Finite] | None = None
    value: _Finite
    scale: _Scale | None = None
    uncertainty: dict[str, _Finite | tuple[_Finite, _Finite]]
    sm: SMExpectation | None = None
    tags: list[str] = []
    note: str | None = None

    @field_validator("lepton")
    @classmethod
    def _lepton_of_the_observable(cls, v: str | None, info: ValidationInfo) -> str | None:
        observable = info.data.get("observable")
        if v is not None and observable is not None and v != parse_observable(observable).lepton:
            raise ValueError(f"lepton {v!r} contradicts the observable {observable!r} (lepton {parse_observable(observable).lepton!r})")
        return v

    @field_validator("q2")
    @classmethod
    def _ordered_bin(cls, v: tuple[float, float] | None) -> tuple[float, float] | None:
        if v is not None:
            if v[0] >= v[1]:
                raise ValueError(f"q2min must be < q2max, got [{v[0]}, {v[1]}]")
            if v[0] < 0:
                raise ValueError(f"q2min must be >= 0, got {v[0]}")
        return v

    @field_validator("uncertainty")
    @classmethod
    def _positive_errors(
        cls, v: dict[str, float | tuple[float, float]]
    ) -> dict[str, float | tuple[float, float]]:
        if not v:
            raise ValueError("at least one uncertainty component is required")
        for name, err in v.items():
            if isinstance(err, tuple):
                up, down = err
                if up <= 0 or down >= 0:
                    raise ValueError(
                        f"component {name!r}: asymmetric errors are written [+up, -down] with "
                        f"up > 0 and down < 0, got [{up}, {down}]"
                    )
                if min(up, -down) < MIN_ERROR:
                    raise ValueError(f"component {name!r}: uncertainty must be >= {MIN_ERROR}, got [{up}, {down}]")
            elif err <= 0:
                raise ValueError(f"component {name!r}: uncertainty must be > 0, got {err}")
            elif err < MIN_ERROR:
                raise ValueError(f"component {name!r}: uncertainty must be >= {MIN_ERROR}, got {err}")
        return v

    @model_validator(mode="after")
    def _bin_if_binned(self) -> MeasurementEntry:
        if parse_observable(self.observable).binned and self.q2 is None:
            raise ValueError(f"binned observable {self.observable!r} needs a q2 bin [min, max]")
        return self


class Correlation(_Strict):
    """Correlation coefficient of the total experimental errors of two entries."""

    between: tuple[str, str]
    rho: Annotated[float, Field(ge=-1, le=1, allow_inf_nan=False)]


class Card(_Strict):
    """A data card: one publication, its measurements and correlations."""

    id: str
    source: Source
    supersedes: list[str] = []
    tags: list[str] = []
    scale: _Scale = 1.0
    note: str | None = None
    measurements: list[MeasurementEntry] = Field(min_length=1)
    correlations: list[Correlation] = []

    @field_validator("measurements")
    @classmethod
    def _unique_ids(cls, v: list[MeasurementEntry]) -> list[MeasurementEntry]:
        ids = [m.id for m in v]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"duplicate measurement id(s) {', '.join(dup)}")
        return v

    @field_validator("correlations")
    @classmethod
    def _valid_correlations(cls, v: list[Correlation], info: ValidationInfo) -> list[Correlation]:
        """Known, distinct ids, each pair once, and a positive-definite correlation matrix."""
        known = {m.id for m in info.data.get("measurements", [])}
        pairs: set[frozenset[str]] = set()
        for c in v:
            for mid in c.between:
                if known and mid not in known:
                    raise ValueError(f"correlation names unknown measurement id {mid!r}")
            if c.between[0] == c.between[1]:
                raise ValueError(f"correlation of {c.between[0]!r} with itself")
            if frozenset(c.between) in pairs:
                raise ValueError(f"correlation of {c.between[0]!r} and {c.between[1]!r} given twice")
            pairs.add(frozenset(c.between))
        if v:
            ids = sorted({mid for c in v for mid in c.between})
            rho = np.eye(len(ids))
            for c in v:
                i, j = ids.index(c.between[0]), ids.index(c.between[1])
                rho[i, j] = rho[j, i] = c.rho
            smallest = float(np.linalg.eigvalsh(rho)[0])
            if smallest <= 1e-9:
                raise ValueError(f"the correlation matrix is not positive definite (smallest eigenvalue {smallest:.3g})")
        return v


class Measurement(BaseModel):
    """A measurement ready for a likelihood: absolute numbers (the card's scale applied).

    ``errors`` maps each component to ``(up, down)`` with both positive.
    """

    model_config = ConfigDict(frozen=True)

    id: str
    card: str
    observable: str
    lepton: str
    q2: tuple[float, float] | None
    value: float
    errors: dict[str, tuple[float, float]]
    sm: float | None
    sm_error: float | None
    sm_source: str | None
    tags: tuple[str, ...]
    scale: float

    @classmethod
    def from_entry(cls, entry: MeasurementEntry, card: Card) -> Measurement:
        scale = entry.scale if entry.scale is not None else card.scale
        errors: dict[str, tuple[float, float]] = {}
        for name, err in entry.uncertainty.items():
            if isinstance(err, tuple):
                errors[name] = (err[0] * scale, -err[1] * scale)
            else:
                errors[name] = (err * scale, err * scale)
        parsed = parse_observable(entry.observable)
        return cls(
            id=entry.id,
            card=card.id,
            observable=entry.observable,
            lepton=entry.lepton or parsed.lepton,
            q2=entry.q2,
            value=entry.value * scale,
            errors=errors,
            sm=None if entry.sm is None else entry.sm.value * scale,
            sm_error=None if entry.sm is None else entry.sm.error * scale,
            sm_source=None if entry.sm is None else entry.sm.source,
            tags=tuple(dict.fromkeys([*card.tags, *entry.tags])),
            scale=scale,
        )

    def as_dict(self) -> dict[str, Any]:
        """Plain-JSON view (used in results)."""
        return self.model_dump()

    @property
    def symmetric_error(self) -> float:
        """Total experimental error with each component's up and down averaged (in quadrature sum)."""
        return math.sqrt(sum(((u + d) / 2) ** 2 for u, d in self.errors.values()))


_Count = Annotated[float, Field(ge=0, allow_inf_nan=False), AfterValidator(_bounded)]


class YieldsSample(_Strict):
    """One sample of a yields channel: expected events per bin and relative normalisation errors."""

    name: str
    signal: bool = False
    yields: list[_Count] = Field(min_length=1)
    normsys: dict[str, tuple[Annotated[float, Field(gt=0, le=100, allow_inf_nan=False)], Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]]] = {}


class YieldsChannel(_Strict):
    """A channel of a yields card: observed counts (>= 0), MC-statistical errors, samples; all per bin."""

    name: str
    observed: list[_Count] = Field(min_length=1)
    mcstat: list[_Count]
    samples: list[YieldsSample] = Field(min_length=1)

    @model_validator(mode="after")
    def _same_bins(self) -> YieldsChannel:
        n = len(self.observed)
        if len(self.mcstat) != n:
            raise ValueError(f"mcstat has {len(self.mcstat)} bins, observed has {n}")
        for smp in self.samples:
            if len(smp.yields) != n:
                raise ValueError(f"sample {smp.name!r} has {len(smp.yields)} bins, observed has {n}")
        if sum(smp.signal for smp in self.samples) > 1:
            raise ValueError("at most one sample may have signal: true")
        return self


class YieldsCard(_Strict):
    """A binned counting likelihood (``data/**/yields/*.yaml``, e.g. the simplified Belle II card)."""

    id: str
    source: Source
    supersedes: list[str] = []  # card ids this card replaces (fitkit.data.catalog)
    note: str | None = None
    channels: list[YieldsChannel] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_channels(self) -> YieldsCard:
        names = [c.name for c in self.channels]
        dup = {n for n in names if names.count(n) > 1}
        if dup:
            raise ValueError(f"duplicate channel name(s) {', '.join(sorted(dup))}")
        return self
