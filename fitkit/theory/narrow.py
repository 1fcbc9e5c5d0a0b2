"""On-shell light vectors: H1 -> H2 V rates and the Gaussian smearing of V -> l l in a q^2 bin.

When a light vector V (dark photon, dark Z, Z') is lighter than m_H1 - m_H2 and narrower than
the detector resolution, its contribution to a measured bin is (002 eq. (2.13))

    <BR>_bin = <BR>_SM,bin + BR(H1 -> H2 V) BR(V -> l l) G(q_min, q_max),

with the fraction G of a Gaussian in |q| = sqrt(q^2) of mean M_V and width r_l inside the bin
(002 eq. (2.14), r_e = 10 MeV, r_mu = 2 MeV): :func:`gaussian_bin_fraction`.

Where the two treatments switch (:func:`use_onshell`, :func:`switched_prediction`): the
q^2-dependent Wilson coefficients of a :data:`fitkit.theory.WCFunction` contain the full
Breit-Wigner, whose bin integral (with :func:`fitkit.theory.quadrature.resonance_bin`) equals the
narrow-width term when the peak lies inside the bin (tested in tests/theory/test_limits.py) but
ignores the detector resolution. A point is treated on shell in a bin -- SM + eq. (2.13) with
the smearing of eq. (2.14) -- when the smeared peak, |q| in [M - 3 r_l, M + 3 r_l], overlaps the
bin; otherwise off shell, with the q^2-dependent coefficients (interference with the SM
included). Off-shell bins then see only the Breit-Wigner tail, which is smooth there.

Rates for the couplings of 003 eq. (2), L ⊃ g_L^{(4)} V_mu (s-bar gamma^mu P_L b)
+ g_L^{(5)}/Lambda V_{mu nu} (s-bar sigma^{mu nu} P_R b) + g_L^{(6)}/Lambda^2 d^nu V_{mu nu}
(s-bar gamma^mu P_L b) + h.c. + (L <-> R), with g_V = g_R + g_L, g_A = g_R - g_L:

- B -> K V: 003 eqs. (3)-(6) (= 002 eq. (4.10) for dimension 4);
- B -> K* V, B_s -> phi V: helicity amplitudes of 002 eqs. (4.11)-(4.13); for dimension 4 this
  is 003 eqs. (7), (10), (11) except that the transverse axial term of 003 eq. (11) carries no
  factor lambda (the S-wave amplitude H_+- = g_A (m_B + m_V) A1/2 does not vanish at zero
  recoil; the rendered text of 003 shows lambda_* there); dimension 5: 003 eqs. (8), (12), (13);
  dimension 6: 003 eq. (9), i.e. dimension 4 with g -> g M_V^2/Lambda^2.
- B_s -> phi V: the "width" is the time-integrated one, BR = Gamma tau_Bs, with the CP-even and
  CP-odd helicity combinations weighted by 1/(1 +- y_s) as in :func:`fitkit.theory.bsll.dgamma_dq2`.

Example:
    >>> round(float(gaussian_bin_fraction(1.0, 0.9, 1.21, 0.002)[0]), 6)
    1.0
    >>> round(float(gaussian_bin_fraction(1.0, 1.0, 1.21, 0.002)[0]), 3)
    0.5
    >>> round(float(width_b_to_vector("B+->K", 1.0, 1e-8, 1e-8)[0]) * 1e17, 3)  # GeV
    3.14
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr

from fitkit.theory.bsll import EXCLUSIVE_CHANNELS, Channel
from fitkit.theory.formfactors import form_factors
from fitkit.theory.kinematics import kallen

__all__ = [
    "RESOLUTION",
    "use_onshell",
    "onshell_contribution",
    "switched_prediction",
    "VECTOR_CHANNELS",
    "gaussian_bin_fraction",
    "width_b_to_vector",
    "width_b_to_vector_dim5",
    "width_b_to_vector_dim6",
    "vector_channel",
]

#: Dilepton mass resolutions r_l of 002 eq. (2.14), GeV.
RESOLUTION: dict[str, float] = {"e": 0.010, "mu": 0.002}

#: Channel names accepted by the width functions.
VECTOR_CHANNELS: dict[str, tuple[str, str]] = {
    "B+->K": ("B+", "K"),
    "B0->K": ("B0", "K"),
    "B+->K*": ("B+", "K*"),
    "B0->K*": ("B0", "K*"),
    "Bs->phi": ("Bs", "phi"),
}


def vector_channel(name: str) -> Channel:
    """The exclusive :class:`~fitkit.theory.bsll.Channel` of a name such as ``"B+->K"``."""
    if name not in VECTOR_CHANNELS:
        raise ValueError(f"unknown channel {name!r}; known: {', '.join(VECTOR_CHANNELS)}")
    return EXCLUSIVE_CHANNELS[VECTOR_CHANNELS[name]]


def gaussian_bin_fraction(mass, q2min, q2max, resolution) -> np.ndarray:
    """002 eq. (2.14): the fraction of a Gaussian in |q| (mean ``mass``, sigma ``resolution``,
    GeV) inside sqrt(q2min) < |q| < sqrt(q2max). Vectorised over ``mass`` (shape (n_points,))."""
    m = np.atleast_1d(np.asarray(mass, dtype=float))
    lo = np.sqrt(max(float(q2min), 0.0))
    hi = np.sqrt(max(float(q2max), 0.0))
    return ndtr((hi - m) / resolution) - ndtr((lo - m) / resolution)


def _setup(channel: str, mass):
    ch = vector_channel(channel)
    m = np.atleast_1d(np.asarray(mass, dtype=float))
    open_ = m < ch.m_B - ch.m_M
    ms = np.where(open_, m, 0.5 * (ch.m_B - ch.m_M))
    q2 = ms * ms
    lam = np.clip(kallen(ch.m_B**2, ch.m_M**2, q2), 0.0, None)
    return ch, ms, q2, lam, open_


def _vector_helicity_sum(ch: Channel, ms, q2, lam, gv, ga, ff) -> np.ndarray:
    """|H_0|^2 + |H_+|^2 + |H_-|^2 of 002 eq. (4.13), written with A12 (see module docstring)."""
    mB, mV = ch.m_B, ch.m_M
    h0 = -4.0 * ga * mB * mV * ff["A12"] / ms
    h_a = 0.5 * ga * (mB + mV) * ff["A1"]
    h_v = gv * np.sqrt(lam) * ff["V"] / (2.0 * (mB + mV))
    # B_s: time-integrated, the CP-even (H_0, A_par ~ h_a) and CP-odd (A_perp ~ h_v) parts
    # weighted by 1/(1 + y_s) and 1/(1 - y_s) (arXiv:1502.05509 eq. (48); bsll.dgamma_dq2)
    even, odd = 1.0 / (1.0 + ch.y), 1.0 / (1.0 - ch.y)
    return even * (np.abs(h0) ** 2 + 2.0 * np.abs(h_a) ** 2) + odd * 2.0 * np.abs(h_v) ** 2


def width_b_to_vector(channel: str, mass, g_L, g_R) -> np.ndarray:
    """Γ(H1 -> H2 V) in GeV for L ⊃ V_mu s-bar gamma^mu (g_L P_L + g_R P_R) b + h.c.

    ``channel`` in {"B+->K", "B0->K", "B+->K*", "B0->K*", "Bs->phi"}; ``mass`` (GeV), ``g_L``,
    ``g_R`` broadcast to (n_points,). K: 003 eq. (3) / 002 eq. (4.10),
    Γ = |g_V|^2 λ^{3/2} f_+(M^2)^2 / (64 π m_B^3 M^2); K*, φ: 002 eq. (4.11),
    Γ = λ^{1/2}/(16 π m_B^3) Σ|H|^2 (GeV, λ in GeV^4). Zero above threshold.
    """
    ch, ms, q2, lam, open_ = _setup(channel, mass)
    gv = np.asarray(g_L) + np.asarray(g_R)
    ga = np.asarray(g_R) - np.asarray(g_L)
    ff = form_factors(ch.transition, q2)
    mB = ch.m_B
    if ch.kind == "P":
        gamma = np.abs(gv) ** 2 * lam**1.5 * ff["f+"] ** 2 / (64.0 * np.pi * mB**3 * q2)
    else:
        gamma = np.sqrt(lam) / (16.0 * np.pi * mB**3) * _vector_helicity_sum(ch, ms, q2, lam, gv, ga, ff)
    return np.where(open_, gamma, 0.0)


def width_b_to_vector_dim6(channel: str, mass, g_L, g_R, Lambda) -> np.ndarray:
    """Dimension-6 couplings g^{(6)}/Λ^2 ∂^ν V_{μν} (s-bar γ^μ P_{L,R} b) (003 eqs. (5), (9)):
    on shell ∂^ν V_{μν} = -M^2 V_μ, so Γ = Γ^{(4)}(g -> g M^2/Λ^2). Λ in GeV."""
    m = np.atleast_1d(np.asarray(mass, dtype=float))
    f = m * m / np.asarray(Lambda, dtype=float) ** 2
    return width_b_to_vector(channel, m, np.asarray(g_L) * f, np.asarray(g_R) * f)


def width_b_to_vector_dim5(channel: str, mass, g_L, g_R, Lambda) -> np.ndarray:
    """Dimension-5 dipole couplings g^{(5)}/Λ V_{μν} (s-bar σ^{μν} P_{R,L} b), 003 eqs. (4), (8),
    (12), (13) (with the squares of the form factors that the rendered text drops)::

        Γ_K   = |g_V|^2 m_B M^2 / (16 π Λ^2) (1 + m_K/m_B)^-2 λ^{3/2} f_T^2,
        Γ_K*  = m_B^3 / (8 π Λ^2) λ^{1/2} [|g_V|^2 λ T1^2 + |g_A|^2 ((1 - m_V^2/m_B^2)^2 T2^2
                + 8 m_V^2 M^2 / (m_B^2 (m_B + m_V)^2) T23^2)],

    with the dimensionless λ of 003 eq. (6). Λ in GeV.
    """
    ch, ms, q2, lam, open_ = _setup(channel, mass)
    gv = np.asarray(g_L) + np.asarray(g_R)
    ga = np.asarray(g_R) - np.asarray(g_L)
    lam_hat = lam / ch.m_B**4
    ff = form_factors(ch.transition, q2)
    mB, mM = ch.m_B, ch.m_M
    L2 = np.asarray(Lambda, dtype=float) ** 2
    if ch.kind == "P":
        gamma = np.abs(gv) ** 2 * mB * q2 / (16 * np.pi * L2) / (1 + mM / mB) ** 2 * lam_hat**1.5 * ff["fT"] ** 2
    else:
        f_t = lam_hat * ff["T1"] ** 2
        f_t5 = (1 - mM**2 / mB**2) ** 2 * ff["T2"] ** 2 + 8 * mM**2 * q2 / (mB**2 * (mB + mM) ** 2) * ff["T23"] ** 2
        even, odd = 1.0 / (1.0 + ch.y), 1.0 / (1.0 - ch.y)  # B_s mixing, as in _vector_helicity_sum
        gamma = mB**3 / (8 * np.pi * L2) * np.sqrt(lam_hat) * (odd * np.abs(gv) ** 2 * f_t + even * np.abs(ga) ** 2 * f_t5)
    return np.where(open_, gamma, 0.0)


def use_onshell(mass, q2min: float, q2max: float, resolution: float, n_sigma: float = 3.0) -> np.ndarray:
    """True where the smeared peak |q| in [M - n_sigma r, M + n_sigma r] overlaps the bin.

    Example:
        >>> use_onshell(np.array([0.5, 1.0, 1.5]), 1.0, 2.0, 0.002).tolist()
        [False, True, False]
    """
    m = np.atleast_1d(np.asarray(mass, dtype=float))
    lo, hi = np.sqrt(max(q2min, 0.0)), np.sqrt(max(q2max, 0.0))
    return (m + n_sigma * resolution > lo) & (m - n_sigma * resolution < hi)


def onshell_contribution(observable: str, q2: tuple[float, float], mass, br_chain) -> np.ndarray:
    """002 eq. (2.13): BR(H1 -> H2 V) BR(V -> l l) G(q_min, q_max) for a binned observable, per point.

    ``br_chain`` is the product BR(H1 -> H2 V) BR(V -> l l) (shape (n_points,)); the smearing
    uses r_l of the observable's lepton. For ``<dBR/dq2>`` the result is divided by the bin width.
    """
    from fitkit.data.observables import parse_observable

    obs = parse_observable(observable)
    if not obs.binned or obs.kind == "<R>" or obs.lepton not in RESOLUTION:
        raise ValueError(f"{observable}: the on-shell term applies to binned charged-lepton rates")
    q2min, q2max = q2
    out = np.asarray(br_chain, dtype=float) * gaussian_bin_fraction(mass, q2min, q2max, RESOLUTION[obs.lepton])
    return out / (q2max - q2min) if obs.kind == "<dBR/dq2>" else out


def switched_prediction(observable: str, q2: tuple[float, float], wc, mass, width, br_chain) -> np.ndarray:
    """Binned prediction with the on-shell/off-shell switch of this module, shape (n_points,).

    Points with :func:`use_onshell` get SM + :func:`onshell_contribution` (``br_chain`` =
    BR(H1 -> H2 V) BR(V -> l l)); the others get :func:`fitkit.theory.predict` with the
    q^2-dependent coefficients ``wc`` and resonance-aware quadrature.
    """
    from fitkit.data.observables import parse_observable
    from fitkit.theory.observables import predict

    obs = parse_observable(observable)
    m = np.atleast_1d(np.asarray(mass, dtype=float))
    g = np.broadcast_to(np.asarray(width, dtype=float), m.shape)
    onshell = use_onshell(m, q2[0], q2[1], RESOLUTION[obs.lepton])
    off = np.broadcast_to(predict(observable, q2, wc, resonances=(m, g)), m.shape)
    sm = predict(observable, q2)[0]
    on = sm + np.broadcast_to(onshell_contribution(observable, q2, m, br_chain), m.shape)
    return np.where(onshell, on, off)
