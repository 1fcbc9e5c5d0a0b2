"""Two-loop (O(alpha_s)) matrix elements of the four-quark operators O_1, O_2 with a charm loop
in b -> s l l: the functions F_{1,2}^(7)(q^2) and F_{1,2}^(9)(q^2) that shift

    C7eff -> C7eff - alpha_s/(4 pi) (C1 F_1^(7) + C2 F_2^(7) + C8eff F_8^(7)),
    C9eff -> C9eff - alpha_s/(4 pi) (C1 F_1^(9) + C2 F_2^(9) + C8eff F_8^(9))

(Asatryan, Asatrian, Greub, Walker, hep-ph/0109140 [AAGW], eq. (54); CMM operator basis).

Low q^2 (s-hat = q^2/m_b^2 <= :data:`S_HAT_MAX_LOW`): the expansions of AAGW eq. (56) in s-hat,
ln s-hat, z = (m_c/m_b)^2 and s-hat/(4 z) (exact in z up to z^3), with L_mu = ln(mu/m_b) and
m-hat = m_c/m_b::

    F = (mu terms of eq. (56)) + sum_{i=0..3} sum_{j=0,1} sum_{l=-3..3} sum_{m=0..4}
          kappa_{ijlm} s^i ln^j(s) z^l ln^m(m-hat)  +  sum_{i=0..3} rho_i s^i,

with the coefficients kappa_{ijlm} and rho_i of AAGW Appendix B (tables kappa^{(7)}_{1,ij},
kappa^{(9)}_{1,ij}, kappa^{(9)}_{2,ij} and rho^{(7,9)}_{1,2,i}); the tables obey F_2^(7) = -6 F_1^(7)
exactly (checked entry by entry when transcribed), which :func:`f27_low` uses.

The expansions are in s-hat/(4 z) and hold below the open-charm threshold 4 m_c^2 ~ 11 GeV^2
(m_c = 1.68 GeV); fitkit uses them up to s-hat = 0.45 (q^2 ~ 10.4 GeV^2).
tests/theory/test_charm_two_loop.py compares them with flavio 2.7.1, which tabulates the code of
arXiv:0810.4077 (identical to these expansions below s-hat = 0.4): agreement better than 5e-4 at
its grid nodes.

High q^2: the complete functions of Greub, Pilipovic, Schupbach (arXiv:0810.4077, an expansion in
m_c/m_b exact in q^2) exist only as code attached to that paper and are not implemented. This
module provides instead the two-loop functions for a massless quark in the loop, in closed form
(Seidel, hep-ph/0403185 eqs. (29)-(31) for A, B, C and eqs. (22)-(25) for F_{1,2}^(7,9))::

    F_1^(7) = -A,   F_2^(7) = 6 A,   F_1^(9) = -(B + 4 C),   F_2^(9) = 6 B - 3 C

(the overall sign of hep-ph/0109140 eq. (54), opposite to hep-ph/0403185 eq. (16)).
fitkit.theory.wilson_sm uses them from q^2 = 14 GeV^2 on in the low-recoil form of Grinstein-Pirjol
(hep-ph/0404250 eq. (55)), with the one-loop charm function at the MS-bar mass m_c(mu); the
O(alpha_s m_c^2/q^2) terms are left out (size: see wilson_sm). They equal flavio's implementation
of the same equations to 1e-9, and F_2^(7)(s -> 0) equals the q^2 = 0 dipole function -r_2(z -> 0)
of hep-ph/9603404 (tested).

Vectorised over ``s_hat`` (any shape); ``z`` and ``L_mu`` = ln(mu/m_b) are scalars.
"""

from __future__ import annotations

from functools import cache

import numpy as np

__all__ = [
    "S_HAT_MAX_LOW",
    "S_HAT_MAX_MASSLESS",
    "f17_low",
    "f27_low",
    "f19_low",
    "f29_low",
    "seidel_a",
    "seidel_b",
    "seidel_c",
    "f17_massless",
    "f27_massless",
    "f19_massless",
    "f29_massless",
]

