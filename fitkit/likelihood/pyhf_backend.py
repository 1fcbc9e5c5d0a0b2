"""pyhf's own ``Model.logpdf`` as a fitkit cost: the reference backend of HistFactory terms.

:class:`PyhfCost` is -2 ln L of a :class:`pyhf.Workspace` measurement evaluated by pyhf (numpy
backend), over pyhf's parameter vector (``model.config.par_names`` order), with pyhf's suggested
inits, bounds and fixed parameters. It has no analytic derivatives: the gradient is by central
differences and there is no Hessian, so :func:`fitkit.inference.profile.fit_nuisances` runs
MIGRAD + HESSE on it. It is ~100x slower than the compiled evaluator
(:class:`fitkit.likelihood.histfactory.WorkspaceCost`), whose equality with it is tested on every
shipped workspace; choose it per term with ``backend: pyhf``.

Example:
    >>> import pyhf
    >>> spec = pyhf.simplemodels.uncorrelated_background([5.0], [50.0], [3.0]).spec
    >>> ws = pyhf.Workspace({"channels": spec["channels"], "observations": [{"name": "singlechannel", "data": [53.0]}],
    ...       "measurements": [{"name": "m", "config": {"poi": "mu", "parameters": []}}], "version": "1.0.0"})
    >>> c = PyhfCost(ws)
    >>> from fitkit.likelihood.histfactory import CompiledWorkspace, WorkspaceCost
    >>> compiled = WorkspaceCost(CompiledWorkspace(ws))
    >>> c.parameters, round(c.value(c.init), 4), abs(c.value(c.init) - compiled.value(compiled.init)) < 1e-9
    (['mu', 'uncorr_bkguncrt[0]'], 13.3502, True)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pyhf
from iminuit.cost import Cost

__all__ = ["PyhfCost"]


class PyhfCost(Cost):
    """-2 ln L = -2 pyhf ``logpdf`` of a workspace measurement, an iminuit ``Cost`` and a NuisanceCost."""

    hessian = None  # no analytic Hessian: fit_nuisances uses MIGRAD's own and HESSE

    def __init__(self, workspace: pyhf.Workspace, *, measurement: str | None = None) -> None:
        pyhf.set_backend("numpy")
        self.model = workspace.model(measurement_name=measurement)
        self.observed = np.asarray(workspace.data(self.model), float)
        cfg = self.model.config
        self.parameters = list(cfg.par_names)
        self.index = {n: i for i, n in enumerate(self.parameters)}
        self.init = np.asarray(cfg.suggested_init(), float)
        self.bounds = np.asarray(cfg.suggested_bounds(), float)
        self.fixed = np.asarray(cfg.suggested_fixed(), bool)
        self.start = dict(zip(self.parameters, self.init.tolist(), strict=True))
        self.limits = {n: (float(lo), float(hi)) for n, (lo, hi) in zip(self.parameters, self.bounds, strict=True)}
        super().__init__({n: None for n in self.parameters}, 0)

    def value(self, x: np.ndarray) -> float:
        """-2 ln L at pyhf's parameter vector ``x``."""
        return -2.0 * float(self.model.logpdf(np.asarray(x, float), self.observed)[0])

    def grad(self, x: np.ndarray) -> np.ndarray:
        """Central differences of :meth:`value` (step 1e-6 relative)."""
        x = np.asarray(x, float)
        h = 1e-6 * np.maximum(1.0, np.abs(x))
        return np.array([(self.value(x + d) - self.value(x - d)) / (2 * h[i]) for i, d in enumerate(np.diag(h))])

    def _value(self, args: Sequence[float]) -> float:
        return self.value(np.asarray(args, float))

    def _grad(self, args: Sequence[float]) -> np.ndarray:
        return self.grad(np.asarray(args, float))

    def _has_grad(self) -> bool:
        return False

    def _ndata(self) -> int:
        return int(sum(self.model.config.channel_nbins.values()))

    def batch(self, params: Mapping[str, np.ndarray]) -> np.ndarray:
        """-2 ln L at many points (a loop over pyhf calls): ``params[name]`` arrays (missing: init)."""
        n = len(next(iter(params.values())))
        x = np.broadcast_to(self.init, (n, self.init.size)).copy()
        for k, v in params.items():
            x[:, self.index[k]] = v
        return np.array([self.value(row) for row in x])
