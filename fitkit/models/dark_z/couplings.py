"""Loop-induced d_i -> d_j Z_D couplings of the dark photon / dark Z model, 002 appendix B.

The effective Hamiltonian of 002 eqs. (2.6)-(2.7) has monopole (E^0, E^2) and dipole (M^1)
couplings. Appendix B prints them for b -> s Z_D, eqs. (B.1)-(B.12), summed over the internal
up-type quarks j = 2, 3 (c, t) after CKM unitarity removed j = 1 (u), with x_j = m_j / M_W.
This module implements the printed kernels verbatim (:func:`kernel_e2a`, :func:`kernel_m1a`,
:func:`kernel_e0z`, :func:`kernel_e2z`, :func:`kernel_m1z`) and assembles the couplings for
the three transitions b -> s, b -> d and s -> d by swapping the CKM factor
lambda_j = V_{j,out}^* V_{j,in} and the external masses (text after eq. (B.12)).

Checks of the transcription (tests/models/dark_z/test_couplings.py): every kernel vanishes for
x_1 = x_j (GIM), and for x_1 -> 0

- (B.7) kernel  -> -8 C_0(x_j^2)   (Inami-Lim Z penguin, 't Hooft-Feynman gauge),
- (B.3) kernel  -> 36 [D_0(x_j^2) - D_0(x_1^2)]  (off-shell photon penguin),
- (B.5) kernel  -> -12 D_0'(x_j^2) (magnetic photon penguin),

with C_0, D_0, D_0' of Buchalla, Buras, Lautenbacher, Rev. Mod. Phys. 68 (1996) 1125 (002 ref. [34]).

Sign convention. The printed (B.7) is -8 C_0 while (B.3) is +36 D_0; in any single convention
the SM Z and photon vertices are proportional to +C_0 and +D_0 with the same sign (BBL). A
physical Z_D couples like eps x (photon) + eps_Z x (Z) in the hadronic and in the leptonic
vertex alike (the relative sign of the two leptonic pieces is fixed by the eps eps_Z cross term
of 002 eq. (2.15)). :func:`monopole_vertex` therefore combines the couplings as
h(q^2) = E^{2,A} q^2 - (E^{0,Z} + E^{2,Z} q^2): with eps = 1 it reproduces the SM photon penguin
and with eps_Z = 1, M_ZD = M_Z the SM Z penguin, in sign and size (tests of ``wilson.py``).

Coupling scheme (docs/conventions.md). Every electromagnetic coupling e of this model -- in
the loop vertices (B.1)-(B.12), in the lepton couplings and in the normalisation of the Wilson
coefficients (:mod:`fitkit.models.dark_z.wilson`) -- is e(mu_b) with alpha = :data:`ALPHA_DARKZ`,
the alpha_e(mu_b = 4.8 GeV) of the b -> s l l engine
(:func:`fitkit.theory.wilson_sm.sm_coefficients`, 1/132.12). eps and eps_Z are defined with
this e. With a single alpha the SM limits are identities: eps_Z = 1, M_ZD = M_Z gives
C10 = -C_0(x_t)/s_W^2 x r_tree with r_tree = pi alpha / (sqrt2 G_F s_W^2 c_W^2 M_Z^2) = 0.975
the tree-level relation between G_F and alpha (1 at tree level; 0.975 with alpha(mu_b),
MS-bar s_W^2 and M_Z). The earlier mixture (alpha(0) in the vertices, alpha(m_b) = 1/133 in
the normalisation) gave -3.034 against -3.324.

All functions broadcast over arrays of parameters (shape ``(n_points,)`` or ``(n_points, 1)``).

Example:
    >>> c = penguin_couplings(eps=0.0, eps_Z=1e-3)
    >>> f"{c.E0Z_L.real:.3e}"  # GeV^0, b -> s, eps_Z = 1e-3
    '1.203e-07'
"""

from __future__ import annotations

from functools import cache
from typing import Literal, NamedTuple

import numpy as np