#: Largest s-hat = q^2/m_b^2 at which the low-q^2 expansions of AAGW are used.
S_HAT_MAX_LOW: float = 0.45

# AAGW Appendix B. For each (i, j) (power of s-hat, power of ln s-hat) the non-zero rows
# l = -3..3 (power of z) as lists of (Re, Im) for m = 0, 1, ... (power of ln m-hat).
_K17: dict[tuple[int, int], dict[int, list[tuple[float, float]]]] = {
    (0, 0): {0: [(-1.14266, -0.517135)],
             1: [(-2.20356, 1.59186), (-5.21743, 1.86168), (0.592593, 3.72337), (0.395062, 0)],
             2: [(1.86366, -3.06235), (-4.66347, 0), (0, 3.72337), (0.395062, 0)],
             3: [(-1.21131, 2.89595), (2.99588, -2.48225), (-4.14815, 0)]},
    (1, 0): {0: [(-2.07503, 1.39626), (-0.444444, 0.930842)],
             1: [(-25.9259, 5.78065), (-3.40101, 13.0318), (-4.4917, 3.72337), (0.395062, 0), (-0.395062, 0)],
             2: [(11.4229, -15.2375), (-34.0806, 11.1701), (10.3704, 18.6168), (2.37037, 0)],
             3: [(11.7509, 15.6984), (18.9564, -24.8225), (-14.6173, 0)]},
    (1, 1): {0: [(-0.0164609, 0)],
             1: [(1.03704, 0.930842), (0.592593, 0)],
             2: [(-4.66347, 0), (0, 7.44674), (2.37037, 0)],
             3: [(6.73754, 1.86168), (1.18519, -7.44674), (-2.37037, 0)]},
    (2, 0): {-1: [(0.00555556, 0)],
             0: [(-19.4691, 1.59019), (-11.6779, 0.930842), (-2.96296, 0), (-0.395062, 0)],
             1: [(-90.4953, 14.7788), (14.9329, 22.3402), (-24.438, 3.72337), (1.18519, 0), (-1.18519, 0)],
             2: [(23.8816, -32.8021), (-82.7915, 39.0954), (32.2963, 44.6804), (5.92593, 0)],
             3: [(38.1415, 34.8683), (38.6436, -80.673), (-41.5802, 0)]},
    (2, 1): {0: [(-0.0164609, 0)],
             1: [(2.37037, 1.86168), (1.18519, 0)],
             2: [(-13.9904, 3.72337), (2.37037, 22.3402), (7.11111, 0)],
             3: [(27.5428, 3.72337), (2.37037, -29.787), (-9.48148, 0)]},
    (3, 0): {-2: [(-0.00010778, 0.00258567)],
             -1: [(0.946811, -0.0258567), (0.488889, 0), (0.0987654, 0)],
             0: [(-41.9952, 1.63673), (-30.2091, 0.930842), (-6.22222, 0), (-1.18519, 0)],
             1: [(-189.354, 25.8196), (42.6566, 31.0281), (-57.765, 3.72337), (2.76543, 0), (-2.37037, 0)],
             2: [(45.1784, -52.4207), (-145.181, 88.7403), (70.9136, 81.9141), (11.0617, 0)],
             3: [(77.3602, 54.2499), (58.4491, -184.927), (-96.0988, 0)]},
    (3, 1): {0: [(-0.0164609, 0)],
             1: [(3.85185, 2.79253), (1.77778, 0)],
             2: [(-27.3882, 13.0318), (8.2963, 44.6804), (14.2222, 0)],
             3: [(69.4495, 1.86168), (1.18519, -74.4674), (-23.7037, 0)]},
}  # fmt: skip

