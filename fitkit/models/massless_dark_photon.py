"""The massless dark photon of 000: B -> K Q Qbar, B -> K* gamma_D, Bs -> phi gamma_D.

A massless gamma_D couples to b -> s through the dipole operator of 000 eq. (2.1),
L = (1/2 Lambda) [s sigma_{mu nu} b] F_D^{mu nu}, and to N_Q dark fermions Q_i of mass m_Q and
charge q_i with strength alpha_D (eq. (2.2)). Parameters (GeV for masses and Lambda):

- ``alpha_D`` — dark fine-structure constant;
- ``Lambda`` — scale of (2.1) in GeV (10^5 TeV = 1e8 GeV; log scale);
- ``m_Q`` — common dark-fermion mass (absent when the factory is given ``masses``).

Predictions (observable grammar of :mod:`fitkit.data.observables`, ``inv`` = the new-physics
invisible final state):

- ``BR``, ``<BR>``, ``<dBR/dq2>`` of ``B+->Kinv`` and ``B0->Kinv``: sum over generations of
  000 eq. (3.6) with the Sommerfeld-Fermi factor (3.13) (and Delta_M of (3.15) if asked);
- ``BR(B0->K*inv)``, ``BR(B+->K*inv)``: Gamma(B -> K* gamma_D) of 000 eq. (4.4), T_1(0) = 0.28;
- ``BR(Bs->phiinv)``: Bs -> phi gamma_D from R_{K* phi} (000 eqs. (6.3)-(6.7));
- the measured modes ``B+->Knunu``, ``B0->Knunu`` (``BR``, ``<BR>``, ``<dBR/dq2>``) and
  ``BR(B0->K*nunu)``, ``BR(B+->K*nunu)``: the SM rate of the theory engine plus the dark final state.

The Belle II signal maps use :meth:`MasslessDarkPhoton.knunu_signal` (the new-physics BR of
B+ -> K+ Q Qbar in true-q^2 bins).

About 000 eq. (6.7): the paper prints BR(Bs -> phi gamma_D) = 4.02e-5 (10^5 TeV/Lambda)^2, which is
2 x BR(B0 -> K* gamma_D)/R_{K* phi} = 2 x 2.47e-5/1.23 to 0.1%; eqs. (6.3)-(6.6) give
BR(K* gamma_D)/R_{K* phi} (no factor 2), and so does 000 eq. (6.8), BR(Bs -> phi gamma_D)
<~ 2e-5 at the Lambda bound, where BR(K* gamma_D) = 2.7e-5. fitkit implements (6.3)-(6.6) and
reproduces (6.8); the factor 2 of (6.7) is documented and pinned in the tests.

Example:
    >>> model = MasslessDarkPhoton(n_q=1, sommerfeld=False)
    >>> br = model.br_k_dark_fermions({"alpha_D": [1.0], "Lambda": [1e8], "m_Q": [0.0]})
    >>> round(float(br[0]) * 1e6, 2)  # 000 eq. (3.9): 5.43e-6
    5.43
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any, Literal

import numpy as np

from fitkit.constants import (
    M_B0,
    M_BPLUS,
    M_BS,
    M_K0,
    M_KPLUS,
    M_KSTAR0,
    M_KSTARPLUS,
    M_PHI,
    TAU_B0,
    TAU_BPLUS,
    TAU_BS,
    width_from_lifetime,
)
from fitkit.data.catalog import read_yaml
from fitkit.data.observables import parse_observable
from fitkit.data.schema import Measurement
from fitkit.errors import InputError
from fitkit.models.base import Model, Parameter, as_points
from fitkit.theory.dark_fermions import (
    BetaConvention,
    dgamma_ds_hat,
    gamma_b_to_vector_dark_photon,
    missing_energy_two_body,
    partial_width,
)
from fitkit.theory.formfactors import form_factors as engine_form_factors
from fitkit.theory.tensor_formfactor import f_T, input_path

__all__ = [
    "INPUTS_FILE",
    "LAMBDA_REF",
    "paper_inputs",
    "c_kstar_phi",
    "MasslessDarkPhoton",
    "MasslessDarkPhotonBelle2",
    "alpha_for_branching_ratio",
    "missing_energies",
    "MODELS",
]

#: 000's inputs that are not measurements (T_1(0), R_{K* phi}, delta_WA, eq. (3.10) inputs).
INPUTS_FILE: str = "darkphoton/theory/gabrielli2024_inputs.yaml"
#: The reference scale of 000's numbers, 10^5 TeV in GeV.
LAMBDA_REF: float = 1.0e8

#: (m_B, m_K, B lifetime) of the B -> K Q Qbar channels.
_K_CHANNELS: dict[str, tuple[float, float, float]] = {
    "B+": (M_BPLUS, M_KPLUS, TAU_BPLUS),
    "B0": (M_B0, M_K0, TAU_B0),
}
#: (m_B, m_V, B lifetime) of the B -> V gamma_D channels.
_V_CHANNELS: dict[tuple[str, str], tuple[float, float, float]] = {
    ("B0", "K*"): (M_B0, M_KSTAR0, TAU_B0),
    ("B+", "K*"): (M_BPLUS, M_KSTARPLUS, TAU_BPLUS),
    ("Bs", "phi"): (M_BS, M_PHI, TAU_BS),
}


#: (initial, final) of the neutrino modes predicted as SM (theory engine) + dark final state.
_SM_NUNU: tuple[tuple[str, str], ...] = (("B+", "K"), ("B0", "K"), ("B0", "K*"), ("B+", "K*"))


@cache
def _sm_nunu(observable: str, q2: tuple[float, float] | None) -> float:
    """SM B -> K(*) nu nubar of the theory engine (:func:`fitkit.theory.predict`), cached."""
    from fitkit.theory import predict

    return float(np.ravel(predict(observable, q2))[0])


@cache
def _inputs(path: str) -> dict[str, Any]:
    return read_yaml(Path(path))


def paper_inputs(data_dir: str | Path | None = None) -> dict[str, float]:
    """000's non-measurement inputs as plain numbers (from :data:`INPUTS_FILE`).

    Example:
        >>> paper_inputs()["T1_0"], paper_inputs()["R_Kstar_phi"]
        (0.28, 1.23)
    """
    path = input_path(INPUTS_FILE, data_dir)
    raw = _inputs(str(path))
    try:
        sm = raw["sm_knunu_eq_3_10"]
        return {
            "T1_0": float(raw["B0_to_Kstar"]["T1_0"]["value"]),
            "R_Kstar_phi": float(raw["Bs_to_phi"]["R_Kstar_phi"]["value"]),
            "delta_WA": float(raw["Bs_to_phi"]["delta_WA"]["value"]),
            "X_t": float(sm["X_t"]["value"]),
            "alpha_ew": 1.0 / float(sm["alpha_ew_inverse"]["value"]),
            "sin2_theta_w": float(sm["sin2_theta_w"]["value"]),
            "vtb_vts": float(sm["vtb_vts"]["value"]),
            "BR_SM": float(sm["BR_SM"]["value"]),
        }
    except (KeyError, TypeError) as exc:
        raise InputError(f"malformed inputs file: missing {exc}", file=str(path)) from None


def c_kstar_phi() -> float:
    """C_{K* phi} of 000 eq. (6.6) from PDG 2024 masses and lifetimes (000 prints 1.01).

    Example:
        >>> round(c_kstar_phi(), 3)
        0.972
    """
    return (
        TAU_B0 / TAU_BS * (M_B0 / M_BS) ** 3
        * ((1 - M_KSTAR0**2 / M_B0**2) / (1 - M_PHI**2 / M_BS**2)) ** 3
    )


def missing_energies() -> dict[str, float]:
    """Monochromatic E_miss (GeV) of B0 -> K*0 gamma_D and Bs -> phi gamma_D in the B rest frame.

    Example:
        >>> {k: round(v, 2) for k, v in missing_energies().items()}
        {'B0->K*inv': 2.56, 'Bs->phiinv': 2.59}
    """
    return {
        "B0->K*inv": missing_energy_two_body(M_B0, M_KSTAR0),
        "Bs->phiinv": missing_energy_two_body(M_BS, M_PHI),
    }


class MasslessDarkPhoton(Model):
    """The scenario of 000 (module docstring). Options of the factory:

    Args:
        n_q: number of dark-fermion generations N_Q (000: unit charges, common mass).
        masses: per-generation masses in GeV (then ``m_Q`` is not a parameter; ``n_q`` is ignored).
        charges: per-generation U(1)_D charges q_i (default 1 each).
        sommerfeld: include Omega(beta_12) of 000 eq. (3.13).
        magnetic: include Delta_M of 000 eqs. (3.15)-(3.17).
        beta_convention: ``'paper'`` (eq. (3.14) as printed) or ``'relativistic'``.
        r_kstar_phi: ``'paper'`` (R_{K* phi} ~= r^2, 000 below eq. (6.6)) or ``'eq-6.4'``
            (r^2 = R / (C_{K* phi} (1 + delta_WA)) with C from PDG inputs).
        form_factors: ``'paper'``: f_T of BHvDW (000 eq. (3.4)), T_1^{B->K*}(0) = 0.28 and
            T_1^{Bs->phi}(0) from R_{K* phi}; ``'engine'``: the theory engine's form factors
            (:func:`fitkit.theory.formfactors.form_factors`: f_T of GRvDV 2023,
            arXiv:2305.06301; T_1(0) of B -> K* and Bs -> phi of BSZ 2015, arXiv:1503.05534).
        n_nodes: Gauss-Legendre nodes per q^2 window.
    """

    name = "massless-dark-photon"
    description = "000: massless dark photon with N_Q dark fermions (alpha_D, Lambda, m_Q)"

    def __init__(
        self,
        *,
        n_q: int = 3,
        masses: Sequence[float] | None = None,
        charges: Sequence[float] | None = None,
        sommerfeld: bool = True,
        magnetic: bool = False,
        beta_convention: BetaConvention = "paper",
        r_kstar_phi: Literal["paper", "eq-6.4"] = "paper",
        form_factors: Literal["paper", "engine"] = "paper",
        n_nodes: int = 48,
    ) -> None:
        if masses is not None:
            if not len(masses) or any(m < 0 for m in masses):
                raise InputError("masses must be a non-empty list of non-negative GeV values", field="options.masses")
            n_q = len(masses)
        if int(n_q) != n_q or n_q < 1:
            raise InputError(f"n_q must be a positive integer, got {n_q}", field="options.n_q")
        if charges is not None and len(charges) != n_q:
            raise InputError(f"charges needs {int(n_q)} values, got {len(charges)}", field="options.charges")
        if beta_convention not in ("paper", "relativistic"):
            raise InputError(f"beta_convention must be 'paper' or 'relativistic', got {beta_convention!r}", field="options.beta_convention")
        if r_kstar_phi not in ("paper", "eq-6.4"):
            raise InputError(f"r_kstar_phi must be 'paper' or 'eq-6.4', got {r_kstar_phi!r}", field="options.r_kstar_phi")
        if form_factors not in ("paper", "engine"):
            raise InputError(f"form_factors must be 'paper' or 'engine', got {form_factors!r}", field="options.form_factors")
        self.form_factors = form_factors
        self.n_q = int(n_q)
        self.masses = None if masses is None else [float(m) for m in masses]
        self.charges = [1.0] * self.n_q if charges is None else [float(c) for c in charges]
        self.sommerfeld, self.magnetic = bool(sommerfeld), bool(magnetic)
        self.beta_convention: BetaConvention = beta_convention
        self.r_kstar_phi = r_kstar_phi
        self.n_nodes = int(n_nodes)
        self.inputs = paper_inputs()
        self.parameters = {
            "alpha_D": Parameter("alpha_D", "", 1.0, (0.0, 5.0), "linear", "dark fine-structure constant (000 eq. (2.2))", label=r"\alpha_D"),
            "Lambda": Parameter("Lambda", "GeV", 9.56e7, (1.0e6, 1.0e11), "log", "scale of the dipole operator (000 eq. (2.1))", label=r"\Lambda", plot_unit="TeV"),
        }
        if self.masses is None:
            self.parameters["m_Q"] = Parameter(
                "m_Q", "GeV", 0.5, (0.0, 0.5 * (M_BPLUS - M_KPLUS)), "linear", "common dark-fermion mass", label="m_Q"
            )

    # -- helpers ---------------------------------------------------------------------------
    def _points(self, params: Mapping[str, Any]) -> dict[str, np.ndarray]:
        missing = [n for n in self.parameters if n not in params]
        if missing:
            raise InputError(f"missing parameter(s) {', '.join(missing)}", field="params")
        return as_points({n: params[n] for n in self.parameters})

    def _generations(self, pts: Mapping[str, np.ndarray]) -> list[tuple[np.ndarray, float, int]]:
        """(mass (n_points,), charge, multiplicity) of each distinct generation.

        Generations with equal mass and charge are computed once and counted ``multiplicity``
        times (000's case: N_Q degenerate unit-charge generations).
        """
        n = len(pts["alpha_D"])
        masses = [None] * self.n_q if self.masses is None else self.masses
        distinct: dict[tuple[float | None, float], int] = {}
        for m, q in zip(masses, self.charges):
            distinct[(m, q)] = distinct.get((m, q), 0) + 1
        return [
            (pts["m_Q"] if m is None else np.full(n, m), q, k) for (m, q), k in distinct.items()
        ]

    def _width_kqq(
        self, pts: Mapping[str, np.ndarray], lo: np.ndarray, hi: np.ndarray, initial: str, n_nodes: int
    ) -> np.ndarray:
        """Sum over generations of Gamma(B -> K Q Qbar) in q^2 windows: (n_points, n_windows), GeV."""
        m_B, m_K, _ = _K_CHANNELS[initial]
        alpha = pts["alpha_D"][:, None]
        lam = pts["Lambda"][:, None]
        total = np.zeros((len(alpha), np.size(lo)))
        for mass, charge, count in self._generations(pts):
            total += count * partial_width(
                np.asarray(lo, dtype=float)[None, :], np.asarray(hi, dtype=float)[None, :],
                form_factor=lambda q2: self.f_t(q2, initial),
                alpha_D=alpha, Lambda=lam, m_Q=mass[:, None], m_B=m_B, m_K=m_K, charge=charge,
                sommerfeld=self.sommerfeld, magnetic=self.magnetic,
                beta_convention=self.beta_convention, n_nodes=n_nodes,
            )
        return total

    # -- physics ---------------------------------------------------------------------------
    def br_k_dark_fermions(
        self,
        params: Mapping[str, Any],
        q2_min: float | np.ndarray = 0.0,
        q2_max: float | np.ndarray = math.inf,
        *,
        initial: Literal["B+", "B0"] = "B+",
        n_nodes: int | None = None,
    ) -> np.ndarray:
        """BR(B -> K Q_X Qbar_X) = sum_i BR(B -> K Q_i Qbar_i) (000 sec. 5) in q^2 windows.

        Returns ``(n_points,)`` for scalar windows, ``(n_points, n_windows)`` for arrays;
        ``n_nodes`` Gauss-Legendre nodes per window (default: the model's ``n_nodes``).
        """
        pts = self._points(params)
        lo, hi = np.atleast_1d(np.asarray(q2_min, float)), np.atleast_1d(np.asarray(q2_max, float))
        lo, hi = np.broadcast_arrays(lo, hi)
        nodes = self.n_nodes if n_nodes is None else int(n_nodes)
        br = self._width_kqq(pts, lo, hi, initial, nodes) / width_from_lifetime(_K_CHANNELS[initial][2])
        return br[:, 0] if np.ndim(q2_min) == 0 and np.ndim(q2_max) == 0 else br

    def dbr_dq2_k_dark_fermions(
        self, params: Mapping[str, Any], q2: np.ndarray, *, initial: Literal["B+", "B0"] = "B+"
    ) -> np.ndarray:
        """dBR/dq^2 (GeV^-2) of B -> K Q_X Qbar_X at ``q2`` nodes: shape (n_points, n_nodes)."""
        pts = self._points(params)
        m_B, m_K, tau = _K_CHANNELS[initial]
        q2 = np.asarray(q2, dtype=float)[None, :]
        out = np.zeros((len(pts["alpha_D"]), q2.shape[1]))
        for mass, charge, count in self._generations(pts):
            out += count * dgamma_ds_hat(
                q2 / m_B**2, f_t=self.f_t(q2, initial), alpha_D=pts["alpha_D"][:, None],
                Lambda=pts["Lambda"][:, None], m_Q=mass[:, None], m_B=m_B, m_K=m_K, charge=charge,
                sommerfeld=self.sommerfeld, magnetic=self.magnetic, beta_convention=self.beta_convention,
            )
        return out / m_B**2 / width_from_lifetime(tau)

    def f_t(self, q2: np.ndarray, initial: str = "B+") -> np.ndarray:
        """Tensor form factor f_T(q^2) of B -> K (``form_factors`` option; isospin-symmetric)."""
        if self.form_factors == "engine":
            return engine_form_factors("B->K", q2)["fT"]
        m_B, m_K, _ = _K_CHANNELS[initial]
        return f_T(q2, m_B=m_B, m_K=m_K)

    def t1_0(self, final: str) -> float:
        """T_1(0) of B0 -> K* (000 sec. 4) or of Bs -> phi from R_{K* phi} (000 eqs. (6.4)-(6.5))."""
        if self.form_factors == "engine":
            return float(engine_form_factors("B->K*" if final == "K*" else "Bs->phi", 0.0)["T1"])
        t1 = self.inputs["T1_0"]
        if final == "K*":
            return t1
        r2 = self.inputs["R_Kstar_phi"]
        if self.r_kstar_phi == "eq-6.4":
            r2 = r2 / (c_kstar_phi() * (1.0 + self.inputs["delta_WA"]))
        return t1 / math.sqrt(r2)

    def br_vector_dark_photon(self, params: Mapping[str, Any], initial: str = "B0", final: str = "K*") -> np.ndarray:
        """BR(B -> V gamma_D) of 000 eq. (4.4) (Bs -> phi through (6.3)-(6.7)): shape (n_points,)."""
        pts = self._points(params)
        m_B, m_V, tau = _V_CHANNELS[(initial, final)]
        width = gamma_b_to_vector_dark_photon(m_B, m_V, self.t1_0(final), pts["Lambda"])
        return width / width_from_lifetime(tau)

    def knunu_signal(
        self, params: Mapping[str, Any], true_q2_edges: np.ndarray, *, n_nodes: int = 10
    ) -> np.ndarray:
        """New-physics BR(B+ -> K+ Q_X Qbar_X) in each true-q^2 bin: (n_points, n_true_bins).

        Gauss-Legendre with ``n_nodes`` per bin (after the threshold substitution of
        :func:`fitkit.theory.dark_fermions.threshold_nodes`). Bins outside the kinematic range
        (3.8) (e.g. an underflow bin below 0) get 0; a bin holding the threshold 4 m_Q^2 is
        integrated from the threshold.
        """
        edges = np.asarray(true_q2_edges, dtype=float)
        return self.br_k_dark_fermions(params, edges[:-1], edges[1:], n_nodes=n_nodes)

    # -- Model interface -------------------------------------------------------------------
    def check_measurements(self, measurements: Sequence[Measurement]) -> None:
        for m in measurements:
            obs = parse_observable(m.observable)
            nunu = obs.lepton == "nu" and (obs.initial, obs.final) in _SM_NUNU
            if obs.lepton != "inv" and not nunu:
                raise InputError(
                    f"{self.name} predicts invisible final states: new physics ('inv') or SM + new "
                    f"physics for {', '.join(f'{i}->{f}nunu' for i, f in _SM_NUNU)}; not {m.observable!r}",
                    file=m.card, entry=m.id, field="observable",
                )
            if obs.final == "K" and obs.initial in _K_CHANNELS:
                if obs.kind not in ("BR", "<BR>", "<dBR/dq2>"):
                    raise InputError(f"unsupported kind {obs.kind!r} for {m.observable!r}", file=m.card, entry=m.id, field="observable")
            elif (obs.initial, obs.final) in _V_CHANNELS:
                if obs.kind != "BR":
                    raise InputError(f"{m.observable!r}: two-body B -> V gamma_D has only a total BR", file=m.card, entry=m.id, field="observable")
            else:
                raise InputError(f"{self.name} cannot predict {m.observable!r}", file=m.card, entry=m.id, field="observable")

    def predict(self, measurements: Sequence[Measurement], params: Mapping[str, np.ndarray]) -> np.ndarray:
        """New-physics rates for ``inv`` observables; SM (theory engine) + new physics for ``nunu``.

        The neutrino modes add the dark final state to the SM rate of
        :func:`fitkit.theory.predict` in the same q^2 window (B -> K* gamma_D sits at q^2 = 0,
        so only total BR(B -> K* nu nubar) is predicted).
        """
        self.check_measurements(measurements)
        pts = self._points(params)
        n = len(pts["alpha_D"])
        out = np.zeros((n, len(measurements)))
        parsed = [parse_observable(m.observable) for m in measurements]
        for initial in _K_CHANNELS:
            idx = [i for i, o in enumerate(parsed) if o.final == "K" and o.initial == initial]
            if not idx:
                continue
            lo = np.array([measurements[i].q2[0] if parsed[i].binned else 0.0 for i in idx])
            hi = np.array([measurements[i].q2[1] if parsed[i].binned else math.inf for i in idx])
            br = self.br_k_dark_fermions(pts, lo, hi, initial=initial)  # type: ignore[arg-type]
            width = np.array([(hi_ - lo_) if parsed[i].kind == "<dBR/dq2>" else 1.0 for i, lo_, hi_ in zip(idx, lo, hi)])
            out[:, idx] = br / width
        for i, o in enumerate(parsed):
            if (o.initial, o.final) in _V_CHANNELS:
                out[:, i] = self.br_vector_dark_photon(pts, o.initial, o.final)
            if o.lepton == "nu":
                out[:, i] += _sm_nunu(measurements[i].observable, measurements[i].q2)
        return out

    def theory_errors(self, measurements: Sequence[Measurement]) -> np.ndarray:
        """Zero for ``inv`` (000 fits central predictions); the card's SM error (or 0) for ``nunu``."""
        return np.array(
            [(m.sm_error or 0.0) if parse_observable(m.observable).lepton == "nu" else 0.0 for m in measurements]
        )

    def sm_point(self) -> dict[str, float]:
        """alpha_D = 0 and Lambda at its upper bound (BR(K* gamma_D) ~ 2.4e-11 there)."""
        point = {"alpha_D": 0.0, "Lambda": self.parameters["Lambda"].bounds[1]}
        if "m_Q" in self.parameters:
            point["m_Q"] = self.parameters["m_Q"].default
        return point


class MasslessDarkPhotonBelle2(MasslessDarkPhoton):
    """The same scenario, named for the fit to the Belle II likelihood (issue 7, fit (b))."""

    name = "massless-dark-photon-belle2"
    description = "000 scenario for the Belle II B+ -> K+ nu nubar likelihood fit (alpha_D, Lambda at fixed m_Q, N_Q)"


def alpha_for_branching_ratio(
    target: float,
    m_Q: np.ndarray,
    Lambda: float,
    *,
    model: MasslessDarkPhoton | None = None,
    alpha_max: float = 5.0,
    iterations: int = 48,
) -> np.ndarray:
    """alpha_D with BR(B+ -> K+ Q_X Qbar_X) = ``target`` at each m_Q (000 Fig. 2 top).

    Vectorised bisection over all masses at once (the BR rises monotonically with alpha_D);
    NaN where even ``alpha_max`` does not reach the target.
    """
    model = model or MasslessDarkPhoton()
    m_Q = np.asarray(m_Q, dtype=float)
    lo, hi = np.zeros_like(m_Q), np.full_like(m_Q, alpha_max)
    lam = np.full_like(m_Q, Lambda)
    reach = model.br_k_dark_fermions({"alpha_D": hi, "Lambda": lam, "m_Q": m_Q}) >= target
    for _ in range(iterations):
        mid = 0.5 * (lo + hi)
        above = model.br_k_dark_fermions({"alpha_D": mid, "Lambda": lam, "m_Q": m_Q}) >= target
        hi, lo = np.where(above, mid, hi), np.where(above, lo, mid)
    return np.where(reach, 0.5 * (lo + hi), np.nan)


MODELS = {
    "massless-dark-photon": MasslessDarkPhoton,
    "massless-dark-photon-belle2": MasslessDarkPhotonBelle2,
}
