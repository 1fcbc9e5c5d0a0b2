"""R(s) = σ(e+e- → hadrons)/σ(e+e- → μ+μ-) below 2 GeV for the hadronic Z_D width, 002 eq. (2.17).

002 uses a vector-meson-dominance (VMD) description (refs. [22]-[29]) to rescale the μ+μ- width.
fitkit's R(s) is a documented VMD parametrisation (parameters in
``data/theory/vmd_resonances.yaml``, PDG 2024):

    R(s) = Σ_{V = ρ, ω, φ} 9 s B_ee(V) B_had(V) Γ_V^2 T_V(s) / (α^2 [(s - M_V^2)^2 + M_V^2 Γ_V^2])
           + 2 (1 + α_s/π) S(√s),

the Breit-Wigner cross section σ_V = 12π B_ee B_had Γ_V^2/[(s - M_V^2)^2 + M_V^2 Γ_V^2] divided by
σ_μμ = 4πα^2/(3s), where T_V(s) = [β_V(s)/β_V(M_V^2)]^3 θ(√s - threshold) with
β_V = (1 - s_th/s)^{1/2} is a p-wave threshold factor (exact for ρ → ππ, approximate for ω, φ),
and S is a smooth step (tanh) turning on the three-flavour parton-model continuum above the φ.

Approximation and its size: no ρ-ω interference, no ρ', ω', φ' resonances, no ω → π0 γ
below 2 m_π, constant widths in the Breit-Wigner denominators. Against the measured R(s) this
is good to ~10-20% at the ρ, ω, φ peaks (R(M_ρ^2) ≈ 8 from the ρ alone), low by up to a factor
~2 on the ρ tail below 0.6 GeV, and ~30% between 1.1 and 2 GeV. R = 0 below 2 m_π, so Z_D lighter than 279 MeV (all best-fit points of
002) have no hadronic width.

Example:
    >>> round(float(r_hadrons(1.019461**2)), 1)  # at the phi peak
    50.7
    >>> float(r_hadrons(0.2**2))
    0.0
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import NamedTuple

import numpy as np

from fitkit import constants as K
from fitkit.data.catalog import default_data_dir, read_yaml

__all__ = ["VectorMeson", "VMDParameters", "load_vmd", "r_hadrons"]


class VectorMeson(NamedTuple):
    """A vector meson of the VMD sum: mass, width (GeV), B(e+e-), hadronic fraction, threshold."""

    mass: float
    width: float
    b_ee: float
    b_had: float
    threshold: float


class VMDParameters(NamedTuple):
    """Resonances and continuum of :func:`r_hadrons`."""

    resonances: dict[str, VectorMeson]
    onset: float
    smoothing: float
    alpha_s: float


@cache
def load_vmd(path: str | None = None) -> VMDParameters:
    """Read ``data/theory/vmd_resonances.yaml`` (or ``path``)."""
    file = Path(path) if path else default_data_dir() / "theory" / "vmd_resonances.yaml"
    raw = read_yaml(file)
    res = {
        name: VectorMeson(float(r["mass"]), float(r["width"]), float(r["b_ee"]), float(r["b_had"]), float(r["threshold"]))
        for name, r in raw["resonances"].items()
    }
    cont = raw["continuum"]
    return VMDParameters(res, float(cont["onset"]), float(cont["smoothing"]), float(cont["alpha_s"]))


def _beta(s: np.ndarray, s_th: float) -> np.ndarray:
    return np.sqrt(np.clip(1.0 - s_th / np.where(s > 0, s, np.inf), 0.0, None))


def r_hadrons(s: np.ndarray | float, *, alpha: float = K.ALPHA_EM_0) -> np.ndarray:
    """R(s) of the module docstring; ``s`` in GeV^2, any shape."""
    p = load_vmd()
    s = np.asarray(s, dtype=float)
    out = np.zeros_like(s)
    for V in p.resonances.values():
        s_th = V.threshold**2
        thr = (_beta(s, s_th) / _beta(np.asarray(V.mass**2), s_th)) ** 3
        bw = V.width**2 / ((s - V.mass**2) ** 2 + V.mass**2 * V.width**2)
        out = out + 9.0 * s * V.b_ee * V.b_had * bw * thr / alpha**2
    rs = np.sqrt(np.clip(s, 0.0, None))
    step = np.where(rs > 2.0 * K.M_PIPLUS, 0.5 * (1.0 + np.tanh((rs - p.onset) / p.smoothing)), 0.0)
    return out + 2.0 * (1.0 + p.alpha_s / np.pi) * step
