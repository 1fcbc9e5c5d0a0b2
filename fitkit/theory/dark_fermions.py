"""Rates of the massless dark photon of 000: B -> K Q Qbar, B -> V gamma_D, and the SM reference.

Pure formulas of Gabrielli, Marzola, Muursepp, Raidal, EPJC (2024) (``000``), vectorised with
numpy broadcasting (parameters of shape ``(n_points, 1)`` against q^2 nodes ``(n_nodes,)``):

- :func:`dgamma_ds_hat` — d Gamma / d s_hat (B -> K Q_i Qbar_i) of 000 eq. (3.6) with lambda
  and u_bar of (3.7), on the range (3.8), optionally times the Sommerfeld-Fermi factor
  Omega(beta_12) of (3.13)-(3.14) and with lambda -> lambda (1 + Delta_M) of (3.15)-(3.17);
- :func:`partial_width` — its integral over q^2 windows (Gauss-Legendre after the substitution
  q^2 = a + (b - a) t^2, which makes the threshold behaviour sqrt(q^2 - 4 m_Q^2), and the
  1/sqrt(q^2 - 4 m_Q^2) of |F_2|^2 and of the relativistic Sommerfeld factor, smooth);
- :func:`sm_dgamma_ds_hat_knunu` — the SM B+ -> K+ nu nubar spectrum of 000 eq. (3.10);
- :func:`gamma_b_to_vector_dark_photon` — Gamma(B -> V gamma_D) of 000 eq. (4.4);
- :func:`missing_energy_two_body` — the monochromatic E_miss of B -> V gamma_D.

Units: GeV and GeV^2 throughout; ``Lambda`` (the scale of the dipole operator (2.1)) in GeV;
widths in GeV; ``s_hat = q^2 / m_B^2`` dimensionless.

The relative velocity of (3.14) is printed in 000 as beta_12 = sqrt(1 - m_Q^4/(s - 2 m_Q^2)^2);
the relativistic relative velocity of two particles of mass m_Q is
sqrt(1 - 4 m_Q^4/(s - 2 m_Q^2)^2) (it vanishes at threshold). ``beta_convention='paper'``
(default) implements the printed formula, ``'relativistic'`` the latter; both coincide for
m_Q -> 0 and the choice changes BR(B+ -> K+ Q Qbar) at m_Q = 0.5 GeV, alpha_D = 1 by a few
per cent (pinned in tests/theory/test_dark_fermions.py).

Example:
    >>> from fitkit.constants import M_BPLUS, M_KPLUS
    >>> round(float(kallen_hat(0.0, M_KPLUS / M_BPLUS)), 4)  # (1 - m_K^2/m_B^2)^2
    0.9826
    >>> round(float(sommerfeld_fermi(10.0, 0.0, 1.0)), 3)  # 2 pi / (1 - e^{-2 pi})
    6.295
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Literal

import numpy as np

from fitkit.constants import G_F
from fitkit.theory.kinematics import kallen

__all__ = [
    "BetaConvention",
    "kallen_hat",
    "u_bar",
    "s_hat_range",
    "beta_12",
    "sommerfeld_fermi",
    "magnetic_f2",
    "delta_m",
    "dgamma_ds_hat",
    "partial_width",
    "sm_dgamma_ds_hat_knunu",
    "gamma_b_to_vector_dark_photon",
    "missing_energy_two_body",
    "threshold_nodes",
]

BetaConvention = Literal["paper", "relativistic"]


def kallen_hat(s_hat: np.ndarray | float, mk_hat: float) -> np.ndarray:
    """lambda(s_hat) = 1 + m_K^4 + s^2 - 2 s - 2 m_K^2 (1 + s), hats = / m_B (000 eq. (3.7)):
    the Källén function lambda(1, m_K_hat^2, s_hat) of :func:`fitkit.theory.kinematics.kallen`."""
    return kallen(1.0, mk_hat**2, np.asarray(s_hat, dtype=float))


def u_bar(s_hat: np.ndarray | float, mk_hat: float, mq_hat: np.ndarray | float) -> np.ndarray:
    """u_bar(s_hat) = sqrt(lambda (1 - 4 m_Q^2/s_hat)) of 000 eq. (3.7); 0 outside (3.8)."""
    s = np.asarray(s_hat, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        arg = kallen_hat(s, mk_hat) * (1.0 - 4.0 * np.asarray(mq_hat) ** 2 / s)
    return np.sqrt(np.where(np.isfinite(arg) & (arg > 0), arg, 0.0))


def s_hat_range(mq_hat: np.ndarray | float, mk_hat: float) -> tuple[np.ndarray, float]:
    """Kinematic range 4 m_Q^2 <= s_hat <= (1 - m_K)^2 of 000 eq. (3.8) (hatted masses)."""
    return 4.0 * np.asarray(mq_hat, dtype=float) ** 2, (1.0 - mk_hat) ** 2


def beta_12(
    s: np.ndarray | float, m_Q: np.ndarray | float, convention: BetaConvention = "paper"
) -> np.ndarray:
    """Relative velocity of the dark-fermion pair at q^2 = s (GeV^2), 000 eq. (3.14).

    ``'paper'``: sqrt(1 - m_Q^4/(s - 2 m_Q^2)^2) as printed; ``'relativistic'``:
    sqrt(1 - 4 m_Q^4/(s - 2 m_Q^2)^2). Values below threshold are clipped to 0.

    Example:
        >>> round(float(beta_12(1.0, 0.5)), 4), round(float(beta_12(1.0, 0.5, "relativistic")), 4)
        (0.866, 0.0)
    """
    s = np.asarray(s, dtype=float)
    m2 = np.asarray(m_Q, dtype=float) ** 2
    k = 1.0 if convention == "paper" else 4.0
    if convention not in ("paper", "relativistic"):
        raise ValueError(f"beta_convention must be 'paper' or 'relativistic', got {convention!r}")
    with np.errstate(divide="ignore", invalid="ignore"):
        arg = 1.0 - k * m2 * m2 / (s - 2.0 * m2) ** 2
    return np.sqrt(np.clip(np.where(np.isfinite(arg), arg, 0.0), 0.0, 1.0))


def sommerfeld_fermi(
    s: np.ndarray | float,
    m_Q: np.ndarray | float,
    alpha_D: np.ndarray | float,
    charge: np.ndarray | float = 1.0,
    convention: BetaConvention = "paper",
) -> np.ndarray:
    """Omega(beta_12) = x / (1 - exp(-x)), x = 2 pi alpha_D q_i^2 / beta_12 (000 eq. (3.13)).

    Omega -> 1 for alpha_D -> 0; Omega grows like x for small beta_12 (attractive Q Qbar).
    """
    beta = np.maximum(beta_12(s, m_Q, convention), 1e-300)
    x = 2.0 * math.pi * np.asarray(alpha_D, dtype=float) * np.asarray(charge, dtype=float) ** 2 / beta
    small = x < 1e-8
    xs = np.where(small, 1.0, x)
    return np.where(small, 1.0 + 0.5 * x, xs / -np.expm1(-xs))


def magnetic_f2(
    s_hat: np.ndarray | float, mq_hat: np.ndarray | float, alpha_D: np.ndarray | float
) -> np.ndarray:
    """Dark magnetic form factor F_2(s_hat) of 000 eq. (3.17) (complex; time-like s_hat > 4 m_Q^2).

    F_2 = alpha_D/(2 pi) m_Q / sqrt(s (s - 4 m_Q^2)) log[(2 m_Q^2 - s + sqrt(s (s - 4 m_Q^2)))/(2 m_Q^2)]
    with hatted quantities; the argument of the log is negative above threshold, so the log is
    log|.| + i pi. F_2 = 0 for m_Q = 0 and below threshold.

    Example:
        >>> f2 = magnetic_f2(0.5, 0.5 / 5.27934, 1.0)
        >>> round(float(f2.real), 4), round(float(f2.imag), 4)
        (-0.1247, 0.0983)
    """
    s = np.asarray(s_hat, dtype=float)
    m = np.asarray(mq_hat, dtype=float)
    m2 = m * m
    ok = (m > 0) & (s > 4.0 * m2)
    r = np.sqrt(np.where(ok, s * (s - 4.0 * m2), 1.0))
    m2s = np.where(ok, m2, 1.0)
    ratio = np.where(ok, (2.0 * m2s - s + r) / (2.0 * m2s), -1.0)
    log = np.log(np.abs(ratio)) + 1j * math.pi * (ratio < 0)
    return np.where(ok, np.asarray(alpha_D, dtype=float) / (2.0 * math.pi) * m / r * log, 0.0 + 0.0j)


def delta_m(
    s_hat: np.ndarray | float, mq_hat: np.ndarray | float, alpha_D: np.ndarray | float
) -> np.ndarray:
    """Delta_M = 4 m_Q Re F_2 + |F_2|^2 (s + 8 m_Q^2)/3, hatted (000 eq. (3.16))."""
    f2 = magnetic_f2(s_hat, mq_hat, alpha_D)
    m = np.asarray(mq_hat, dtype=float)
    return 4.0 * m * f2.real + np.abs(f2) ** 2 * (np.asarray(s_hat, dtype=float) + 8.0 * m * m) / 3.0


def dgamma_ds_hat(
    s_hat: np.ndarray | float,
    *,
    f_t: np.ndarray | float,
    alpha_D: np.ndarray | float,
    Lambda: np.ndarray | float,
    m_Q: np.ndarray | float,
    m_B: float,
    m_K: float,
    charge: np.ndarray | float = 1.0,
    sommerfeld: bool = True,
    magnetic: bool = False,
    beta_convention: BetaConvention = "paper",
) -> np.ndarray:
    """d Gamma / d s_hat (B -> K Q_i Qbar_i) in GeV for one dark-fermion generation.

    000 eq. (3.6), with the b-quark mass cancelling between m_b^-2 and m_b_hat^2::

        dGamma/ds_hat = alpha_D q_i^2 m_B^3 / (32 pi^2 Lambda^2) u_bar (lambda - u_bar^2/3)
                        |f_T(s)|^2 / (1 + m_K_hat)^2,

    times Omega(beta_12) of (3.13) if ``sommerfeld`` and with lambda -> lambda (1 + Delta_M)
    of (3.15) in the explicit lambda (the dark-current factor) if ``magnetic``. The charge
    q_i of (2.2) enters as alpha_D -> alpha_D q_i^2 (000 sets q_i = 1). Zero outside (3.8).

    Args:
        s_hat: q^2/m_B^2.
        f_t: tensor form factor f_T(q^2) at the same points (000 eq. (3.4)).
        alpha_D: dark fine-structure constant. Lambda: dipole scale of (2.1), GeV.
        m_Q: dark-fermion mass, GeV. m_B, m_K: meson masses, GeV.
    """
    s = np.asarray(s_hat, dtype=float)
    mk = m_K / m_B
    mq = np.asarray(m_Q, dtype=float) / m_B
    lam = kallen_hat(s, mk)
    ub = u_bar(s, mk, mq)
    lam_eff = lam * (1.0 + delta_m(s, mq, alpha_D)) if magnetic else lam
    aq = np.asarray(alpha_D, dtype=float) * np.asarray(charge, dtype=float) ** 2
    rate = (
        aq * m_B**3 / (32.0 * math.pi**2 * np.asarray(Lambda, dtype=float) ** 2)
        * ub * (lam_eff - ub * ub / 3.0) * np.abs(f_t) ** 2 / (1.0 + mk) ** 2
    )
    if sommerfeld:
        rate = rate * sommerfeld_fermi(s * m_B**2, m_Q, alpha_D, charge, beta_convention)
    return np.where(ub > 0, rate, 0.0)


def threshold_nodes(
    a: np.ndarray, b: np.ndarray, n_nodes: int
) -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Legendre nodes and weights on [a, b] after x = a + (b - a) t^2, t in [0, 1].

    Returns arrays of shape ``a.shape + (n_nodes,)``; the weights include the Jacobian
    2 (b - a) t, and vanish where b <= a. Integrands behaving like (x - a)^(+-1/2) become
    smooth in t.

    Example:
        >>> x, w = threshold_nodes(np.array(0.0), np.array(1.0), 8)
        >>> round(float(np.sum(w * np.sqrt(x))), 12)  # int_0^1 sqrt(x) dx
        0.666666666667
    """
    t, wt = np.polynomial.legendre.leggauss(n_nodes)
    t, wt = 0.5 * (t + 1.0), 0.5 * wt
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    width = np.clip(b - a, 0.0, None)[..., None]
    x = a[..., None] + width * t * t
    return x, 2.0 * width * t * wt


