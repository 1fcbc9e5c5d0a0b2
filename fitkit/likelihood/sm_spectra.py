"""SM generated spectra behind published number densities: the fraction w_t of the SM rate per generated bin.

A number-density map N_it is the SM signal's yield split by generated bin; turning it into an
efficiency (:func:`fitkit.likelihood.efficiency_maps.efficiencies`) needs the SM spectrum the
experiment generated. :data:`SM_SPECTRA` names them for the reinterpretation YAML
(``normalisation.sm_spectrum``); each takes the generated axes' edges (one array per axis, in
the map's units) and returns w over the generated grid, summing to 1.

Example:
    >>> w = knunu_q2_fractions([np.concatenate([[-1.0], np.linspace(0.0, 22.885, 101)])])
    >>> w.shape, round(float(w.sum()), 12), float(w[0]), bool(w[1] > w[-1])
    ((101,), 1.0, 0.0, True)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from fitkit.constants import M_BPLUS, M_KPLUS
from fitkit.errors import InputError
from fitkit.theory.formfactors import form_factors
from fitkit.theory.kinematics import kallen

__all__ = ["knunu_q2_fractions", "SM_SPECTRA"]


def knunu_q2_fractions(edges: Sequence[np.ndarray], *, nodes: int = 12) -> np.ndarray:
    """Fraction w_t of the SM B+ -> K+ nu nubar rate in each q^2 bin (GeV^2 edges; sums to 1).

    dBR/dq^2 ~ lambda^{3/2}(m_B^2, m_K^2, q^2) f_+(q^2)^2 (massless neutrinos: only the vector
    form factor; 000 eq. (3.10)), Gauss-Legendre with ``nodes`` points per bin; bins below
    q^2 = 0 or beyond (m_B - m_K)^2 get zero. One generated axis (q^2) only.
    """
    if len(edges) != 1:
        raise InputError(f"the B+->K+nunu SM spectrum is a q^2 spectrum (one generated axis), the map has {len(edges)}", field="normalisation.sm_spectrum")
    e = np.asarray(edges[0], float)
    x, wq = np.polynomial.legendre.leggauss(nodes)
    q2max = (M_BPLUS - M_KPLUS) ** 2
    lo = np.clip(e[:-1], 0.0, q2max)
    hi = np.clip(e[1:], 0.0, q2max)
    half = 0.5 * (hi - lo)
    q2 = 0.5 * (hi + lo)[:, None] + half[:, None] * x[None, :]
    lam = np.clip(kallen(1.0, (M_KPLUS / M_BPLUS) ** 2, q2 / M_BPLUS**2), 0.0, None)  # 003 eq. (6)
    rate = lam**1.5 * form_factors("B->K", q2)["f+"] ** 2  # 000 eq. (3.10)
    integral = (rate * wq).sum(axis=1) * half
    return integral / integral.sum()


#: SM spectra by the name used in ``normalisation.sm_spectrum`` of a reinterpretation YAML.
SM_SPECTRA: dict[str, Callable[[Sequence[np.ndarray]], np.ndarray]] = {"B+->K+nunu": knunu_q2_fractions}
