"""Physical limits of the engine: heavy mediator = constant WC, m_l -> 0, narrow width = NWA."""

from __future__ import annotations

import numpy as np
import pytest

from fitkit.constants import G_F, M_MU, ckm_matrix, width_from_lifetime
from fitkit.theory import constant_wc, predict, width_b_to_vector
from fitkit.theory.bsll import channel, dgamma_dq2, hadronic, total_coefficients
from fitkit.theory.wilson_sm import sm_coefficients

BINS = [("<dBR/dq2>(B+->Kmumu)", (1.1, 6.0)), ("<dBR/dq2>(B0->K*mumu)", (1.1, 6.0)),
        ("<dBR/dq2>(Bs->phimumu)", (0.1, 0.98)), ("<BR>(B->Xsee)", (1.0, 6.0))]  # fmt: skip


@pytest.mark.parametrize("name,q2", BINS)
@pytest.mark.parametrize("key", ["C9", "C10", "C9p", "C10p"])
def test_heavy_mediator_equals_constant_wc(name, q2, key):
    """δC(q^2) = -c M^2/(q^2 - M^2) -> c for M -> infinity; at M = 1 TeV the difference is O(q^2/M^2)."""
    c = -0.8
    M = np.array([1000.0])

    def heavy(q2_nodes, lepton):
        return {key: -c * M[:, None] ** 2 / (q2_nodes - M[:, None] ** 2)}

    got = predict(name, q2, heavy)
    want = predict(name, q2, constant_wc({key: c}))
    np.testing.assert_allclose(got, want, rtol=1e-4)
    # and a light mediator is visibly different (the test can fail)
    M[0] = 3.0
    assert abs(predict(name, q2, heavy)[0] / want[0] - 1) > 1e-3


@pytest.mark.parametrize("key", [("B+", "K"), ("B0", "K*"), ("Bs", "phi")])
def test_massless_lepton_limit(key):
    """m_l -> 0: the massive formulas tend to the massless ones, which are checked against
    the independent textbook forms dGamma/dq2 = Gamma_0 lambda^{3/2}/3 (|F_V|^2 + |F_A|^2) (B -> K)
    and sum of |A_i^{L,R}|^2 (B -> V)."""
    ch = channel(key)
    q2 = np.array([[0.5, 2.0, 5.0, 12.0]])
    shifts = {"C9": np.array([[0.3 - 0.2j]]), "C10p": np.array([[0.4]])}

    def rate(m):
        had = hadronic(ch, "mu", q2, m_l=m)
        return dgamma_dq2(ch, had, total_coefficients(had, "mu", shifts))

    r0, r_small, r_mu = rate(0.0), rate(1e-5), rate(M_MU)
    np.testing.assert_allclose(r_small, r0, rtol=1e-8)
    assert abs(r_mu[0, 0] / r0[0, 0] - 1) > 1e-3  # finite-mass effect at low q2 is visible

    had = hadronic(ch, "mu", q2, m_l=0.0)
    c = total_coefficients(had, "mu", shifts)
    lam = had["lam"]
    if ch.kind == "P":
        fv = (c["C9"] + c["C9p"]) * had["fv9"] + (c["C7"] + c["C7p"]) * had["fv7"]
        fa = (c["C10"] + c["C10p"]) * had["fa"]
        ref = had["g0"] * lam / 3.0 * (np.abs(fv) ** 2 + np.abs(fa) ** 2)
    else:
        amps = []
        # B_s: CP-odd A_perp weighted by 1/(1 - y_s), CP-even by 1/(1 + y_s) (1502.05509 eq. (48))
        odd, even = np.sqrt(1 / (1 - ch.y)), np.sqrt(1 / (1 + ch.y))
        for sgn in (-1, 1):  # L: C9 - C10, R: C9 + C10
            cp9, cm9 = c["C9"] + c["C9p"], c["C9"] - c["C9p"]
            cp10, cm10 = c["C10"] + c["C10p"], c["C10"] - c["C10p"]
            cp7, cm7 = c["C7"] + c["C7p"], c["C7"] - c["C7p"]
            # the QCD-factorisation amplitudes (fitkit.theory.qcdf) are vector-current ones: L and R alike
            amps.append(odd * (had["perp9"] * (cp9 + sgn * cp10) + had["perp7"] * cp7 + had["nf_perp"]))
            amps.append(even * (had["par9"] * (cm9 + sgn * cm10) + had["par7"] * cm7 + had["nf_par"]))
            amps.append(even * (had["zero9"] * (cm9 + sgn * cm10) + had["zero7"] * cm7 + had["nf_zero"]))
        ref = had["n2"] * sum(np.abs(a) ** 2 for a in amps)
    np.testing.assert_allclose(r0, ref, rtol=1e-12)


