"""Local B -> K, B -> K*, B_s -> phi form factors in the BSZ z-expansion, vectorised over q^2.

BSZ parametrisation (Bharucha, Straub, Zwicky, arXiv:1503.05534, eq. (4.1))::

    F(q2) = 1 / (1 - q2/m_R^2) * sum_k a_k^F [z(q2) - z(0)]^k,
    z(t) = (sqrt(t_+ - t) - sqrt(t_+ - t_0)) / (sqrt(t_+ - t) + sqrt(t_+ - t_0)),
    t_+- = (m_B +- m_M)^2,  t_0 = t_+ (1 - sqrt(1 - t_-/t_+)).

The constraints at q^2 = 0 (1503.05534 eq. (4.3)) fix the leading coefficients
a_0^{f0} = a_0^{f+}, a_0^{T2} = a_0^{T1}, a_0^{A12} = (m_B^2 - m_V^2)/(8 m_B m_V) a_0^{A0}.

Parameter sets (YAML in ``data/formfactors``, each with its reference):

- ``B->K``: Gubernari, Reboud, van Dyk, Virto 2023 (arXiv:2305.06301), the update of
  Gubernari-van Dyk-Virto (arXiv:2011.09813); form factors f+, f0, fT;
- ``B->K*`` and ``Bs->phi``: Bharucha-Straub-Zwicky 2015 (arXiv:1503.05534), LCSR + lattice;
  form factors V, A0, A1, A12, T1, T2, T23 (A2 and T3 follow from A12 and T23, see
  :func:`a2_t3`).

Example:
    >>> ff = form_factors("B->K", np.array([0.0, 5.0]))
    >>> [round(float(x), 4) for x in ff["f+"]]
    [0.332, 0.4461]
    >>> round(float(form_factors("B->K*", 0.0)["V"]), 4)
    0.3763
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

import numpy as np

from fitkit.data.catalog import default_data_dir, read_yaml

__all__ = ["BSZParameters", "FF_FILES", "load_parameters", "z_variable", "form_factors", "a2_t3"]

#: Parameter files per transition, relative to the data folder.
FF_FILES: dict[str, str] = {
    "B->K": "formfactors/bk_grvdv2023.yaml",
    "B->K*": "formfactors/bkstar_bsz2015.yaml",
    "Bs->phi": "formfactors/bsphi_bsz2015.yaml",
}


class BSZParameters(NamedTuple):
    """BSZ expansion of one transition: masses (GeV), pole masses and coefficients a_k per form factor."""

    transition: str
    m_B: float
    m_M: float
    resonances: dict[str, float]
    coefficients: dict[str, tuple[float, ...]]
    reference: str


@cache
def load_parameters(transition: str) -> BSZParameters:
    """Read the BSZ coefficients of ``transition`` and apply the q^2 = 0 constraints (1503.05534 eq. (4.3))."""
    if transition not in FF_FILES:
        raise ValueError(f"no form factors for {transition!r}; known: {', '.join(FF_FILES)}")
    raw = read_yaml(default_data_dir() / FF_FILES[transition])
    m_B, m_M = float(raw["masses"]["m_B"]), float(raw["masses"]["m_M"])
    coeffs = {k: list(v) for k, v in raw["coefficients"].items()}
    if "f0" in coeffs:
        coeffs["f0"][0] = coeffs["f+"][0]
    if "T2" in coeffs:
        coeffs["T2"][0] = coeffs["T1"][0]
    if "A12" in coeffs:
        coeffs["A12"][0] = (m_B**2 - m_M**2) / (8.0 * m_B * m_M) * coeffs["A0"][0]
    return BSZParameters(
        transition=transition,
        m_B=m_B,
        m_M=m_M,
        resonances={k: float(v) for k, v in raw["resonances"].items()},
        coefficients={k: tuple(float(x) for x in v) for k, v in coeffs.items()},
        reference=str(raw["reference"]["arxiv"]),
    )


def z_variable(q2: np.ndarray | float, m_B: float, m_M: float) -> np.ndarray:
    """Conformal variable z(q^2) of 1503.05534 eq. (4.2) with t_0 = t_+ (1 - sqrt(1 - t_-/t_+))."""
    tp, tm = (m_B + m_M) ** 2, (m_B - m_M) ** 2
    t0 = tp * (1.0 - np.sqrt(1.0 - tm / tp))
    a = np.sqrt(tp - np.asarray(q2, dtype=float))
    b = np.sqrt(tp - t0)
    return (a - b) / (a + b)


def form_factors(transition: str, q2: np.ndarray | float) -> dict[str, np.ndarray]:
    """All form factors of ``transition`` ('B->K', 'B->K*', 'Bs->phi') at ``q2`` (GeV^2), any shape."""
    p = load_parameters(transition)
    q2 = np.asarray(q2, dtype=float)
    dz = z_variable(q2, p.m_B, p.m_M) - z_variable(0.0, p.m_B, p.m_M)
    out: dict[str, np.ndarray] = {}
    poles: dict[float, np.ndarray] = {}
    for name, a in p.coefficients.items():
        m_r = p.resonances[name]
        if m_r not in poles:
            poles[m_r] = 1.0 / (1.0 - q2 / m_r**2)
        series = a[0] + dz * (a[1] + dz * a[2]) if len(a) == 3 else np.polynomial.polynomial.polyval(dz, a)
        out[name] = series * poles[m_r]
    return out


def a2_t3(ff: dict[str, np.ndarray], q2: np.ndarray, m_B: float, m_V: float) -> tuple[np.ndarray, np.ndarray]:
    """A2 and T3 from A1, A12, T2, T23 (inverting the definitions of 1503.05534 eqs. (2.6)-(2.7))::

        A12 = [(m_B+m_V)^2 (m_B^2 - m_V^2 - q2) A1 - lambda A2] / [16 m_B m_V^2 (m_B+m_V)],
        T23 = [(m_B^2 - m_V^2)(m_B^2 + 3 m_V^2 - q2) T2 - lambda T3] / [8 m_B m_V^2 (m_B - m_V)].
    """
    lam = (m_B**2 + m_V**2 - q2) ** 2 - 4 * m_B**2 * m_V**2
    a2 = ((m_B + m_V) ** 2 * (m_B**2 - m_V**2 - q2) * ff["A1"] - 16 * m_B * m_V**2 * (m_B + m_V) * ff["A12"]) / lam
    t3 = ((m_B**2 - m_V**2) * (m_B**2 + 3 * m_V**2 - q2) * ff["T2"] - 8 * m_B * m_V**2 * (m_B - m_V) * ff["T23"]) / lam
    return a2, t3