from fitkit import constants as K
from fitkit.models.dark_z.inputs import electroweak, load_inputs
from fitkit.theory.wilson_sm import MU_B, sm_coefficients

__all__ = [
    "ALPHA_DARKZ",
    "Transition",
    "TRANSITIONS",
    "PenguinCouplings",
    "kernel_e2a",
    "kernel_m1a",
    "kernel_e0z",
    "kernel_e2z",
    "kernel_m1z",
    "ckm_lambdas",
    "penguin_couplings",
    "monopole_vertex",
    "lepton_couplings",
    "neutrino_couplings",
]

#: The one electromagnetic coupling of the model (module docstring): alpha_e(mu_b) of the
#: b -> s l l engine, so that the Wilson coefficients and the rates share one normalisation.
ALPHA_DARKZ: float = sm_coefficients(MU_B).alpha_e

Transition = Literal["bs", "bd", "sd"]
#: transition -> (incoming quark, outgoing quark); CKM columns d, s, b = 0, 1, 2.
TRANSITIONS: dict[str, tuple[str, str]] = {"bs": ("b", "s"), "bd": ("b", "d"), "sd": ("s", "d")}
_COLUMN = {"d": 0, "s": 1, "b": 2}


def kernel_e2a(x1: np.ndarray | float, xj: np.ndarray | float) -> np.ndarray:
    """Bracket of 002 eq. (B.3) divided by (x_1^2 - 1)^4 (x_j^2 - 1)^4 (dimensionless)."""
    x1, xj = np.asarray(x1, dtype=float), np.asarray(xj, dtype=float)
    a, b = x1**2, xj**2
    num = 4 * (3 * a**4 - 30 * a**3 + 54 * a**2 - 32 * a + 8) * (b - 1) ** 4 * np.log(x1) - (a - 1) * (
        4 * (a - 1) ** 3 * (3 * b**4 - 30 * b**3 + 54 * b**2 - 32 * b + 8) * np.log(xj)
        + (b - 1)
        * (
            25 * b**2
            - 19 * b**3
            + a**3 * (32 * b**2 - 57 * b + 19)
            + (-32 * b**3 + 75 * b - 25) * a**2
            + (57 * b**3 - 75 * b**2) * a
        )
    )
    return num / ((a - 1) ** 4 * (b - 1) ** 4)


def kernel_m1a(x1: np.ndarray | float, xj: np.ndarray | float) -> np.ndarray:
    """Bracket of 002 eqs. (B.5)-(B.6) divided by (x_1^2 - 1)^4 (x_j^2 - 1)^4."""
    x1, xj = np.asarray(x1, dtype=float), np.asarray(xj, dtype=float)
    a, b = x1**2, xj**2
    num = -12 * a**2 * (3 * a - 2) * (b - 1) ** 4 * np.log(x1) + (a - 1) * (
        12 * (a - 1) ** 3 * b**2 * (3 * b - 2) * np.log(xj)
        + (b - 1)
        * (
            a**3 * (-29 * b**2 + 31 * b - 8)
            + b * (8 * b**2 + 5 * b - 7)
            + (29 * b**3 - 6 * b - 5) * a**2
            + (-31 * b**3 + 6 * b**2 + 7) * a
        )
    )
    return num / ((a - 1) ** 4 * (b - 1) ** 4)


def kernel_e0z(x1: np.ndarray | float, xj: np.ndarray | float) -> np.ndarray:
    """Bracket of 002 eq. (B.7) divided by (x_1^2 - 1)^2 (x_j^2 - 1)^2."""
    x1, xj = np.asarray(x1, dtype=float), np.asarray(xj, dtype=float)
    a, b = x1**2, xj**2
    num = 2 * a * (3 * a + 2) * (b - 1) ** 2 * np.log(x1) + (a - 1) * (
        -2 * (a - 1) * b * (3 * b + 2) * np.log(xj)
        + (b - 1) * ((b - 1) * a**2 - (b**2 - 6) * a + b * (b - 6))
    )
    return num / ((a - 1) ** 2 * (b - 1) ** 2)


