"""The public predict API: shapes, vectorisation over points, ratios, ratio mode, errors."""

from __future__ import annotations

import numpy as np
import pytest

from fitkit.theory import constant_wc, predict, predict_ratio


def test_shapes():
    bins = np.array([[1.1, 2.0], [2.0, 4.0], [4.0, 6.0]])
    assert predict("<dBR/dq2>(B0->K*mumu)", (1.1, 6.0)).shape == (1,)
    assert predict("<dBR/dq2>(B0->K*mumu)", bins).shape == (1, 3)
    assert predict("dBR/dq2(B+->Knunu)", np.linspace(0, 20, 7)).shape == (1, 7)
    assert predict("BR(B0->K*nunu)").shape == (1,)

    a = np.array([-1.0, 0.0, 0.5, 1.0])

    def wc(q2, lepton):
        return {"C9": a[:, None] + 0.0 * q2}

    out = predict("<dBR/dq2>(B0->K*mumu)", bins, wc)
    assert out.shape == (4, 3)
    # vectorised rows equal single-point evaluations
    for i, ai in enumerate(a):
        np.testing.assert_allclose(out[i], predict("<dBR/dq2>(B0->K*mumu)", bins, constant_wc({"C9": ai}))[0], rtol=1e-12)


def test_binned_average_and_integral_are_consistent():
    avg = predict("<dBR/dq2>(B+->Kee)", (1.1, 6.0))[0]
    tot = predict("<BR>(B+->Kee)", (1.1, 6.0))[0]
    assert tot == pytest.approx(avg * 4.9, rel=1e-12)


def test_rk_sm_is_close_to_one_and_moves_with_c9_mu():
    rk = predict("<R>(B+->Kll)", (1.1, 6.0))[0]
    assert rk == pytest.approx(1.0, abs=0.002)  # lepton-mass effects only (SM R_K = 1.000)
    rk_np = predict("<R>(B+->Kll)", (1.1, 6.0), constant_wc({"C9": -1.0}, lepton="mu"))[0]
    assert 0.7 < rk_np < 0.85
    rks = predict("<R>(B0->K*ll)", (1.1, 6.0))[0]
    assert rks == pytest.approx(1.0, abs=0.01)  # K*: R_K* = 0.99-1.0 in [1.1, 6]


def test_ratio_mode_cancels_the_sm_normalisation():
    sm_card = 3.49e-8
    wc = constant_wc({"C10": 0.5})
    got = predict_ratio("<dBR/dq2>(B+->Kmumu)", sm_card, (1.1, 6.0), wc)[0]
    ratio = predict("<dBR/dq2>(B+->Kmumu)", (1.1, 6.0), wc)[0] / predict("<dBR/dq2>(B+->Kmumu)", (1.1, 6.0))[0]
    assert got == pytest.approx(sm_card * ratio, rel=1e-12)
    assert predict_ratio("<dBR/dq2>(B+->Kmumu)", sm_card, (1.1, 6.0))[0] == pytest.approx(sm_card, rel=1e-12)


def test_bins_below_threshold_and_errors():
    # a muon bin starting below 4 m_mu^2 is integrated from threshold
    a = predict("<BR>(B+->Kmumu)", (0.0, 1.0))[0]
    b = predict("<BR>(B+->Kmumu)", (4 * 0.1056583755**2, 1.0))[0]
    assert a == pytest.approx(b, rel=1e-12)
    with pytest.raises(ValueError):
        predict("<dBR/dq2>(B+->Kmumu)")
    with pytest.raises(ValueError):
        predict("<dBR/dq2>(B+->Kmumu)", (2.0, 1.0))
    with pytest.raises(ValueError):
        predict("<dBR/dq2>(B+->Ktautau)", (1.0, 2.0))


def test_isospin_and_lifetime_pattern():
    """B0 and B+ to K differ by the lifetime ratio and tiny mass differences only."""
    r = predict("<dBR/dq2>(B0->Kmumu)", (1.1, 6.0))[0] / predict("<dBR/dq2>(B+->Kmumu)", (1.1, 6.0))[0]
    assert r == pytest.approx(1.517 / 1.638, rel=0.01)


def test_unknown_wc_key_is_an_error_and_foreign_keys_are_ignored():
    with pytest.raises(ValueError, match="unknown Wilson-coefficient"):
        predict("<dBR/dq2>(B+->Kmumu)", (1.1, 6.0), constant_wc({"c9": 1.0}))
    sm = predict("BR(B+->Knunu)")[0]
    assert predict("BR(B+->Knunu)", wc=constant_wc({"C9": -1.0}))[0] == pytest.approx(sm, rel=1e-12)
    sm_mu = predict("<dBR/dq2>(B+->Kmumu)", (1.1, 6.0))[0]
    assert predict("<dBR/dq2>(B+->Kmumu)", (1.1, 6.0), constant_wc({"CL": 1.0}))[0] == pytest.approx(sm_mu, rel=1e-12)


def test_predict_many_native_and_ratio():
    from fitkit.theory import predict_many

    items = [("<dBR/dq2>(B+->Kmumu)", (1.1, 6.0)), ("<BR>(B->Xsee)", (1.0, 6.0)), ("dBR/dq2(B+->Knunu)", [3.0])]
    a = np.array([-1.0, 0.5])

    def wc(q2, lepton):
        return {"C9": a[:, None] + 0 * q2, "CL": a[:, None] + 0 * q2}

    native = predict_many(items, wc)
    assert native.shape == (2, 3)
    for j, (name, q2) in enumerate(items):
        np.testing.assert_allclose(native[:, j], np.ravel(predict(name, q2, wc)), rtol=1e-12)
    ratio = predict_many(items, wc, sm_values=[1.0, 2.0, 3.0])
    sm = predict_many(items)
    np.testing.assert_allclose(ratio, native / sm * np.array([1.0, 2.0, 3.0]), rtol=1e-12)
    with pytest.raises(ValueError):
        predict_many([("<dBR/dq2>(B+->Kmumu)", np.array([[1.0, 2.0], [2.0, 3.0]]))])


def test_predict_sm_is_the_native_sm_computed_once():
    from fitkit.theory import predict_sm

    for obs, q2 in (("<dBR/dq2>(B+->Kmumu)", (1.1, 6.0)), ("<BR>(B0->K*ee)", (0.0009, 1.0)), ("BR(B0->K*nunu)", None)):
        assert predict_sm(obs, q2) == float(predict(obs, q2)[0])
    assert predict_sm("<dBR/dq2>(B+->Kmumu)", [1.1, 6.0]) is predict_sm("<dBR/dq2>(B+->Kmumu)", (1.1, 6.0))
    bins = np.array([[1.1, 2.0], [2.0, 4.0]])
    wc = constant_wc({"C9": -1.0})
    np.testing.assert_array_equal(
        predict_ratio("<dBR/dq2>(B+->Kmumu)", 1.0, bins, wc),
        predict("<dBR/dq2>(B+->Kmumu)", bins, wc) / predict("<dBR/dq2>(B+->Kmumu)", bins),
    )
    pts = np.array([2.0, 5.0])  # dBR/dq2 at two q^2 points is not a bin
    np.testing.assert_array_equal(
        predict_ratio("dBR/dq2(B+->Kmumu)", 1.0, pts, wc), predict("dBR/dq2(B+->Kmumu)", pts, wc) / predict("dBR/dq2(B+->Kmumu)", pts)
    )
