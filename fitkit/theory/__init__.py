"""fitkit's theory engine: SM + new-physics rates of b -> s l l and b -> s nu nu decays.

Vectorised over parameter points and q^2 nodes; new physics enters through q^2-dependent
Wilson-coefficient shifts δC_i(q^2) in the normalisation of 002 eq. (2.9) (a
:data:`WCFunction`), and through on-shell light vectors (:mod:`fitkit.theory.narrow`).

Example:
    >>> br = predict("BR(B+->Knunu)")
    >>> round(float(br[0]) * 1e6, 2)
    4.67
"""

from __future__ import annotations

from fitkit.theory.narrow import (
    gaussian_bin_fraction,
    onshell_contribution,
    switched_prediction,
    use_onshell,
    width_b_to_vector,
    width_b_to_vector_dim5,
    width_b_to_vector_dim6,
)
from fitkit.theory.observables import (
    WCFunction,
    constant_wc,
    predict,
    predict_many,
    predict_ratio,
    predict_sm,
)

__all__ = [
    "predict",
    "predict_ratio",
    "predict_sm",
    "predict_many",
    "WCFunction",
    "constant_wc",
    "gaussian_bin_fraction",
    "width_b_to_vector",
    "width_b_to_vector_dim5",
    "width_b_to_vector_dim6",
    "use_onshell",
    "onshell_contribution",
    "switched_prediction",
]