_K19: dict[tuple[int, int], dict[int, list[tuple[float, float]]]] = {
    (0, 0): {0: [(-4.61812, 3.67166), (5.62963, 1.86168)],
             1: [(14.4621, -16.2155), (9.59321, -11.1701), (-1.18519, -7.44674), (-0.790123, 0)],
             2: [(-16.0864, 26.7517), (54.2439, -14.8935), (-15.4074, -29.787), (-3.95062, 0)],
             3: [(-14.73, -23.6892), (-28.5761, 34.7514), (20.1481, 0)]},
    (0, 1): {0: [(-0.0493827, -0.103427)],
             1: [(-0.592593, 0)],
             2: [(4.95977, -1.86168), (-1.18519, -7.44674), (-2.37037, 0)],
             3: [(-9.20287, -1.65483), (-1.0535, 9.92898), (3.16049, 0)]},
    (1, 0): {-1: [(-2.48507, -0.186168)],
             0: [(4.47441, -0.310281), (1.48148, -1.86168)],
             1: [(71.3855, -30.7987), (8.47677, -33.5103), (12.5389, -7.44674), (-0.790123, 0), (0.790123, 0)],
             2: [(-18.1301, 66.1439), (149.596, -67.0206), (-49.1852, -81.9141), (-11.0617, 0)],
             3: [(-72.89, -63.7828), (-68.135, 134.041), (63.6049, 0)]},
    (1, 1): {1: [(-2.66667, -1.86168), (-1.18519, 0)],
             2: [(18.6539, -7.44674), (-4.74074, -29.787), (-9.48148, 0)],
             3: [(-41.6104, -3.72337), (-2.37037, 44.6804), (14.2222, 0)]},
    (2, 0): {-2: [(-0.403158, -0.0199466)],
             -1: [(-0.0613169, 0.0620562)],
             0: [(37.1282, -1.36524), (22.0621, -1.86168), (5.33333, 0), (0.790123, 0)],
             1: [(212.74, -52.2081), (-21.9215, -52.1272), (57.1724, -7.44674), (-2.37037, 0), (2.37037, 0)],
             2: [(-44.6829, 108.713), (272.015, -163.828), (-119.111, -156.382), (-21.3333, 0)],
             3: [(-137.203, -106.832), (-99.437, 330.139), (168.889, 0)]},
    (2, 1): {0: [(0.0164609, 0)],
             1: [(-5.33333, -3.72337), (-2.37037, 0)],
             2: [(40.786, -22.3402), (-14.2222, -67.0206), (-21.3333, 0)],
             3: [(-111.356, 0), (0, 119.148), (37.9259, 0)]},
    (3, 0): {-3: [(-0.0759415, -0.00295505)],
             -2: [(-0.00480894, 0.00369382)],
             -1: [(-1.81002, 0.0871741), (-0.919459, 0), (-0.197531, 0)],
             0: [(79.7475, -1.72206), (57.3171, -1.86168), (11.2593, 0), (2.37037, 0)],
             1: [(425.579, -76.6479), (-68.8016, -69.5029), (129.357, -7.44674), (-5.53086, 0), (4.74074, 0)],
             2: [(-87.8946, 148.481), (417.612, -311.522), (-227.16, -253.189), (-34.7654, 0)],
             3: [(-279.268, -135.118), (-146.853, 652.831), (331.259, 0)]},
    (3, 1): {0: [(0.0219479, 0)],
             1: [(-8.2963, -5.58505), (-3.55556, 0)],
             2: [(70.2698, -49.6449), (-31.6049, -119.148), (-37.9259, 0)],
             3: [(-231.893, 18.6168), (11.8519, 248.225), (79.0123, 0)]},
}  # fmt: skip

