"""Fits and mass scans of a signal template injected into a likelihood with nuisance parameters.

A :class:`TemplateLikelihood` (e.g. :class:`fitkit.likelihood.belle2_knunu.Belle2Knunu`) gives,
for a template of signal yields per unit of its normalisation parameter ``lk.norm_parameter``, the full
cost with its nuisances (:class:`fitkit.inference.profile.NuisanceCost`); this module fits it
(:func:`fit_template`) and scans a family of templates, one per mass (:func:`scan_templates`):
per mass the best normalisation, its error and -2 Delta ln L against no signal.

External chi^2 terms on the normalisation (other experiments) are either Gaussian penalties
``(mean, sigma below, sigma above)`` added inside the fit, or callables ``chi2(norm, m_X)`` (the
counting experiments of :mod:`fitkit.likelihood.counting`), combined with the profile of the
likelihood in the normalisation (:func:`fit_template`).

Units: every interface of this module speaks the normalisation itself (for B -> K X templates a
plain branching ratio): templates are yields per unit normalisation, externals and start values
are in that unit, and results come back in it. Internally Minuit fits the normalisation in units
of :func:`normalisation_unit` (a power of ten at which the template carries 10-100 events, so
that step sizes and tolerances are of order one); that choice is conditioning only.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple, Protocol

import numpy as np

from fitkit.inference.profile import NuisanceCost, ProfileFit, fit_nuisances
from fitkit.likelihood.penalty import asymmetric_gaussian

__all__ = ["TemplateLikelihood", "External", "TemplateScan", "normalisation_unit", "fit_sm", "fit_template", "scan_templates"]

#: An external chi^2 term in the template normalisation: a Gaussian penalty (mean, sigma below,
#: sigma above) applied inside the fit, or a callable chi2(norm, m_X) profiled by :func:`fit_template`.
External = tuple[float, float, float] | Callable[[np.ndarray, float | None], np.ndarray]


class TemplateLikelihood(Protocol):
    """What a likelihood offers to template fits: costs with the template's normalisation parameter."""

    norm_parameter: str

    def limits(self, br_max: float = 100.0) -> dict[str, tuple[float, float]]: ...

    def sm_cost(self) -> NuisanceCost: ...

    def signal_cost(
        self,
        template: np.ndarray,
        *,
        data: np.ndarray | None = None,
        aux: np.ndarray | None = None,
        mu_centre: float = 1.0,
        penalties: Sequence[tuple[float, float, float]] = (),
    ) -> NuisanceCost: ...


class TemplateScan(NamedTuple):
    """A mass scan: per mass the best normalisation, its error, -2 Delta ln L vs no signal.

    ``z_local = sign(norm) sqrt(max(delta, 0))`` (one parameter of interest, Wilks). ``br`` and
    ``br_error`` are in the unit the templates are per (a plain branching ratio for yields per unit BR).
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


def normalisation_unit(templates: np.ndarray) -> float:
    """The unit Minuit fits a template normalisation in: 10^(1 - floor(log10 N)), N the largest
    total yield of ``templates`` (..., n_cells) per unit normalisation, so one unit is 10-100 events
    (1 for templates that vanish).

    Example:
        >>> normalisation_unit(np.array([[2.0e7, 1.38e7]]))
        1e-06
    """
    peak = float(np.max(np.abs(np.sum(np.asarray(templates, float), axis=-1))))
    if not math.isfinite(peak) or peak <= 0.0:
        return 1.0
    return 10.0 ** (1 - math.floor(math.log10(peak)))


def fit_sm(lk: TemplateLikelihood) -> ProfileFit:
    """The fit without signal: the likelihood's own POI (e.g. Belle II's mu) free."""
    return fit_nuisances(lk.sm_cost(), fixed={lk.norm_parameter: 0.0})


def _penalty_chi2(penalties: Sequence[tuple[float, float, float]], norm: float) -> float:
    """Sum of the asymmetric Gaussian penalties (mean, sigma below, sigma above) at ``norm``."""
    return float(sum(asymmetric_gaussian(norm, *p)[0] for p in penalties))


def _callables_chi2(calls: Sequence[Callable], norm: float | np.ndarray, m_x: float | None) -> float | np.ndarray:
    """Sum of callable external chi^2 terms at normalisation ``norm`` and mass ``m_x``."""
    return sum((np.asarray(f(np.asarray(norm, float), m_x), float) for f in calls), np.zeros_like(np.asarray(norm, float)))


class _Scaled(NamedTuple):
    """A template fit in Minuit's units: normalisation n = norm / unit, template unit x yields per norm."""

    unit: float
    template: np.ndarray
    penalties: list[tuple[float, float, float]]
    calls: list[Callable]

    @classmethod
    def of(cls, template: np.ndarray, external: Sequence[External], unit: float) -> _Scaled:
        pens = [(m / unit, lo / unit, hi / unit) for m, lo, hi in (e for e in external if not callable(e))]
        calls = [e for e in external if callable(e)]
        return cls(unit, np.asarray(template, float) * unit, pens, calls)

    def ext(self, n: float | np.ndarray, m_x: float | None) -> float | np.ndarray:
        """The callable externals at Minuit normalisation(s) ``n``."""
        return _callables_chi2(self.calls, np.asarray(n, float) * self.unit, m_x)

    def to_plain(self, r: ProfileFit, name: str) -> ProfileFit:
        values = {**r.values, name: r.values[name] * self.unit}
        errors = {**r.errors, name: r.errors[name] * self.unit} if name in r.errors else dict(r.errors)
        return ProfileFit(values, errors, r.twice_nll, r.valid, r.nfcn)

    def from_plain(self, start: Mapping[str, float] | None, name: str) -> dict[str, float] | None:
        if start is None:
            return None
        return {**start, name: start[name] / self.unit} if name in start else dict(start)


