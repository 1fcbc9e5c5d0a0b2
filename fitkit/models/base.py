"""What a scenario is: named parameters plus a vectorised map from parameters to predictions.

A model predicts every selected measurement for a batch of parameter points at once:
``predict(measurements, params)`` takes ``params[name]`` as arrays of shape ``(n_points,)`` and
returns an array ``(n_points, n_measurements)`` in absolute units (a branching ratio is a plain
number, the card's scale already applied). ``theory_errors`` gives the theory uncertainty of each
prediction entering 002 eq. (5.1).
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

import numpy as np

from fitkit.data.schema import Measurement
from fitkit.errors import InputError

__all__ = ["Parameter", "Model", "BinnedSpectrum", "KnunuSpectrum", "spectrum_hook", "as_points"]


@dataclass(frozen=True)
class Parameter:
    """A model parameter: name, unit, default, bounds, the scale it is minimised on, LaTeX label.

    ``scale='log'`` parameters are minimised and scanned in log10 space.

    Example:
        >>> p = Parameter("M_ZD", unit="GeV", default=0.03, bounds=(0.01, 2.0), scale="log")
        >>> float(p.to_fit(0.1)), float(p.from_fit(-1.0))
        (-1.0, 0.1)
    """

    name: str
    unit: str = ""
    default: float = 0.0
    bounds: tuple[float, float] = (-math.inf, math.inf)
    scale: Literal["linear", "log"] = "linear"
    description: str = ""
    #: LaTeX symbol for axis labels (without $), e.g. ``r"M_{Z_D}"``; empty: the name.
    label: str = ""
    #: Unit figures show the parameter in (an energy unit if ``unit`` is one); empty: ``unit``.
    plot_unit: str = ""

    def __post_init__(self) -> None:
        lo, hi = self.bounds
        if not lo < hi:
            raise InputError(f"bounds must be [low, high] with low < high, got {list(self.bounds)}", entry=self.name, field="bounds")
        if self.scale == "log" and lo <= 0:
            raise InputError("a log-scale parameter needs a positive lower bound", entry=self.name, field="bounds")

    def to_fit(self, value: float | np.ndarray) -> float | np.ndarray:
        """Physical value -> the coordinate the minimiser sees."""
        return np.log10(value) if self.scale == "log" else value

    def from_fit(self, value: float | np.ndarray) -> float | np.ndarray:
        """Minimiser coordinate -> physical value."""
        return 10.0**value if self.scale == "log" else value

    def fit_bounds(self) -> tuple[float, float]:
        """Bounds in the minimiser's coordinate."""
        lo, hi = self.bounds
        if self.scale == "log":
            return (math.log10(lo), math.log10(hi))
        return (lo, hi)


def as_points(params: Mapping[str, float | np.ndarray]) -> dict[str, np.ndarray]:
    """Broadcast a mapping of scalars/arrays to 1-D arrays of a common length ``n_points``."""
    arrays = {k: np.atleast_1d(np.asarray(v, dtype=float)) for k, v in params.items()}
    if not arrays:
        return {}
    shape = np.broadcast_shapes(*(a.shape for a in arrays.values()))
    return {k: np.broadcast_to(a, shape).reshape(-1) for k, a in arrays.items()}


@runtime_checkable
class BinnedSpectrum(Protocol):
    """The spectrum interface of reinterpretation: a model's generated signal in the bins of an efficiency map.

    ``hook(params, *edges)``: ``params[name]`` arrays of shape (n_points,), one array of bin edges
    per generated axis of the map (in the map's axis order and units, e.g. q^2 in GeV^2, then
    cos(theta)); returns the new-physics branching ratio generated in each bin, shape
    (n_points, n_1, ..., n_k) (a plain number per bin, not a density). The reinterpretation YAML
    names the model method that implements it (``spectrum: knunu_signal``);
    :mod:`fitkit.likelihood.reinterpret` folds it through the map (nu_i = sum_t eps_it B_t).
    """

    def __call__(self, params: Mapping[str, np.ndarray], *edges: np.ndarray) -> np.ndarray: ...


def spectrum_hook(model: object, name: str) -> BinnedSpectrum | None:
    """The model's method ``name`` as a :class:`BinnedSpectrum`, or None if it has none."""
    hook = getattr(model, name, None)
    return hook if callable(hook) else None


@runtime_checkable
class KnunuSpectrum(Protocol):
    """A model with the one-axis B+ -> K+ + invisible spectrum hook (a :class:`BinnedSpectrum` over q^2).

    ``knunu_signal(params, true_q2_edges)`` returns, for ``params[name]`` of shape (n_points,), the
    new-physics branching ratio falling in each true-q^2 bin (GeV^2 edges), (n_points, n_bins).
    The hook the Belle II reinterpretation (``data/hepdata/belle2_knunu_2023/reinterpretation.yaml``) names.
    """

    parameters: dict[str, Parameter]

    def knunu_signal(self, params: Mapping[str, np.ndarray], true_q2_edges: np.ndarray) -> np.ndarray: ...


class Model(ABC):
    """A scenario. Subclasses set :attr:`name` and :attr:`parameters` and implement :meth:`predict`."""

    name: str = ""
    description: str = ""
    parameters: dict[str, Parameter] = {}

    @abstractmethod
    def predict(
        self, measurements: Sequence[Measurement], params: Mapping[str, np.ndarray]
    ) -> np.ndarray:
        """Predictions ``(n_points, n_measurements)`` for ``params[name]`` of shape ``(n_points,)``."""

    def theory_errors(self, measurements: Sequence[Measurement]) -> np.ndarray:
        """Theory uncertainty of each prediction, shape ``(n_measurements,)``.

        Default: the SM uncertainty printed with the measurement (002 sec. 5: "we take the SM
        uncertainty estimated by flavio").
        """
        missing = [m.id for m in measurements if m.sm_error is None]
        if missing:
            raise InputError(
                f"model {self.name!r} needs an SM expectation with an error", entry=missing[0], field="sm"
            )
        return np.array([m.sm_error for m in measurements], dtype=float)

    def sm_point(self) -> dict[str, float]:
        """Parameter values at which the model reduces to the SM (for chi2_SM and the pull)."""
        return {}

    def check_measurements(self, measurements: Sequence[Measurement]) -> None:
        """Raise :class:`InputError` if the model cannot predict one of the measurements."""
        return None
