"""Native SM predictions and NP/SM ratios of the 27 observables of 002 Table 1 against flavio 2.7.1.

Measured (fitkit/flavio, SM): B -> K l l 0.999-1.002 (every bin), K*+ mu mu 0.984-0.990, K*0 mu mu
0.987 ([0.1, 0.98]) and 0.992-0.995, phi mu mu 0.988 ([0.1, 0.98]) and 0.993-0.997, K*0 ee 0.984
([0.03^2, 1]) and 0.994, Xs mu mu 0.993, Xs ee 0.994 (inclusive mode at NNLO, theory/inclusive.py;
0.986, 0.949 at LO). The vector modes include the QCD-factorisation amplitudes of hep-ph/0106067
and hep-ph/0412400 (theory/qcdf.py; without them they were 0.925-0.943 below 1 GeV^2). NP/SM
ratios for constant shifts agree to better than 1.5 % in every bin (vector modes below 2 GeV^2:
0.11 %; the inclusive mode: tests/theory/test_inclusive.py). CMS 2024 B+ -> K+ mu mu bins
above the J/psi (current-data card): -0.4 ... +0.5 % from 14.82 GeV^2 on, +2.2 % and +0.9 % in
[11, 11.8] and [11.8, 12.5].
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from fitkit.data.catalog import default_data_dir, load_card
from fitkit.data.schema import Measurement
from fitkit.theory import constant_wc, predict


def table1() -> list[Measurement]:
    """The 27 measurements of 002 Table 1 from the data/bsll cards."""
    out = []
    for path in sorted(Path(default_data_dir(), "bsll").glob("*.yaml")):
        card = load_card(path)
        out += [Measurement.from_entry(e, card) for e in card.measurements]
    return [m for m in out if "table1-002" in m.tags]


MEASUREMENTS = table1()


def test_table1_has_27_observables():
    assert len(MEASUREMENTS) == 27


def flavio_sm(flavio_ref, m: Measurement) -> float:
    """flavio's own binned SM prediction (its adaptive integral) of a card observable."""
    a, b = m.q2
    name = m.observable
    if name.startswith("<BR>") and "Xs" not in name:  # flavio names the bin average only
        return flavio_ref.prediction(name.replace("<BR>", "<dBR/dq2>"), a, b) * (b - a)
    return flavio_ref.prediction(name, a, b)


@pytest.mark.slow
@pytest.mark.parametrize("m", MEASUREMENTS, ids=[m.id for m in MEASUREMENTS])
def test_sm_agrees_with_flavio(flavio_ref, m):
    """Within 3 % (issue-14 goal; exclusive modes measured within 1.7 %); the NNLO inclusive mode
    within 1 % (measured -0.7 %, -0.6 %, tests/theory/test_inclusive.py)."""
    ref = flavio_sm(flavio_ref, m)
    ours = float(predict(m.observable, m.q2)[0])
    assert ours == pytest.approx(ref, rel=0.01 if "Xs" in m.observable else 0.03)


# one bin per distinct (observable, bin), the inclusive [1, 6] included
BINS = list({(m.observable, m.q2): m for m in MEASUREMENTS}.values())


@pytest.mark.slow
@pytest.mark.parametrize("m", BINS, ids=[m.id for m in BINS])
def test_np_over_sm_ratio_within_2_percent(flavio_ref, m):
    a, b = m.q2
    sm_f = flavio_ref.binned(m.observable, a, b, n=5)
    sm_k = float(predict(m.observable, m.q2)[0])
    bad = []
    for key in ("C9", "C10", "C9p", "C10p"):
        for value in (-1.0, -0.5, 0.5):
            r_f = flavio_ref.binned(m.observable, a, b, {key: value}, n=5) / sm_f
            r_k = float(predict(m.observable, m.q2, constant_wc({key: value}))[0]) / sm_k
            if abs(r_k / r_f - 1) > 0.02:
                bad.append((key, value, r_k, r_f))
    assert not bad


def high_q2_rates() -> list[Measurement]:
    """Binned rates of the current-data cards above the J/psi (CMS 2024 B+ -> K+ mu mu)."""
    out = []
    for path in sorted(Path(default_data_dir(), "bsll").glob("*.yaml")):
        card = load_card(path)
        out += [Measurement.from_entry(e, card) for e in card.measurements]
    return [m for m in out if m.q2 is not None and m.q2[0] >= 10.0 and "BR" in m.observable]


HIGH_Q2 = high_q2_rates()


@pytest.mark.slow
@pytest.mark.parametrize("m", HIGH_Q2, ids=[m.id for m in HIGH_Q2])
def test_high_q2_sm_rates_agree_with_flavio(flavio_ref, m):
    """Above the J/psi (low-recoil form of the O_1, O_2 two-loop terms, theory/wilson_sm.py): within
    1 % from 14.82 GeV^2 on (measured -0.4 ... +0.5 %), 3 % in the bins [11, 11.8], [11.8, 12.5]
    where the low- and high-q^2 forms are blended (measured +2.2 %, +0.9 %). Before: +2.4 ... +5.1 %."""
    assert len(HIGH_Q2) == 7
    ours = float(predict(m.observable, m.q2)[0])
    assert ours == pytest.approx(flavio_sm(flavio_ref, m), rel=0.03 if m.q2[0] < 14.0 else 0.01)


def test_quadrature_converged():
    """10 Gauss-Legendre nodes per bin are converged to < 1e-4 (checked with 40 nodes)."""
    from fitkit.theory import observables as ob

    vals = {}
    for n in (10, 40):
        ob._HAD_CACHE.clear()
        old, ob.N_NODES = ob.N_NODES, n
        try:
            vals[n] = np.array([predict(m.observable, m.q2)[0] for m in MEASUREMENTS[:12]])
        finally:
            ob.N_NODES = old
    ob._HAD_CACHE.clear()
    np.testing.assert_allclose(vals[10], vals[40], rtol=1e-4)
