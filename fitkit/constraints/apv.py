"""Atomic parity violation: proton and 133Cs weak charges with Z_D exchange, 002 eqs. (4.33)-(4.38).

Z_D exchange rescales G_F and sin^2 θ_W at low momentum transfer Q (002 eq. (4.36)):

    ρ_d = 1 + (m_Z/M ε_Z + M/m_Z ε tan θ_W)^2 f(Q^2/M^2),                            (4.37)
    κ_d = 1 - ε (m_Z/M ε_Z + M/m_Z ε tan θ_W) (m_Z/M) cot θ_W f(Q^2/M^2),           (4.38)

with f = M^2/(Q^2 + M^2). For Qweak Q^2 = 0.0248 GeV^2; for Cs, 002 (following its ref. [56],
Davoudiasl, Lee, Marciano) uses an f that is 0.5 at M = 2.4 MeV and 1 at 100 MeV, i.e. the same
form with an effective Q = 2.4 MeV. The weak charges (4.34)-(4.35) are linear in
κ_d sin^2 θ_W and proportional to ρ_d:

    Q_W^X(ρ_d, κ_d) = ρ_d [Q_W^{X,SM} - 4 Z_X (κ_d - 1) sin^2 θ_W(0) (1 - α/2π)],

with Z_p = 1, Z_Cs = 55. The SM values Q_W^{p,SM} = 0.0710 and Q_W^{Cs,SM} = -73.23 (PDG) include
the electroweak box corrections that the tree-level couplings in (4.34)-(4.35) omit (with
g_AV^{ep} = -1/2 + 2 sin^2 θ_W(0) alone, (4.34) would give Q_W^p = 0.046, 6σ from Qweak); the
Z_D shifts are exactly those of (4.34)-(4.35). The measured values are (4.33). Each charge gives
z = (Q_W - Q_W^exp)/σ (experimental and SM errors in quadrature); the constraint reports the Cs
charge and the larger |z| of the two, two-sided, 3σ (Fig. 9). Cases B and C: the electron
couplings of Case B are those of Case A (g_mu does not enter); in Case C the Z_D coupling to
electrons is tuned away (002 sec. 4.7), so the constraint does not apply.

Example:
    >>> c = APV()
    >>> round(float(c.predict({"M_ZD": [1.0], "eps": [0.0], "eps_Z": [0.0]})[0]), 2)
    -73.23
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from fitkit import constants as K
from fitkit.constraints.base import Case, Constraint, inputs, unpack
from fitkit.models.dark_z import electroweak

__all__ = ["APV", "form_factor", "rho_kappa", "weak_charge"]


def form_factor(M: np.ndarray, Q2: float) -> np.ndarray:
    """f(Q^2/M^2) = M^2/(Q^2 + M^2) of 002 sec. 4.7 (``Q2`` in GeV^2)."""
    M2 = np.asarray(M, dtype=float) ** 2
    return M2 / (Q2 + M2)


def rho_kappa(M: np.ndarray, eps: np.ndarray, eps_Z: np.ndarray, f: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(ρ_d, κ_d) of 002 eqs. (4.37)-(4.38).

    Example:
        >>> r, k = rho_kappa(np.array([0.1]), np.array([0.0]), np.array([1e-4]), np.array([1.0]))
        >>> round(float(r[0]), 6), float(k[0])
        (1.008315, 1.0)
    """
    _, _, s, c = electroweak()
    tan = s / c
    M = np.asarray(M, dtype=float)
    x = K.M_Z / M * np.asarray(eps_Z) + M / K.M_Z * np.asarray(eps) * tan
    rho = 1.0 + x**2 * f
    kappa = 1.0 - np.asarray(eps) * x * (K.M_Z / M) / tan * f
    return rho, kappa


def weak_charge(q_sm: float, Z: float, sin2: float, rho: np.ndarray, kappa: np.ndarray) -> np.ndarray:
    """Q_W with Z_D exchange (module docstring; 002 eqs. (4.34)-(4.35))."""
    return rho * (q_sm - 4.0 * Z * (kappa - 1.0) * sin2 * (1.0 - K.ALPHA_EM_0 / (2 * np.pi)))


class APV(Constraint):
    """Proton (Qweak) and 133Cs weak charges, 3σ."""

    name = "apv"
    title = "atomic parity violation, Q_W(p), Q_W(Cs)"
    equations = "002 (4.33)-(4.38)"
    unit = ""

    def __init__(self) -> None:
        d = inputs(self.name)
        self.d = d
        self.s2 = float(d["sin2_theta_w_0"]["value"])
        self.cl = float(d["cl"]["value"])
        self.sig_p = float(np.hypot(d["qw_proton_exp"]["error"], d["qw_proton_sm"]["error"]))
        self.sig_cs = float(np.hypot(d["qw_cs_exp"]["error"], d["qw_cs_sm"]["error"]))

    def charges(self, points: Mapping[str, Any]) -> tuple[np.ndarray, np.ndarray]:
        """(Q_W^p, Q_W^Cs) at each point."""
        d = self.d
        M, eps, epsZ, _ = unpack(points)
        rp, kp = rho_kappa(M, eps, epsZ, form_factor(M, float(d["q2_proton"]["value"])))
        rc, kc = rho_kappa(M, eps, epsZ, form_factor(M, float(d["q_cs"]["value"]) ** 2))
        qp = weak_charge(float(d["qw_proton_sm"]["value"]), 1.0, self.s2, rp, kp)
        qc = weak_charge(float(d["qw_cs_sm"]["value"]), float(d["z_cs"]["value"]), self.s2, rc, kc)
        return qp, qc

    def pulls(self, points: Mapping[str, Any]) -> tuple[np.ndarray, np.ndarray]:
        """(z_p, z_Cs) against 002 eq. (4.33)."""
        qp, qc = self.charges(points)
        return (qp - self.d["qw_proton_exp"]["value"]) / self.sig_p, (qc - self.d["qw_cs_exp"]["value"]) / self.sig_cs

    def applies(self, points: Mapping[str, Any], case: Case = "A") -> np.ndarray:
        """Cases A and B (Case C decouples Z_D from electrons)."""
        return np.full(unpack(points)[0].shape, case != "C")

    def predict(self, points: Mapping[str, Any], case: Case = "A") -> np.ndarray:
        """Q_W(133Cs)."""
        return self.charges(points)[1]

    def significance(self, points: Mapping[str, Any], case: Case = "A") -> np.ndarray:
        """The pull of larger size of the proton and Cs charges."""
        zp, zc = self.pulls(points)
        return np.where(np.abs(zc) >= np.abs(zp), zc, zp)

    def measurement(self) -> dict[str, Any]:
        """Q_W^p and Q_W^Cs, 002 eq. (4.33), with the SM values used."""
        d = self.d
        return {
            "value": d["qw_cs_exp"]["value"], "error": d["qw_cs_exp"]["error"],
            "proton": {"value": d["qw_proton_exp"]["value"], "error": d["qw_proton_exp"]["error"]},
            "sm": {"proton": d["qw_proton_sm"]["value"], "cs": d["qw_cs_sm"]["value"]},
            "source": d["qw_cs_exp"]["source"],
        }
