"""Light invisible new physics in B -> K(*) + invisible (003 sec. III): X, Z' (dim 4, 5, 6), ALP.

A light boson X escaping detection turns B -> K(*) nu nubar into a two-body decay with a line at
q^2 = m_X^2 in the true dineutrino mass spectrum. Rates (003, m_B, m_K, m_K* the masses of the
decaying and final mesons, lambda the phase-space function eq. (6) with m_Z' -> m_X):

- Z' with couplings g_{L,R}^{(d)} of dimension d (eq. (2)), g_V = g_R + g_L, g_A = g_R - g_L:
  B -> K Z' eqs. (3)-(5) (only g_V), B -> K* Z' eqs. (7)-(9) with F_V, F_A, F_T, F_T5 of
  eqs. (10)-(13), computed by :mod:`fitkit.theory.narrow` (the physics is written once there);
  the transverse axial term of eq. (11) has no factor lambda (see :func:`width_b_to_zprime`);
- ALP with derivative couplings (eq. (14)), F_V = 2 f / |g_V|, F_A = 2 f / |g_A|:
  B -> K a eq. (15) (only g_V), B -> K* a eq. (16) (only g_A).

The text rendering of 003 garbles three exponents; the formulas here are the standard ones
they abbreviate: eq. (3) reads lambda^{3/2} f_+^2 (the rendering shows "lambda_{f+}^3"),
eq. (4) lambda^{3/2} f_T^2, eq. (8) has m_B^3 (rendering "m_B m_B^2"), and eq. (11) has
(1 + m_V/m_B)^2 A1^2 without lambda. They follow from the two-body width
Gamma = |p_K| / (8 pi m_B^2) |M|^2 with |p_K| = m_B lambda^{1/2} / 2 and the B -> K(*) matrix
elements; tests/models/test_light_invisible.py checks eq. (3) and the B -> K* rates against an
independent helicity-amplitude evaluation.

Form factors come from the theory engine, :func:`fitkit.theory.formfactors.form_factors`
(B -> K: GRvDV 2023, ref. [76] of 003; B -> K*: BSZ 2015, ref. [77] of 003, which is what
003 uses for K*). For B -> K, 003 used HPQCD 2022 (ref. [75]) instead of GRvDV 2023; both are
lattice-dominated fits, and the rates here scale as f^2 of whichever set is used.

Branching ratios: BR = Gamma tau_B / hbar, tau_B+ for B+ -> K+ X and K*+ X, tau_B0 for
B0 -> K0 X and K*0 X; the widths of charged and neutral modes differ only through the meson
masses (isospin).

Models implement ``knunu_signal(params, true_q2_edges)`` (a :class:`fitkit.models.base.BinnedSpectrum`,
the hook the Belle II reinterpretation YAML names): the new-physics B+ -> K+ + invisible branching ratio in
each true-q^2 bin, a narrow line shared linearly between the two nearest bin centres (so the
folded efficiency is the linear interpolation of the binned efficiency map).

Example:
    >>> m = InvisibleX()
    >>> sig = m.knunu_signal({"m_X": np.array([2.0]), "BR_KX": np.array([1e-5])}, np.linspace(0, 22.885, 101))
    >>> float(sig.sum()), int(np.argmax(sig))
    (1e-05, 17)
"""

from __future__ import annotations

import math
from abc import abstractmethod
from collections.abc import Mapping, Sequence

import numpy as np

