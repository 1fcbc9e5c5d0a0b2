"""Corrections beyond leading order to inclusive B -> X_s l l, as functions of s = q^2/m_b^2.

Everything here depends on s (and on the lepton through ln(m_b^2/m_l^2)) only, not on the Wilson
coefficients; :mod:`fitkit.theory.inclusive` contracts these weights with the coefficients. The
bookkeeping follows Huber, Hurth, Lunghi (HHL, arXiv:1503.04849, sec. 4), built on Huber, Lunghi,
Misiak, Wyler (HLMW, hep-ph/0512066, sec. 3) -- the scheme of flavio 2.7.1's ``bxll.py``:

* O(alpha_s) virtual + bremsstrahlung corrections of the O_7, O_9, O_10 matrix elements, split into
  universal factors absorbed into C7, C9, C10 (:func:`sigma7`, :func:`sigma9`) and non-universal
  factors of the |C7|^2, Re(C7 C9^*), |C9|^2 + |C10|^2 terms (:func:`tau77`, :func:`tau79`,
  :func:`tau99`). For |C9|^2 the product is the classic one-loop factor omega(s) of the vector
  current (Buras, Muenz hep-ph/9501281; Misiak): 1 + 2 alpha_s/pi omega = (1 + alpha_s/pi sigma9)^2
  (1 + alpha_s/pi tau99) + O(alpha_s^2), HLMW eq. (127); likewise sigma7 + sigma9 + tau79 = 2 omega_79
  of HLMW eq. (131) (both tested to 1e-12). The C7 terms are those of Asatrian, Asatryan,
  Hovhannisyan, Poghosyan and Ghinculov, Hurth, Isidori, Yao (hep-ph/0312128).
* The semileptonic normalisation Phi_u of HHL eq. (4.8) (:func:`phi_u`), with the O(alpha_s^2)
  term left out as in flavio (HHL argue it would add O(alpha_s^4) terms to the |C9|^2 rate).
* 1/m_b^2 power corrections with the kinetic and chromomagnetic parameters lambda_1, lambda_2
  (Ali, Hiller, Handoko, Morozumi, hep-ph/9609449; the chi_ij of HHL sec. 4 for H_T + H_L):
  :func:`power_corrections_mb2`.
* Log-enhanced QED corrections, alpha_e/pi ln(m_b^2/m_l^2) (HLMW; HHL eq. (4.19) and its
  appendix): :func:`qed_weights`. The O_1, O_2 pieces omega_22, omega_27, omega_29 are HHL's
  polynomial fits in s (s < 0.5) and in 1 - s (s >= 0.5), the others are analytic. Only mu_b = 5 GeV
  is implemented (their ln(mu_b/5 GeV) terms vanish there). The fit coefficients are published
  numbers of HHL; the paper text was not retrievable here, so they were read from flavio 2.7.1's
  ``bxll_qed.py`` (numbers only, as decimals). Equation numbers of HHL as attributed by flavio.
* 1/m_c^2 power corrections (Buchalla, Isidori, Rey hep-ph/9705253; HLMW eqs. (111), (132)):
  :func:`charm_power_correction`. flavio 2.7.1 does not have them (-0.9 % of <BR>[1, 6]).

Not included (as in flavio 2.7.1): the O(alpha_e) corrections without the collinear logarithm and
the O(alpha_s^2) parts of the omega functions (HLMW eq. (128)).
"""

from __future__ import annotations

import numpy as np
from scipy.special import spence

__all__ = [
    "LAMBDA_1",
    "LAMBDA_2",
    "li2",
    "sigma",
    "sigma7",
    "sigma9",
    "tau77",
    "tau79",
    "tau99",
    "phi_u",
    "power_corrections_mb2",
    "qed_weights",
    "charm_loop_f",
    "charm_power_correction",
]

#: HQET kinetic-energy parameter lambda_1 (GeV^2), HHL arXiv:1503.04849 (value of flavio 2.7.1).
LAMBDA_1: float = -0.362
#: HQET chromomagnetic parameter lambda_2 (GeV^2), HHL arXiv:1503.04849, ~ (M_B*^2 - M_B^2)/4.
LAMBDA_2: float = 0.12