_K29: dict[tuple[int, int], dict[int, list[tuple[float, float]]]] = {
    (0, 0): {0: [(-24.2913, -22.0299), (-23.1111, -11.1701)],
             1: [(-86.7723, 97.2931), (-57.5593, 67.0206), (7.11111, 44.6804), (4.74074, 0)],
             2: [(96.5187, -160.51), (-325.463, 89.3609), (92.4444, 178.722), (23.7037, 0)],
             3: [(88.3801, 142.135), (171.457, -208.509), (-120.889, 0)]},
    (0, 1): {0: [(0.296296, 0.620562)],
             1: [(3.55556, 0)],
             2: [(-29.7586, 11.1701), (7.11111, 44.6804), (14.2222, 0)],
             3: [(55.2172, 9.92898), (6.32099, -59.5739), (-18.963, 0)]},
    (1, 0): {-1: [(0.8462, 1.11701)],
             0: [(-26.8464, 1.86168), (-8.88889, 11.1701)],
             1: [(-428.313, 184.792), (-50.8606, 201.062), (-75.2337, 44.6804), (4.74074, 0), (-4.74074, 0)],
             2: [(108.781, -396.864), (-897.575, 402.124), (295.111, 491.485), (66.3704, 0)],
             3: [(437.34, 382.697), (408.81, -804.248), (-381.63, 0)]},
    (1, 1): {1: [(16.0, 11.1701), (7.11111, 0)],
             2: [(-111.923, 44.6804), (28.4444, 178.722), (56.8889, 0)],
             3: [(249.663, 22.3402), (14.2222, -268.083), (-85.3333, 0)]},
    (2, 0): {-2: [(-0.0132191, 0.11968)],
             -1: [(0.367901, -0.372337)],
             0: [(-222.769, 8.19141), (-132.372, 11.1701), (-32.0, 0), (-4.74074, 0)],
             1: [(-1276.44, 313.249), (131.529, 312.763), (-343.034, 44.6804), (14.2222, 0), (-14.2222, 0)],
             2: [(268.098, -652.279), (-1632.09, 982.969), (714.667, 938.289), (128.0, 0)],
             3: [(823.218, 640.989), (596.622, -1980.83), (-1013.33, 0)]},
    (2, 1): {0: [(-0.0987654, 0)],
             1: [(32.0, 22.3402), (14.2222, 0)],
             2: [(-244.716, 134.041), (85.3333, 402.124), (128.0, 0)],
             3: [(668.137, 0), (0, -714.887), (-227.556, 0)]},
    (3, 0): {-3: [(-0.0142243, 0.0177303)],
             -2: [(0.0288536, -0.0221629)],
             -1: [(10.8601, -0.523045), (5.51675, 0), (1.18519, 0)],
             0: [(-478.485, 10.3323), (-343.902, 11.1701), (-67.5556, 0), (-14.2222, 0)],
             1: [(-2553.47, 459.887), (412.809, 417.017), (-776.143, 44.6804), (33.1852, 0), (-28.4444, 0)],
             2: [(527.368, -890.889), (-2505.67, 1869.13), (1362.96, 1519.13), (208.593, 0)],
             3: [(1675.61, 810.709), (881.117, -3916.98), (-1987.56, 0)]},
    (3, 1): {0: [(-0.131687, 0)],
             1: [(49.7778, 33.5103), (21.3333, 0)],
             2: [(-421.619, 297.87), (189.63, 714.887), (227.556, 0)],
             3: [(1391.36, -111.701), (-71.1111, -1489.35), (-474.074, 0)]},
}  # fmt: skip

# rho terms of AAGW Appendix B: rho_i = sum_k c_{ik} m-hat^k for s-hat^i, i = 0..3, as {k: c}.
_RHO17: tuple[dict[int, float], ...] = ({3: 1.94955}, {1: 11.6973}, {1: 70.1839}, {-1: -3.8991, 1: 159.863})
_RHO19: tuple[dict[int, float], ...] = ({3: 3.8991}, {1: -23.3946}, {1: -140.368}, {-1: 7.79821, 1: -319.726})
_RHO29: tuple[dict[int, float], ...] = ({3: -23.3946}, {1: 140.368}, {1: 842.206}, {-1: -46.7892, 1: 1918.36})


@cache
def _coefficients(name: str, z: float) -> np.ndarray:
    """c[i, j] = sum_{l,m} kappa_{ijlm} z^l ln^m(m-hat) + delta_{j0} rho_i(m-hat), shape (4, 2), complex."""
    table = {"17": _K17, "19": _K19, "29": _K29}[name]
    rho = {"17": _RHO17, "19": _RHO19, "29": _RHO29}[name]
    mhat = np.sqrt(z)
    lm = np.log(mhat)
    c = np.zeros((4, 2), dtype=complex)
    for (i, j), rows in table.items():
        for l_pow, entries in rows.items():
            for m_pow, (re, im) in enumerate(entries):
                c[i, j] += complex(re, im) * z**l_pow * lm**m_pow
    for i, terms in enumerate(rho):
        c[i, 0] += sum(v * mhat**k for k, v in terms.items())
    return c