def _constrained_fit(
    lk: TemplateLikelihood,
    sc: _Scaled,
    *,
    br_free: bool,
    n_value: float,
    start: Mapping[str, float] | None,
    data: np.ndarray | None,
    hesse: bool,
) -> ProfileFit:
    fixed = {} if br_free else {lk.norm_parameter: n_value}
    cost = lk.signal_cost(sc.template, data=data, penalties=sc.penalties)
    return fit_nuisances(cost, fixed=fixed, start=start, hesse=hesse, limits=lk.limits(100.0))


def _fit_scaled(
    lk: TemplateLikelihood,
    sc: _Scaled,
    *,
    br_free: bool = True,
    n_value: float = 0.0,
    start: Mapping[str, float] | None = None,
    data: np.ndarray | None = None,
    hesse: bool = True,
    m_x: float | None = None,
) -> ProfileFit:
    """:func:`fit_template` in Minuit's units (values, errors and starts of the normalisation in units of ``sc.unit``)."""
    if not sc.calls or not br_free:
        r = _constrained_fit(lk, sc, br_free=br_free, n_value=n_value, start=start, data=data, hesse=hesse)
        if not sc.calls:
            return r
        return ProfileFit(r.values, r.errors, r.twice_nll + float(sc.ext(n_value, m_x)), r.valid, r.nfcn)
    free = _constrained_fit(lk, sc, br_free=True, n_value=0.0, start=start, data=data, hesse=True)
    b0, s, t0 = free.values[lk.norm_parameter], free.errors[lk.norm_parameter], free.twice_nll
    if np.isfinite(s) and s > 0:
        s = max(s, 1e-6)
        grid = np.linspace(b0 - 10.0 * s, b0 + 10.0 * s, 4001)
    else:  # no information on b (the template vanishes): flat profile
        s = math.inf
        grid = np.linspace(*lk.limits(100.0)[lk.norm_parameter], 20001)
    ext = sc.ext(grid, m_x)
    nfcn, res, b = free.nfcn, free, b0
    for _ in range(2):
        comb = t0 + ((grid - b0) / s) ** 2 + ext
        b = float(grid[int(np.argmin(comb))])
        res = _constrained_fit(lk, sc, br_free=False, n_value=b, start=free.values, data=data, hesse=False)
        nfcn += res.nfcn
        if abs(b - b0) < 1e-3 * s or res.twice_nll <= t0:
            break
        s = abs(b - b0) / math.sqrt(res.twice_nll - t0)
    comb = t0 + ((grid - b0) / s) ** 2 + ext
    inside = grid[comb <= comb.min() + 1.0]
    err = 0.5 * float(inside.max() - inside.min()) if inside.size > 1 else s
    values = {**res.values, lk.norm_parameter: b}
    errors = {**free.errors, lk.norm_parameter: err}
    total = res.twice_nll + float(sc.ext(b, m_x))
    return ProfileFit(values, errors, total, bool(free.valid and res.valid), nfcn)


