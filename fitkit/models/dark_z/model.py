"""Cases A, B and C of the Z_D model (002 sec. 3) as fitkit models of binned b -> s l l rates.

Parameters (names used by the fit definitions ``likelihoods/darkz-*.yaml``):

- ``M_ZD`` (GeV, log scale, 10 MeV - 2 GeV), ``eps`` (kinetic mixing), ``eps_Z`` (mass mixing),
- ``g_mu``: direct vector coupling of Z_D to muons, eq. (3.1) (Cases B, C; linear scale, either
  sign: in fitkit's sign convention, :mod:`~fitkit.models.dark_z.couplings`, g_mu < 0 lowers
  the muon rates),
- Case C tunes g_D^e = e eps - g/(4 c_W)(4 s_W^2 - 1) eps_Z so that the electron vector coupling
  vanishes, eq. (3.2) and sec. 5.3 (the small axial eps_Z coupling of the electron remains).

Prediction of a bin [q2min, q2max] (002 sec. 2.2):

- if q2min <= M_ZD^2 <= q2max, the narrow-width formula (2.13):
  <B> = <B>_SM + B(H1 -> H2 Z_D) B(Z_D -> l l) G^(r_l)(q_min, q_max), with G of eq. (2.14)
  (r_e = 10 MeV, r_mu = 2 MeV; divided by the bin width for <dBR/dq2>);
- otherwise the off-shell interference of the q^2-dependent C9(q^2), C10(q^2) of eqs.
  (2.10)-(2.11) (:func:`~fitkit.models.dark_z.wilson.wilson_coefficients`) with the SM amplitude,
  integrated over the bin by the theory engine (Breit-Wigner adapted nodes when M_ZD^2 is close
  to the bin).

``mode="ratio"`` (default): the card's SM expectation (flavio, 002 Table 1) times
Γ_{SM+NP}/Γ_SM of fitkit's engine, and <B>_SM = card value in (2.13); ``mode="native"`` uses
fitkit's own SM rates throughout. B(H1 -> H2 Z_D) uses the on-shell vertex h(M_ZD^2) as g_L
(E_R = 0, eqs. (B.2), (B.4), (B.8), (B.10)) in 002 eqs. (4.10)-(4.13); for B -> X_s the
partonic b -> s Z_D width is used (:func:`br_b_to_xs_zd`). The narrow-width term equals the
Breit-Wigner integral of the off-shell treatment when the peak lies well inside a bin (tested to
< 0.2%), which checks the normalisation of C9/C10 against the widths and the two-body rates.

Physical range. The q^2-independent monopole E^{0,Z} couples to a non-conserved current, so
Γ(H1 -> H2 Z_D) carries the longitudinal enhancement 1/M_ZD^2 (Davoudiasl, Lee, Marciano,
002 ref. [3]): at 002's Case A best fit (10 MeV, eps_Z = 2e-3) B(B -> K Z_D) ≈ 100 and at its
Case C best fit (30 MeV, eps_Z = 1e-4) ≈ 3%. The formulas are applied as they are; such points
are excluded by B -> K(*) ν ν̄ (:mod:`fitkit.constraints`), and in the fit they matter only
through the on-shell terms of bins that contain M_ZD.

Example:
    >>> m = DarkZModel("C")
    >>> sorted(m.parameters), m.sm_point()["g_mu"]
    (['M_ZD', 'eps', 'eps_Z', 'g_mu'], 0.0)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Literal

import numpy as np

from fitkit import constants as K
from fitkit.data.observables import parse_observable
from fitkit.data.schema import Measurement
from fitkit.errors import InputError
from fitkit.models.base import Model, Parameter, as_points
from fitkit.models.dark_z.couplings import monopole_vertex
from fitkit.models.dark_z.inputs import electroweak, load_inputs
from fitkit.models.dark_z.widths import widths
from fitkit.models.dark_z.wilson import Convention, wilson_coefficients
from fitkit.theory import (
    gaussian_bin_fraction,
    predict_sm,
    use_onshell,
    width_b_to_vector,
)
from fitkit.theory.bin_set import BinSet
from fitkit.theory.inclusive import BR_XCENU, C_PHASE_SPACE, MU_INCLUSIVE, narrow_width_factor
from fitkit.theory.wilson_sm import sm_coefficients

__all__ = ["Case", "DarkZModel", "partonic_width_b_to_s", "br_b_to_xs_zd", "tuned_electron_coupling", "CASE_DEFAULTS"]

Case = Literal["A", "B", "C"]

#: Fixed mixings of 002 sec. 5: Case B eps = 1e-4, eps_Z = 1e-5; Case C eps = eps_Z = 1e-4.
CASE_DEFAULTS: dict[str, dict[str, float]] = {
    "A": {"M_ZD": 0.0101, "eps": 1.6e-5, "eps_Z": 2e-3},
    "B": {"M_ZD": 0.0103, "eps": 1e-4, "eps_Z": 1e-5, "g_mu": 0.0},
    "C": {"M_ZD": 0.0302, "eps": 1e-4, "eps_Z": 1e-4, "g_mu": 0.0},
}

_TAU = {"B+": K.TAU_BPLUS, "B0": K.TAU_B0, "Bs": K.TAU_BS}


def tuned_electron_coupling(eps: np.ndarray | float, eps_Z: np.ndarray | float) -> np.ndarray:
    """g_D^e cancelling the mixing-induced electron vector coupling (Case C, 002 sec. 5.3)."""
    e, g, s, c = electroweak()
    return e * np.asarray(eps, dtype=float) - g / (4 * c) * (4 * s**2 - 1) * np.asarray(eps_Z, dtype=float)


def partonic_width_b_to_s(M: np.ndarray, g_L: np.ndarray, *, m_b: float = K.M_B_MSBAR) -> np.ndarray:
    """Γ(b -> s Z_D) in GeV for L ⊃ g_L (s̄ γ^μ P_L b) Z_Dμ, massless s quark.

    Γ = |g_L|^2 m_b^3/(32π M^2) (1 - M^2/m_b^2)^2 (1 + 2 M^2/m_b^2) (sum over the Z_D
    polarisations; the 1/M^2 is the longitudinal mode of a non-conserved current). Used for
    B -> X_s l l in (2.13), where 002 gives no inclusive formula.

    Example:
        >>> g = partonic_width_b_to_s(np.array([1.0]), np.array([1e-8]), m_b=4.8)
        >>> f"{g[0]:.3e}"
        '1.094e-16'
    """
    M = np.asarray(M, dtype=float)
    r = np.clip(M**2 / m_b**2, 0.0, 1.0)
    return np.abs(g_L) ** 2 * m_b**3 / (32 * math.pi * M**2) * (1 - r) ** 2 * (1 + 2 * r)


def br_b_to_xs_zd(M: np.ndarray, g_L: np.ndarray) -> np.ndarray:
    """B(B -> X_s Z_D) normalised like fitkit's inclusive B -> X_s l l rate.

    B = B(B -> X_c e ν)/C x Γ(b -> s Z_D)/Γ_0 with Γ_0 = G_F^2 m_b^5 |V_cb|^2/(192 π^3), the pole
    mass m_b and the constants of :mod:`fitkit.theory.inclusive`: the leading-order width. The
    narrow-width term (2.13) multiplies it by :func:`fitkit.theory.inclusive.narrow_width_factor`
    (the engine's alpha_s, Phi_u, QED and 1/m_b^2 corrections of the |C9|^2 rate at q^2 = M^2), so
    that it equals the off-shell Breit-Wigner integral of the same engine (tested).
    """
    mb = sm_coefficients(MU_INCLUSIVE).m_b_pole
    gamma0 = K.G_F**2 * mb**5 * abs(K.ckm_matrix()[1, 2]) ** 2 / (192 * math.pi**3)
    return BR_XCENU / C_PHASE_SPACE * partonic_width_b_to_s(M, g_L, m_b=mb) / gamma0


class DarkZModel(Model):
    """Case A, B or C of 002 (module docstring); ``predict`` is vectorised over points.

    Args:
        case: ``"A"``, ``"B"`` or ``"C"``.
        mode: ``"ratio"`` (card SM x Γ_{SM+NP}/Γ_SM) or ``"native"``.
        convention: ``"physical"`` or ``"printed"`` C9/C10 (:mod:`~fitkit.models.dark_z.wilson`).
        f_inv: extra invisible width in units of Γ(Z_D -> νν̄) (002 sec. 5.1: 0.1-1).
        n_nu: neutrino flavours in Γ(Z_D -> νν̄) (eq. (2.16) is one flavour).
        nwa: use the narrow-width formula (2.13) at all (False: off-shell everywhere).
        switch: where (2.13) replaces the off-shell treatment: ``"bin"`` (default, 002 sec. 2.2:
            M_ZD^2 inside the bin) or ``"resolution"`` (the smeared peak, M_ZD ± 3 r_l, overlaps
            the bin: :func:`fitkit.theory.use_onshell`; then the Gaussian tail of (2.14) also feeds
            bins whose edge is within 3 r_l of M_ZD).
    """

    def __init__(
        self,
        case: Case = "A",
        *,
        mode: Literal["ratio", "native"] = "ratio",
        convention: Convention = "physical",
        f_inv: float = 0.0,
        n_nu: int = 3,
        nwa: bool = True,
        switch: Literal["bin", "resolution"] = "bin",
    ) -> None:
        if case not in CASE_DEFAULTS:
            raise InputError(f"unknown case {case!r}; use A, B or C", field="options.case")
        if mode not in ("ratio", "native"):
            raise InputError(f"unknown mode {mode!r}; use 'ratio' or 'native'", field="options.mode")
        if not 0.0 <= f_inv <= 10.0:
            raise InputError("f_inv must be in [0, 10]", field="options.f_inv")
        if n_nu not in (1, 2, 3):
            raise InputError(f"n_nu must be 1, 2 or 3 neutrino flavours, got {n_nu!r}", field="options.n_nu")
        if convention not in ("physical", "printed"):
            raise InputError(f"unknown convention {convention!r}; use 'physical' or 'printed'", field="options.convention")
        self.case, self.mode, self.convention = case, mode, convention
        if switch not in ("bin", "resolution"):
            raise InputError(f"unknown switch {switch!r}; use 'bin' or 'resolution'", field="options.switch")
        self.f_inv, self.n_nu, self.nwa, self.switch = float(f_inv), int(n_nu), bool(nwa), switch
        self.name = f"darkz-{case}"
        self.description = f"002 Case {case}: Z_D with kinetic/mass mixing" + (
            "" if case == "A" else " and a direct muon coupling" + (" (electron coupling tuned away)" if case == "C" else "")
        )
        d = CASE_DEFAULTS[case]
        params = {
            "M_ZD": Parameter("M_ZD", unit="GeV", default=d["M_ZD"], bounds=(0.01, 2.0), scale="log", description="Z_D mass", label=r"M_{Z_D}", plot_unit="MeV"),
            "eps": Parameter("eps", default=d["eps"], bounds=(1e-8, 1e-3), scale="log", description="kinetic mixing, eq. (2.2)", label=r"\varepsilon"),
            "eps_Z": Parameter("eps_Z", default=d["eps_Z"], bounds=(1e-8, 2e-3), scale="log", description="mass mixing, eq. (2.5)", label=r"\varepsilon_Z"),
        }
        if case != "A":
            params["g_mu"] = Parameter("g_mu", default=d["g_mu"], bounds=(-5.0, 5.0), description="direct muon coupling, eq. (3.1)", label=r"g_D^\mu")
        self.parameters = params

    def sm_point(self) -> dict[str, float]:
        """No mixing and no direct coupling: every Wilson coefficient and width term vanishes."""
        out = {"eps": 0.0, "eps_Z": 0.0}
        if self.case != "A":
            out["g_mu"] = 0.0
        return out

    def check_measurements(self, measurements: Sequence[Measurement]) -> None:
        for m in measurements:
            obs = parse_observable(m.observable)
            rate = obs.kind in ("<dBR/dq2>", "<BR>") and obs.lepton in ("e", "mu")
            if not (rate or obs.kind == "<R>") or m.q2 is None:
                raise InputError("the Z_D model predicts binned b -> s l l rates (l = e, mu) and ratios <R> only", file=m.card, entry=m.id, field="observable")
            if self.mode == "ratio" and m.sm is None:
                raise InputError("ratio mode needs the card's SM expectation", file=m.card, entry=m.id, field="sm")

    # -- pieces -------------------------------------------------------------------------------
    def _points(self, params: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        base = {k: p.default for k, p in self.parameters.items()}
        pts = as_points({**base, **params})
        if self.case == "A":
            pts["g_mu"] = np.zeros_like(pts["M_ZD"])
        pts["g_e"] = tuned_electron_coupling(pts["eps"], pts["eps_Z"]) if self.case == "C" else np.zeros_like(pts["M_ZD"])
        return pts

    def widths(self, pts: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Z_D partial and total widths (GeV) at the points (:func:`~fitkit.models.dark_z.widths.widths`)."""
        return widths(
            pts["M_ZD"], eps=pts["eps"], eps_Z=pts["eps_Z"], g_mu=pts["g_mu"], g_e=pts["g_e"], f_inv=self.f_inv, n_nu=self.n_nu
        )

    def _wc(self, pts: Mapping[str, np.ndarray], gamma: np.ndarray):
        col = {k: np.asarray(v)[:, None] for k, v in pts.items()}
        g_col = np.asarray(gamma)[:, None]

        def wc(q2: np.ndarray, lepton: str) -> dict[str, np.ndarray]:
            g_direct = col["g_mu"] if lepton == "mu" else col["g_e"]
            c9, c10 = wilson_coefficients(
                q2,
                M_ZD=col["M_ZD"],
                Gamma_ZD=g_col,
                eps=col["eps"],
                eps_Z=col["eps_Z"],
                g_direct=g_direct,
                convention=self.convention,  # one alpha (alpha_e(mu_b)) in couplings and (2.9)
            )
            return {"C9": c9, "C10": c10}

        return wc

    def br_meson_to_zd(self, initial: str, final: str, pts: Mapping[str, np.ndarray]) -> np.ndarray:
        """B(H1 -> H2 Z_D) at the points: 002 eqs. (4.10)-(4.13) with g_L = h(M_ZD^2), g_R = 0."""
        M = pts["M_ZD"]
        g_L = monopole_vertex(M**2, pts["eps"], pts["eps_Z"])
        if final == "Xs":
            return br_b_to_xs_zd(M, g_L)
        gam = width_b_to_vector(f"{initial}->{final}", M, g_L, np.zeros_like(g_L))
        return np.asarray(gam) * _TAU[initial] / K.HBAR_GEV_S

    def _narrow(self, m: Measurement, pts: Mapping[str, np.ndarray], br_ll: np.ndarray) -> np.ndarray:
        obs = parse_observable(m.observable)
        q2min, q2max = m.q2  # type: ignore[misc]
        r = load_inputs().resolution[obs.lepton]
        frac = gaussian_bin_fraction(pts["M_ZD"], q2min, q2max, r)
        br = self.br_meson_to_zd(obs.initial, obs.final, pts) * br_ll * frac
        if obs.final == "Xs":  # the engine's alpha_s, QED and 1/m_b^2 corrections of the |C9|^2 rate
            br = br * narrow_width_factor(pts["M_ZD"] ** 2, obs.lepton)
        return br / (q2max - q2min) if obs.kind == "<dBR/dq2>" else br

    def predict(self, measurements: Sequence[Measurement], params: Mapping[str, np.ndarray]) -> np.ndarray:
        """Predictions ``(n_points, n_measurements)`` in absolute units (module docstring).

        A ratio ``<R>(H1->H2ll)`` = BR(mu mu)/BR(e e) over the bin is the ratio of the two binned
        rates, each predicted like a rate measurement whose SM expectation is the engine's native
        SM rate: R = R_SM x [BR_mu/BR_mu^SM] / [BR_e/BR_e^SM], with R_SM the card's expectation in
        ratio mode and BR_mu^SM/BR_e^SM (native) otherwise.
        """
        self.check_measurements(measurements)
        rates: list[Measurement] = []
        slots: list[tuple[int, ...]] = []
        for m in measurements:
            obs = parse_observable(m.observable)
            if obs.kind != "<R>":
                slots.append((len(rates),))
                rates.append(m)
                continue
            pair = []
            for lep, name in (("mu", "mumu"), ("e", "ee")):
                rate_obs = f"<BR>({obs.initial}->{obs.final}{name})"
                sm = predict_sm(rate_obs, m.q2)
                pair.append(len(rates))
                rates.append(m.model_copy(update={"observable": rate_obs, "lepton": lep, "sm": sm}))
            slots.append(tuple(pair))
        pred = self._predict_rates(rates, params)
        out = np.empty((pred.shape[0], len(measurements)))
        for j, (m, slot) in enumerate(zip(measurements, slots)):
            if len(slot) == 1:
                out[:, j] = pred[:, slot[0]]
                continue
            mu, e = rates[slot[0]], rates[slot[1]]
            r_sm = float(m.sm) if self.mode == "ratio" else mu.sm / e.sm  # type: ignore[arg-type,operator]
            out[:, j] = r_sm * (pred[:, slot[0]] / mu.sm) / (pred[:, slot[1]] / e.sm)  # type: ignore[operator]
        return out

    def _predict_rates(self, measurements: Sequence[Measurement], params: Mapping[str, np.ndarray]) -> np.ndarray:
        """Binned rates ``(n_points, n_measurements)``: native, or ratio mode (card SM x Gamma/Gamma_SM)."""
        pts = self._points(params)
        n = pts["M_ZD"].size
        w = self.widths(pts)
        gamma = np.asarray(w["total"], dtype=float)
        tot = np.where(gamma > 0, gamma, 1.0)
        # width floor for the propagator and the Breit-Wigner nodes: 1e-20 M_ZD is far below any
        # physical width that matters (NWA inside bins); it keeps 1/(q^2 - M^2 + i M Γ) finite at
        # zero-weight quadrature nodes that sit at q^2 = M^2 when the couplings vanish
        gamma_bw = np.maximum(gamma, 1e-20 * pts["M_ZD"])
        br_ll = {"e": w["ee"] / tot, "mu": w["mumu"] / tot}
        M2 = pts["M_ZD"] ** 2
        bins = _bin_set(tuple((m.observable, (float(m.q2[0]), float(m.q2[1]))) for m in measurements))  # type: ignore[index]
        inside = np.zeros((n, len(measurements)), dtype=bool)
        for j, m in enumerate(measurements):
            q2min, q2max = m.q2  # type: ignore[misc]
            if self.nwa and self.switch == "bin":
                inside[:, j] = (M2 >= q2min) & (M2 <= q2max)
            elif self.nwa:
                inside[:, j] = use_onshell(pts["M_ZD"], q2min, q2max, load_inputs().resolution[parse_observable(m.observable).lepton])
        # off-shell: every bin integrated at once, Breit-Wigner adapted nodes where M_ZD^2 is close
        integrals = bins.integrals(self._wc(pts, gamma_bw), resonances=(pts["M_ZD"], gamma_bw), offshell=~inside)
        if self.mode == "ratio":
            sm = np.array([float(m.sm) for m in measurements])  # type: ignore[arg-type]
            out = sm * integrals / bins.sm
        else:
            # native: <dBR/dq2> is the bin average, <BR> the integral
            per = np.array([m.q2[1] - m.q2[0] if parse_observable(m.observable).kind == "<dBR/dq2>" else 1.0 for m in measurements])  # type: ignore[index]
            sm = bins.sm / per
            out = integrals / per
        for j in np.nonzero(inside.any(axis=0))[0]:
            m, sel = measurements[j], inside[:, j]
            sub = {k: v[sel] for k, v in pts.items()}
            out[sel, j] = sm[j] + self._narrow(m, sub, br_ll[parse_observable(m.observable).lepton][sel])
        return out


@lru_cache(maxsize=64)
def _bin_set(items: tuple[tuple[str, tuple[float, float]], ...]) -> BinSet:
    """The :class:`~fitkit.theory.bin_set.BinSet` of a measurement list (hadronic inputs once)."""
    return BinSet(items)


def _factory(case: Case):
    def make(**options: object) -> DarkZModel:
        return DarkZModel(case, **options)  # type: ignore[arg-type]

    make.__doc__ = f"Case {case} of 002 (options: mode, convention, f_inv, n_nu, nwa, switch)."
    make.__wrapped__ = DarkZModel  # type: ignore[attr-defined]  # the options' types (checked by fitkit.fitdef)
    return make


#: The registry entries (found by :func:`fitkit.models.get_model`).
MODELS = {f"darkz-{c}": _factory(c) for c in ("A", "B", "C")}  # type: ignore[arg-type]
