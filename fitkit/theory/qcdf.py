"""QCD-factorisation corrections to B -> V l l (V = K*, phi) at low q^2.

Beneke, Feldmann, Seidel, hep-ph/0106067 ("BFS2001") and hep-ph/0412400 ("BFS2004"). In the
heavy-quark limit the B -> V gamma* matrix elements of the four-quark operators O_1..O_6 and of
O_8 that do not factorise into a form factor are hard-scattering kernels convoluted with the
light-cone distribution amplitudes (LCDAs) of the B meson and of V, BFS2001 eq. (15)::

    T_a = xi_a C_a + pi^2/N_c f_B f_{V,a}/m_B sum_{+-} int dw/w Phi_{B,+-}(w) int du Phi_{V,a}(u) T_{a,+-}(u, w).

fitkit keeps the first (form-factor) term in its naive-factorisation amplitudes with full QCD
form factors (:mod:`fitkit.theory.bsll`) and adds the non-factorisable second term here, as
flavio 2.7.1 does (flavio/physics/bdecays/bvll/qcdf.py; the O(alpha_s) "factorisable"
kernels T^(f) of BFS2001 eqs. (20)-(22) are absorbed in the QCD form factors and left out):

- weak annihilation at leading power, T^(0)_{par,-} (BFS2001 eq. (18); with the up-quark and
  spectator-dependent coefficients of BFS2004 eqs. (46)-(48));
- hard spectator scattering at O(alpha_s) through O_8 and the four-quark operators
  (BFS2001 eqs. (23), (25), (26) for T^(1)_{perp,+}, T^(1)_{par,+}, T^(1)_{par,-}; the up-quark
  loops of BFS2004 eq. (50); the loop functions t_perp, t_par, B_0, I_1, L_1 of BFS2001 eqs.
  (27)-(32) and h(s, m) of eq. (11), :func:`fitkit.theory.wilson_sm.loop_h`);
- the power-suppressed weak annihilation of the transverse amplitude (BFS2004 eq. (51)).

Not included (as in flavio): the power-suppressed hard-spectator terms of BFS2004 eqs. (52)-(53).
Where the two public implementations read (23) differently -- the m_b/m_B term of the b-quark loop,
coefficient 1 in flavio, 4 in EOS -- fitkit follows flavio; the other reading changes T_perp by
6e-4 (1e-5 of the rate). Equation numbers are those the flavio and EOS sources attribute; the
papers' full texts were not available to this implementation.

The B-meson LCDAs are the exponential model of BFS2001 eq. (54), Phi_B+(w) = w/w0^2 e^{-w/w0},
Phi_B-(w) = e^{-w/w0}/w0, with w0 = 2 Lambda-bar/3 and Lambda-bar = m_B - m_b (pole), which
gives lambda_B,+ = w0 and the q^2-dependent lambda_B,-(q^2)^{-1} = e^{-x}/w0 [-Ei(x) + i pi],
x = q^2/(m_B w0). The V LCDAs are the Gegenbauer expansion to second order,
Phi_V(u) = 6 u (1-u) [1 + a1 C_1^{3/2}(2u-1) + a2 C_2^{3/2}(2u-1)]. Inputs (f_B, f_V, f_V^perp,
a1, a2) are in :mod:`fitkit.constants`; C_1..C_6, C_8eff (CMM basis), alpha_s, the pole masses
m_b, m_c at mu_b = 4.8 GeV in :mod:`fitkit.theory.wilson_sm`. These are the choices of flavio
2.7.1, so the two codes agree to the precision of the u integral (tests/theory/test_qcdf.py).

The corrections depend on the SM coefficients only (new physics in C_7, C_9, C_10 and primed
coefficients does not enter the kernels); flavio 2.7.1 likewise evaluates them with SM
coefficients (its default, interpolated implementation) and applies them below q^2 = 8.9
GeV^2, where :func:`transversity_nf` switches them off too (BFS warn that QCD factorisation
is not reliable above ~6 GeV^2). The transversity amplitudes they add (T_perp, T_par in place of
m_b-scaled C_7 xi_perp, xi_par at large recoil, cf. Bobeth, Hiller, Piranishvili arXiv:0805.2525
app. C, with flavio's kinematic factors; in the normalisation of :func:`fitkit.theory.bsll.hadronic`,
checked against flavio 2.7.1's rates)::

    A_perp += sqrt2 2 m_b (m_B^2 - q^2)/q^2 T_perp,    A_par += -sqrt2 2 m_b (m_B^2 - q^2)/q^2 T_perp,
    A_0 += m_b (m_B^2 - q^2)^2 / (m_B^2 m_V sqrt(q^2)) T_par,

to both lepton chiralities (they are vector-current amplitudes, like C_7 and C_9).

CP average. The amplitudes depend on the weak phase only through eps_u = xi_u/xi_t (the up-quark
loops and, for B+, the tree-level annihilation eps_u (-3 C2), which changes T_perp and T_par of
B+ -> K*+ by more than half between b -> s and b-bar -> s-bar, and its low-q^2 rate by ~2 %). Measured rates are CP averages: with A = A_0 + eps_u B,
[|A(eps_u)|^2 + |A(eps_u^*)|^2]/2 = |A(Re eps_u)|^2 + (Im eps_u)^2 |B|^2, and the last term is at
most 4e-4 of the rate (B+ -> K*+ at 0.5 GeV^2; tested), so the amplitudes here are evaluated with
Re eps_u (the strong phases are kept) and that term is left out.
With the b -> s amplitude instead, B+ -> K*+ l l would be 1.2 % above flavio's CP average at low q^2
(B -> K* from the C9eff up-quark loop of :mod:`fitkit.theory.wilson_sm` remains O(1e-3), as stated
in :mod:`fitkit.theory.bsll`).

The u integrals use fixed Gauss-Legendre nodes, split at the charm threshold
u_c = (m_B^2 - 4 m_c^2)/(m_B^2 - q^2) of the O_1, O_2 loops and mapped by u = a + (b-a)(3t^2 - 2t^3)
on each part (which smooths the endpoint and threshold behaviour); all q^2 nodes are done at
once. :func:`transversity_nf` interpolates a cubic spline in ln q^2 (computed once per channel,
~0.3 s), so the hot paths pay one spline evaluation per q^2 node.

Example:
    >>> from fitkit.theory.bsll import channel
    >>> t_perp, t_par = qcdf_amplitudes(channel(("B0", "K*")), np.array([1.0]))
    >>> [round(float(abs(t)), 4) for t in (t_perp[0], t_par[0])]
    [0.0038, 0.0066]
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

import numpy as np
from scipy.interpolate import CubicSpline
from scipy.special import expi, spence

from fitkit.constants import F_B, F_V_PARA, F_V_PERP_2GEV, GEGENBAUER_V, M_B_MSBAR
from fitkit.theory.wilson_sm import MU_B, loop_h, sm_coefficients, xi_ratio

if TYPE_CHECKING:
    from fitkit.theory.bsll import Channel

__all__ = [
    "Q2_MAX_QCDF",
    "SPECTATOR_CHARGE",
    "f_perp",
    "lcda_v",
    "omega0",
    "inverse_lambda_b_minus",
    "b0_loop",
    "l1_function",
    "i1_loop",
    "t_perp_par",
    "t_perp",
    "t_par",
    "qcdf_amplitudes",
    "transversity_nf",
]

#: The corrections are applied below this q^2 (GeV^2), as in flavio 2.7.1.
Q2_MAX_QCDF: float = 8.9
#: Electric charge of the spectator quark: d in B0, u in B+, s in Bs.
SPECTATOR_CHARGE: dict[str, float] = {"B0": -1.0 / 3.0, "B+": 2.0 / 3.0, "Bs": -1.0 / 3.0}
#: Up- and down-type quark charges (the quark in the loop of the four-quark kernels).
E_U, E_D = 2.0 / 3.0, -1.0 / 3.0
#: Gauss-Legendre nodes per part of the u integral (two parts, split at the charm threshold).
N_U_NODES: int = 24
#: Small imaginary part of the loop masses, m^2 -> m^2 - i eps (GeV^2), Feynman prescription.
I_EPS: float = 1e-9
#: Table of :func:`transversity_nf`: N_TABLE nodes uniform in ln q^2 from Q2_TABLE_MIN to 1 GeV^2,
#: and N_TABLE uniform in q^2 from 1 GeV^2 to Q2_MAX_QCDF (cubic spline in ln q^2).
Q2_TABLE_MIN: float = 1e-7
N_TABLE: int = 80


def _meson(ch: Channel) -> str:
    name = "phi" if ch.final == "phi" else "K*"
    if ch.kind != "V" or name not in F_V_PARA:
        raise ValueError(f"QCD factorisation is implemented for B -> K*, Bs -> phi, not {ch.initial}->{ch.final}")
    return name


@cache
def f_perp(meson: str, mu: float = MU_B) -> float:
    """Transverse decay constant f_V^perp(mu) in GeV from its value at 2 GeV (:data:`F_V_PERP_2GEV`),
    leading-order evolution f(mu) = f(mu0) [alpha_s(mu)/alpha_s(mu0)]^{4/(3 beta_0)}
    (anomalous dimension gamma_0 = 8/3 of the tensor current, beta_0 = 11 - 2 n_f/3), with n_f = 4
    from 2 GeV to m_b(m_b) = 4.183 GeV and n_f = 5 above; alpha_s runs at one loop down from
    alpha_s(mu_b) of the SM input file. (flavio's 3-flavour start gives a 0.7 % smaller f^perp.)

    Example:
        >>> round(f_perp("K*"), 4)
        0.1384
    """
    a_mu = sm_coefficients(mu).alpha_s
    factor = 1.0
    a_hi, lo = a_mu, M_B_MSBAR
    for nf, (start, stop) in ((5, (mu, lo)), (4, (lo, 2.0))):
        beta0 = 11.0 - 2.0 * nf / 3.0
        a_lo = a_hi / (1.0 + beta0 * a_hi / (2.0 * np.pi) * np.log(stop / start))
        factor *= (a_hi / a_lo) ** (4.0 / (3.0 * beta0))
        a_hi = a_lo
    return float(F_V_PERP_2GEV[meson] * factor)


def lcda_v(u: np.ndarray, a1: float, a2: float) -> np.ndarray:
    """Light-meson leading-twist LCDA to second order in Gegenbauer polynomials C_n^{3/2}::

        Phi_V(u) = 6 u (1-u) [1 + a1 3 x + a2 3/2 (5 x^2 - 1)],   x = 2u - 1.
    """
    x = 2.0 * u - 1.0
    return 6.0 * u * (1.0 - u) * (1.0 + 3.0 * a1 * x + 1.5 * a2 * (5.0 * x * x - 1.0))


def omega0(m_B: float, mu: float = MU_B) -> float:
    """w0 = lambda_B,+ = 2 Lambda-bar/3, Lambda-bar = m_B - m_b (pole) (GeV; BFS2001 eq. (54))."""
    return 2.0 * (m_B - sm_coefficients(mu).m_b_pole) / 3.0


def inverse_lambda_b_minus(q2: np.ndarray, m_B: float, mu: float = MU_B) -> np.ndarray:
    """lambda_B,-(q^2)^{-1} = int dw Phi_B-(w)/(w - q^2/m_B - i0) of the exponential model
    (BFS2001 eq. (54)): e^{-x}/w0 [-Ei(x) + i pi], x = q^2/(m_B w0) (GeV^-1; q^2 > 0)."""
    w0 = omega0(m_B, mu)
    x = np.asarray(q2, dtype=float) / (m_B * w0)
    return np.exp(-x) / w0 * (-expi(x) + 1j * np.pi)


def b0_loop(s: np.ndarray, m: float) -> np.ndarray:
    """B_0(s, m) = -2 sqrt(4 m^2/s - 1) arctan(1/sqrt(4 m^2/s - 1)) (BFS2001 eq. (29)), m > 0,
    m^2 -> m^2 - i eps; B_0(0, m) = -2."""
    s = np.asarray(s, dtype=float)
    r = np.sqrt(4.0 * (m * m - 1j * I_EPS) / s - 1.0 + 0j)
    return -2.0 * r * np.arctan(1.0 / r)


def l1_function(x: np.ndarray) -> np.ndarray:
    """L_1(x) = ln((x-1)/x) ln(1-x) - pi^2/6 + Li_2(x/(x-1)) (BFS2001 eq. (32)), complex x;
    Li_2(z) = spence(1 - z) (scipy's convention)."""
    x = np.asarray(x, dtype=complex)
    return np.log((x - 1.0) / x) * np.log(1.0 - x) - np.pi**2 / 6.0 + spence(1.0 - x / (x - 1.0))


def i1_loop(q2: np.ndarray, u: np.ndarray, m: float, m_B: float) -> np.ndarray:
    """I_1(u) of BFS2001 eqs. (30)-(31), m > 0::

        I_1 = 1 + 2 m^2/(ubar (m_B^2 - q^2)) [L_1(x+) + L_1(x-) - L_1(y+) - L_1(y-)],
        x+- = 1/2 +- sqrt(1/4 - m^2/(ubar m_B^2 + u q^2)),  y+- = 1/2 +- sqrt(1/4 - m^2/q^2),

    with m^2 -> m^2 - i eps. (For m = 0, I_1 = 1.)
    """
    ubar = 1.0 - u
    m2 = m * m - 1j * I_EPS
    x0 = np.sqrt(0.25 - m2 / (ubar * m_B**2 + u * q2))
    y0 = np.sqrt(0.25 - m2 / q2)
    ls = l1_function(0.5 + x0) + l1_function(0.5 - x0) - l1_function(0.5 + y0) - l1_function(0.5 - y0)
    return 1.0 + 2.0 * m2 / (ubar * (m_B**2 - q2)) * ls


def _loop_pieces(q2: np.ndarray, u: np.ndarray, m: float, m_B: float) -> tuple[np.ndarray, np.ndarray]:
    """I_1 and B_0(ubar m_B^2 + u q^2, m) - B_0(q^2, m); for m = 0: 1 and ln(q^2/(ubar m_B^2 + u q^2))."""
    s1 = (1.0 - u) * m_B**2 + u * q2
    if m == 0.0:
        return np.ones_like(s1, dtype=complex), np.log(q2 / s1) + 0j
    return i1_loop(q2, u, m, m_B), b0_loop(s1, m) - b0_loop(q2, m)


def _energy(q2: np.ndarray, m_B: float, m_V: float) -> np.ndarray:
    """Energy of V in the B rest frame, E = (m_B^2 + m_V^2 - q^2)/(2 m_B)."""
    return (m_B**2 + m_V**2 - q2) / (2.0 * m_B)


def t_perp_par(q2: np.ndarray, u: np.ndarray, m: float, m_B: float, m_V: float) -> tuple[np.ndarray, np.ndarray]:
    """t_perp(u, m) and t_par(u, m) of BFS2001 eqs. (27)-(28) (sharing I_1 and B_0)::

        t_perp = 2 m_B/(ubar E) I_1(u) + q^2/(ubar^2 E^2) [B_0(ubar m_B^2 + u q^2) - B_0(q^2)],
        t_par  = 2 m_B/(ubar E) I_1(u) + (ubar m_B^2 + u q^2)/(ubar^2 E^2) [B_0(ubar m_B^2 + u q^2) - B_0(q^2)];

    q^2 > 0, broadcasting ``q2`` against ``u``.
    """
    ubar, e = 1.0 - u, _energy(q2, m_B, m_V)
    i1, db0 = _loop_pieces(q2, u, m, m_B)
    first = 2.0 * m_B / (ubar * e) * i1
    db0 = db0 / (ubar * ubar * e * e)
    return first + q2 * db0, first + (ubar * m_B**2 + u * q2) * db0


def t_perp(q2: np.ndarray, u: np.ndarray, m: float, m_B: float, m_V: float) -> np.ndarray:
    """t_perp(u, m) of BFS2001 eq. (27) (see :func:`t_perp_par`)."""
    return t_perp_par(q2, u, m, m_B, m_V)[0]


def t_par(q2: np.ndarray, u: np.ndarray, m: float, m_B: float, m_V: float) -> np.ndarray:
    """t_par(u, m) of BFS2001 eq. (28) (see :func:`t_perp_par`)."""
    return t_perp_par(q2, u, m, m_B, m_V)[1]


@cache
def _reference_rule(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Legendre on [0, 1] mapped by u = 3t^2 - 2t^3 (du = 6 t (1-t) dt)."""
    x, w = np.polynomial.legendre.leggauss(n)
    t, wt = 0.5 * (x + 1.0), 0.5 * w
    return 3.0 * t * t - 2.0 * t**3, 6.0 * t * (1.0 - t) * wt


def _u_rule(q2: np.ndarray, m_B: float, m_c: float) -> tuple[np.ndarray, np.ndarray]:
    """Nodes and weights (n_q2, 2 N_U_NODES) for int_0^1 du, split at the charm threshold
    u_c = (m_B^2 - 4 m_c^2)/(m_B^2 - q^2) (at 1 when q^2 >= 4 m_c^2)."""
    t, wt = _reference_rule(N_U_NODES)
    uc = np.clip((m_B**2 - 4.0 * m_c**2) / (m_B**2 - q2), 0.05, 1.0)[:, None]
    u = np.concatenate([uc * t, uc + (1.0 - uc) * t], axis=1)
    w = np.concatenate([uc * wt, (1.0 - uc) * wt], axis=1)
    return u, w


def _penguin_annihilation(ch: Channel, c, eps: complex) -> complex:
    """C_q^34 + eps_u C_q^12 of the annihilation kernel (BFS2001 eq. (18), BFS2004 eqs. (46)-(48)):
    C3 + 4/3 (C4 + 12 C5 + 16 C6) for every spectator; the tree operator O_2 annihilates with an
    up spectator (B+): eps_u (-3 C2), eps_u = xi_u/xi_t; for a phi (s s-bar from the spectator s)
    the penguin operators contract in a second way, + 6 (C3 + 10 C5) (as in flavio 2.7.1)."""
    t = c.C3 + 4.0 / 3.0 * (c.C4 + 12.0 * c.C5 + 16.0 * c.C6)
    if ch.initial == "B+":
        t = t + eps * (-3.0 * c.C2)
    if ch.final == "phi":
        t = t + 6.0 * (c.C3 + 10.0 * c.C5)
    return complex(t)


def qcdf_amplitudes(
    ch: Channel, q2: np.ndarray, mu: float = MU_B, eps_u: complex | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The non-factorisable parts of BFS2001 eq. (15), T_perp(q^2) and T_par(q^2) (dimensionless,
    complex, shape of ``q2``; q^2 > 0 and below the charm threshold)::

        T_perp = N_perp [1/lambda_B+ int du Phi_perp(u) alpha_s C_F/(4 pi) T^(1)_{perp,+}(u)
                 + WA power corrections (BFS2004 eq. (51))],
        T_par  = N_par [1/lambda_B-(q^2) int du Phi_par(u) (T^(0)_{par,-} + alpha_s C_F/(4 pi) T^(1)_{par,-}(u))
                 + 1/lambda_B+ int du Phi_par(u) alpha_s C_F/(4 pi) T^(1)_{par,+}(u)],

    N_perp = pi^2/3 f_B f_V^perp(mu)/m_B, N_par = pi^2/3 f_B f_V/m_B m_V/E, with the kernels
    (BFS2001 eqs. (18), (23), (25), (26); C_F = 4/3, so alpha_s C_F/(4 pi) = alpha_s/(3 pi))::

        T^(1)_{perp,+} = -4 e_d C8/(u + ubar q^2/m_B^2) + m_B/(2 m_b) [e_u t_perp(u, m_c) (C2 - C1/6 + 6 C6)
                         + e_d t_perp(u, m_b) (C3 - C4/6 + 16 C5 + 10/3 C6 - m_b/m_B (C3 - C4/6 + 4 C5 - 2/3 C6))
                         + e_d t_perp(u, 0) (C3 - C4/6 + 16 C5 - 8/3 C6)],
        T^(1)_{par,+}  = m_B/m_b [e_u t_par(u, m_c) (C2 - C1/6 + 6 C6) + e_d t_par(u, m_b) (C3 - C4/6 + 16 C5
                         + 10/3 C6) + e_d t_par(u, 0) (C3 - C4/6 + 16 C5 - 8/3 C6)],
        T^(1)_{par,-}  = 8 e_q C8/(ubar + u q^2/m_B^2) + 6 e_q m_B/m_b [h(s_u, m_c) (C2 - C1/6 + C4 + 10 C6)
                         + h(s_u, m_b) (C3 + 5/6 C4 + 16 C5 + 22/3 C6) + h(s_u, 0) (C3 + 17/6 C4 + 16 C5 + 82/3 C6)
                         - 8/27 (-15/2 C4 + 12 C5 - 32 C6)],   s_u = ubar m_B^2 + u q^2,
        T^(0)_{par,-}  = -e_q 4 m_B/m_b (C_q^34 + eps_u C_q^12)   (weak annihilation),

    plus, with eps_u = xi_u/xi_t, the up-quark loops eps_u (C2 - C1/6) [e_u m_B/(2 m_b) (t_perp(m_c) - t_perp(0)),
    e_u m_B/m_b (t_par(m_c) - t_par(0)), 6 e_q m_B/m_b (h(m_c) - h(0))] (BFS2004 eq. (50)). The
    transverse weak annihilation at O(1/m_b) (BFS2004 eq. (51)) adds to T_perp::

        N_perp [int du Phi_perp(u)/(ubar + u q^2/m_B^2) (-4 e_q/m_b) (C3 + 4/3 (C4 + 3 C5 + 4 C6))
                + 1/lambda_B+ f_V/f_V^perp m_V/(1 - q^2/m_B^2) 2 e_q/m_b (C_q^34 + eps_u C_q^12)].

    m_b, m_c are pole masses; h is :func:`fitkit.theory.wilson_sm.loop_h` at mu. ``eps_u``: xi_u/xi_t
    of the b -> s decay; by default its real part, which gives the CP-averaged rate (see the module
    docstring).
    """
    meson = _meson(ch)
    c = sm_coefficients(mu)
    mB, mV, mb, mc = ch.m_B, ch.m_M, c.m_b_pole, c.m_c_pole
    eq = SPECTATOR_CHARGE[ch.initial]
    eps = xi_ratio().real if eps_u is None else eps_u
    a1_par, a2_par, a1_perp, a2_perp = GEGENBAUER_V[meson]
    f_par, f_perp_mu = F_V_PARA[meson], f_perp(meson, mu)
    shape = np.shape(q2)
    q = np.asarray(q2, dtype=float).reshape(-1)
    u, w = _u_rule(q, mB, mc)
    q = q[:, None]
    ubar = 1.0 - u
    k_as = c.alpha_s / (3.0 * np.pi)
    e = _energy(q, mB, mV)
    c1, c2, c3, c4, c5, c6, c8 = c.C1, c.C2, c.C3, c.C4, c.C5, c.C6, c.C8eff
    a_c = c2 - c1 / 6.0  # the charm (and eps_u up-quark) loop coefficient
    wa = _penguin_annihilation(ch, c, eps)

    # BFS2001 eqs. (23), (25), (26) (+ BFS2004 eq. (50) for the eps_u terms): the kernels
    (tp_c, tl_c), (tp_b, tl_b), (tp_0, tl_0) = (t_perp_par(q, u, m, mB, mV) for m in (mc, mb, 0.0))
    k_perp_plus = -4.0 * E_D * c8 / (u + ubar * q / mB**2) + mB / (2.0 * mb) * (
        E_U * tp_c * (a_c + 6.0 * c6)
        + E_D * tp_b * (c3 - c4 / 6.0 + 16.0 * c5 + 10.0 / 3.0 * c6 - mb / mB * (c3 - c4 / 6.0 + 4.0 * c5 - 2.0 / 3.0 * c6))
        + E_D * tp_0 * (c3 - c4 / 6.0 + 16.0 * c5 - 8.0 / 3.0 * c6)
        + eps * E_U * (tp_c - tp_0) * a_c
    )
    k_par_plus = mB / mb * (
        E_U * tl_c * (a_c + 6.0 * c6)
        + E_D * tl_b * (c3 - c4 / 6.0 + 16.0 * c5 + 10.0 / 3.0 * c6)
        + E_D * tl_0 * (c3 - c4 / 6.0 + 16.0 * c5 - 8.0 / 3.0 * c6)
        + eps * E_U * (tl_c - tl_0) * a_c
    )
    s_u = ubar * mB**2 + u * q
    h_c, h_b, h_0 = (loop_h(s_u, m, mu) for m in (mc, mb, 0.0))
    k_par_minus = 8.0 * eq * c8 / (ubar + u * q / mB**2) + 6.0 * eq * mB / mb * (
        h_c * (a_c + c4 + 10.0 * c6)
        + h_b * (c3 + 5.0 / 6.0 * c4 + 16.0 * c5 + 22.0 / 3.0 * c6)
        + h_0 * (c3 + 17.0 / 6.0 * c4 + 16.0 * c5 + 82.0 / 3.0 * c6)
        - 8.0 / 27.0 * (-7.5 * c4 + 12.0 * c5 - 32.0 * c6)
        + eps * (h_c - h_0) * a_c
    )
    k_par_minus0 = -eq * 4.0 * mB / mb * wa  # BFS2001 eq. (18): u-independent, int Phi_par du = 1

    phi_perp = w * lcda_v(u, a1_perp, a2_perp)
    phi_par = w * lcda_v(u, a1_par, a2_par)
    inv_lp = 1.0 / omega0(mB, mu)
    inv_lm = inverse_lambda_b_minus(q[:, 0], mB, mu)
    n_perp = np.pi**2 / 3.0 * F_B[ch.initial] * f_perp_mu / mB
    n_par = np.pi**2 / 3.0 * F_B[ch.initial] * f_par / mB * mV / e[:, 0]

    # BFS2001 eq. (15)
    perp = inv_lp * k_as * np.sum(phi_perp * k_perp_plus, axis=1)
    # BFS2004 eq. (51): weak annihilation at O(1/m_b) in the transverse amplitude
    wa_c = c3 + 4.0 / 3.0 * (c4 + 3.0 * c5 + 4.0 * c6)
    perp = perp + np.sum(phi_perp / (ubar + u * q / mB**2), axis=1) * (-4.0 * eq / mb * wa_c)
    perp = perp + inv_lp * f_par / f_perp_mu * mV / (1.0 - q[:, 0] / mB**2) * 2.0 * eq / mb * wa
    par = inv_lm * (k_par_minus0 + k_as * np.sum(phi_par * k_par_minus, axis=1))
    par = par + inv_lp * k_as * np.sum(phi_par * k_par_plus, axis=1)
    return (n_perp * perp).reshape(shape), (n_par * par).reshape(shape)


@cache
def _table(ch: Channel, mu: float) -> CubicSpline:
    """Cubic spline in ln q^2 of (T_perp, T_par) at the table nodes (see :data:`N_TABLE`)."""
    q2 = np.concatenate([np.geomspace(Q2_TABLE_MIN, 1.0, N_TABLE), np.linspace(1.0, Q2_MAX_QCDF, N_TABLE)[1:]])
    tp, tl = qcdf_amplitudes(ch, q2, mu)
    return CubicSpline(np.log(q2), np.stack([tp, tl], axis=-1))


def transversity_nf(ch: Channel, q2: np.ndarray, mu: float = MU_B) -> dict[str, np.ndarray]:
    """The QCD-factorisation transversity amplitudes ``perp``, ``par``, ``zero`` (complex, shape of
    ``q2``) in the normalisation of :func:`fitkit.theory.bsll.hadronic` (see the module docstring),
    zero at and above :data:`Q2_MAX_QCDF`. T_perp, T_par come from a cubic spline in ln q^2 through
    :func:`qcdf_amplitudes` at 2 N_TABLE - 1 nodes, computed once per channel (relative accuracy
    better than 1e-5, tested).
    """
    q2 = np.asarray(q2, dtype=float)
    qs = np.clip(q2, Q2_TABLE_MIN, Q2_MAX_QCDF)
    t = _table(ch, mu)(np.log(qs))
    tp, tl = t[..., 0], t[..., 1]
    mB, mV, mb = ch.m_B, ch.m_M, sm_coefficients(mu).m_b_pole
    on = np.where(q2 < Q2_MAX_QCDF, 1.0, 0.0)
    perp = on * np.sqrt(2.0) * 2.0 * mb * (mB * mB - qs) / qs * tp
    zero = on * mb * (mB * mB - qs) ** 2 / (mB * mB * mV * np.sqrt(qs)) * tl
    return {"perp": perp, "par": -perp, "zero": zero}