def fit_template(
    lk: TemplateLikelihood,
    template: np.ndarray,
    *,
    br_free: bool = True,
    br_value: float = 0.0,
    start: Mapping[str, float] | None = None,
    data: np.ndarray | None = None,
    hesse: bool = True,
    external: Sequence[External] = (),
    m_x: float | None = None,
    unit: float | None = None,
) -> ProfileFit:
    """Fit with the signal ``template`` (yields per unit normalisation), the SM signal constrained.

    With ``br_free`` the normalisation is free; otherwise fixed at ``br_value`` (0: the null
    hypothesis). ``external``: penalty tuples (inside the fit) and callables chi2(norm, m_x),
    evaluated at the mass ``m_x`` of the template. ``br_value``, ``start``, the externals and the
    result's normalisation and error are all in the unit the template is per. ``unit``: Minuit's
    unit of the normalisation (conditioning only; default :func:`normalisation_unit` of the
    template; pass it for a template that may vanish, e.g. a mass beyond the maps).

    With callables, the likelihood's profile in the normalisation b is taken as the parabola
    P(b) = t0 + ((b - b0)/s)^2 of its free fit (minimum t0 at b0, Hessian error s); b1 = argmin
    P + e on a fine grid; an exact fit at fixed b1 gives t1 = P_exact(b1), which resets s so that
    the parabola passes through it, and the minimisation is repeated once (b2, exact t2).
    Result: b2, -2 ln L = t2 + e(b2), error from the Delta = 1 interval of the combined curve.
    """
    sc = _Scaled.of(template, external, normalisation_unit(template) if unit is None else unit)
    name = lk.norm_parameter
    r = _fit_scaled(lk, sc, br_free=br_free, n_value=br_value / sc.unit, start=sc.from_plain(start, name), data=data, hesse=hesse, m_x=m_x)
    return sc.to_plain(r, name)


def scan_templates(
    lk: TemplateLikelihood,
    masses: np.ndarray,
    templates: np.ndarray,
    *,
    treatment: str = "",
    data: np.ndarray | None = None,
    external: Sequence[External] = (),
    unit: float | None = None,
) -> TemplateScan:
    """Best normalisation, its error and -2 Delta ln L against no signal at each mass (warm starts).

    ``templates`` (n_masses, n_cells): yields per unit normalisation (per unit BR: the scan's
    ``br`` is a plain branching ratio). ``external``: chi^2 terms in the normalisation from other
    experiments (penalty tuples, or callables chi2(norm, m_X) evaluated at each mass; a
    mass-independent null value chi2(0)). ``unit``: as in :func:`fit_template`.
    """
    masses = np.asarray(masses, float)
    unit = normalisation_unit(templates) if unit is None else unit
    first = _Scaled.of(templates[0], external, unit)
    null = _fit_scaled(lk, _Scaled.of(templates[0], (), unit), br_free=False, data=data, hesse=False)
    if external:
        ext0 = _penalty_chi2(first.penalties, 0.0) + float(first.ext(0.0, None))
        null = ProfileFit(null.values, null.errors, null.twice_nll + ext0, null.valid, null.nfcn)
    br, err, dl = np.zeros(masses.size), np.zeros(masses.size), np.zeros(masses.size)
    start = dict(null.values)
    for i in range(masses.size):
        m_i = float(masses[i])
        sc = _Scaled.of(templates[i], external, unit)
        r = _fit_scaled(lk, sc, start={**start, lk.norm_parameter: 0.5}, data=data, m_x=m_i)
        if not r.valid:
            r = _fit_scaled(lk, sc, start={**null.values, lk.norm_parameter: 1.0}, data=data, m_x=m_i)
        br[i], err[i] = r.values[lk.norm_parameter] * unit, r.errors[lk.norm_parameter] * unit
        dl[i] = null.twice_nll - r.twice_nll
        start = dict(r.values)
    z = np.sign(br) * np.sqrt(np.clip(dl, 0.0, None))
    return TemplateScan(masses, br, err, dl, z, null.twice_nll, treatment)