def _expansion(name: str, s_hat: np.ndarray, z: float) -> np.ndarray:
    s = np.asarray(s_hat, dtype=float)
    c = _coefficients(name, float(z))
    ls = np.log(np.where(s > 0.0, s, 1.0))  # F_1^(7) has no ln(s) s^0 term: finite at s = 0
    return (c[0, 0] + c[0, 1] * ls) + s * ((c[1, 0] + c[1, 1] * ls) + s * ((c[2, 0] + c[2, 1] * ls) + s * (c[3, 0] + c[3, 1] * ls)))


def f17_low(s_hat: np.ndarray, z: float, l_mu: float) -> np.ndarray:
    """F_1^(7)(s-hat) of AAGW eq. (56) + Appendix B: -208/243 L_mu + kappa/rho expansion (0 < s-hat <= 0.45)."""
    return -208.0 / 243.0 * l_mu + _expansion("17", s_hat, z)


def f27_low(s_hat: np.ndarray, z: float, l_mu: float) -> np.ndarray:
    """F_2^(7) = -6 F_1^(7) (AAGW eq. (56): 416/81 L_mu and kappa^(7)_2 = -6 kappa^(7)_1, rho likewise)."""
    return -6.0 * f17_low(s_hat, z, l_mu)


def f19_low(s_hat: np.ndarray, z: float, l_mu: float) -> np.ndarray:
    """F_1^(9)(s-hat) of AAGW eq. (56) + Appendix B (0 < s-hat <= 0.45)::

        mu terms: (-1424/729 + 16/243 i pi + 64/27 ln m-hat) L_mu - 16/243 L_mu ln s - 256/243 L_mu^2
                  + (16/1215 - 32/(135 z)) L_mu s + (4/2835 - 8/(315 z^2)) L_mu s^2
                  + (16/76545 - 32/(8505 z^3)) L_mu s^3.
    """
    s = np.asarray(s_hat, dtype=float)
    lm = 0.5 * np.log(z)
    mu_terms = (
        (-1424.0 / 729.0 + 16.0j / 243.0 * np.pi + 64.0 / 27.0 * lm) * l_mu
        - 16.0 / 243.0 * l_mu * np.log(s) - 256.0 / 243.0 * l_mu**2
        + l_mu * s * ((16.0 / 1215.0 - 32.0 / 135.0 / z) + s * ((4.0 / 2835.0 - 8.0 / 315.0 / z**2)
                      + s * (16.0 / 76545.0 - 32.0 / 8505.0 / z**3)))
    )  # fmt: skip
    return mu_terms + _expansion("19", s, z)


def f29_low(s_hat: np.ndarray, z: float, l_mu: float) -> np.ndarray:
    """F_2^(9)(s-hat) of AAGW eq. (56) + Appendix B (0 < s-hat <= 0.45)::

        mu terms: (256/243 - 32/81 i pi - 128/9 ln m-hat) L_mu + 32/81 L_mu ln s + 512/81 L_mu^2
                  + (-32/405 + 64/(45 z)) L_mu s + (-8/945 + 16/(105 z^2)) L_mu s^2
                  + (-32/25515 + 64/(2835 z^3)) L_mu s^3.
    """
    s = np.asarray(s_hat, dtype=float)
    lm = 0.5 * np.log(z)
    mu_terms = (
        (256.0 / 243.0 - 32.0j / 81.0 * np.pi - 128.0 / 9.0 * lm) * l_mu
        + 32.0 / 81.0 * l_mu * np.log(s) + 512.0 / 81.0 * l_mu**2
        + l_mu * s * ((-32.0 / 405.0 + 64.0 / 45.0 / z) + s * ((-8.0 / 945.0 + 16.0 / 105.0 / z**2)
                      + s * (-32.0 / 25515.0 + 64.0 / 2835.0 / z**3)))
    )  # fmt: skip
    return mu_terms + _expansion("29", s, z)


