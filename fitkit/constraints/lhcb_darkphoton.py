"""LHCb prompt A' -> μ+μ- search (arXiv:1910.06926) recast to the Z_D cases, 002 sec. 4.9.

The 90% CL upper limit ε_lim(M) on the kinetic mixing of a dark photon is read from the darkcast
table ``data/darkcast/LHCb_Aaij2019bvg_prompt.lmt`` (data set ``lhcb-darkphoton-2019`` of
``data/registry.yaml``, sha256-verified on load). Entries of 1e5 mean "no limit"; the table is interpolated linearly in M and in
log10 ε_lim; outside 0.2141-69.6 GeV the constraint does not apply.

Recast (002 sec. 4.9): the signal rate of pp -> Z_D -> μμ scales as (e ε)^2 for a dark photon.
Case A: the limit applies to ε directly. Cases B and C: (e ε)^2 -> (e ε) g_D^μ, i.e. an effective
mixing ε_eff = sqrt(ε g_D^μ / e). The yield is proportional to ε_eff^2, so with the one-sided
Gaussian reading of the limit z = Φ^-1(0.9) (ε_eff/ε_lim)^2; excluded at 90% CL where
ε_eff > ε_lim.

Example:
    >>> c = LHCbDarkPhoton()
    >>> bool(c.excluded({"M_ZD": [0.3], "eps": [1e-4], "eps_Z": [1e-4], "g_mu": [0.03]}, "C")[0])
    True
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from scipy import stats

from fitkit.constraints.base import Case, Constraint, inputs, unpack
from fitkit.data.registry import data_file
from fitkit.errors import InputError
from fitkit.models.dark_z import electroweak

__all__ = ["LHCbDarkPhoton", "read_limit_table", "eps_limit", "eps_effective"]

_NO_LIMIT = 1e4


@cache
def read_limit_table(path: str) -> tuple[np.ndarray, np.ndarray]:
    """(mass in GeV, 90% CL ε limit) of a darkcast ``.lmt`` table (first two columns)."""
    file = Path(path)
    if not file.is_file():
        raise InputError("dark-photon limit table not found", file=str(file))
    data = np.loadtxt(file, comments="#", usecols=(0, 1))
    order = np.argsort(data[:, 0])
    return data[order, 0], data[order, 1]


def eps_limit(M: np.ndarray, table: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """ε_lim(M), +inf outside the table or where it has no limit."""
    m, lim = table
    M = np.asarray(M, dtype=float)
    logl = np.interp(M, m, np.log10(np.minimum(lim, _NO_LIMIT)))
    out = 10.0**logl
    return np.where((M < m[0]) | (M > m[-1]) | (out >= 1.0), np.inf, out)


def eps_effective(eps: np.ndarray, g_mu: np.ndarray, case: str) -> np.ndarray:
    """ε (Case A) or sqrt(ε g_D^μ / e) (Cases B, C), 002 sec. 4.9."""
    if case == "A":
        return np.abs(np.asarray(eps, dtype=float))
    e = electroweak()[0]
    return np.sqrt(np.abs(np.asarray(eps) * np.asarray(g_mu)) / e)


class LHCbDarkPhoton(Constraint):
    """LHCb prompt dark-photon limit on the effective mixing (90% CL)."""

    name = "lhcb_darkphoton"
    title = "LHCb prompt A' -> mu mu"
    equations = "002 sec. 4.9; arXiv:1910.06926"
    unit = ""
    one_sided = True

    def __init__(self, path: str | Path | None = None) -> None:
        d = inputs(self.name)
        dataset, _, fname = str(d["file"]["value"]).partition("/")
        self.path = str(path) if path else str(data_file(dataset, fname))
        self.cl, self.source = float(d["cl"]["value"]), d["file"]["source"]

    def limit(self, M: np.ndarray) -> np.ndarray:
        """ε_lim(M) at 90% CL."""
        return eps_limit(M, read_limit_table(self.path))

    def applies(self, points: Mapping[str, Any], case: Case = "A") -> np.ndarray:
        """Where the table has a limit."""
        return np.isfinite(self.limit(unpack(points)[0]))

    def predict(self, points: Mapping[str, Any], case: Case = "A") -> np.ndarray:
        """The effective kinetic mixing ε_eff."""
        _, eps, _, gmu = unpack(points)
        return eps_effective(eps, gmu, case)

    def significance(self, points: Mapping[str, Any], case: Case = "A") -> np.ndarray:
        """Φ^-1(CL) (ε_eff/ε_lim)^2."""
        M = unpack(points)[0]
        return stats.norm.ppf(self.cl) * (self.predict(points, case) / self.limit(M)) ** 2

    def measurement(self) -> dict[str, Any]:
        """The limit table (its path) and CL."""
        return {"upper_limit": "eps_lim(M_ZD) table", "cl": self.cl, "file": self.path, "source": self.source}
