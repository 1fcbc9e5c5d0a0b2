"""B -> X_s l l at leading order: budget against flavio 2.7.1 and structural checks.

Measured budget (SM, [1, 6] GeV^2): fitkit/flavio = 0.986 (mu), 0.949 (e). The 5 % electron
deficit is flavio's log-enhanced QED correction (ln(m_b^2/m_e^2)), absent at leading order.
NP/SM ratios (mu; e alike): C9 = -1: 0.814 vs 0.842 (-3.3 %), C9 = +0.5: +1.1 %, C10 = +0.5:
+0.9 %, C10 = -1: -1.3 %, C9' = 1: 0.0 %, C7 = +-0.05: +-1.3 % (flavio's NNLO matrix elements
dilute the |C9|^2 term). The documented budget of the inclusive mode is therefore 10 % on the SM
rate and 4 % on NP/SM ratios; fits of 002 use the ratio mode with flavio's SM value.
"""

from __future__ import annotations

import pytest

from fitkit.theory import constant_wc, predict


@pytest.mark.slow
@pytest.mark.parametrize("lepton", ["mu", "e"])
def test_sm_within_budget(flavio_ref, lepton):
    name = f"<BR>(B->Xs{'mumu' if lepton == 'mu' else 'ee'})"
    assert predict(name, (1.0, 6.0))[0] == pytest.approx(flavio_ref.prediction(name, 1.0, 6.0), rel=0.10)


@pytest.mark.slow
@pytest.mark.parametrize("shift", [{"C9": -1.0}, {"C9": 0.5}, {"C10": -1.0}, {"C9p": 1.0}, {"C7": 0.05}])
def test_np_ratio_within_budget(flavio_ref, shift):
    name = "<BR>(B->Xsmumu)"
    ours = predict(name, (1.0, 6.0), constant_wc(shift))[0] / predict(name, (1.0, 6.0))[0]
    ref = flavio_ref.prediction(name, 1.0, 6.0, shifts=shift) / flavio_ref.prediction(name, 1.0, 6.0)
    assert ours == pytest.approx(ref, rel=0.04)


def test_primed_operators_do_not_interfere():
    """For m_s = 0 primed operators add incoherently: BR(C9' = x) = BR(C9' = -x)."""
    a = predict("<BR>(B->Xsmumu)", (1.0, 6.0), constant_wc({"C9p": 0.8}))[0]
    b = predict("<BR>(B->Xsmumu)", (1.0, 6.0), constant_wc({"C9p": -0.8}))[0]
    assert a == pytest.approx(b, rel=1e-12) and a > predict("<BR>(B->Xsmumu)", (1.0, 6.0))[0]