# --- massless-quark two-loop functions (Seidel, hep-ph/0403185) -------------------------------------

_ZETA3: float = 1.2020569031595942  # zeta(3)

#: Above this s-hat the massless functions are evaluated at it: their (1 - s)^-4 terms cancel
#: to O(1) and lose digits near s = 1 (q^2 = 22.8 GeV^2; the B -> K endpoint is 22.9 GeV^2).
S_HAT_MAX_MASSLESS: float = 0.99


def _li2(w: np.ndarray) -> np.ndarray:
    """Dilogarithm Li_2(w) for complex w: scipy's spence(x) = Li_2(1 - x)."""
    from scipy.special import spence

    return spence(1.0 - np.asarray(w, dtype=complex))


def _bernoulli_clausen_coefficients(n_terms: int = 30) -> np.ndarray:
    """c_k = -(-1)^k B_2k / (2k (2k + 1) (2k)!) of the Clausen series below, k = 1..n_terms."""
    from scipy.special import bernoulli, factorial

    b = bernoulli(2 * n_terms)
    k = np.arange(1, n_terms + 1)
    return -((-1.0) ** k) * b[2 * k] / (2 * k * (2 * k + 1) * factorial(2 * k))


_CLAUSEN_C: np.ndarray = _bernoulli_clausen_coefficients()


def _li2_unit_circle(phi: np.ndarray) -> np.ndarray:
    """Li_2(e^{i phi}) for phi in [-pi, pi] (scipy's complex spence converges slowly on |w| = 1)::

        Re = pi^2/6 - |phi| (2 pi - |phi|)/4,
        Im = Cl_2(phi) = phi - phi ln|phi| + sum_k c_k phi^(2k+1),  c_k = -(-1)^k B_2k/(2k (2k+1) (2k)!)

    (the Bernoulli series of the Clausen function, convergent for |phi| < 2 pi; 30 terms give 1e-15
    on [-pi, pi])."""
    phi = np.asarray(phi, dtype=float)
    a = np.abs(phi)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_term = np.where(a > 0.0, phi * np.log(np.where(a > 0.0, a, 1.0)), 0.0)
    p2 = phi * phi
    series = np.zeros_like(phi)
    for c in _CLAUSEN_C[::-1]:  # Horner in phi^2
        series = series * p2 + c
    return np.pi**2 / 6.0 - a * (2.0 * np.pi - a) / 4.0 + 1j * (phi - log_term + series * phi * p2)


