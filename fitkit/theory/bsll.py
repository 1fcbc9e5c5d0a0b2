"""Exclusive B -> K l l, B -> K* l l, B_s -> phi l l (and nu nu) differential rates.

Leading order in naive factorisation, full lepton-mass dependence, vectorised over parameter
points and q^2 nodes (arrays broadcasting to ``(n_points, n_nodes)``).

B -> P l l (P = K): Bobeth, Hiller, Piranishvili, arXiv:0709.4174, eqs. (3.2)-(3.6) (without
scalar and tensor operators)::

    dGamma/dq2 = 2 (a_l + c_l/3),
    a_l = Gamma_0 sqrt(lambda) beta_l [q2 |F_P|^2 + lambda/4 (|F_A|^2 + |F_V|^2)
          + 4 m_l^2 m_B^2 |F_A|^2 + 2 m_l (m_B^2 - m_P^2 + q2) Re(F_P F_A^*)],
    c_l = -Gamma_0 sqrt(lambda) beta_l^3 lambda/4 (|F_A|^2 + |F_V|^2),
    F_V = (C9eff + C9') f_+ + 2 m_b/(m_B + m_P) (C7eff + C7') f_T,   F_A = (C10 + C10') f_+,
    F_P = -m_l (C10 + C10') [f_+ - (m_B^2 - m_P^2)/q2 (f_0 - f_+)],
    Gamma_0 = G_F^2 alpha_e^2 |V_tb V_ts^*|^2 / (512 pi^5 m_B^3).

(The sign of F_P is that of 0709.4174; with it the lepton-mass terms reproduce flavio's
mu/e ratio to 1e-5 at every q^2, tests/theory/test_bsll_flavio.py.)

B -> V l l (V = K*, phi): transversity amplitudes of Altmannshofer et al., arXiv:0811.1214,
eqs. (3.3)-(3.8) and (3.13), written with A12 and T23 (Bharucha-Straub-Zwicky,
arXiv:1503.05534 eqs. (2.6)-(2.7)) so that no 1/lambda appears::

    A_perp^{L,R} = N sqrt2 sqrt(lambda) [(C9+ -+ C10+) V/(m_B+m_V) + 2 m_b/q2 C7+ T1],
    A_par^{L,R}  = -N sqrt2 (m_B^2 - m_V^2) [(C9- -+ C10-) A1/(m_B-m_V) + 2 m_b/q2 C7- T2],
    A_0^{L,R}    = -8 N m_B m_V/sqrt(q2) [(C9- -+ C10-) A12 + m_b/(m_B+m_V) C7- T23],
    A_t          = 2 N sqrt(lambda)/sqrt(q2) C10- A0,
    N^2 = |V_tb V_ts^*|^2 G_F^2 alpha_e^2 q2 sqrt(lambda) beta_l / (3 2^10 pi^5 m_B^3),

with C_i+ = C_i + C_i', C_i- = C_i - C_i', and dGamma/dq2 = 3/4 (2 J1s + J1c) - 1/4 (2 J2s + J2c)
from the angular coefficients J1s, J1c, J2s, J2c of 0811.1214 eq. (3.13).

C7eff and C9eff(q^2) with their O(alpha_s) shifts from O_{1,2} (two-loop matrix elements of
hep-ph/0109140, held above q^2 ~ 10.4 GeV^2) and O_8, and C10 of the SM come from
:mod:`fitkit.theory.wilson_sm`; m_b is the MS-bar mass at mu_b = 4.8 GeV. B_s -> phi is the
time-integrated rate with B_s mixing (y_s).

B -> V l l below 8.9 GeV^2 (as flavio 2.7.1) adds the non-factorisable QCD-factorisation amplitudes
of Beneke, Feldmann, Seidel (hep-ph/0106067, hep-ph/0412400: hard spectator scattering through O_8
and the four-quark operators, weak annihilation; :mod:`fitkit.theory.qcdf`) to the vector parts of
A_perp, A_par, A_0 (``nf_*`` in :func:`hadronic`). They depend on SM coefficients only, so new
physics enters exactly as before; they change the SM rates by +1 ... +5 % in [0.1, 0.98] GeV^2
and by -1 ... +1 % in [1.1, 6] GeV^2. Not included: the complete high-q^2 O_1, O_2 functions of
arXiv:0810.4077 (wilson_sm.py; fitkit is +4 % above flavio at [15, 19] GeV^2). Measured against flavio 2.7.1
(tests/theory/test_bsll_precision.py, test_bsll_flavio.py): every mode within 1.6 % below 6 GeV^2,
NP/SM ratios within 1.8 % at 50 random points (C9, C10, C9', C10' in [-2, 2]). The QCD-factorisation
amplitudes are those of the CP-averaged rate (Re xi_u/xi_t, see :mod:`fitkit.theory.qcdf`).

Rates are those of the b -> s (B-bar) decay; for real new-physics coefficients they equal the
CP average up to O(Im xi_u/xi_t) ~ 10^-3. A complex phase that is CP-even (a Breit-Wigner
propagator with real couplings) is thus treated physically; flavio's CP average would
conjugate it (an O(Im Y Im δC9) difference, below 0.1 % of chi^2 in the benchmark).

Example:
    >>> q2 = np.array([[1.0, 4.0]])
    >>> [round(float(x) * 1e8, 3) for x in dbr_dq2(("B+", "K"), "mu", q2)[0]]
    [3.539, 3.513]
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import NamedTuple

import numpy as np

from fitkit.constants import (
    G_F,
    M_B0,
    M_BPLUS,
    M_BS,
    M_K0,
    M_KPLUS,
    M_KSTAR0,
    M_KSTARPLUS,
    M_LEPTON,
    M_PHI,
    TAU_B0,
    TAU_BPLUS,
    TAU_BS,
    ckm_matrix,
    width_from_lifetime,
)
from fitkit.theory import qcdf
from fitkit.theory.formfactors import form_factors
from fitkit.theory.kinematics import beta_lepton, kallen
from fitkit.theory.wilson_sm import (
    MU_B,
    c9_eff_interp,
    cl_sm,
    delta_c7_q2,
    delta_c9_two_loop,
    sm_coefficients,
)

__all__ = [
    "Channel",
    "EXCLUSIVE_CHANNELS",
    "WC_KEYS",
    "channel",
    "lepton_mass",
    "hadronic",
    "sm_c9_c7",
    "total_coefficients",
    "dgamma_dq2",
    "dbr_dq2",
]

#: Keys of new-physics shifts for charged leptons (and C_L, C_R for neutrinos).
WC_KEYS: tuple[str, ...] = ("C7", "C7p", "C9", "C9p", "C10", "C10p")


#: y_s = Delta Gamma_s / (2 Gamma_s) of the B_s system: PDG 2024 (HFLAV evaluation),
#: Delta Gamma_s / Gamma_s = 0.128 +- 0.007 (flavio 2.7.1 uses HFAG 2016, 0.129; the rates differ
#: by < 0.1 %).
Y_S: float = 0.5 * 0.128


class Channel(NamedTuple):
    """An exclusive H1 -> H2 transition: masses (GeV), lifetime of H1 (s), form-factor set, kind,
    and y = Delta Gamma / (2 Gamma) of a neutral H1 that mixes (B_s; 0 otherwise)."""

    initial: str
    final: str
    m_B: float
    m_M: float
    tau: float
    transition: str
    kind: str  # "P" (pseudoscalar) or "V" (vector)
    y: float = 0.0


EXCLUSIVE_CHANNELS: dict[tuple[str, str], Channel] = {
    ("B+", "K"): Channel("B+", "K", M_BPLUS, M_KPLUS, TAU_BPLUS, "B->K", "P"),
    ("B0", "K"): Channel("B0", "K", M_B0, M_K0, TAU_B0, "B->K", "P"),
    ("B0", "K*"): Channel("B0", "K*", M_B0, M_KSTAR0, TAU_B0, "B->K*", "V"),
    ("B+", "K*"): Channel("B+", "K*", M_BPLUS, M_KSTARPLUS, TAU_BPLUS, "B->K*", "V"),
    ("Bs", "phi"): Channel("Bs", "phi", M_BS, M_PHI, TAU_BS, "Bs->phi", "V", Y_S),
}


def channel(key: tuple[str, str]) -> Channel:
    """The :class:`Channel` of ``(initial, final)``, e.g. ``("B+", "K")``."""
    if key not in EXCLUSIVE_CHANNELS:
        raise ValueError(f"no exclusive channel {key[0]}->{key[1]}; known: {list(EXCLUSIVE_CHANNELS)}")
    return EXCLUSIVE_CHANNELS[key]


def lepton_mass(lepton: str) -> float:
    """Lepton mass in GeV; 0 for neutrinos."""
    return 0.0 if lepton == "nu" else M_LEPTON[lepton]


@cache
def _xi_t() -> float:
    V = ckm_matrix()
    return float(abs(V[2, 2] * V[2, 1].conjugate()))


def sm_c9_c7(q2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """SM C9eff(q^2) and C7eff(q^2) of the charged-lepton modes at the nodes ``q2`` (GeV^2, any
    shape): the one-loop C9eff with the O(alpha_s) two-loop shifts (:mod:`fitkit.theory.wilson_sm`),
    at mu_b. The same for every exclusive channel; :func:`hadronic` takes them precomputed when
    several channels share nodes."""
    sm = sm_coefficients(MU_B)
    return c9_eff_interp(q2, MU_B) + delta_c9_two_loop(q2, MU_B), sm.C7eff + delta_c7_q2(q2, MU_B)


def hadronic(
    ch: Channel,
    lepton: str,
    q2: np.ndarray,
    *,
    m_l: float | None = None,
    c9_c7: tuple[np.ndarray, np.ndarray] | None = None,
) -> dict[str, np.ndarray]:
    """Everything that depends on q^2 only: kinematics, form factors times prefactors, SM C9eff.

    ``q2`` may have any shape (typically ``(1, n_nodes)`` or ``(n_points, n_nodes)``); nodes
    outside the physical region give zero rate. The result is consumed by :func:`dgamma_dq2`.
    ``m_l`` overrides the lepton mass (GeV), e.g. to take the limit m_l -> 0; ``c9_c7`` are
    :func:`sm_c9_c7` at ``q2`` when already computed (charged leptons, nodes inside the region).
    """
    q2 = np.asarray(q2, dtype=float)
    m_l = lepton_mass(lepton) if m_l is None else float(m_l)
    mB, mM = ch.m_B, ch.m_M
    sm = sm_coefficients(MU_B)
    lo, hi = 4 * m_l * m_l, (mB - mM) ** 2
    inside = (q2 > lo) & (q2 < hi)
    q2s = np.where(inside, q2, 0.5 * (max(lo, 1e-3) + hi))
    lam = kallen(mB * mB, mM * mM, q2s)
    beta = beta_lepton(q2s, m_l)
    ff = form_factors(ch.transition, q2s)
    pref = (G_F * sm.alpha_e * _xi_t()) ** 2 * np.where(inside, 1.0, 0.0) / np.pi**5 / mB**3
    had: dict[str, np.ndarray] = {"q2": q2s, "beta": beta, "m_l": np.asarray(m_l), "lam": lam}
    if lepton == "nu":
        had["c9_sm"] = np.full_like(q2s, cl_sm(MU_B), dtype=complex)
        had["c7_sm"] = np.zeros_like(q2s)
        had["c10_sm"] = -had["c9_sm"]
    else:
        had["c9_sm"], had["c7_sm"] = sm_c9_c7(q2s) if c9_c7 is None else c9_c7
        had["c10_sm"] = np.full_like(q2s, sm.C10)
    mb = sm.m_b_msbar
    if ch.kind == "P":
        # 0709.4174 eqs. (3.2)-(3.6): Gamma_0 = G_F^2 alpha^2 |xi_t|^2 / (512 pi^5 m_B^3)
        g0 = pref / 512.0
        fp = ff["f+"]
        had.update(
            g0=g0 * np.sqrt(lam) * beta,
            fv9=fp,
            fv7=2 * mb / (mB + mM) * ff["fT"],
            fa=fp,
            fp=m_l * (fp - (mB * mB - mM * mM) / q2s * (ff["f0"] - fp)),  # -F_P/C10 (sign below)
        )
    else:
        # 0811.1214 eqs. (3.3)-(3.8), N^2 = ... / (3 * 2^10 pi^5 m_B^3)
        n2 = pref * q2s * np.sqrt(lam) * beta / (3.0 * 1024.0)
        sq = np.sqrt(q2s)
        sl = np.sqrt(lam)
        had.update(
            n2=n2,
            perp9=np.sqrt(2.0) * sl * ff["V"] / (mB + mM),
            perp7=np.sqrt(2.0) * sl * 2 * mb / q2s * ff["T1"],
            par9=-np.sqrt(2.0) * (mB * mB - mM * mM) * ff["A1"] / (mB - mM),
            par7=-np.sqrt(2.0) * (mB * mB - mM * mM) * 2 * mb / q2s * ff["T2"],
            zero9=-8.0 * mB * mM / sq * ff["A12"],
            zero7=-8.0 * mB * mM / sq * mb / (mB + mM) * ff["T23"],
            time=2.0 * sl / sq * ff["A0"],
        )
        # QCD factorisation (BFS2001, BFS2004): SM-only vector-current amplitudes below 8.9 GeV^2
        zero = np.zeros((), dtype=complex)
        nf = qcdf.transversity_nf(ch, q2s) if lepton != "nu" else {"perp": zero, "par": zero, "zero": zero}
        had.update(nf_perp=nf["perp"], nf_par=nf["par"], nf_zero=nf["zero"])
    return had


def total_coefficients(had: Mapping[str, np.ndarray], lepton: str, shifts: Mapping[str, np.ndarray] | None) -> dict[str, np.ndarray]:
    """SM + new-physics coefficients C7, C7p, C9, C9p, C10, C10p at the nodes of ``had``.

    For neutrinos the shifts are ``CL``/``CR``: C9 = C_L, C10 = -C_L, C9' = C_R, C10' = -C_R;
    charged-lepton keys are ignored for neutrinos and vice versa, unknown keys raise ValueError.
    """
    shifts = shifts or {}
    unknown = set(shifts) - set(WC_KEYS) - {"CL", "CR"}
    if unknown:
        raise ValueError(f"unknown Wilson-coefficient key(s) {sorted(unknown)}; known: {', '.join(WC_KEYS)}, CL, CR")
    zero = 0.0
    if lepton == "nu":
        cl = shifts.get("CL", zero)
        cr = shifts.get("CR", zero)
        return {
            "C7": had["c7_sm"], "C7p": zero,
            "C9": had["c9_sm"] + cl, "C9p": cr,
            "C10": had["c10_sm"] - cl, "C10p": -cr,
        }  # fmt: skip
    return {
        "C7": had["c7_sm"] + shifts.get("C7", zero),
        "C7p": shifts.get("C7p", zero),
        "C9": had["c9_sm"] + shifts.get("C9", zero),
        "C9p": shifts.get("C9p", zero),
        "C10": had["c10_sm"] + shifts.get("C10", zero),
        "C10p": shifts.get("C10p", zero),
    }


def _abs2(z: np.ndarray) -> np.ndarray:
    return z.real * z.real + z.imag * z.imag


def dgamma_dq2(ch: Channel, had: Mapping[str, np.ndarray], c: Mapping[str, np.ndarray]) -> np.ndarray:
    """dGamma/dq^2 in GeV^-1 from :func:`hadronic` and total coefficients (see module docstring)."""
    m_l = float(had["m_l"])
    q2, beta, lam = had["q2"], had["beta"], had["lam"]
    if ch.kind == "P":
        mB, mP = ch.m_B, ch.m_M
        c9, c10, c7 = c["C9"] + c["C9p"], c["C10"] + c["C10p"], c["C7"] + c["C7p"]
        fv = c9 * had["fv9"] + c7 * had["fv7"]
        fa2 = _abs2(c10) * had["fa"] ** 2
        fvfa = _abs2(fv) + fa2
        # 2 (a + c/3): lambda/4 (2 - 2 beta^2/3) |F|^2 is the m_l-independent part
        out = had["g0"] * (0.5 * lam * (1.0 - beta * beta / 3.0) * fvfa)
        if m_l > 0.0:
            fp = had["fp"] * c10
            extra = q2 * _abs2(fp) + 4 * m_l * m_l * mB * mB * fa2 - 2 * m_l * (mB * mB - mP * mP + q2) * (fp * np.conj(c10 * had["fa"])).real
            out = out + 2.0 * had["g0"] * extra
        return out
    def split(z) -> tuple[np.ndarray, np.ndarray]:
        z = np.asarray(z)
        return (z.real, z.imag) if np.iscomplexobj(z) else (z, np.zeros(()))

    c9r, c9i = split(c["C9"])
    c9pr, c9pi = split(c["C9p"])
    c10r, c10i = split(c["C10"])
    c10pr, c10pi = split(c["C10p"])
    c7r, c7i = split(c["C7"])
    c7pr, c7pi = split(c["C7p"])
    perp9, perp7, par9, par7 = had["perp9"], had["perp7"], had["par9"], had["par7"]
    zero9, zero7 = had["zero9"], had["zero7"]
    nf_perp, nf_par, nf_zero = had["nf_perp"], had["nf_par"], had["nf_zero"]
    # vector (X) and axial (Y) parts of the transversity amplitudes; |A^L|^2 + |A^R|^2 = 2(|X|^2 + |Y|^2);
    # X carries the QCD-factorisation amplitudes nf_* (fitkit.theory.qcdf), Y does not
    xx_perp = (perp9 * (c9r + c9pr) + perp7 * (c7r + c7pr) + nf_perp.real) ** 2 + (perp9 * (c9i + c9pi) + perp7 * (c7i + c7pi) + nf_perp.imag) ** 2
    xx_par = (par9 * (c9r - c9pr) + par7 * (c7r - c7pr) + nf_par.real) ** 2 + (par9 * (c9i - c9pi) + par7 * (c7i - c7pi) + nf_par.imag) ** 2
    xx_0 = (zero9 * (c9r - c9pr) + zero7 * (c7r - c7pr) + nf_zero.real) ** 2 + (zero9 * (c9i - c9pi) + zero7 * (c7i - c7pi) + nf_zero.imag) ** 2
    a10p = (c10r + c10pr) ** 2 + (c10i + c10pi) ** 2
    a10m = (c10r - c10pr) ** 2 + (c10i - c10pi) ** 2
    yy_0 = zero9 * zero9 * a10m
    b2 = beta * beta
    # B_s mixing, time-integrated rate (Descotes-Genon, Virto, arXiv:1502.05509, eqs. (42), (48)):
    # <dGamma/dq2> = [Gamma - y h]/(1 - y^2) with h = +Gamma for the CP-even amplitudes (A_0, A_par,
    # A_t) and -Gamma for the CP-odd A_perp when the amplitudes carry no CP-violating phase (phi_s
    # ~ 0), i.e. each CP eigen-amplitude is weighted by 1/(1 + eta_CP y); y = 0 for B+ and B0.
    # Exact for real Wilson coefficients; complex ones enter at O(y Im C/|C|).
    even, odd = 1.0 / (1.0 + ch.y), 1.0 / (1.0 - ch.y)
    xx_t = odd * xx_perp + even * xx_par
    yy_t = odd * perp9 * perp9 * a10p + even * par9 * par9 * a10m
    xx_0, yy_0 = even * xx_0, even * yy_0
    out = (xx_t + yy_t) * (6.0 + 2.0 * b2) / 4.0 + (xx_0 + yy_0) * (3.0 + b2) / 2.0
    if m_l > 0.0:
        r = m_l * m_l / q2
        # 4 m^2/q^2 Re(A^L A^R*) terms and the timelike amplitude (0811.1214 eq. (3.13))
        out = out + 6.0 * r * (xx_t - yy_t) + 3.0 * r * (even * had["time"] ** 2 * a10m + 2.0 * (xx_0 - yy_0))
    return had["n2"] * out


def dbr_dq2(key: tuple[str, str], lepton: str, q2: np.ndarray, shifts: Mapping[str, np.ndarray] | None = None) -> np.ndarray:
    """dBR/dq^2 (GeV^-2) of ``key`` = (initial, final) with ``lepton`` in {e, mu, nu} at ``q2``.

    ``shifts`` are new-physics shifts (keys of :data:`WC_KEYS`, or CL/CR for neutrinos) that
    broadcast against ``q2``. For ``nu`` the rate is summed over the three neutrino flavours
    (flavour-universal shifts).
    """
    ch = channel(key)
    had = hadronic(ch, lepton, q2)
    rate = dgamma_dq2(ch, had, total_coefficients(had, lepton, shifts))
    n_flavours = 3.0 if lepton == "nu" else 1.0
    return n_flavours * rate * ch.tau / (width_from_lifetime(1.0))