def _e2z_log_poly(y2: np.ndarray, sw2: float) -> np.ndarray:
    cw2 = 1.0 - sw2
    return (3 * y2**4 - 36 * y2**3 + 36 * y2**2 - 64 * y2 + 16) * sw2 - 3 * (
        4 - 12 * y2 + y2**4 * cw2 - 8 * y2**3 * cw2 + 3 * y2**2 * (8 * cw2 + 3)
    )


def kernel_e2z(x1: np.ndarray | float, xj: np.ndarray | float, sw2: float = K.SIN2_THETA_W) -> np.ndarray:
    """Bracket of 002 eq. (B.9) divided by (x_1^2 - 1)^4 (x_j^2 - 1)^4 (``sw2`` = s_W^2)."""
    x1, xj = np.asarray(x1, dtype=float), np.asarray(xj, dtype=float)
    a, b = x1**2, xj**2
    cw2 = 1.0 - sw2
    rational = (
        10 - 5 * a - 11 * a**2 - 5 * b - 26 * a * b + 43 * a**2 * b - 11 * b**2 + 43 * a * b**2
        - 38 * a**2 * b**2
        + cw2 * (-58 - 73 * b + 29 * b**2 + a * (-145 * b**2 + 422 * b - 73) + a**2 * (14 * b**2 - 145 * b + 29))
        - sw2 * (58 + 23 * b + 9 * b**2 + (50 * b**2 + 31 * b + 9) * a**2 + (31 * b**2 - 234 * b + 23) * a)
    )
    num = 4 * np.log(x1) * _e2z_log_poly(a, sw2) * (b - 1) ** 4 - (a - 1) * (
        4 * (a - 1) ** 3 * np.log(xj) * _e2z_log_poly(b, sw2) - (a - b) * (b - 1) * rational
    )
    return num / ((a - 1) ** 4 * (b - 1) ** 4)


def _m1z_log_poly(y2: np.ndarray, sw2: float) -> np.ndarray:
    cw2 = 1.0 - sw2
    return y2 * (-2 * cw2 + 2 * sw2 - 1) + y2**2 * (6 * cw2 - 1) + 1


def kernel_m1z(x1: np.ndarray | float, xj: np.ndarray | float, sw2: float = K.SIN2_THETA_W) -> np.ndarray:
    """Bracket of 002 eqs. (B.11)-(B.12) divided by (x_1^2 - 1)^4 (x_j^2 - 1)^4."""
    x1, xj = np.asarray(x1, dtype=float), np.asarray(xj, dtype=float)
    a, b = x1**2, xj**2
    cw2 = 1.0 - sw2
    rational = (
        10 - 17 * a + a**2 - 17 * b + 22 * a * b + 7 * a**2 * b + b**2 + 7 * a * b**2 - 14 * a**2 * b**2
        + 2 * sw2 * (2 + 5 * b - b**2 + a**2 * (2 * b**2 + 5 * b - 1) + a * (5 * b**2 - 22 * b + 5))
        + 2 * cw2 * (-5 + 10 * b + 7 * b**2 + (31 * b**2 - 26 * b + 7) * a**2 - 2 * (13 * b**2 + 4 * b - 5) * a)
    )
    num = -12 * a * np.log(x1) * _m1z_log_poly(a, sw2) * (b - 1) ** 4 + (a - 1) * (
        12 * (a - 1) ** 3 * b * np.log(xj) * _m1z_log_poly(b, sw2) - (a - b) * (b - 1) * rational
    )
    return num / ((a - 1) ** 4 * (b - 1) ** 4)


def ckm_lambdas(transition: Transition = "bs") -> np.ndarray:
    """lambda_j = V_{j,out}^* V_{j,in} for j = u, c, t (complex, shape (3,)).

    002 (B.3): (V^{j2})^* V^{j3} for b -> s; b -> d and s -> d swap the columns.

    Example:
        >>> lam = ckm_lambdas("bs")
        >>> float(round(abs(lam.sum()), 12))  # unitarity
        0.0
    """
    if transition not in TRANSITIONS:
        raise ValueError(f"unknown transition {transition!r}; use one of {sorted(TRANSITIONS)}")
    q_in, q_out = TRANSITIONS[transition]
    V = K.ckm_matrix()
    return V[:, _COLUMN[q_out]].conj() * V[:, _COLUMN[q_in]]


