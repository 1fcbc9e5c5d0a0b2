"""Gaussian chi^2 of binned measurements against model predictions, as an iminuit cost.

Implements 002 eq. (5.1),

    chi^2(X) = sum_i (B_i^th(X) - B_i^exp)^2 / sigma_i^2,  sigma_i^2 = sigma_exp,i^2 + sigma_th,i^2,

generalised to correlated experimental errors: chi^2 = r^T C^-1 r with r = th - exp and
C = D rho D + diag(sigma_th^2), D = diag(sigma_exp).

Asymmetric experimental errors ``+up -down`` are combined per component and then in
quadrature over components, with one of these conventions (``asymmetric_errors``):

- ``average`` (default): sigma = (up + down) / 2 — the symmetrisation flavio applies to
  measurements given with asymmetric errors when it builds a Gaussian; it reproduces
  chi^2_SM of 002 Table 1 best (see ``fitkit reproduce 002``);
- ``rms``: sigma = sqrt((up^2 + down^2) / 2);
- ``max``: sigma = max(up, down) (conservative);
- ``side``: sigma = up if th > exp else down (the error on the side of the prediction; makes
  chi^2 piecewise, still continuous in th).

The theory error sigma_th is the card's SM uncertainty (002 sec. 5: "we take the SM uncertainty
estimated by flavio"), either as it stands (``theory_errors="absolute"``, default) or scaled with
the prediction, sigma_th(X) = sigma_th,SM |B_th(X)| / B_SM (``"relative"``): the form-factor and
CKM errors that dominate sigma_th,SM are multiplicative, and flavio's uncertainty of a new-physics
prediction (``flavio.np_uncertainty``) scales approximately with the rate.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np

from fitkit.data.schema import Measurement
from fitkit.errors import InputError
from fitkit.likelihood.batched import BatchedCost
from fitkit.models.base import Model, as_points
from fitkit.theory.observables import N_RES_NODES

__all__ = [
    "GaussianChi2",
    "experimental_sigmas",
    "ASYMMETRIC_CONVENTIONS",
    "AsymmetricConvention",
    "THEORY_ERROR_MODES",
    "TheoryErrorMode",
]

#: Elements of a (points x measurements x q^2 nodes) float64 array :meth:`GaussianChi2.batch`
#: evaluates at once (2^19: 4 MB); more points are evaluated in chunks, so memory is bounded and
#: the intermediate arrays stay in cache (002 Table 1: 55 us per point in chunks of 809 points,
#: 295 us in one chunk of 10^4, benchmarks/bsll_chi2.py).
BATCH_ELEMENTS: int = 2**19
#: q^2 nodes per measurement the chunk size assumes: the most a bin integral uses (the
#: resonance-adapted rule, N_RES_NODES on each side of the peak, fitkit/theory/observables.py).
NODES_PER_MEASUREMENT: int = 2 * N_RES_NODES

AsymmetricConvention = Literal["average", "rms", "max", "side"]
ASYMMETRIC_CONVENTIONS: tuple[str, ...] = ("average", "rms", "max", "side")
TheoryErrorMode = Literal["absolute", "relative"]
THEORY_ERROR_MODES: tuple[str, ...] = ("absolute", "relative")


def experimental_sigmas(
    measurements: Sequence[Measurement],
    convention: AsymmetricConvention = "average",
    residual: np.ndarray | None = None,
) -> np.ndarray:
    """Total experimental error of each measurement, shape ``(n_meas,)`` or that of ``residual``.

    Args:
        measurements: measurements with ``errors = {component: (up, down)}``, absolute units.
        convention: how ``+up -down`` becomes one sigma (module docstring).
        residual: ``th - exp``, shape ``(n_points, n_meas)``; needed by ``side`` only.

    Example:
        >>> from fitkit.data.catalog import Catalog
        >>> m = Catalog().select(ids=["lhcb2016_Kst0_mumu_1.1_2.5"])
        >>> round(float(experimental_sigmas(m, "average")[0]) * 1e8, 4)
        0.397
    """
    comps = [np.array(list(m.errors.values()), dtype=float) for m in measurements]  # (n_comp, 2)
    if convention == "average":
        return np.array([np.sqrt(np.sum(((e[:, 0] + e[:, 1]) / 2) ** 2)) for e in comps])
    if convention == "rms":
        return np.array([np.sqrt(np.sum((e[:, 0] ** 2 + e[:, 1] ** 2) / 2)) for e in comps])
    if convention == "max":
        return np.array([np.sqrt(np.sum(np.max(e, axis=1) ** 2)) for e in comps])
    if convention == "side":
        if residual is None:
            raise ValueError("the 'side' convention needs the residual th - exp")
        up = np.array([np.sqrt(np.sum(e[:, 0] ** 2)) for e in comps])
        down = np.array([np.sqrt(np.sum(e[:, 1] ** 2)) for e in comps])
        return np.where(np.asarray(residual) > 0, up, down)
    raise InputError(
        f"unknown asymmetric-error convention {convention!r}; use one of {', '.join(ASYMMETRIC_CONVENTIONS)}",
        field="asymmetric_errors",
    )


class GaussianChi2(BatchedCost):
    """002 eq. (5.1) for a model and a list of measurements; composes with other costs by ``+``.

    The cost's parameters are the model's parameters (in the model's order). ``batch`` evaluates
    chi^2 at many points at once (grids, scans).

    Example:
        >>> from fitkit.data.catalog import Catalog
        >>> from fitkit.models import get_model
        >>> cat = Catalog()
        >>> cost = GaussianChi2(cat.select(tags=["table1-002"], include_superseded=True), get_model("sm"))
        >>> round(cost(), 2)
        94.45
    """

    __slots__ = ("measurements", "model", "convention", "_exp", "_sig_th", "_rho", "_fixed_sig", "_cinv", "_up", "_down", "theory_mode", "_sm_ref")

    def __init__(
        self,
        measurements: Sequence[Measurement],
        model: Model,
        *,
        correlations: Mapping[tuple[str, str], float] | None = None,
        asymmetric_errors: AsymmetricConvention = "average",
        theory_errors: TheoryErrorMode = "absolute",
        verbose: int = 0,
    ) -> None:
        if not measurements:
            raise InputError("the data selection is empty: no measurement to fit", field="data")
        if theory_errors not in THEORY_ERROR_MODES:
            raise InputError(
                f"unknown theory-error mode {theory_errors!r}; use one of {', '.join(THEORY_ERROR_MODES)}",
                field="theory_errors",
            )
        model.check_measurements(measurements)
        self.measurements = list(measurements)
        self.model = model
        self.convention = asymmetric_errors
        self.theory_mode = theory_errors
        self.names = list(model.parameters)
        self._exp = np.array([m.value for m in self.measurements], dtype=float)
        self._sig_th = np.asarray(model.theory_errors(self.measurements), dtype=float)
        self._sm_ref = None
        if theory_errors == "relative":
            missing = [m for m in self.measurements if not m.sm]
            if missing:
                raise InputError(
                    "relative theory errors need the card's SM expectation", file=missing[0].card, entry=missing[0].id, field="sm"
                )
            self._sm_ref = np.array([abs(float(m.sm or 0.0)) for m in self.measurements])  # all set: checked above
        index = {m.id: i for i, m in enumerate(self.measurements)}
        rho = np.eye(len(self.measurements))
        for (a, b), r in (correlations or {}).items():
            rho[index[a], index[b]] = rho[index[b], index[a]] = r
        self._rho = rho if (correlations or {}) else None
        self._fixed_sig = None if asymmetric_errors == "side" else experimental_sigmas(self.measurements, asymmetric_errors)
        both = experimental_sigmas(self.measurements, "side", np.array([[1.0], [-1.0]]) * np.ones(len(self.measurements)))
        self._up, self._down = both[0], both[1]
        self._cinv = None
        if self._rho is not None and self._fixed_sig is not None and self._sm_ref is None:
            cov = self._fixed_sig[:, None] * self._rho * self._fixed_sig[None, :] + np.diag(self._sig_th**2)
            self._cinv = np.linalg.inv(cov)
        limits = {name: p.bounds for name, p in model.parameters.items()}
        super().__init__({n: (None if np.isinf(limits[n]).all() else limits[n]) for n in self.names}, verbose, specs=model.parameters)

    # -- iminuit Cost interface ------------------------------------------------------------
    def _ndata(self) -> int:
        return len(self.measurements)




    # -- vectorised evaluation -------------------------------------------------------------
    def predictions(self, params: Mapping[str, float | np.ndarray]) -> np.ndarray:
        """Model predictions ``(n_points, n_meas)`` for the given parameter values."""
        pts = as_points({n: params[n] for n in self.names}) if self.names else {}
        return np.atleast_2d(self.model.predict(self.measurements, pts))

    def theory_sigmas(self, th: np.ndarray) -> np.ndarray:
        """sigma_th at predictions ``th`` (module docstring), broadcastable against ``th``."""
        if self._sm_ref is None:
            return self._sig_th
        return self._sig_th * np.abs(th) / self._sm_ref

    def residual_chi2(self, th: np.ndarray) -> np.ndarray:
        """chi^2 for predictions ``th`` of shape ``(n_points, n_meas)``."""
        r = th - self._exp
        sig_th = self.theory_sigmas(th)
        if self._cinv is not None:
            return np.einsum("pi,ij,pj->p", r, self._cinv, r)
        sig = self._fixed_sig if self._fixed_sig is not None else np.where(r > 0, self._up, self._down)
        if self._rho is None:
            return np.sum(r**2 / (sig**2 + sig_th**2), axis=1)
        sig = np.broadcast_to(sig, r.shape)
        var_th = np.broadcast_to(sig_th**2, r.shape)
        cov = sig[:, :, None] * self._rho[None] * sig[:, None, :] + var_th[:, :, None] * np.eye(r.shape[1])[None]
        return np.einsum("pi,pi->p", r, np.linalg.solve(cov, r[..., None])[..., 0])

    def chunk_size(self) -> int:
        """Parameter points per chunk of :meth:`batch`: :data:`BATCH_ELEMENTS` over
        n_measurements x :data:`NODES_PER_MEASUREMENT` (809 points for the 27 of 002 Table 1)."""
        return max(1, BATCH_ELEMENTS // (len(self.measurements) * NODES_PER_MEASUREMENT))

    def batch(self, params: Mapping[str, float | np.ndarray], *, chunk: int | None = None) -> np.ndarray:
        """chi^2 at many points: ``params[name]`` arrays of shape ``(n_points,)`` -> ``(n_points,)``.

        Points are evaluated ``chunk`` at a time (default :meth:`chunk_size`), so the model's
        intermediate (points x nodes) arrays stay bounded for any number of points (10^6 points of
        002 Table 1: peak memory below 300 MB, ``benchmarks/memory.py``); the values are those of
        one evaluation of all points (each point is computed independently).
        """
        pts = as_points({n: params[n] for n in self.names}) if self.names else {}
        n_points = len(next(iter(pts.values()))) if pts else 1
        size = self.chunk_size() if chunk is None else chunk
        if size < 1:
            raise ValueError(f"chunk must be a positive number of points, got {size}")
        if n_points <= size:
            return self.residual_chi2(self.predictions(pts))
        out = np.empty(n_points)
        for start in range(0, n_points, size):
            part = {n: v[start : start + size] for n, v in pts.items()}
            out[start : start + size] = self.residual_chi2(self.predictions(part))
        return out

    def observables(self, params: Mapping[str, float], sm_params: Mapping[str, float] | None = None) -> list[dict]:
        """Per-measurement rows at ``params``: exp, errors, SM and fit predictions and pulls.

        Pulls are (exp - th) / sqrt(sigma_exp^2 + sigma_th^2) with the chosen convention.
        """
        fit = self.predictions(params)[0]
        sm = self.predictions(sm_params)[0] if sm_params is not None else np.array([m.sm for m in self.measurements])
        sig_fit, th_fit = self._sigma(fit), self.theory_sigmas(fit)
        sig_sm = self._sigma(sm)
        rows = []
        for i, m in enumerate(self.measurements):
            rows.append(
                {
                    "id": m.id,
                    "observable": m.observable,
                    "q2": list(m.q2) if m.q2 else None,
                    "exp": m.value,
                    "exp_error": float(np.sqrt(max(sig_fit[i] ** 2 - th_fit[i] ** 2, 0.0))),
                    "theory_error": float(th_fit[i]),
                    "sm": float(sm[i]),
                    "fit": float(fit[i]),
                    "pull_sm": float((m.value - sm[i]) / sig_sm[i]),
                    "pull": float((m.value - fit[i]) / sig_fit[i]),
                }
            )
        return rows

    def _sigma(self, th: np.ndarray) -> np.ndarray:
        exp_sig = self._fixed_sig if self._fixed_sig is not None else np.where(th > self._exp, self._up, self._down)
        return np.sqrt(exp_sig**2 + np.broadcast_to(self.theory_sigmas(th), np.shape(th)) ** 2)


def build_gaussian_term(spec: dict, model: Model, *, context) -> GaussianChi2:
    """Term type ``gaussian``: ``{data: {...}, asymmetric_errors, theory_errors}``.

    ``data`` selects by ``tags, exclude_tags, cards, ids, exclude_ids``.
    """
    allowed = {"type", "data", "asymmetric_errors", "theory_errors"}
    unknown = set(spec) - allowed
    if unknown:
        raise InputError(f"unknown key(s) {', '.join(sorted(unknown))} in a gaussian term", file=context.file, field="terms")
    selection = dict(spec.get("data") or {})
    bad = set(selection) - {"tags", "exclude_tags", "cards", "ids", "exclude_ids"}
    if bad:
        raise InputError(f"unknown data selection key(s) {', '.join(sorted(bad))}", file=context.file, field="data")
    measurements = context.catalog.select(**selection)
    if not measurements:
        raise InputError("the data selection matches no measurement", file=context.file, field="data")
    convention = spec.get("asymmetric_errors", "average")
    if convention not in ASYMMETRIC_CONVENTIONS:
        raise InputError(
            f"unknown asymmetric-error convention {convention!r}; use one of {', '.join(ASYMMETRIC_CONVENTIONS)}",
            file=context.file, field="asymmetric_errors",
        )
    theory = spec.get("theory_errors", "absolute")
    if theory not in THEORY_ERROR_MODES:
        raise InputError(
            f"unknown theory-error mode {theory!r}; use one of {', '.join(THEORY_ERROR_MODES)}",
            file=context.file, field="theory_errors",
        )
    try:
        return GaussianChi2(
            measurements,
            model,
            correlations=context.catalog.correlations(measurements),
            asymmetric_errors=convention,
            theory_errors=theory,
        )
    except InputError as exc:
        raise InputError(exc.message, file=context.file, entry=exc.entry, field=exc.field) from None


TERMS = {"gaussian": build_gaussian_term}