from fitkit.constants import (
    HBAR_GEV_S,
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
from fitkit.data.schema import Measurement
from fitkit.errors import InputError
from fitkit.models.base import Model, Parameter, as_points
from fitkit.theory import narrow
from fitkit.theory.formfactors import form_factors
from fitkit.theory.kinematics import kallen

__all__ = [
    "CHANNELS",
    "SM_BR_KNUNU",
    "phase_space_lambda",
    "line_in_true_bins",
    "NARROW_CHANNEL",
    "width_b_to_zprime",
    "width_b_to_k_alp",
    "width_b_to_kstar_alp",
    "SignalStrength",
    "InvisibleX",
    "ZPrime",
    "ALP",
    "MODELS",
]

#: (m_B, m_final, tau_B, kind) per channel: kind "K" (pseudoscalar) or "K*" (vector).
CHANNELS: dict[str, tuple[float, float, float, str]] = {
    "B+->K+": (M_BPLUS, M_KPLUS, TAU_BPLUS, "K"),
    "B0->K0": (M_B0, M_K0, TAU_B0, "K"),
    "B+->K*+": (M_BPLUS, M_KSTARPLUS, TAU_BPLUS, "K*"),
    "B0->K*0": (M_B0, M_KSTAR0, TAU_B0, "K*"),
}

# SM_BR_KNUNU (SM BR(B -> K(*) nu nubar), HPQCD / flavio) lives in fitkit.constants, re-exported here.


def phase_space_lambda(m_b: float, m_k: float, m_x: np.ndarray) -> np.ndarray:
    """003 eq. (6): lambda = 1 + r_K^2 + r_X^2 - 2 (r_K + r_X + r_K r_X), r = m^2 / m_B^2.

    Zero at threshold m_X = m_B - m_K, clipped to zero above it.

    Example:
        >>> float(phase_space_lambda(5.0, 0.0, np.array(0.0)))
        1.0
    """
    # the dimensionless Källén function lambda(1, r_K, r_X) (fitkit.theory.kinematics.kallen)
    lam = kallen(1.0, m_k**2 / m_b**2, np.asarray(m_x, float) ** 2 / m_b**2)
    return np.clip(lam, 0.0, None)


def _ff(kind: str, q2: np.ndarray) -> dict[str, np.ndarray]:
    return form_factors("B->K" if kind == "K" else "B->K*", q2)


#: Channel names of :mod:`fitkit.theory.narrow` per channel of :data:`CHANNELS`.
NARROW_CHANNEL: dict[str, str] = {"B+->K+": "B+->K", "B0->K0": "B0->K", "B+->K*+": "B+->K*", "B0->K*0": "B0->K*"}


def width_b_to_zprime(channel: str, m_z: np.ndarray, g_l: np.ndarray, g_r: np.ndarray, dim: int, lam_np: float = 1000.0) -> np.ndarray:
    """Gamma(B -> K(*) Z') in GeV for couplings of dimension ``dim`` (003 eq. (2)), from the theory layer.

    ``channel`` is a key of :data:`CHANNELS`. Dimension 4: 003 eqs. (3), (7) with (10), (11);
    dimension 5: eqs. (4), (8), (12), (13); dimension 6: eqs. (5), (9). The physics is written
    once, in :mod:`fitkit.theory.narrow` (:func:`~fitkit.theory.narrow.width_b_to_vector` and its
    dim-5/dim-6 variants); note that the transverse axial term of eq. (11) carries no lambda
    there (the amplitude (m_B + m_V) A1 survives at zero recoil; the rendered 003 text shows
    lambda on it, which made the B+ -> K*+ axial rate 0.8/7.3/25/55 % too low at m = 1/2/3/4 GeV).
    ``lam_np`` is the scale Lambda (GeV) of the dim-5 and dim-6 operators.
    """
    name = NARROW_CHANNEL[channel]
    if dim == 4:
        return narrow.width_b_to_vector(name, m_z, g_l, g_r)
    if dim == 5:
        return narrow.width_b_to_vector_dim5(name, m_z, g_l, g_r, lam_np)
    if dim == 6:
        return narrow.width_b_to_vector_dim6(name, m_z, g_l, g_r, lam_np)
    raise InputError(f"dimension must be 4, 5 or 6, got {dim}", field="options.dim")


def width_b_to_k_alp(m_b: float, m_k: float, m_a: np.ndarray, f_v: np.ndarray) -> np.ndarray:
    """Gamma(B -> K a) in GeV, 003 eq. (15) written with F_V = 2 f / |g_V| (GeV).

    |g_V|^2 / (64 pi f^2) = 1 / (16 pi F_V^2).
    """
    m_a = np.asarray(m_a, float)
    lam = phase_space_lambda(m_b, m_k, m_a)
    f0 = _ff("K", m_a**2)["f0"]
    return m_b**3 / (16 * math.pi * np.asarray(f_v, float) ** 2) * (1 - m_k**2 / m_b**2) ** 2 * np.sqrt(lam) * f0**2


def width_b_to_kstar_alp(m_b: float, m_v: float, m_a: np.ndarray, f_a: np.ndarray) -> np.ndarray:
    """Gamma(B -> K* a) in GeV, 003 eq. (16) written with F_A = 2 f / |g_A| (GeV)."""
    m_a = np.asarray(m_a, float)
    lam = phase_space_lambda(m_b, m_v, m_a)
    a0 = _ff("K*", m_a**2)["A0"]
    return m_b**3 / (16 * math.pi * np.asarray(f_a, float) ** 2) * lam**1.5 * a0**2


def line_in_true_bins(q2: np.ndarray, br: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """A narrow line of branching ratio ``br`` at ``q2`` spread over true-q^2 bins, (n_points, n_bins).

    The line is shared between the two bins whose centres bracket q^2, with linear weights
    (all of it in the first or last physical bin beyond their centres). Folding this with a
    binned efficiency gives the efficiency linearly interpolated at q^2 instead of a step
    function, so fits are smooth in m_X. Bins entirely below q^2 = 0 (the maps' underflow) get
    nothing.
    """
    edges = np.asarray(edges, float)
    q2 = np.atleast_1d(np.asarray(q2, float))
    br = np.broadcast_to(np.asarray(br, float), q2.shape)
    phys = np.flatnonzero(edges[1:] > 0)
    centres = 0.5 * (edges[:-1] + edges[1:])[phys]
    x = np.clip(q2, centres[0], centres[-1])
    j = np.clip(np.searchsorted(centres, x) - 1, 0, centres.size - 2)
    t = (x - centres[j]) / (centres[j + 1] - centres[j])
    out = np.zeros((q2.size, edges.size - 1))
    rows = np.arange(q2.size)
    out[rows, phys[j]] += br * (1 - t)
    out[rows, phys[j + 1]] += br * t
    inside = (q2 >= 0) & (q2 <= edges[-1])
    return out * inside[:, None]


class _InvisibleBase(Model):
    """Shared parts: the B+ -> K+ line for the Belle II term and card predictions of BR(B->K(*)nunu)."""

    mass_name = "m_X"

    @abstractmethod
    def branching_ratios(self, params: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        """New-physics two-body branching ratios per channel of :data:`CHANNELS`, each (n_points,)."""

    def knunu_signal(self, params: Mapping[str, np.ndarray], true_q2_edges: np.ndarray) -> np.ndarray:
        """NP branching ratio of B+ -> K+ + invisible per true-q^2 bin, (n_points, n_bins)."""
        pts = as_points(params)
        br = self.branching_ratios(pts)["B+->K+"]
        return line_in_true_bins(pts[self.mass_name] ** 2, br, true_q2_edges)

    def check_measurements(self, measurements: Sequence[Measurement]) -> None:
        for m in measurements:
            ch = self._channel(m)
            if ch is None:
                raise InputError(
                    f"model {self.name!r} predicts BR(B->K(*)inv) (new physics only) and BR(B->K(*)nunu) "
                    "(with the card's SM expectation)",
                    file=m.card, entry=m.id, field="observable",
                )

    @staticmethod
    def _channel(m: Measurement) -> str | None:
        table = {"B+->K": "B+->K+", "B0->K": "B0->K0", "B+->K*": "B+->K*+", "B0->K*": "B0->K*0"}
        obs = m.observable
        if not obs.startswith("BR(") or not obs.endswith(("nunu)", "inv)")):
            return None
        return table.get(obs[3:].removesuffix("nunu)").removesuffix("inv)"))

    def _sm(self, m: Measurement) -> float:
        if m.sm is not None:
            return m.sm
        return SM_BR_KNUNU["K*" if "K*" in m.observable else "K"]

    def predict(self, measurements: Sequence[Measurement], params: Mapping[str, np.ndarray]) -> np.ndarray:
        """``BR(B->K(*)inv)``: the two-body NP rate; ``BR(B->K(*)nunu)``: the card's SM expectation (else :data:`SM_BR_KNUNU`) + it.

        Adding the X rate to a measured B -> K(*) nu nubar branching ratio assumes the search's
        efficiency for the two-body signal equals its SM efficiency (no q^2 information).
        """
        self.check_measurements(measurements)
        brs = self.branching_ratios(as_points(params))
        cols = [brs[self._channel(m)] + (0.0 if m.lepton == "inv" else self._sm(m)) for m in measurements]
        return np.stack(cols, axis=1)


def _to_br(width: np.ndarray, tau: float) -> np.ndarray:
    return width * tau / HBAR_GEV_S


class SignalStrength(Model):
    """The Belle II SM fit: one parameter ``mu``, the B+ -> K+ nu nubar rate over the SM's."""

    name = "knunu-mu"
    description = "signal strength mu of B+ -> K+ nu nubar (mu = 1: BR = 4.97e-6)"
    parameters = {"mu": Parameter("mu", default=1.0, bounds=(-5.0, 20.0), description="BR / BR_SM")}

    def predict(self, measurements: Sequence[Measurement], params: Mapping[str, np.ndarray]) -> np.ndarray:
        raise InputError("model 'knunu-mu' only enters the Belle II B+ -> K+ nu nubar likelihood", field="terms")

    def sm_point(self) -> dict[str, float]:
        return {"mu": 1.0}


class InvisibleX(_InvisibleBase):
    """A narrow invisible X with free mass and BR(B+ -> K+ X); B0 -> K0 X by isospin and lifetimes.

    ``BR_KstarX`` is BR(B+ -> K*+ X) (B0 -> K*0 X scaled by tau_B0 / tau_B+).
    """

    name = "invisible-x"
    description = "B -> K(*) X with an invisible X (003 sec. II)"
    parameters = {
        "m_X": Parameter("m_X", unit="GeV", default=2.0, bounds=(0.0, M_BPLUS - M_KPLUS)),
        "BR_KX": Parameter("BR_KX", default=0.0, bounds=(-3e-5, 1e-4), description="BR(B+ -> K+ X)"),
        "BR_KstarX": Parameter("BR_KstarX", default=0.0, bounds=(-1e-4, 3e-4), description="BR(B+ -> K*+ X)"),
    }

    def branching_ratios(self, params: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        p = as_points({"BR_KX": 0.0, "BR_KstarX": 0.0, **params})
        r = TAU_B0 / TAU_BPLUS
        return {"B+->K+": p["BR_KX"], "B0->K0": p["BR_KX"] * r, "B+->K*+": p["BR_KstarX"], "B0->K*0": p["BR_KstarX"] * r}

    def sm_point(self) -> dict[str, float]:
        return {"BR_KX": 0.0, "BR_KstarX": 0.0}


class ZPrime(_InvisibleBase):
    """A light Z' with flavour-changing couplings g_L, g_R of dimension ``dim`` (003 eq. (2)).

    Args:
        dim: 4, 5 or 6.
        lam_np: the scale Lambda in GeV of the dim-5/6 operators.
    """

    name = "zprime"
    description = "light Z' with b-s couplings g_L, g_R (003 sec. III A)"
    mass_name = "m_Zp"

    def __init__(self, dim: int = 4, lam_np: float = 1000.0) -> None:
        if dim not in (4, 5, 6):
            raise InputError(f"dimension must be 4, 5 or 6, got {dim}", field="options.dim")
        self.dim, self.lam_np = dim, lam_np
        self.parameters = {
            "m_Zp": Parameter("m_Zp", unit="GeV", default=2.0, bounds=(0.05, M_BPLUS - M_KPLUS)),
            "g_L": Parameter("g_L", default=0.0, bounds=(-1e-6, 1e-6), unit="GeV^(4-d)"),
            "g_R": Parameter("g_R", default=0.0, bounds=(-1e-6, 1e-6), unit="GeV^(4-d)"),
        }

    def branching_ratios(self, params: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        p = as_points({"g_L": 0.0, "g_R": 0.0, **params})
        return {
            ch: _to_br(width_b_to_zprime(ch, p["m_Zp"], p["g_L"], p["g_R"], self.dim, self.lam_np), tau)
            for ch, (_m_b, _m_f, tau, _kind) in CHANNELS.items()
        }

    def sm_point(self) -> dict[str, float]:
        return {"g_L": 0.0, "g_R": 0.0}


class ALP(_InvisibleBase):
    """An axion-like particle with derivative b-s couplings (003 eq. (14)).

    Parameters are the effective decay constants F_V = 2 f / |g_V| and F_A = 2 f / |g_A| in GeV
    (003 sec. III B), minimised in log10.
    """

    name = "alp"
    description = "ALP with derivative b-s couplings (003 sec. III B)"
    mass_name = "m_a"
    parameters = {
        "m_a": Parameter("m_a", unit="GeV", default=2.0, bounds=(0.0, M_BPLUS - M_KPLUS)),
        "F_V": Parameter("F_V", unit="GeV", default=3e8, bounds=(1e6, 1e12), scale="log"),
        "F_A": Parameter("F_A", unit="GeV", default=1e11, bounds=(1e6, 1e12), scale="log"),
    }

    def branching_ratios(self, params: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        p = as_points({"F_V": np.inf, "F_A": np.inf, **params})
        out = {}
        for ch, (m_b, m_f, tau, kind) in CHANNELS.items():
            w = width_b_to_k_alp(m_b, m_f, p["m_a"], p["F_V"]) if kind == "K" else width_b_to_kstar_alp(m_b, m_f, p["m_a"], p["F_A"])
            out[ch] = _to_br(w, tau)
        return out

    def sm_point(self) -> dict[str, float]:
        return {"F_V": 1e12, "F_A": 1e12}


MODELS = {
    "knunu-mu": SignalStrength,
    "invisible-x": InvisibleX,
    "zprime": ZPrime,
    "alp": ALP,
}
