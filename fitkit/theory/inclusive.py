"""Inclusive B -> X_s l l at leading order, normalised to the semileptonic rate.

Partonic rate of b -> s l l (Buras, Münz, hep-ph/9501281, eq. (2.1); Misiak, Nucl. Phys. B 393
(1993) 23), normalised to Gamma(B -> X_c e nu) so that m_b^5 and most of the hadronic
uncertainty cancel::

    dBR/ds = BR(B -> X_c e nu) * alpha_e^2/(4 pi^2) * |V_tb V_ts^*/V_cb|^2 * (1 - s)^2 / C
             * beta_l (1 + 2 m_l^2/q^2) * [(1 + 2 s)(|C9eff|^2 + |C10|^2)
             + 4 (1 + 2/s) r^2 |C7eff|^2 + 12 r Re(C7eff C9eff^*)],

with s = q^2/m_b^2 (m_b the pole mass), r = m_b(mu)/m_b converting the MS-bar mass of O_7 to the
kinematic mass, and C = |V_ub/V_cb|^2 Gamma(B -> X_c e nu)/Gamma(B -> X_u e nu) = 0.567 the
phase-space ratio of Gambino and Misiak (hep-ph/0104034) that replaces f(m_c/m_b) kappa; inputs
at mu = 5 GeV as in flavio's B -> X_s l l (``sm_wilson_bsll.yaml``). The lepton-mass factor
beta_l (1 + 2 m_l^2/q^2) is exact for the vector current and approximates the axial one; for
q^2 > 1 GeV^2 and muons it changes the rate by < 1 %.

Not included (documented budget, tests/theory/test_inclusive.py): O(alpha_s) and O(alpha_e)
corrections to the matrix elements (NNLO, log-enhanced QED for electrons, Huber, Hurth, Lunghi,
arXiv:1503.04849), 1/m_b^2 and 1/m_c^2 power corrections. Against flavio 2.7.1 the leading-order
rate in [1, 6] GeV^2 agrees to about 10 % (see the test for the measured numbers).

Example:
    >>> round(float(dbr_dq2_from(hadronic("mu", np.array([[3.0]])), "mu", None)[0, 0]) * 1e7, 3)
    3.301
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

import numpy as np

from fitkit.constants import M_LEPTON, ckm_matrix
from fitkit.theory.kinematics import beta_lepton
from fitkit.theory.wilson_sm import c9_eff, sm_coefficients

__all__ = ["MU_INCLUSIVE", "BR_XCENU", "C_PHASE_SPACE", "q2_limits", "hadronic", "dbr_dq2_from"]

#: Renormalisation scale of the inclusive mode (GeV), as in flavio 2.7.1.
MU_INCLUSIVE: float = 5.0
#: BR(B -> X_c e nu), HFLAV 2022 average (arXiv:2206.07501), as used by flavio 2.7.1.
BR_XCENU: float = 0.1067
#: Phase-space ratio C of Gambino-Misiak (hep-ph/0104034), value of flavio 2.7.1 (arXiv:1411.6560).
C_PHASE_SPACE: float = 0.567


@cache
def _ckm_factor() -> float:
    V = ckm_matrix()
    return float(abs(V[2, 2] * V[2, 1].conjugate()) ** 2 / abs(V[1, 2]) ** 2)


def q2_limits(lepton: str) -> tuple[float, float]:
    """Partonic q^2 range [4 m_l^2, m_b^2] in GeV^2."""
    m_l = M_LEPTON[lepton]
    return 4 * m_l * m_l, sm_coefficients(MU_INCLUSIVE).m_b_pole ** 2


def hadronic(lepton: str, q2: np.ndarray) -> dict[str, np.ndarray]:
    """q^2-only inputs at the nodes: s = q^2/m_b^2, phase space, lepton factor, SM C9eff."""
    sm = sm_coefficients(MU_INCLUSIVE)
    q2 = np.asarray(q2, dtype=float)
    m_l = M_LEPTON[lepton]
    mb = sm.m_b_pole
    lo, hi = 4 * m_l * m_l, mb * mb
    inside = (q2 > lo) & (q2 < hi)
    q2s = np.where(inside, q2, 0.5 * (max(lo, 1e-3) + hi))
    s = q2s / (mb * mb)
    norm = BR_XCENU * sm.alpha_e**2 / (4 * np.pi**2) * _ckm_factor() / C_PHASE_SPACE / (mb * mb)
    lep = beta_lepton(q2s, m_l) * (1.0 + 2.0 * m_l * m_l / q2s)
    return {
        "s": s,
        "pref": np.where(inside, norm * (1.0 - s) ** 2 * lep, 0.0),
        "c9_sm": c9_eff(q2s, MU_INCLUSIVE),
        "r": np.asarray(sm.m_b_msbar / mb),
        "c7_sm": np.asarray(sm.C7eff),
        "c10_sm": np.asarray(sm.C10),
    }


def dbr_dq2_from(had: Mapping[str, np.ndarray], lepton: str, shifts: Mapping[str, np.ndarray] | None) -> np.ndarray:
    """dBR/dq^2 (GeV^-2) from :func:`hadronic` and new-physics shifts.

    Primed operators do not interfere with the unprimed ones for a massless s quark: they add
    (1 + 2s)(|C9'|^2 + |C10'|^2) + 4(1 + 2/s) r^2 |C7'|^2 + 12 r Re(C7' C9'^*).
    """
    shifts = shifts or {}
    unknown = set(shifts) - {"C7", "C7p", "C9", "C9p", "C10", "C10p", "CL", "CR"}
    if unknown:
        raise ValueError(f"unknown Wilson-coefficient key(s) {sorted(unknown)}")
    s, r = had["s"], had["r"]
    c7 = had["c7_sm"] + shifts.get("C7", 0.0)
    c9 = had["c9_sm"] + shifts.get("C9", 0.0)
    c10 = had["c10_sm"] + shifts.get("C10", 0.0)

    def bracket(c7: np.ndarray, c9: np.ndarray, c10: np.ndarray) -> np.ndarray:
        a9 = np.abs(c9) ** 2 + np.abs(c10) ** 2
        return (1 + 2 * s) * a9 + 4 * (1 + 2 / s) * r * r * np.abs(c7) ** 2 + 12 * r * (c7 * np.conj(c9)).real

    out = bracket(c7, c9, c10)
    if any(k in shifts for k in ("C7p", "C9p", "C10p")):
        out = out + bracket(
            np.asarray(shifts.get("C7p", 0.0)), np.asarray(shifts.get("C9p", 0.0)), np.asarray(shifts.get("C10p", 0.0))
        )
    return had["pref"] * out
