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
from fitkit.theory.wilson_sm import MU_B, sm_coefficients

__all__ = ["ALPHA_DARKZ", "ZDInputs", "load_inputs", "electroweak"]

#: The one electromagnetic coupling of the dark-Z model (docs/conventions.md, issue 14): alpha_e(mu_b)
#: of the b -> s l l engine, in the loop vertices, the lepton couplings, the Z_D widths, g-2 and
#: the normalisation of the Wilson coefficients; eps and eps_Z are defined with this e.
ALPHA_DARKZ: float = sm_coefficients(MU_B).alpha_e


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


def electroweak(alpha: float = ALPHA_DARKZ) -> tuple[float, float, float, float]:
    """(e, g, s_W, c_W) with g = e / s_W and s_W^2 = :data:`fitkit.constants.SIN2_THETA_W`,
    e = sqrt(4 pi alpha) with the model's one coupling :data:`ALPHA_DARKZ` by default.

    Example:
        >>> e, g, s, c = electroweak()
        >>> round(g, 4), round(s**2 + c**2, 12)
        (0.6413, 1.0)
    """
    e = math.sqrt(4.0 * math.pi * alpha)
    s = math.sqrt(K.SIN2_THETA_W)
    c = math.sqrt(1.0 - K.SIN2_THETA_W)
    return e, e / s, s, c