def _n_eff() -> float:
    """|4 G_F/sqrt2 alpha_e/(4 pi) V_tb V_ts^*|: δC9 = g_q g_l / (N (q^2 - M^2 + i M Γ)) (002 eq. (2.9))."""
    V = ckm_matrix()
    return 4 * G_F / np.sqrt(2) * sm_coefficients().alpha_e / (4 * np.pi) * abs(V[2, 2] * V[2, 1].conjugate())


@pytest.mark.parametrize(
    "name,channel_name,tau_key,q2,mass",
    [
        ("<BR>(B+->Kmumu)", "B+->K", ("B+", "K"), (1.1, 3.0), 1.5),
        ("<BR>(B0->K*mumu)", "B0->K*", ("B0", "K*"), (0.1, 0.98), 0.6),
        ("<BR>(Bs->phimumu)", "Bs->phi", ("Bs", "phi"), (4.0, 6.0), 2.2),
    ],
)
def test_narrow_breit_wigner_equals_nwa(name, channel_name, tau_key, q2, mass):
    """∫ over the bin of the rate with δC9 = g_L g_mu /(N (q^2 - M^2 + i M Γ)) minus the SM equals
    BR(H1 -> H2 V) BR(V -> mu mu) (narrow-width approximation, 002 eq. (2.13) without smearing);
    V couples only to s-bar gamma P_L b and to muons (vector), so BR(V -> mu mu) = 1."""
    g_l, g_mu = 2e-9, 1e-3
    M = np.array([mass])
    beta = np.sqrt(1 - 4 * M_MU**2 / mass**2)
    gamma_v = g_mu**2 * mass / (12 * np.pi) * beta * (1 + 2 * M_MU**2 / mass**2)  # Γ(V -> mu mu)
    n = _n_eff()

    def bw(q2_nodes, lepton):
        if lepton != "mu":
            return {}
        prop = 1.0 / (q2_nodes - M[:, None] ** 2 + 1j * M[:, None] * gamma_v)
        # vector coupling to muons: O9 only; the quark current s-bar gamma P_L b is that of O9
        return {"C9": g_l * g_mu / n * prop}

    res = (M, np.array([gamma_v]))
    excess = predict(name, q2, bw, resonances=res)[0] - predict(name, q2)[0]
    ch = channel(tau_key)
    nwa = width_b_to_vector(channel_name, mass, g_l, 0.0)[0] * ch.tau / width_from_lifetime(1.0)
    assert excess == pytest.approx(nwa, rel=2e-3)
    # the plain rule (no resonance information) misses the peak: the test can fail
    plain = predict(name, q2, bw)[0] - predict(name, q2)[0]
    assert abs(plain / nwa - 1) > 0.1


def test_resonance_rule_is_accurate_for_peaks_inside_and_near_the_bin():
    """A broad-ish and a very narrow resonance, inside and just outside the bin: the adapted
    rule reproduces a brute-force integral (scipy.integrate.quad with the peak as a break point)."""
    from scipy.integrate import quad

    from fitkit.data.observables import parse_observable
    from fitkit.theory.observables import rate_at_nodes

    obs = parse_observable("<BR>(B+->Kmumu)")
    for mass, width, a in [(1.2, 1e-3, 0.5), (1.2, 1e-7, 0.05), (1.0, 1e-6, 0.3)]:
        M = np.array([mass])

        def wc(q2_nodes, lepton, a=a, M=M, width=width):
            return {"C9": a * M[:, None] * width / (q2_nodes - M[:, None] ** 2 + 1j * M[:, None] * width)}

        for q2min, q2max in [(1.1, 2.0), (1.45, 2.0), (1.0, 1.43)]:
            got = predict("<BR>(B+->Kmumu)", (q2min, q2max), wc, resonances=(M, np.array([width])))[0]

            def f(x):
                return float(rate_at_nodes(obs, "mu", np.array([[x]]), wc)[0, 0])

            # brute force: adaptive quadrature on pieces split at M^2 +- 10^k M Gamma
            cuts = [mass**2 + s * 10.0**k * mass * width for s in (-1, 1) for k in range(0, 9)] + [mass**2]
            edges = sorted({q2min, q2max, *[c for c in cuts if q2min < c < q2max]})
            ref = sum(quad(f, lo, hi, limit=200, epsabs=0, epsrel=1e-8)[0] for lo, hi in zip(edges[:-1], edges[1:]))
            assert got == pytest.approx(ref, rel=1e-5), (mass, width, q2min, q2max)