def li2(x: np.ndarray) -> np.ndarray:
    """Real dilogarithm Li_2(x) for x <= 1 (scipy's spence(z) = Li_2(1 - z))."""
    return spence(1.0 - np.asarray(x, dtype=float))


def sigma(s: np.ndarray) -> np.ndarray:
    """Common part of the universal O(alpha_s) factors (HLMW sec. 3)::

    sigma = -4/3 Li2(s) - 2/3 ln(s) ln(1-s) - 2/9 pi^2 - ln(1-s) - 2/9 (1-s) ln(1-s).
    """
    l1 = np.log1p(-s)
    return -4.0 / 3.0 * li2(s) - 2.0 / 3.0 * np.log(s) * l1 - 2.0 / 9.0 * np.pi**2 - l1 - 2.0 / 9.0 * (1.0 - s) * l1


def sigma9(s: np.ndarray) -> np.ndarray:
    """Universal factor of C9 and C10: C~9 = (1 + alpha_s/pi sigma9) C9, sigma9 = sigma + 3/2."""
    return sigma(s) + 1.5


def sigma7(s: np.ndarray, mu: float, m_b: float) -> np.ndarray:
    """Universal factor of C7 (MS-bar O_7 at ``mu``): sigma7 = sigma + 1/6 - 8/3 ln(mu/m_b)."""
    return sigma(s) + 1.0 / 6.0 - 8.0 / 3.0 * np.log(mu / m_b)


def tau77(s: np.ndarray) -> np.ndarray:
    """Non-universal O(alpha_s) factor of the |C7|^2 term (HLMW sec. 3)."""
    return -2.0 / (9.0 * (2.0 + s)) * (
        2.0 * (1.0 - s) ** 2 * np.log1p(-s)
        + 6.0 * s * (2.0 - 2.0 * s - s * s) / (1.0 - s) ** 2 * np.log(s)
        + (11.0 - 7.0 * s - 10.0 * s * s) / (1.0 - s)
    )


def tau99(s: np.ndarray) -> np.ndarray:
    """Non-universal O(alpha_s) factor of the |C9|^2 + |C10|^2 term (HLMW sec. 3)."""
    return -4.0 / (9.0 * (1.0 + 2.0 * s)) * (
        2.0 * (1.0 - s) ** 2 * np.log1p(-s)
        + 3.0 * s * (1.0 + s) * (1.0 - 2.0 * s) / (1.0 - s) ** 2 * np.log(s)
        + 3.0 * (1.0 - 3.0 * s * s) / (1.0 - s)
    )


def tau79(s: np.ndarray) -> np.ndarray:
    """Non-universal O(alpha_s) factor of the Re(C7 C9^*) term (HLMW sec. 3)."""
    return (
        -4.0 * (1.0 - s) ** 2 / (9.0 * s) * np.log1p(-s)
        - 4.0 * s * (3.0 - 2.0 * s) / (9.0 * (1.0 - s) ** 2) * np.log(s)
        - 2.0 * (5.0 - 3.0 * s) / (9.0 * (1.0 - s))
    )


def phi_u(alpha_s: float, alpha_e: float, alpha_s_mz: float, m_b: float) -> float:
    """Normalisation Phi_u of the b -> u e nu rate (HHL eq. (4.8), without its alpha_s^2 term)::

        Phi_u = 1 + a_s phi_1 + kappa 12/23 (1 - 1/eta) + lambda_1/(2 m_b^2) - 9 lambda_2/(2 m_b^2),

    a_s = alpha_s(mu_b)/(4 pi), phi_1 = 50/3 - 8 pi^2/3, kappa = alpha_e/alpha_s, eta =
    alpha_s(mu_0)/alpha_s(mu_b) with mu_0 = M_Z as in flavio.
    """
    a_s = alpha_s / (4.0 * np.pi)
    phi1 = 50.0 / 3.0 - 8.0 * np.pi**2 / 3.0
    eta = alpha_s_mz / alpha_s
    return float(
        1.0 + a_s * phi1 + alpha_e / alpha_s * 12.0 / 23.0 * (1.0 - 1.0 / eta)
        + LAMBDA_1 / (2.0 * m_b**2) - 9.0 * LAMBDA_2 / (2.0 * m_b**2)
    )  # fmt: skip