def _seidel_inputs(s_hat: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """s (clipped to (0, S_HAT_MAX_MASSLESS]), ln s, r = sqrt(4/s - 1) and arccot(r) = arcsin(sqrt(s)/2)."""
    s = np.minimum(np.asarray(s_hat, dtype=float), S_HAT_MAX_MASSLESS)
    return s, np.log(s), np.sqrt(4.0 / s - 1.0), np.arcsin(0.5 * np.sqrt(s))


def seidel_a(s_hat: np.ndarray, l_mu: float) -> np.ndarray:
    """A(s) of Seidel hep-ph/0403185 eq. (29), with ln(m_b^2/mu^2) = -2 L_mu, 0 < s-hat < 1::

        A = -104/243 ln(m_b^2/mu^2) + 4 s/(27 (1-s)) [Li2(s) + ln s ln(1-s)]
            + 1/(729 (1-s)^2) [6 s (29 - 47 s) ln s + 785 - 1600 s + 833 s^2 + 6 pi i (20 - 49 s + 47 s^2)]
            - 2/(243 (1-s)^3) [2 r (-4 + 9 s - 15 s^2 + 4 s^3) acot(r) + 9 s^3 ln^2 s + 18 pi i s (1 - 2 s) ln s]
            + 2 s/(243 (1-s)^4) [36 acot^2(r) + pi^2 (-4 + 9 s - 9 s^2 + 3 s^3)],   r = sqrt(4/s - 1).
    """
    s, ls, r, acot = _seidel_inputs(s_hat)
    u = 1.0 - s
    pi = np.pi
    return (
        104.0 / 243.0 * 2.0 * l_mu
        + 4.0 * s / (27.0 * u) * (_li2(s).real + ls * np.log(u))
        + (6.0 * s * (29.0 - 47.0 * s) * ls + 785.0 - 1600.0 * s + 833.0 * s**2
           + 6.0j * pi * (20.0 - 49.0 * s + 47.0 * s**2)) / (729.0 * u**2)
        - 2.0 / (243.0 * u**3) * (2.0 * r * (-4.0 + 9.0 * s - 15.0 * s**2 + 4.0 * s**3) * acot
                                  + 9.0 * s**3 * ls**2 + 18.0j * pi * s * (1.0 - 2.0 * s) * ls)
        + 2.0 * s / (243.0 * u**4) * (36.0 * acot**2 + pi**2 * (-4.0 + 9.0 * s - 9.0 * s**2 + 3.0 * s**3))
    )  # fmt: skip


def seidel_b(s_hat: np.ndarray, l_mu: float) -> np.ndarray:
    """B(s) of Seidel hep-ph/0403185 eq. (30), with L = ln(m_b^2/mu^2) = -2 L_mu, r = sqrt(4/s - 1),
    x_{1,2} = 1/2 +- i r/2, x_{3,4} = 1/2 +- i/(2 r), 0 < s-hat < 1::

        B = 8/(243 s) [(4 - 34 s - 17 pi i s) L + 8 s L^2 + 17 s ln s L]
            + (2 + s) r/(729 s) [-48 L acot(r) - 18 pi ln(r^2) + 3 i ln^2(r^2) - 24 i Li2(-x2/x1) - 5 pi^2 i
                                 + 6 i (-9 ln^2 x1 + ln^2 x2 - 2 ln^2 x4 + 6 ln x1 ln x2 - 4 ln x1 ln x3
                                        + 8 ln x1 ln x4) - 12 pi (2 ln x1 + ln x3 + ln x4)]
            - 2/(243 s (1-s)) [4 s (-8 + 17 s) (Li2(s) + ln s ln(1-s)) + 3 (2 + s)(3 - s) ln^2(x2/x1)
                               + 12 pi (-6 - s + s^2) acot(r)]
            + 2/(2187 s (1-s)^2) [-18 s (120 - 211 s + 73 s^2) ln s - 288 - 8 s + 934 s^2 - 692 s^3
                                  + 18 pi i s (82 - 173 s + 73 s^2)]
            - 4/(243 s (1-s)^3) [-2 r (4 - 3 s - 18 s^2 + 16 s^3 - 5 s^4) acot(r) - 9 s^3 ln^2 s
                                 + 2 pi i s (8 - 33 s + 51 s^2 - 17 s^3) ln s]
            + 2/(729 s (1-s)^4) [72 (3 - 8 s + 2 s^2) acot^2(r)
                                 - pi^2 (54 - 53 s - 286 s^2 + 612 s^3 - 446 s^4 + 113 s^5)].
    """
    s, ls, r, acot = _seidel_inputs(s_hat)
    u = 1.0 - s
    pi = np.pi
    big_l = -2.0 * l_mu
    x1, x2 = 0.5 + 0.5j * r, 0.5 - 0.5j * r
    x3, x4 = 0.5 + 0.5j / r, 0.5 - 0.5j / r
    l1, l2, l3, l4 = np.log(x1), np.log(x2), np.log(x3), np.log(x4)
    lr2 = np.log(r * r)
    l21 = np.log(x2 / x1)
    return (
        8.0 / (243.0 * s) * ((4.0 - 34.0 * s - 17.0j * pi * s) * big_l + 8.0 * s * big_l**2 + 17.0 * s * ls * big_l)
        + (2.0 + s) * r / (729.0 * s) * (
            -48.0 * big_l * acot - 18.0 * pi * lr2 + 3.0j * lr2**2 - 24.0j * _li2_unit_circle(np.angle(-x2 / x1)) - 5.0j * pi**2
            + 6.0j * (-9.0 * l1**2 + l2**2 - 2.0 * l4**2 + 6.0 * l1 * l2 - 4.0 * l1 * l3 + 8.0 * l1 * l4)
            - 12.0 * pi * (2.0 * l1 + l3 + l4))
        - 2.0 / (243.0 * s * u) * (4.0 * s * (-8.0 + 17.0 * s) * (_li2(s).real + ls * np.log(u))
                                   + 3.0 * (2.0 + s) * (3.0 - s) * l21**2 + 12.0 * pi * (-6.0 - s + s**2) * acot)
        + 2.0 / (2187.0 * s * u**2) * (-18.0 * s * (120.0 - 211.0 * s + 73.0 * s**2) * ls
                                       - 288.0 - 8.0 * s + 934.0 * s**2 - 692.0 * s**3
                                       + 18.0j * pi * s * (82.0 - 173.0 * s + 73.0 * s**2))
        - 4.0 / (243.0 * s * u**3) * (-2.0 * r * (4.0 - 3.0 * s - 18.0 * s**2 + 16.0 * s**3 - 5.0 * s**4) * acot
                                      - 9.0 * s**3 * ls**2 + 2.0j * pi * s * (8.0 - 33.0 * s + 51.0 * s**2 - 17.0 * s**3) * ls)
        + 2.0 / (729.0 * s * u**4) * (72.0 * (3.0 - 8.0 * s + 2.0 * s**2) * acot**2
                                      - pi**2 * (54.0 - 53.0 * s - 286.0 * s**2 + 612.0 * s**3 - 446.0 * s**4 + 113.0 * s**5))
    )  # fmt: skip


def seidel_c(s_hat: np.ndarray, l_mu: float) -> np.ndarray:
    """C(s) of Seidel hep-ph/0403185 eq. (31): -16/81 ln(q^2/mu^2) + 428/243 - 64/27 zeta(3) + 16/81 pi i,
    with ln(q^2/mu^2) = ln s - 2 L_mu (q^2 = s m_b^2)."""
    s = np.minimum(np.asarray(s_hat, dtype=float), S_HAT_MAX_MASSLESS)
    return -16.0 / 81.0 * (np.log(s) - 2.0 * l_mu) + 428.0 / 243.0 - 64.0 / 27.0 * _ZETA3 + 16.0j / 81.0 * np.pi


def f17_massless(s_hat: np.ndarray, l_mu: float) -> np.ndarray:
    """F_1^(7) for a massless quark in the loop: -A(s) (hep-ph/0403185 eq. (22); its F's carry the
    opposite overall sign to hep-ph/0109140's, compare hep-ph/0403185 eq. (16) with hep-ph/0109140 eq. (54))."""
    return -seidel_a(s_hat, l_mu)


def f27_massless(s_hat: np.ndarray, l_mu: float) -> np.ndarray:
    """F_2^(7) for a massless quark in the loop: 6 A(s) = -6 F_1^(7) (hep-ph/0403185 eq. (23), sign as in :func:`f17_massless`)."""
    return 6.0 * seidel_a(s_hat, l_mu)


def f19_massless(s_hat: np.ndarray, l_mu: float) -> np.ndarray:
    """F_1^(9) for a massless quark in the loop: -(B(s) + 4 C(s)) (hep-ph/0403185 eq. (24), sign as in :func:`f17_massless`)."""
    return -(seidel_b(s_hat, l_mu) + 4.0 * seidel_c(s_hat, l_mu))


def f29_massless(s_hat: np.ndarray, l_mu: float) -> np.ndarray:
    """F_2^(9) for a massless quark in the loop: 6 B(s) - 3 C(s) (hep-ph/0403185 eq. (25), sign as in :func:`f17_massless`)."""
    return 6.0 * seidel_b(s_hat, l_mu) - 3.0 * seidel_c(s_hat, l_mu)
