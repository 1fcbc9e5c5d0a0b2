"""Inclusive B -> X_s l l at NNLO QCD with log-enhanced QED, 1/m_b^2 and 1/m_c^2 corrections.

The scheme of Huber, Hurth, Lunghi (HHL, arXiv:1503.04849, sec. 4; built on Huber, Lunghi,
Misiak, Wyler, hep-ph/0512066), as implemented by flavio 2.7.1, normalised to the measured
semileptonic rate so that m_b^5 and most hadronic uncertainties cancel::

    dBR/dq^2 = BR(B -> X_c e nu)_exp / C * |V_tb V_ts^*/V_cb|^2 * alpha_e^2/(4 pi^2 m_b^2)
               * Phi_ll(s) / Phi_u,        s = q^2/m_b^2 (m_b the pole mass),

    Phi_ll = (1-s)^2 beta_l { 4 (1 + 2/s)(1 + 2 x/s)(1 + a tau77) |C~7|^2
             + 12 (1 + 2 x/s)(1 + a tau79) Re(C~7 C~9^*)
             + (1 + 2s + 2x(1-s)/s)(1 + a tau99)(|C~9|^2 + |C~10|^2) + 6 x (|C~9|^2 - |C~10|^2) }
             + (same with C~7', C~9', C~10')  + Phi_QED + Phi_1/mb^2 + Phi_1/mc^2,

with x = m_l^2/m_b^2, a = alpha_s(mu_b)/pi, beta_l = sqrt(1 - 4x/s) and the effective
coefficients (HLMW sec. 3, hep-ph/0109140 eq. (54))::

    C~7  = (1 + a sigma7(s)) C7eff + delta C7(q^2),    C~7'  = (1 + a sigma7) C7',
    C~9  = (1 + a sigma9(s)) C9 + Y(q^2) + delta C9(q^2),  C~9' = (1 + a sigma9) C9',
    C~10 = (1 + a sigma9(s)) C10,                      C~10' = (1 + a sigma9) C10'.

* sigma7, sigma9, tau_ij: O(alpha_s) virtual + bremsstrahlung corrections of O_7, O_9, O_10
  (:mod:`fitkit.theory.inclusive_corrections`).
* delta C7, delta C9: two-loop O_1, O_2 and one-loop O_8 matrix elements F^(7,9)_{1,2,8}
  (hep-ph/0109140, hep-ph/0312063; :func:`fitkit.theory.wilson_sm.delta_c7_q2`,
  :func:`~fitkit.theory.wilson_sm.delta_c9_two_loop`); Y(q^2) the one-loop four-quark function
  with the u-quark loop (:func:`~fitkit.theory.wilson_sm.c9_eff`).
* Phi_u: semileptonic normalisation with alpha_s, alpha_e and 1/m_b^2 terms (HHL eq. (4.8)).
* Phi_QED: log-enhanced QED corrections alpha_e/pi ln(m_b^2/m_l^2) (HHL eq. (4.19)), quadratic in
  C1, C2, C7eff, C9, C10 (without Y and alpha_s factors, as in HHL).
* Phi_1/mb^2: lambda_1, lambda_2 corrections of hep-ph/9609449 to the |C7|^2, Re(C7 C9^*),
  |C9|^2 and |C10|^2 terms.
* Phi_1/mc^2: lambda_2/m_c^2 corrections of Buchalla, Isidori, Rey (hep-ph/9705253; HLMW eqs.
  (111), (132)), linear in C7eff and C9eff(q^2) = C9 + Y(q^2) (not in flavio 2.7.1: -0.9 % at
  [1, 6] GeV^2).
* Primed operators do not interfere with unprimed ones for m_s = 0. Their terms are the parity
  mirror of the unprimed ones (QCD and QED conserve parity): the same alpha_s factors and the same
  QED and 1/m_b^2 weights of |C7'|^2, Re(C7' C9'^*), |C9'|^2, |C10'|^2, without the O_1, O_2 and
  1/m_c^2 terms (those interfere with the left-handed b -> s current only). flavio 2.7.1 gives the
  primed terms no QED and 1/m_b^2 corrections (at C9' = 2: +0.2 % on the rate).

Inputs at mu_b = 5 GeV as flavio's ``bxll`` (``sm_wilson_bsll.yaml``); C = 0.567 is the
Gambino-Misiak phase-space ratio (hep-ph/0104034). New-physics shifts are added to the
coefficients at that scale.

Not included, measured against flavio 2.7.1 in tests/theory/test_inclusive.py: the doubly
Cabibbo-suppressed massless-u-quark two-loop terms in delta C7, delta C9 (flavio has them, < 0.3 %
of the rate); above q^2 ~ 10.4 GeV^2 delta C9 holds the O_1, O_2 functions at s-hat = 0.45
(:mod:`fitkit.theory.wilson_sm`). Against flavio: <BR>[1, 6] GeV^2 -0.7 % (mu), -0.6 % (e), of
which -0.9 % is the 1/m_c^2 term flavio lacks; NP/SM within 0.9 % (mu), 1.6 % (e) at |C| <= 2
(0.7 % with flavio's treatment of the primed terms).

Example:
    >>> round(float(dbr_dq2_from(hadronic("mu", np.array([[3.0]])), "mu", None)[0, 0]) * 1e7, 3)
    3.287
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

import numpy as np

from fitkit.constants import ALPHA_S_MZ, M_LEPTON, ckm_matrix
from fitkit.theory import inclusive_corrections as ic
from fitkit.theory.wilson_sm import c9_eff, delta_c7_q2, delta_c9_two_loop, sm_coefficients

__all__ = ["MU_INCLUSIVE", "BR_XCENU", "C_PHASE_SPACE", "q2_limits", "hadronic", "dbr_dq2_from", "narrow_width_factor"]

#: Renormalisation scale of the inclusive mode (GeV), as in flavio 2.7.1.
MU_INCLUSIVE: float = 5.0
#: BR(B -> X_c e nu), HFLAV 2022 average (arXiv:2206.07501), as used by flavio 2.7.1.
BR_XCENU: float = 0.1067
#: Phase-space ratio C of Gambino-Misiak (hep-ph/0104034), value of flavio 2.7.1 (arXiv:1411.6560).
C_PHASE_SPACE: float = 0.567

_KEYS = {"C7", "C7p", "C9", "C9p", "C10", "C10p", "CL", "CR"}


@cache
def _ckm_factor() -> float:
    V = ckm_matrix()
    return float(abs(V[2, 2] * V[2, 1].conjugate()) ** 2 / abs(V[1, 2]) ** 2)


def _norm_lo() -> float:
    """BR_sl/C |xi_t/V_cb|^2 alpha_e^2/(4 pi^2 m_b^2) (GeV^-2), the prefactor without Phi_u."""
    sm = sm_coefficients(MU_INCLUSIVE)
    return BR_XCENU / C_PHASE_SPACE * _ckm_factor() * sm.alpha_e**2 / (4 * np.pi**2) / sm.m_b_pole**2


@cache
def _phi_u() -> float:
    sm = sm_coefficients(MU_INCLUSIVE)
    return ic.phi_u(sm.alpha_s, sm.alpha_e, ALPHA_S_MZ, sm.m_b_pole)


def q2_limits(lepton: str) -> tuple[float, float]:
    """Partonic q^2 range [4 m_l^2, m_b^2] in GeV^2."""
    m_l = M_LEPTON[lepton]
    return 4 * m_l * m_l, sm_coefficients(MU_INCLUSIVE).m_b_pole ** 2


def hadronic(lepton: str, q2: np.ndarray) -> dict[str, np.ndarray]:
    """Everything that does not depend on the Wilson coefficients, at the nodes ``q2`` (GeV^2):
    the prefactor, the weights of the |C~i C~j| terms of Phi_ll, the alpha_s factors of the
    coefficients, the SM effective coefficients, and the QED and 1/m_b^2 weights (module doc).
    Nodes outside [4 m_l^2, m_b^2] get a zero prefactor."""
    sm = sm_coefficients(MU_INCLUSIVE)
    q2 = np.asarray(q2, dtype=float)
    m_l = M_LEPTON[lepton]
    mb = sm.m_b_pole
    lo, hi = 4 * m_l * m_l, mb * mb
    inside = (q2 > lo) & (q2 < hi)
    q2s = np.where(inside, q2, 0.5 * (max(lo, 1e-3) + hi))
    s = q2s / (mb * mb)
    x = (m_l / mb) ** 2
    a = sm.alpha_s / np.pi
    b7 = 1 + a * ic.sigma7(s, MU_INCLUSIVE, mb)
    b9 = 1 + a * ic.sigma9(s)
    qed = ic.qed_weights(s, mb, m_l, sm.alpha_e)
    pc = ic.power_corrections_mb2(s, mb)
    mc2 = ic.charm_power_correction(s, q2s, sm.m_c_pole)
    c9_y = c9_eff(q2s, MU_INCLUSIVE)
    return {
        "s": s,
        "pref": np.where(inside, _norm_lo() / _phi_u(), 0.0),
        # (1-s)^2 beta_l times the weights of f_ll
        "w77": (1 - s) ** 2 * np.sqrt(1 - 4 * x / s) * 4 * (1 + 2 / s) * (1 + 2 * x / s) * (1 + a * ic.tau77(s)),
        "w79": (1 - s) ** 2 * np.sqrt(1 - 4 * x / s) * 12 * (1 + 2 * x / s) * (1 + a * ic.tau79(s)),
        "w99": (1 - s) ** 2 * np.sqrt(1 - 4 * x / s) * ((1 + 2 * s + 2 * x * (1 - s) / s) * (1 + a * ic.tau99(s))),
        "wm": (1 - s) ** 2 * np.sqrt(1 - 4 * x / s) * 6 * x,
        "b7": b7,
        "b9": b9,
        "c7t_sm": sm.C7eff * b7 + delta_c7_q2(q2s, MU_INCLUSIVE),
        "c9t_sm": c9_y + (b9 - 1) * sm.C9 + delta_c9_two_loop(q2s, MU_INCLUSIVE),
        "c10t_sm": sm.C10 * b9,
        # Phi_QED + Phi_1/mb^2 as sum of e_ij C_i C_j^* over bare C7eff, C9, C10 (C1, C2 folded in)
        "e77": qed["77"] + pc["77"],
        "e79": qed["79"] + pc["79"],
        "e99": qed["99"] + pc["99"],
        "e1010": qed["1010"] + pc["99"],
        "e7": sm.C2 * qed["27"] + sm.C1 * qed["17"],
        "e9": sm.C2 * qed["29"] + sm.C1 * qed["19"],
        "e0": sm.C1**2 * qed["11"] + sm.C1 * sm.C2 * qed["12"] + sm.C2**2 * qed["22"],
        # Phi_1/mc^2 = Re[m7 C7^* + m9 (C9 + Y)^*] with C7, C9 including the shifts
        "m7": (sm.C2 - sm.C1 / 6) * mc2["7"],
        "m9": (sm.C2 - sm.C1 / 6) * mc2["9"],
        "y": c9_y - sm.C9,
        "c7_sm": np.asarray(sm.C7eff),
        "c9_sm": np.asarray(sm.C9),
        "c10_sm": np.asarray(sm.C10),
    }


def _phi_tree(had: Mapping[str, np.ndarray], c7: np.ndarray, c9: np.ndarray, c10: np.ndarray) -> np.ndarray:
    """The bracket of Phi_ll for effective coefficients C~7, C~9, C~10 (module docstring)."""
    a9, a10 = np.abs(c9) ** 2, np.abs(c10) ** 2
    return (
        had["w77"] * np.abs(c7) ** 2 + had["w79"] * (c7 * np.conj(c9)).real
        + had["w99"] * (a9 + a10) + had["wm"] * (a9 - a10)
    )  # fmt: skip


def dbr_dq2_from(had: Mapping[str, np.ndarray], lepton: str, shifts: Mapping[str, np.ndarray] | None) -> np.ndarray:
    """dBR/dq^2 (GeV^-2) from :func:`hadronic` and new-physics shifts of C7, C9, C10 and primes at
    mu_b = 5 GeV (arrays broadcasting against the nodes, e.g. ``(n_points, 1)``)."""
    shifts = shifts or {}
    unknown = set(shifts) - _KEYS
    if unknown:
        raise ValueError(f"unknown Wilson-coefficient key(s) {sorted(unknown)}")
    d7, d9, d10 = (np.asarray(shifts.get(k, 0.0)) for k in ("C7", "C9", "C10"))
    b7, b9 = had["b7"], had["b9"]
    out = _phi_tree(had, had["c7t_sm"] + b7 * d7, had["c9t_sm"] + b9 * d9, had["c10t_sm"] + b9 * d10)
    c7, c9, c10 = had["c7_sm"] + d7, had["c9_sm"] + d9, had["c10_sm"] + d10
    out = out + _phi_qed_mb2(had, c7, c9, c10) + (
        (had["e7"] + had["m7"]) * np.conj(c7) + had["e9"] * np.conj(c9) + had["m9"] * np.conj(c9 + had["y"])
    ).real + had["e0"]
    if any(k in shifts for k in ("C7p", "C9p", "C10p")):
        p7, p9, p10 = (np.asarray(shifts.get(k, 0.0)) for k in ("C7p", "C9p", "C10p"))
        out = out + _phi_tree(had, b7 * p7, b9 * p9, b9 * p10) + _phi_qed_mb2(had, p7, p9, p10)
    return had["pref"] * out


def _phi_qed_mb2(had: Mapping[str, np.ndarray], c7: np.ndarray, c9: np.ndarray, c10: np.ndarray) -> np.ndarray:
    """The QED and 1/m_b^2 terms of Phi_ll quadratic in C7, C9, C10 (or in their primed mirrors)."""
    return (
        had["e77"] * np.abs(c7) ** 2 + had["e99"] * np.abs(c9) ** 2 + had["e1010"] * np.abs(c10) ** 2
        + (had["e79"] * c7 * np.conj(c9)).real
    )  # fmt: skip


def narrow_width_factor(q2: np.ndarray, lepton: str) -> np.ndarray:
    """Ratio of the |C9|^2 weight of dBR/dq^2 at ``q2`` to its leading-order value
    BR_sl/C |xi_t/V_cb|^2 alpha_e^2/(4 pi^2 m_b^2) (1-s)^2 (1+2s) beta_l (1 + 2 m_l^2/q^2): the
    correction that a narrow resonance in C9 (on-shell b -> s V, V -> l l) receives from the
    alpha_s, Phi_u, QED and 1/m_b^2 terms of this module, so that a narrow-width rate built on the
    leading-order partonic width equals the Breit-Wigner integral of :func:`dbr_dq2_from`
    (tested against the second difference of :func:`dbr_dq2_from` in C9). ``q2`` inside
    (4 m_l^2, m_b^2), any shape."""
    sm = sm_coefficients(MU_INCLUSIVE)
    mb, m_l = sm.m_b_pole, M_LEPTON[lepton]
    s = np.asarray(q2, dtype=float) / mb**2
    x = (m_l / mb) ** 2
    u2_beta = (1 - s) ** 2 * np.sqrt(1 - 4 * x / s)
    w = u2_beta * ((1 + 2 * s + 2 * x * (1 - s) / s) * (1 + sm.alpha_s / np.pi * ic.tau99(s)) + 6 * x)
    b9 = 1 + sm.alpha_s / np.pi * ic.sigma9(s)
    e99 = ic.qed_weights(s, mb, m_l, sm.alpha_e)["99"] + ic.power_corrections_mb2(s, mb)["99"]
    return (w * b9**2 + e99) / (_phi_u() * u2_beta * (1 + 2 * s) * (1 + 2 * x / s))