def partial_width(
    q2_min: np.ndarray | float,
    q2_max: np.ndarray | float,
    *,
    form_factor: Callable[[np.ndarray], np.ndarray],
    alpha_D: np.ndarray | float,
    Lambda: np.ndarray | float,
    m_Q: np.ndarray | float,
    m_B: float,
    m_K: float,
    charge: np.ndarray | float = 1.0,
    sommerfeld: bool = True,
    magnetic: bool = False,
    beta_convention: BetaConvention = "paper",
    n_nodes: int = 48,
) -> np.ndarray:
    """Gamma(B -> K Q_i Qbar_i) in GeV with q^2 in [q2_min, q2_max] intersected with (3.8).

    All arguments broadcast together (e.g. parameters ``(n_points, 1)`` against bins
    ``(n_bins,)``); the result has the broadcast shape. ``form_factor(q2)`` gives f_T.
    """
    q2_lo = np.asarray(q2_min, dtype=float)
    q2_hi = np.asarray(q2_max, dtype=float)
    mq = np.asarray(m_Q, dtype=float)
    alpha = np.asarray(alpha_D, dtype=float)
    lam_ = np.asarray(Lambda, dtype=float)
    ch = np.asarray(charge, dtype=float)
    shape = np.broadcast_shapes(q2_lo.shape, q2_hi.shape, mq.shape, alpha.shape, lam_.shape, ch.shape)
    lo = np.broadcast_to(np.maximum(q2_lo, 4.0 * mq * mq), shape)
    hi = np.broadcast_to(np.minimum(q2_hi, (m_B - m_K) ** 2), shape)
    q2, w = threshold_nodes(lo, hi, n_nodes)
    rate = dgamma_ds_hat(
        q2 / m_B**2,
        f_t=form_factor(q2),
        alpha_D=alpha[..., None],
        Lambda=lam_[..., None],
        m_Q=mq[..., None],
        m_B=m_B,
        m_K=m_K,
        charge=ch[..., None],
        sommerfeld=sommerfeld,
        magnetic=magnetic,
        beta_convention=beta_convention,
    )
    return np.sum(w * rate, axis=-1) / m_B**2


