"""Inputs of the Z_D model read from ``data/theory/darkz_inputs.yaml`` (quark masses, resolutions).

Example:
    >>> inputs = load_inputs()
    >>> inputs.quark_mass["t"], inputs.resolution["mu"]
    (163.53, 0.002)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fitkit import constants as K
from fitkit.data.catalog import default_data_dir, read_yaml

__all__ = ["ZDInputs", "load_inputs", "electroweak"]


@dataclass(frozen=True)
class ZDInputs:
    """Quark masses (GeV) of the loops of 002 app. B and the dilepton resolutions of eq. (2.14)."""

    quark_mass: dict[str, float]
    resolution: dict[str, float]


@cache
def load_inputs(path: str | None = None) -> ZDInputs:
    """Read the YAML inputs (default ``<data>/theory/darkz_inputs.yaml``)."""
    file = Path(path) if path else default_data_dir() / "theory" / "darkz_inputs.yaml"
    raw = read_yaml(file)
    masses = {k: float(v["value"]) for k, v in raw["quark_masses"].items()}
    res = {"e": float(raw["smearing"]["r_e"]["value"]), "mu": float(raw["smearing"]["r_mu"]["value"])}
    return ZDInputs(quark_mass=masses, resolution=res)


def electroweak(alpha: float = K.ALPHA_EM_0) -> tuple[float, float, float, float]:
    """(e, g, s_W, c_W) with g = e / s_W and s_W^2 = :data:`fitkit.constants.SIN2_THETA_W`.

    Example:
        >>> e, g, s, c = electroweak()
        >>> round(g, 4), round(s**2 + c**2, 12)
        (0.6297, 1.0)
    """
    e = math.sqrt(4.0 * math.pi * alpha)
    s = math.sqrt(K.SIN2_THETA_W)
    c = math.sqrt(1.0 - K.SIN2_THETA_W)
    return e, e / s, s, c
