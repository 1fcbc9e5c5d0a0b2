"""Shared fixtures of the theory tests: flavio 2.7.1 as the reference implementation.

flavio is a test extra; tests that need it are skipped when it is not installed. Binned
reference values are computed from flavio's *differential* rates with the same Gauss-Legendre
rule for both codes (flavio takes constant Wilson coefficients only), which equals flavio's
own adaptive bin integral to better than 0.1 % for the smooth rates of these bins.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import numpy as np
import pytest

from fitkit.data.observables import parse_observable

FLAVIO_LEPTON = {"e": "ee", "mu": "mumu", "nu": "nunu"}


class FlavioRef:
    """Thin wrapper around flavio calls with warnings silenced (flavio emits its own)."""

    def __init__(self) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import flavio
            import wilson

        self.flavio = flavio
        self.wilson = wilson

    def wc(self, shifts: Mapping[str, float], lepton: str):
        """A wilson.Wilson object (WET, flavio basis, scale 4.8 GeV) from fitkit keys."""
        if lepton == "nu":
            d = {}
            for k, v in shifts.items():
                for nu in ("nue", "numu", "nutau"):
                    d[f"{k}_bs{nu}{nu}"] = v
        else:
            d = {(f"{k}_bs" if k.startswith("C7") else f"{k}_bs{FLAVIO_LEPTON[lepton]}"): v for k, v in shifts.items()}
        return self.wilson.Wilson(d, scale=4.8, eft="WET", basis="flavio")

    def differential(self, name: str, q2: float, shifts: Mapping[str, float] | None = None) -> float:
        """dBR/dq2 of a fitkit name (any kind; the differential flavio name is built)."""
        obs = parse_observable(name)
        fname = f"dBR/dq2({obs.initial}->{obs.final}{FLAVIO_LEPTON[obs.lepton]})"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if not shifts:
                return float(self.flavio.sm_prediction(fname, q2=q2))
            return float(self.flavio.np_prediction(fname, self.wc(shifts, obs.lepton), q2=q2))

    def binned(self, name: str, q2min: float, q2max: float, shifts: Mapping[str, float] | None = None, n: int = 6) -> float:
        """Integral of flavio's dBR/dq2 over the bin with an n-point Gauss-Legendre rule
        (in ln q2 for bins reaching the photon pole, as fitkit); averaged for <dBR/dq2>."""
        x, w = np.polynomial.legendre.leggauss(n)
        if q2max > 3 * q2min > 0:
            u = 0.5 * (np.log(q2max) - np.log(q2min)) * (x + 1) + np.log(q2min)
            nodes, weights = np.exp(u), 0.5 * (np.log(q2max) - np.log(q2min)) * w * np.exp(u)
        else:
            nodes, weights = 0.5 * (q2max - q2min) * (x + 1) + q2min, 0.5 * (q2max - q2min) * w
        total = sum(wi * self.differential(name, float(xi), shifts) for xi, wi in zip(nodes, weights))
        return total / (q2max - q2min) if name.startswith("<dBR/dq2>") else total

    def prediction(self, name: str, *args, shifts: Mapping[str, float] | None = None, **kwargs) -> float:
        """flavio's own prediction of a flavio observable name."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if not shifts:
                return float(self.flavio.sm_prediction(name, *args, **kwargs))
            lepton = "nu" if "nunu" in name else ("mu" if "mumu" in name else "e")
            return float(self.flavio.np_prediction(name, self.wc(shifts, lepton), *args, **kwargs))


@pytest.fixture(scope="session")
def flavio_ref() -> FlavioRef:
    pytest.importorskip("flavio")
    return FlavioRef()