def sm_dgamma_ds_hat_knunu(
    s_hat: np.ndarray | float,
    *,
    f_plus: np.ndarray | float,
    m_B: float,
    m_K: float,
    x_t: float,
    alpha_ew: float,
    sin2_theta_w: float,
    vtb_vts: float,
    g_f: float = G_F,
) -> np.ndarray:
    """SM d Gamma/d s_hat (B+ -> K+ nu nubar, three flavours) in GeV, 000 eq. (3.10).

    dGamma/ds_hat = G_F^2 m_B^5 alpha^2 |V_tb V_ts*|^2 X_t^2 / (16^2 pi^5 sin^4 theta_W)
    |f_+(s)|^2 lambda^{3/2}(s_hat). 000 uses X_t = 1.462, 1/alpha = 127.925,
    sin^2 theta_W = 0.23126, |V_tb V_ts*| = 0.0401 (Buras et al., arXiv:1409.4557).
    """
    lam = np.clip(kallen_hat(s_hat, m_K / m_B), 0.0, None)
    norm = g_f**2 * m_B**5 * alpha_ew**2 * vtb_vts**2 * x_t**2 / (16.0**2 * math.pi**5 * sin2_theta_w**2)
    return norm * np.abs(f_plus) ** 2 * lam**1.5


def gamma_b_to_vector_dark_photon(
    m_B: float, m_V: float, T1_0: np.ndarray | float, Lambda: np.ndarray | float
) -> np.ndarray:
    """Gamma(B -> V gamma_D) = m_B^3 |T_1(0)|^2 (1 - m_V^2/m_B^2)^3 / (32 pi Lambda^2), 000 eq. (4.4).

    GeV, with Lambda in GeV. Independent of alpha_D: the on-shell gamma_D couples through (2.1).

    Example:
        >>> g = gamma_b_to_vector_dark_photon(5.27966, 0.89555, 0.28, 1e8)
        >>> round(float(g) * 1e17, 3)
        1.051
    """
    return (
        m_B**3 * np.abs(T1_0) ** 2 * (1.0 - (m_V / m_B) ** 2) ** 3
        / (32.0 * math.pi * np.asarray(Lambda, dtype=float) ** 2)
    )


def missing_energy_two_body(m_B: float, m_V: float) -> float:
    """Energy of the massless gamma_D in the B rest frame, (m_B^2 - m_V^2)/(2 m_B), GeV (000 sec. 4, 6).

    Example:
        >>> round(missing_energy_two_body(5.27966, 0.89555), 3)
        2.564
    """
    return (m_B**2 - m_V**2) / (2.0 * m_B)
