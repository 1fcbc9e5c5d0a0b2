"""B -> K form factors f_T(q^2) and f_+(q^2) in the z-parametrisation of 000 (BHvDW/KMPW).

000 eqs. (3.4)-(3.5) (tensor) and (3.12) (vector) use the one-parameter series of
Khodjamirian-Mannel-Pivovarov-Wang (arXiv:1006.4945, eq. (8.8)) with the inputs quoted by
Bobeth-Hiller-van Dyk-Wacker (arXiv:1111.2558, ref. [56] of 000)::

    f(s) = f(0) / (1 - s/m_res^2) * {1 + b_1 [z(s) - z(0) + (z(s)^2 - z(0)^2) / 2]},
    z(s) = (sqrt(tau_+ - s) - sqrt(tau_+ - tau_0)) / (sqrt(tau_+ - s) + sqrt(tau_+ - tau_0)),
    tau_0 = sqrt(tau_+) (sqrt(tau_+) - sqrt(tau_+ - tau_-)),  tau_+- = (m_B +- m_K)^2.

The numbers live in ``data/formfactors/bk_tensor_bhvdw2011.yaml`` with their reference.
Units: s in GeV^2, masses in GeV; form factors are dimensionless.

Example:
    >>> round(float(f_T(0.0)), 3), round(float(f_plus(0.0)), 3)
    (0.39, 0.34)
    >>> round(float(f_T(10.0) / f_T(0.0)), 3)
    1.843
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import NamedTuple

import numpy as np

from fitkit.constants import M_BPLUS, M_KPLUS
from fitkit.data.catalog import default_data_dir, read_yaml
from fitkit.errors import InputError

__all__ = [
    "SeriesFormFactor",
    "BHVDW_FILE",
    "bhvdw_parameters",
    "input_path",
    "z_variable",
    "series_form_factor",
    "f_T",
    "f_plus",
]

#: Location of the BHvDW inputs, relative to the data folder.
BHVDW_FILE: str = "formfactors/bk_tensor_bhvdw2011.yaml"


class SeriesFormFactor(NamedTuple):
    """Central values of one form factor of 000 eq. (3.4): f(0), b_1 and m_res (GeV)."""

    f0: float
    b1: float
    m_res: float


@cache
def _load(path: str) -> dict[str, SeriesFormFactor]:
    raw = read_yaml(Path(path))
    out: dict[str, SeriesFormFactor] = {}
    try:
        for name, entry in raw["form_factors"].items():
            out[name] = SeriesFormFactor(
                float(entry["f0"]["value"]), float(entry["b1"]["value"]), float(entry["m_res"])
            )
    except (KeyError, TypeError) as exc:
        raise InputError(f"malformed form-factor file: missing {exc}", file=path) from None
    return out


def bhvdw_parameters(name: str, *, data_dir: str | Path | None = None) -> SeriesFormFactor:
    """The BHvDW (arXiv:1111.2558) parameters of ``name`` (``'f_T'`` or ``'f_plus'``).

    Example:
        >>> bhvdw_parameters("f_T")
        SeriesFormFactor(f0=0.39, b1=-2.2, m_res=5.412)
    """
    path = input_path(BHVDW_FILE, data_dir)
    table = _load(str(path))
    if name not in table:
        raise InputError(f"unknown form factor {name!r}; known: {', '.join(table)}", file=str(path))
    return table[name]


def input_path(relative: str, data_dir: str | Path | None = None) -> Path:
    """``<data_dir>/<relative>``; without ``data_dir``: the configured data folder
    (``$FITKIT_DATA_DIR``) if it holds the file, else the ``data/`` folder shipped with fitkit
    (theory inputs stay available when a user points ``FITKIT_DATA_DIR`` at their own cards).
    """
    if data_dir is not None:
        return Path(data_dir) / relative
    for root in (default_data_dir(), Path(__file__).resolve().parents[2] / "data"):
        if (root / relative).is_file():
            return root / relative
    return default_data_dir() / relative


def z_variable(s: np.ndarray | float, m_B: float = M_BPLUS, m_K: float = M_KPLUS) -> np.ndarray:
    """Conformal variable z(s) of 000 eq. (3.5) with tau_0 = sqrt(tau_+)(sqrt(tau_+) - sqrt(tau_+ - tau_-)).

    Example:
        >>> round(float(z_variable(0.0)), 4)
        0.1443
    """
    tau_p, tau_m = (m_B + m_K) ** 2, (m_B - m_K) ** 2
    tau_0 = np.sqrt(tau_p) * (np.sqrt(tau_p) - np.sqrt(tau_p - tau_m))
    a, b = np.sqrt(tau_p - np.asarray(s, dtype=float)), np.sqrt(tau_p - tau_0)
    return (a - b) / (a + b)


def series_form_factor(
    s: np.ndarray | float,
    params: SeriesFormFactor,
    *,
    m_B: float = M_BPLUS,
    m_K: float = M_KPLUS,
) -> np.ndarray:
    """Form factor of 000 eq. (3.4) (and (3.12)) at s = q^2 in GeV^2, any array shape."""
    s = np.asarray(s, dtype=float)
    z, z0 = z_variable(s, m_B, m_K), z_variable(0.0, m_B, m_K)
    series = 1.0 + params.b1 * (z - z0 + 0.5 * (z * z - z0 * z0))
    return params.f0 / (1.0 - s / params.m_res**2) * series


def f_T(s: np.ndarray | float, *, m_B: float = M_BPLUS, m_K: float = M_KPLUS) -> np.ndarray:
    """Tensor form factor f_T(s) of B -> K, 000 eqs. (3.4)-(3.5), BHvDW inputs."""
    return series_form_factor(s, bhvdw_parameters("f_T"), m_B=m_B, m_K=m_K)


def f_plus(s: np.ndarray | float, *, m_B: float = M_BPLUS, m_K: float = M_KPLUS) -> np.ndarray:
    """Vector form factor f_+(s) of B -> K, 000 eq. (3.12), BHvDW inputs."""
    return series_form_factor(s, bhvdw_parameters("f_plus"), m_B=m_B, m_K=m_K)
