"""Form factors: transcription (flavio's data files) and the exact q^2 = 0 relations."""

from __future__ import annotations

import numpy as np
import pytest

from fitkit.theory.formfactors import a2_t3, form_factors, load_parameters


@pytest.mark.slow
@pytest.mark.parametrize("transition", ["B->K", "B->K*", "Bs->phi"])
def test_form_factors_match_flavio(flavio_ref, transition):
    from flavio.classes import AuxiliaryQuantity

    par = flavio_ref.flavio.default_parameters.get_central_all()
    for q2 in (0.0, 3.0, 8.0, 15.0):
        ref = AuxiliaryQuantity[transition + " form factor"].prediction(par_dict=par, wc_obj=None, q2=q2)
        ours = form_factors(transition, q2)
        for k, v in ref.items():
            assert float(ours[k]) == pytest.approx(float(v), rel=1e-6), (k, q2)


def test_q2_zero_relations():
    """f0(0) = f+(0), T1(0) = T2(0), A12(0) = (mB^2 - mV^2)/(8 mB mV) A0(0)  (1503.05534 eq. (4.3))."""
    bk = form_factors("B->K", 0.0)
    assert bk["f0"] == pytest.approx(bk["f+"])
    for tr in ("B->K*", "Bs->phi"):
        p = load_parameters(tr)
        ff = form_factors(tr, 0.0)
        assert ff["T1"] == pytest.approx(ff["T2"])
        assert ff["A12"] == pytest.approx((p.m_B**2 - p.m_M**2) / (8 * p.m_B * p.m_M) * ff["A0"])


def test_bsz2015_table_values():
    """Numbers printed in 1503.05534 Table 15 (LCSR + lattice): A0(0) = 0.369, V(0) = 0.376 for B -> K*."""
    ff = form_factors("B->K*", 0.0)
    assert round(float(ff["A0"]), 3) == 0.369
    assert round(float(ff["V"]), 3) == 0.376


def test_a2_t3_inversion_reproduces_a12_t23():
    p = load_parameters("B->K*")
    q2 = np.array([1.0, 5.0, 12.0])
    ff = form_factors("B->K*", q2)
    a2, t3 = a2_t3(ff, q2, p.m_B, p.m_M)
    mB, mV = p.m_B, p.m_M
    lam = (mB**2 + mV**2 - q2) ** 2 - 4 * mB**2 * mV**2
    a12 = ((mB + mV) ** 2 * (mB**2 - mV**2 - q2) * ff["A1"] - lam * a2) / (16 * mB * mV**2 * (mB + mV))
    np.testing.assert_allclose(a12, ff["A12"], rtol=1e-10)
    t23 = ((mB**2 - mV**2) * (mB**2 + 3 * mV**2 - q2) * ff["T2"] - lam * t3) / (8 * mB * mV**2 * (mB - mV))
    np.testing.assert_allclose(t23, ff["T23"], rtol=1e-10)
