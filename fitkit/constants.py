"""Physical constants and hadron properties used throughout fitkit, each with its source.

Units: GeV for masses and energies, GeV^-2 for G_F, seconds for lifetimes (converted to
widths once, with :data:`HBAR_GEV_S`). Unless stated otherwise the source is the Review of
Particle Physics, S. Navas et al. (Particle Data Group), Phys. Rev. D 110, 030001 (2024),
abbreviated "PDG 2024".

Example:
    >>> round(width_from_lifetime(TAU_BPLUS) * 1e13, 3)  # Gamma(B+) in 1e-13 GeV
    4.018
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "SM_BR_KNUNU",
    "HBAR_GEV_S",
    "G_F",
    "ALPHA_EM_0",
    "ALPHA_EM_MB",
    "ALPHA_S_MZ",
    "SIN2_THETA_W",
    "M_W",
    "GAMMA_W",
    "M_Z",
    "M_E",
    "M_MU",
    "M_TAU",
    "M_LEPTON",
    "M_T_POLE",
    "M_B_MSBAR",
    "M_C_MSBAR",
    "M_S_2GEV",
    "M_BPLUS",
    "M_B0",
    "M_BS",
    "M_KPLUS",
    "M_K0",
    "M_KSTAR0",
    "M_KSTARPLUS",
    "M_PHI",
    "M_PIPLUS",
    "M_PI0",
    "TAU_BPLUS",
    "TAU_B0",
    "TAU_BS",
    "WOLFENSTEIN",
    "F_B",
    "F_V_PARA",
    "F_V_PERP_2GEV",
    "GEGENBAUER_V",
    "ckm_matrix",
    "width_from_lifetime",
]

#: Reduced Planck constant in GeV s (CODATA 2018, exact in SI), used to turn lifetimes into widths.
HBAR_GEV_S: float = 6.582119569e-25

#: Fermi constant in GeV^-2 (PDG 2024, physical constants table).
G_F: float = 1.1663788e-5

#: Fine-structure constant at q^2 = 0 (PDG 2024).
ALPHA_EM_0: float = 1.0 / 137.035999084

#: MS-bar electromagnetic coupling at mu = m_b used in the b -> s l l effective Hamiltonian.
#: 1/alpha = 133.0 is the value used by flavio 2.7 at the scale 4.8 GeV (running of
#: alpha_e(M_Z) = 1/127.95, PDG 2024, down to m_b).
ALPHA_EM_MB: float = 1.0 / 133.0

#: Strong coupling at M_Z (PDG 2024 world average).
ALPHA_S_MZ: float = 0.1180

#: Weak mixing angle sin^2 theta_W, MS-bar at M_Z (PDG 2024).
SIN2_THETA_W: float = 0.23129

#: W mass and total width in GeV (PDG 2024).
M_W: float = 80.3692
GAMMA_W: float = 2.085

#: Z mass in GeV (PDG 2024).
M_Z: float = 91.1876

#: Charged-lepton masses in GeV (PDG 2024).
M_E: float = 0.51099895e-3
M_MU: float = 0.1056583755
M_TAU: float = 1.77686
#: Lepton masses by the flavour names used in observable strings.
M_LEPTON: dict[str, float] = {"e": M_E, "mu": M_MU, "tau": M_TAU}

#: Top-quark pole mass (PDG 2024, direct measurements) in GeV.
M_T_POLE: float = 172.57
#: MS-bar masses in GeV: m_b(m_b), m_c(m_c), m_s(2 GeV) (PDG 2024).
M_B_MSBAR: float = 4.183
M_C_MSBAR: float = 1.2730
M_S_2GEV: float = 0.0935

#: Meson masses in GeV (PDG 2024).
M_BPLUS: float = 5.27934
M_B0: float = 5.27966
M_BS: float = 5.36692
M_KPLUS: float = 0.493677
M_K0: float = 0.497611
M_KSTAR0: float = 0.89555
M_KSTARPLUS: float = 0.89167
M_PHI: float = 1.019461
M_PIPLUS: float = 0.13957039
M_PI0: float = 0.1349768

#: B-meson lifetimes in seconds (PDG 2024).
TAU_BPLUS: float = 1.638e-12
TAU_B0: float = 1.517e-12
TAU_BS: float = 1.520e-12

#: B-meson decay constants in GeV (QCD factorisation of B -> V l l, :mod:`fitkit.theory.qcdf`):
#: FLAG 2019 (arXiv:1902.08191), N_f = 2+1+1, f_B = 0.1900(13), f_Bs = 0.2303(13); f_B+ and f_B0
#: carry the +-2 MeV strong-isospin splitting that flavio 2.7.1 uses (0.1880, 0.1920).
F_B: dict[str, float] = {"B0": 0.1920, "B+": 0.1880, "Bs": 0.2303}

#: Longitudinal decay constants f_V of the light vector mesons in GeV: K* from Bharucha, Straub,
#: Zwicky (arXiv:1503.05534, Table 1), f_K* = 0.204(7); phi from arXiv:1501.06569 Table 1,
#: f_phi = 0.231(5).
F_V_PARA: dict[str, float] = {"K*": 0.204, "phi": 0.231}

#: Transverse decay constants f_V^perp in GeV at mu = 2 GeV (3-flavour MS-bar): 1503.05534
#: Table 1 evolved to 2 GeV, as tabulated by flavio 2.7.1: f_K*^perp = 0.145(6), f_phi^perp
#: = 0.175(4). :func:`fitkit.theory.qcdf.f_perp` runs them to mu_b at leading order.
F_V_PERP_2GEV: dict[str, float] = {"K*": 0.145, "phi": 0.175}

#: Gegenbauer moments (a1_para, a2_para, a1_perp, a2_perp) of the K* and phi light-cone
#: distribution amplitudes at 1 GeV (Ball, Braun, Lenz, arXiv:0707.1201, as collected in
#: 1503.05534 Table 1 and used by flavio 2.7.1): K*: 0.06(4), 0.16(9), 0.04(3), 0.10(8);
#: phi: 0 (G-parity), 0.23(8), 0, 0.14(7). Not evolved to mu_b (as in flavio).
GEGENBAUER_V: dict[str, tuple[float, float, float, float]] = {
    "K*": (0.06, 0.16, 0.04, 0.10),
    "phi": (0.0, 0.23, 0.0, 0.14),
}

#: Wolfenstein parameters (PDG 2024, CKM review, global fit): lambda, A, rho-bar, eta-bar.
WOLFENSTEIN: dict[str, float] = {"lambda": 0.22501, "A": 0.826, "rhobar": 0.1591, "etabar": 0.3523}


def width_from_lifetime(tau_s: float) -> float:
    """Total width in GeV of a particle with lifetime ``tau_s`` in seconds: Gamma = hbar / tau."""
    return HBAR_GEV_S / tau_s


def ckm_matrix(
    lam: float = WOLFENSTEIN["lambda"],
    A: float = WOLFENSTEIN["A"],
    rhobar: float = WOLFENSTEIN["rhobar"],
    etabar: float = WOLFENSTEIN["etabar"],
) -> np.ndarray:
    """The CKM matrix V (rows u, c, t; columns d, s, b) in the standard parametrisation.

    The angles follow from the Wolfenstein parameters exactly, PDG 2024 CKM review eqs.
    (12.4)-(12.5): s12 = lambda, s23 = A lambda^2, s13 e^{i delta} = A lambda^3 (rhobar +
    i etabar) sqrt(1 - A^2 lambda^4) / (sqrt(1 - lambda^2) [1 - A^2 lambda^4 (rhobar + i etabar)]),
    and the matrix is eq. (12.3).

    Example:
        >>> V = ckm_matrix()
        >>> round(float(abs(V[2, 2] * V[2, 1].conjugate())), 4)  # |V_tb V_ts*|
        0.0411
    """
    s12 = lam
    s23 = A * lam**2
    rho_eta = complex(rhobar, etabar)
    s13e = (
        A * lam**3 * rho_eta * math.sqrt(1 - A**2 * lam**4)
        / (math.sqrt(1 - lam**2) * (1 - A**2 * lam**4 * rho_eta))
    )
    s13 = abs(s13e)
    phase = s13e / s13  # e^{i delta}
    c12, c23, c13 = math.sqrt(1 - s12**2), math.sqrt(1 - s23**2), math.sqrt(1 - s13**2)
    em = phase.conjugate()  # e^{-i delta}
    return np.array(
        [
            [c12 * c13, s12 * c13, s13 * em],
            [-s12 * c23 - c12 * s23 * s13 * phase, c12 * c23 - s12 * s23 * s13 * phase, s23 * c13],
            [s12 * s23 - c12 * c23 * s13 * phase, -c12 * s23 - s12 * c23 * s13 * phase, c23 * c13],
        ],
        dtype=complex,
    )


#: SM BR(B -> K(*) nu nubar) used when a card gives none: B+ -> K+ from HPQCD (arXiv:2207.13371,
#: 003 ref. [67], the normalisation of Belle II's mu = 1); B -> K* from flavio 2.7.1
#: (``sm_prediction('BR(B0->K*nunu)')``), the SM expectation of the BaBar card.
SM_BR_KNUNU: dict[str, float] = {"K": 4.97e-6, "K*": 9.81e-6}
