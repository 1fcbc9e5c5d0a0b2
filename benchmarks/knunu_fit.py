"""Benchmark: the Belle II B+ -> K+ nu nubar fit with fitkit vs pyhf, and the 100-point m_X scan.

Run: ``python benchmarks/knunu_fit.py`` (reads the published files shipped in
``data/hepdata/belle2_knunu_2023``, sha256-verified). Both fits minimise the same workspace with MINUIT; pyhf uses its
numpy backend (``pyhf.infer.mle.fit`` with uncertainties), fitkit the compiled workspace with
analytic gradient and Hessian. The last line is ``speedup_vs_pyhf: <ratio>``.
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # the machine is shared; BLAS threads only contend

import time  # noqa: E402

import numpy as np  # noqa: E402
import pyhf  # noqa: E402

from fitkit.analyses.paper003.light_x import scan_light_x  # noqa: E402
from fitkit.data.registry import dataset_dir  # noqa: E402
from fitkit.inference.profile import fit_nuisances  # noqa: E402
from fitkit.likelihood.belle2_knunu import Belle2Knunu  # noqa: E402
from fitkit.likelihood.histfactory import CompiledWorkspace, WorkspaceCost, load_workspace  # noqa: E402


def main() -> None:
    directory = dataset_dir("belle2-knunu-2023")
    spec = load_workspace(directory / "combined_likelihood.json")

    pyhf.set_backend("numpy", pyhf.optimize.minuit_optimizer(verbose=0))
    ws = pyhf.Workspace(spec)
    model = ws.model()
    data = ws.data(model)
    t0 = time.perf_counter()
    best, unc = pyhf.infer.mle.fit(data, model, return_uncertainties=True).T
    t_pyhf = time.perf_counter() - t0
    i_mu = model.config.poi_index
    print(f"pyhf:   mu = {best[i_mu]:.4f} +- {unc[i_mu]:.4f}   ({t_pyhf:.2f} s)")

    t0 = time.perf_counter()
    cw = CompiledWorkspace(spec)
    res = fit_nuisances(WorkspaceCost(cw))
    t_fitkit = time.perf_counter() - t0
    print(f"fitkit: mu = {res.values['mu']:.4f} +- {res.errors['mu']:.4f}   ({t_fitkit:.2f} s, compile included)")
    print(f"delta_mu: {abs(res.values['mu'] - best[i_mu]):.4f}")
    print(f"twice_nll fitkit {res.twice_nll:.5f}  pyhf {float(-2 * model.logpdf(best, data)[0]):.5f}")

    lk = Belle2Knunu(directory)
    masses = np.linspace(0.0, 4.785, 100)
    t0 = time.perf_counter()
    scan = scan_light_x(lk, masses)
    t_scan = time.perf_counter() - t0
    b = scan.best()
    print(
        f"m_X scan (100 points, maps): {t_scan:.1f} s; best m_X = {b['m_X']:.2f} GeV, "
        f"BR = ({b['BR_KX'] * 1e6:.2f} +- {b['BR_KX_error'] * 1e6:.2f})e-6, Z_local = {b['significance_local']:.2f}"
    )
    print(f"speedup_vs_pyhf: {t_pyhf / t_fitkit:.1f}")


if __name__ == "__main__":
    main()