def power_corrections_mb2(s: np.ndarray, m_b: float) -> dict[str, np.ndarray]:
    """1/m_b^2 corrections to H_T + H_L (Ali, Hiller, Handoko, Morozumi hep-ph/9609449; chi_ij of
    HHL sec. 4): the weights of |C7|^2, Re(C7 C9^*) and |C9|^2 in units of the rate function
    Phi_ll, lambda_1/m_b^2 chi^(1)_ij + lambda_2/m_b^2 chi^(2)_ij with (T + L summed)::

        chi1_77 = 4/(3 s) (1-s)(5s+3) + 2/3 (s-1)(3s+13),   chi2_77 = 4/s (3s^2+2s-9) + 2 (15s^2-6s-13),
        chi1_79 = 6 (1-s)^2,                                  chi2_79 = 4 (9s^2-6s-7) + 2 (3s^2-6s-1),
        chi1_99 = -s/3 (1-s)(3s+5) + 1/6 (1-s)(13s+3),       chi2_99 = s (15s^2-14s-5) + 1/2 (-17s^2+10s+3).

    The |C10|^2 term has the weight of |C9|^2 (for m_l -> 0 the vector and axial lepton tensors are
    equal; HLMW eqs. (112)-(115) likewise give S_10,10 = S_99 up to QED terms); flavio 2.7.1 leaves
    it out: -0.17 % of <BR>[1, 6], but -21 % (mu) above 14.4 GeV^2, where the expansion fails.
    """
    a, b = LAMBDA_1 / m_b**2, LAMBDA_2 / m_b**2
    w77 = a * (4.0 / (3.0 * s) * (1 - s) * (5 * s + 3) + 2.0 / 3.0 * (s - 1) * (3 * s + 13)) + b * (
        4.0 / s * (3 * s * s + 2 * s - 9) + 2.0 * (15 * s * s - 6 * s - 13)
    )
    w79 = a * 6.0 * (1 - s) ** 2 + b * (4.0 * (9 * s * s - 6 * s - 7) + 2.0 * (3 * s * s - 6 * s - 1))
    w99 = a * (-s / 3.0 * (1 - s) * (3 * s + 5) + (1 - s) * (13 * s + 3) / 6.0) + b * (
        s * (15 * s * s - 14 * s - 5) + 0.5 * (-17 * s * s + 10 * s + 3)
    )
    return {"77": w77, "79": w79, "99": w99}


# HHL fits of the O_1, O_2 QED functions at mu_b = 5 GeV (coefficients of L = ln(m_b^2/m_l^2)).
# Low q^2 (s < 0.5): polynomials in s, lowest power given by the first entry's exponent.
_LOW = {
    "22": (-1, (0.0273795456, 8.82509721, -12.0718979, 62.0071447, -168.377649, 186.026988)),
    "27re": (-1, (0.744644534, 74.6249072, -458.170942, 1074.81326, -1211.76624)),
    "27im": (0, (3.63143465, 11.0672312, -22.4791063, 194.812968)),
    "29re": (-1, (0.112585531, 18.1286684, -62.5724695, 90.4601884, -126.991942)),
    "29im": (0, (1.33305506, 3.90668755, -7.39004954, 67.2164798)),
}
# High q^2 (s >= 0.5): polynomials in (1 - s), powers 0..3.
_HIGH = {
    "22": (-220.100888, 875.703498, -1920.55745, 1822.06609),
    "27re": (-310.113153, 834.253001, -2181.94428, 2133.7832),
    "27im": (-518.17995, 2047.18495, -4470.03665, 4827.7433),
    "29re": (-153.67251, 498.82338, -1146.73837, 1138.81369),
    "29im": (-255.711558, 1139.10304, -2414.20692, 2379.90601),
}
#: s-hat where HHL switch from the low- to the high-q^2 fits.
S_QED_SWITCH: float = 0.5