class PenguinCouplings(NamedTuple):
    """The d_in -> d_out Z_D couplings of 002 eqs. (B.1)-(B.12) (complex arrays).

    Units: E0Z_L dimensionless; E2A_L, E2Z_L in GeV^-2; M1*_L,R in GeV^-1. The right-handed
    monopoles vanish, eqs. (B.2), (B.4), (B.8), (B.10).
    """

    E0Z_L: np.ndarray
    E2A_L: np.ndarray
    E2Z_L: np.ndarray
    M1A_L: np.ndarray
    M1A_R: np.ndarray
    M1Z_L: np.ndarray
    M1Z_R: np.ndarray


@cache
def _unit_couplings(transition: str, alpha: float) -> PenguinCouplings:
    """Couplings at eps = 1 (photon-type) and eps_Z = 1 (Z-type), colour delta = 1."""
    inputs = load_inputs()
    m = inputs.quark_mass
    e, _, s, c = electroweak(alpha)
    MW = K.M_W
    x1 = m["u"] / MW
    xj = np.array([m["c"], m["t"]]) / MW
    lam = ckm_lambdas(transition)  # type: ignore[arg-type]
    lj = lam[1:]  # j = 2, 3 (c, t)
    q_in, q_out = TRANSITIONS[transition]
    m_in, m_out = m[q_in], m[q_out]
    pi2 = np.pi**2
    e3 = e**3
    e2a = np.sum(lj * kernel_e2a(x1, xj)) * e3 / (1152 * pi2 * MW**2 * s**2)  # (B.3)
    m1a = np.sum(lj * kernel_m1a(x1, xj)) * e3 / (384 * pi2 * MW**2 * s**2)
    e0z = np.sum(lj * kernel_e0z(x1, xj)) * e3 / (64 * pi2 * c * s**3)  # (B.7)
    e2z = np.sum(lj * kernel_e2z(x1, xj, s**2)) * e3 / (2304 * pi2 * c * MW**2 * s**3)  # (B.9)
    m1z = np.sum(lj * kernel_m1z(x1, xj, s**2)) * e3 / (768 * pi2 * c * MW**2 * s**3)
    return PenguinCouplings(
        E0Z_L=np.complex128(e0z),
        E2A_L=np.complex128(e2a),
        E2Z_L=np.complex128(e2z),
        M1A_L=np.complex128(-1j * m_out * m1a),  # (B.5)
        M1A_R=np.complex128(1j * m_in * m1a),  # (B.6)
        M1Z_L=np.complex128(1j * m_out * m1z),  # (B.11)
        M1Z_R=np.complex128(1j * m_in * m1z),  # (B.12)
    )


def penguin_couplings(
    eps: np.ndarray | float,
    eps_Z: np.ndarray | float,
    *,
    transition: Transition = "bs",
    alpha: float = ALPHA_DARKZ,
) -> PenguinCouplings:
    """The couplings of 002 eqs. (B.1)-(B.12) for kinetic mixing ``eps`` and mass mixing ``eps_Z``.

    Photon-type couplings (E^{2,A}, M^{1,A}) scale with eps, Z-type (E^{0,Z}, E^{2,Z}, M^{1,Z})
    with eps_Z; the arrays broadcast like ``eps`` and ``eps_Z``. ``alpha`` sets e in the loop
    vertices (default :data:`ALPHA_DARKZ`, the scheme of the module docstring).

    Example:
        >>> c = penguin_couplings(eps=np.array([1e-4, 2e-4]), eps_Z=0.0)
        >>> np.round(c.E2A_L.real / 1e-12, 3).tolist()  # GeV^-2
        [1.071, 2.142]
    """
    u = _unit_couplings(transition, float(alpha))
    ea = np.asarray(eps, dtype=float)
    ez = np.asarray(eps_Z, dtype=float)
    return PenguinCouplings(
        E0Z_L=ez * u.E0Z_L,
        E2A_L=ea * u.E2A_L,
        E2Z_L=ez * u.E2Z_L,
        M1A_L=ea * u.M1A_L,
        M1A_R=ea * u.M1A_R,
        M1Z_L=ez * u.M1Z_L,
        M1Z_R=ez * u.M1Z_R,
    )


