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
from fitkit.errors import InputError
from fitkit.theory.wilson_sm import MU_B, sm_coefficients

__all__ = ["ALPHA_DARKZ", "ZDInputs", "load_inputs", "electroweak", "PaperBestFit", "paper_best_fits"]

#: The one electromagnetic coupling of the dark-Z model (docs/conventions.md, issue 14): alpha_e(mu_b)
#: of the b -> s l l engine, in the loop vertices, the lepton couplings, the Z_D widths, g-2 and
#: the normalisation of the Wilson coefficients; eps and eps_Z are defined with this e.
ALPHA_DARKZ: float = sm_coefficients(MU_B).alpha_e


@dataclass(frozen=True)
class ZDInputs:
    """Quark masses (GeV) of the loops of 002 app. B and the dilepton resolutions of eq. (2.14)."""

    quark_mass: dict[str, float]
    resolution: dict[str, float]


@dataclass(frozen=True)
class PaperBestFit:
    """A best fit printed in 002: the point (M_ZD in GeV), chi2_min, pull, a_mu (chi2_SM if given)."""

    point: dict[str, float]
    chi2: float
    pull: float
    a_mu: float
    chi2_sm: float | None = None


@cache
def paper_best_fits() -> dict[str, PaperBestFit]:
    """002's best fits per case from ``data/theory/darkz_paper002_best_fits.yaml`` (002 eqs. (5.2),
    (5.3), (5.6), sec. 5 and 6): one place for the paper's numbers.

    Example:
        >>> paper_best_fits()["C"].point["g_mu"], paper_best_fits()["A"].chi2
        (0.033, 85.8)
    """
    file = _theory_file("darkz_paper002_best_fits.yaml")
    raw = read_yaml(file)
    out: dict[str, PaperBestFit] = {}
    for case, d in raw.items():
        try:
            out[str(case)] = PaperBestFit(
                point={k: float(v) for k, v in d["point"].items()}, chi2=float(d["chi2"]), pull=float(d["pull"]),
                a_mu=float(d["a_mu"]), chi2_sm=None if d.get("chi2_sm") is None else float(d["chi2_sm"]),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise InputError(f"malformed entry: {exc}", file=str(file), entry=str(case)) from None
    return out


def _theory_file(name: str) -> Path:
    """``<data>/theory/<name>``: the user's data folder if it has the file, else the shipped one."""
    for root in (default_data_dir(), Path(__file__).resolve().parents[3] / "data"):
        if (root / "theory" / name).is_file():
            return root / "theory" / name
    return default_data_dir() / "theory" / name


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