def _poly(x: np.ndarray, first_power: int, coeffs: tuple[float, ...]) -> np.ndarray:
    return np.sum([c * x ** (first_power + k) for k, c in enumerate(coeffs)], axis=0)


def _omega_o12(s: np.ndarray, L: float) -> dict[str, np.ndarray]:
    """omega^(em)_22, _27, _29 (coefficient of L included) for the rate, low/high fits joined."""
    low = s < S_QED_SWITCH
    sl = np.where(low, s, 0.25)
    u = 1.0 - s
    d_low = (1.0 - sl) ** 2
    lo = {k: _poly(sl, p, c) for k, (p, c) in _LOW.items()}
    hi = {k: _poly(u, 0, c) for k, c in _HIGH.items()}
    w22 = np.where(low, lo["22"] / (8 * d_low * (1 + 2 * sl)), hi["22"] / (8 * (1 + 2 * s)))
    w27 = np.where(low, (lo["27re"] + 1j * lo["27im"]) / (96 * d_low), (hi["27re"] + 1j * hi["27im"]) / 96)
    w29 = np.where(
        low, (lo["29re"] + 1j * lo["29im"]) / (8 * d_low * (1 + 2 * sl)), (hi["29re"] + 1j * hi["29im"]) / (8 * (1 + 2 * s))
    )
    return {"22": L * w22, "27": L * w27, "29": L * w29}


def _omega_analytic(s: np.ndarray, L: float) -> dict[str, np.ndarray]:
    """omega^(em)_77, _79, _99 of the rate (HHL appendix; analytic, valid at all q^2)."""
    ls, l1 = np.log(s), np.log1p(-s)
    sm1 = s - 1.0
    w77 = L * (-s / (2 * sm1 * (2 + s)) + l1 - s * (2 * s * s - 3) * ls / (2 * sm1**2 * (2 + s)))
    w79 = L * (1 / (2 * sm1) + l1 - (1 - 2 * s + 2 * s * s) * ls / (2 * sm1**2))
    den = sm1**2 * (1 + 2 * s)
    pi2 = np.pi**2
    g = -1 - 3 * s + 12 * s**2 - 8 * s**3 + 6 * sm1**2 * (1 + 2 * s) * l1 - 3 * (1 - 6 * s**2 + 4 * s**3) * ls
    a = (
        -1 + 2 * pi2 + 6 * s - 15 * s**2 - 6 * pi2 * s**2 + 10 * s**3 + 4 * pi2 * s**3
        + 12 * den * l1 * (ls - 1) + (4 - 6 * s - 12 * s**2 + 8 * s**3) * ls + (-6 + 36 * s**2 - 24 * s**3) * ls**2
    )  # fmt: skip
    b = (
        15 - 4 * pi2 + 12 * s - 45 * s**2 + 12 * pi2 * s**2 + 18 * s**3 - 8 * pi2 * s**3
        + (-12 * s + 12 * s**2 + 24 * s**3) * ls - 6 * sm1**2 * l1 * (5 + 4 * s + (2 + 4 * s) * ls)
        - 24 * den * li2(s)
    )  # fmt: skip
    w99 = -0.5 + L * g / (6 * den) + a / (12 * den) + b / (216 * den)
    return {"77": w77, "79": w79, "99": w99}


