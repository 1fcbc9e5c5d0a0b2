"""BinSet (all bins at once) against predict (one bin per call): the same rules, equal to rounding."""

from __future__ import annotations

import numpy as np
import pytest

from fitkit.theory import predict
from fitkit.theory.bin_set import BinSet

ITEMS = [
    ("<dBR/dq2>(B+->Kmumu)", (0.1, 0.98)),
    ("<dBR/dq2>(B+->Kmumu)", (1.1, 2.0)),
    ("<dBR/dq2>(B0->K*mumu)", (0.1, 0.98)),
    ("<dBR/dq2>(B0->K*mumu)", (4.0, 6.0)),
    ("<BR>(B0->K*ee)", (0.0009, 1.0)),
    ("<BR>(B->Xsmumu)", (1.0, 6.0)),
    ("<dBR/dq2>(Bs->phimumu)", (1.1, 2.5)),
    ("<BR>(B+->Kee)", (4.0, 8.12)),
]


def _bw_wc(mass: np.ndarray, width: np.ndarray, coupling: np.ndarray):
    """A Breit-Wigner δC9(q^2) = g M Γ/(q^2 - M^2 + i M Γ) (+ a constant δC10), one per point."""
    m, g, c = (np.asarray(a, dtype=float)[:, None] for a in (mass, width, coupling))

    def wc(q2: np.ndarray, lepton: str):
        return {"C9": c * m * g / (q2 - m * m + 1j * m * g), "C10": np.full((m.size, 1), 0.3 + 0j)}

    return wc


def _per_bin(wc, resonances) -> np.ndarray:
    cols = []
    for name, q2 in ITEMS:
        value = predict(name, q2, wc, resonances=resonances)
        cols.append(value * (q2[1] - q2[0]) if name.startswith("<dBR") else value)
    return np.stack(cols, axis=-1)


def test_sm_integrals_equal_predict() -> None:
    bins = BinSet(ITEMS)
    assert np.allclose(bins.sm, _per_bin(None, None)[0], rtol=1e-12, atol=0)


@pytest.mark.parametrize(
    "mass",
    [
        [0.5, 1.2, 2.4, 0.05],  # inside bins, near an edge (M^2 = 1.44), far, below every bin
        [0.3, 1.0, 1.49, 2.0],
    ],
)
def test_breit_wigner_integrals_equal_predict(mass: list[float]) -> None:
    mass_a = np.array(mass)
    width = np.array([1e-3, 1e-4, 0.05, 1e-6])
    coupling = np.array([0.5, -1.0, 2.0, 0.7])
    wc = _bw_wc(mass_a, width, coupling)
    bins = BinSet(ITEMS)
    got = bins.integrals(wc, resonances=(mass_a, width))
    want = _per_bin(wc, (mass_a, width))
    assert got.shape == (4, len(ITEMS))
    assert np.allclose(got, want, rtol=1e-12, atol=0)
    # the adapted rule matters here: without it the peaks inside the bins are missed
    assert not np.allclose(bins.integrals(wc), want, rtol=1e-3)


def test_offshell_mask_keeps_the_plain_rule() -> None:
    mass, width, coupling = np.array([1.2]), np.array([1e-4]), np.array([1.0])
    wc = _bw_wc(mass, width, coupling)
    bins = BinSet(ITEMS)
    skip = np.ones((1, len(ITEMS)), dtype=bool)
    skip[0, 1] = False  # B+ -> K mu mu [1.1, 2.0] contains M^2 = 1.44
    got = bins.integrals(wc, resonances=(mass, width), offshell=skip)
    assert got[0, 1] == pytest.approx(float(bins.integrals(wc)[0, 1]), rel=1e-14)
    assert np.allclose(np.delete(got, 1, axis=1), np.delete(_per_bin(wc, (mass, width)), 1, axis=1), rtol=1e-12)


def test_only_binned_rates() -> None:
    with pytest.raises(ValueError, match="binned rates"):
        BinSet([("<R>(B+->Kll)", (1.1, 6.0))])
    with pytest.raises(ValueError, match="empty q2 bin"):
        BinSet([("<BR>(B+->Kmumu)", (2.0, 1.0))])


def test_quadratic_form_equals_the_rate_formula() -> None:
    # every decay kind (B -> K, B -> K*, B_s -> phi, inclusive), five coefficients, complex shifts
    from fitkit.theory.observables import rate_rows

    bins = BinSet(ITEMS)
    rng = np.random.default_rng(7)
    keys = ("C7", "C9", "C10", "C9p", "C10p")
    shifts = {k: rng.uniform(-2, 2, (6, 1)) + 1j * rng.uniform(-1, 1, (6, 1)) for k in keys}
    for g in bins.groups:
        direct = rate_rows(g.obs, g.lepton, g.had, shifts)
        assert np.allclose(g.rate(shifts), direct, rtol=1e-12, atol=1e-14 * float(np.max(np.abs(direct))))


def test_a_point_does_not_depend_on_its_batch() -> None:
    mass = np.array([0.5, 1.2, 2.4, 0.05, 1.0])
    width = np.full(5, 1e-4)
    wc = _bw_wc(mass, width, np.array([0.5, -1.0, 2.0, 0.7, 1.5]))
    bins = BinSet(ITEMS)
    whole = bins.integrals(wc, resonances=(mass, width))
    for i in range(5):
        one = bins.integrals(_bw_wc(mass[i : i + 1], width[i : i + 1], np.array([[0.5, -1.0, 2.0, 0.7, 1.5][i]])), resonances=(mass[i : i + 1], width[i : i + 1]))
        np.testing.assert_array_equal(one[0], whole[i])