def monopole_vertex(
    q2: np.ndarray | float,
    eps: np.ndarray | float,
    eps_Z: np.ndarray | float,
    *,
    transition: Transition = "bs",
    alpha: float = ALPHA_DARKZ,
) -> np.ndarray:
    """Left-handed monopole vertex h(q^2) of L ⊃ h(q^2) (d̄_out γ^μ P_L d_in) Z_Dμ (dimensionless).

    h = E^{2,A}_L q^2 - (E^{0,Z}_L + E^{2,Z}_L q^2), 002 eqs. (2.6), (2.8), (B.3), (B.7), (B.9),
    in the convention where eps = 1 gives the SM photon penguin and eps_Z = 1 the SM Z penguin
    (module docstring). ``q2`` in GeV^2 broadcasts against ``eps``/``eps_Z``; for an on-shell
    Z_D use q2 = M_ZD^2 (the q^μ q^ν term of (2.6) vanishes against its polarisation).
    """
    c = penguin_couplings(eps, eps_Z, transition=transition, alpha=alpha)
    q2 = np.asarray(q2, dtype=float)
    return c.E2A_L * q2 - (c.E0Z_L + c.E2Z_L * q2)


def lepton_couplings(
    eps: np.ndarray | float,
    eps_Z: np.ndarray | float,
    g_direct: np.ndarray | float = 0.0,
    *,
    alpha: float = ALPHA_DARKZ,
) -> tuple[np.ndarray, np.ndarray]:
    """Vector and axial couplings (v, a) of L ⊃ Z_Dα ℓ̄ γ^α (v + a γ5) ℓ for a charged lepton.

    v = -e eps + g/(4 c_W) (4 s_W^2 - 1) eps_Z + g_D,   a = g/(4 c_W) eps_Z,

    i.e. eps x (photon coupling e Q_ℓ, 002 eq. (2.2)) + eps_Z x (Z coupling g/c_W (T_3 P_L - Q s_W^2),
    eq. (2.5)) + the direct vector coupling g_D of eqs. (3.1)-(3.2). This normalisation and the
    relative sign of eps and eps_Z reproduce the width (2.15) and g-2 formula (6.2); 002 sec. 4.5
    quotes the same v and a = -g/(4 c_W) eps_Z (opposite gamma_5 convention; only a^2 enters there).

    Example:
        >>> v, a = lepton_couplings(0.0, 1e-3)
        >>> round(float(v) * 1e5, 3), round(float(a) * 1e4, 3)
        (-1.368, 1.829)
    """
    e, g, s, c = electroweak(alpha)
    eps = np.asarray(eps, dtype=float)
    eps_Z = np.asarray(eps_Z, dtype=float)
    kz = g / (4.0 * c)
    v = -e * eps + kz * (4.0 * s**2 - 1.0) * eps_Z + np.asarray(g_direct, dtype=float)
    a = kz * eps_Z
    return v, a


def neutrino_couplings(
    eps_Z: np.ndarray | float, *, alpha: float = ALPHA_DARKZ
) -> tuple[np.ndarray, np.ndarray]:
    """(v, a) of one neutrino flavour: eps_Z g/c_W T_3 P_L = g/(4 c_W) eps_Z (1 - γ5), eq. (2.5)."""
    _, g, _, c = electroweak(alpha)
    kz = g / (4.0 * c) * np.asarray(eps_Z, dtype=float)
    return kz, -kz