def qed_weights(s: np.ndarray, m_b: float, m_l: float, alpha_e: float) -> dict[str, np.ndarray]:
    """Log-enhanced QED terms of Phi_ll (HHL eq. (4.19), rate = H_T + H_L): the weights e_ij in
    sum_{i <= j} Re(e_ij C_i C_j^*) over C1, C2, C7 (= C7eff), C9, C10 (no Y(q^2), no alpha_s
    corrections), e_ij = 2 alpha_e/pi sigma_ij(s) omega^(em)_ij(s) with the kinematic factors
    sigma_77 = 4 (1-s)^2 (1 + 2/s), sigma_79 = 12 (1-s)^2, sigma_99 = (1-s)^2 (1 + 2s); the O_1, O_2
    terms use sigma_79 (27) and sigma_99 (22, 29), and e_11 = 16/9 e_22, e_12 = 8/3 e_22,
    e_17 = 4/3 e_27, e_19 = 4/3 e_29, e_10,10 = e_99.

    flavio 2.7.1 differs in two places (both without effect for real Wilson coefficients, or
    below 0.1 % of the rate; tests/theory/test_inclusive.py measures them): it sets e_17 = 0 (the
    line assigning it runs before e_27 is defined) and it uses Re(omega_29) as Im(omega_29).
    """
    L = float(np.log(m_b**2 / m_l**2))
    w = _omega_analytic(s, L) | _omega_o12(s, L)
    f = 2.0 * alpha_e / np.pi
    u2 = (1.0 - s) ** 2
    sig77, sig79, sig99 = 4 * u2 * (1 + 2 / s), 12 * u2, u2 * (1 + 2 * s)
    e = {
        "77": f * sig77 * w["77"],
        "79": f * sig79 * w["79"],
        "99": f * sig99 * w["99"],
        "22": f * sig99 * w["22"],
        "27": f * sig79 * w["27"],
        "29": f * sig99 * w["29"],
    }
    e["1010"] = e["99"]
    e["11"] = 16.0 / 9.0 * e["22"]
    e["12"] = 8.0 / 3.0 * e["22"]
    e["17"] = 4.0 / 3.0 * e["27"]
    e["19"] = 4.0 / 3.0 * e["29"]
    return e


def charm_loop_f(r: np.ndarray) -> np.ndarray:
    """F(r) of the 1/m_c^2 correction, r = q^2/(4 m_c^2) (HLMW eq. (132); Buchalla, Isidori, Rey)::

        F(r) = 3/(2r) [arctan(sqrt(r/(1-r)))/sqrt(r(1-r)) - 1]                       (0 < r < 1),
        F(r) = 3/(2r) [(ln((1-x)/(1+x)) + i pi)/(2 sqrt(r(r-1))) - 1],  x = sqrt(1-1/r)   (r > 1).

    F(0) = 1; singular at the c c-bar threshold r = 1. Complex, shape of ``r``.
    """
    r = np.asarray(r, dtype=float)
    below = r < 1.0
    rb = np.where(below, r, 0.5)
    ra = np.where(below, 2.0, r)
    f_below = np.arctan(np.sqrt(rb / (1 - rb))) / np.sqrt(rb * (1 - rb))
    x = np.sqrt(1 - 1 / ra)
    f_above = (np.log((1 - x) / (1 + x)) + 1j * np.pi) / (2 * np.sqrt(ra * (ra - 1)))
    return 1.5 / r * (np.where(below, f_below, f_above) - 1.0)


def charm_power_correction(s: np.ndarray, q2: np.ndarray, m_c: float) -> dict[str, np.ndarray]:
    """1/m_c^2 correction to Phi_ll (Buchalla, Isidori, Rey hep-ph/9705253; HLMW eq. (111) with
    mu_G^2 = 3 lambda_2)::

        Phi_1/mc^2 = Re{ (C2 - C1/6) F(r) [k7 C7eff^* + k9 C9eff^*] },
        k7 = -8/9 lambda_2/m_c^2 (1-s)^2 (1 + 6s - s^2)/s,   k9 = -8/9 lambda_2/m_c^2 (1-s)^2 (2 + s),

    r = q^2/(4 m_c^2). Returns k7 F and k9 F (complex) for the caller to contract with (C2 - C1/6).
    """
    f = charm_loop_f(np.asarray(q2, dtype=float) / (4 * m_c * m_c))
    k = -8.0 / 9.0 * LAMBDA_2 / m_c**2 * (1 - s) ** 2
    return {"7": k * (1 + 6 * s - s * s) / s * f, "9": k * (2 + s) * f}
