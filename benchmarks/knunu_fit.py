"""Benchmark: the Belle II B+ -> K+ nu nubar full-likelihood fit, fitkit vs pyhf in its best modes.

Run: ``python benchmarks/knunu_fit.py [--runs 3] [--no-scan]`` (reads the workspace shipped in
``data/hepdata/belle2_knunu_2023``, sha256-verified). Every time is CPU time of this process
(``time.process_time``: all threads, so JAX/XLA's thread pool counts), min and median of
``--runs`` runs, all measured in this run on this machine:

* pyhf, numpy backend + minuit: ``pyhf.infer.mle.fit(..., return_uncertainties=True)`` (MIGRAD
  with numerical derivatives and MINUIT's HESSE).
* pyhf, JAX backend + scipy (SLSQP) with ``do_grad=True`` (autodiff gradient), errors from
  ``jax.jit(jax.hessian(-2 logpdf))`` at the minimum: *warm* (XLA compilation done by an earlier
  fit of the same model) and *cold* (a fresh model: tracing and compilation included).
  Needs the optional extra ``bench`` (``pip install -e .[bench]``); without jax these lines print
  ``jax not installed: skipped``.
* fitkit: :class:`~fitkit.likelihood.histfactory.CompiledWorkspace` (sparse interpolation
  kernels, analytic gradient and Hessian) minimised by :func:`fitkit.inference.profile.fit_nuisances`
  (MIGRAD seeded with the analytic Hessian, errors from its inverse); compilation excluded
  (timed separately, and included in the "cold" line).

Also the cost of one -ln L and one -ln L + gradient (µs per call; the sparse JAX port quoted in
issue 15 ran 52 / 145 µs) and of the Hessian, and (unless ``--no-scan``) the 100-point m_X scan.
Printed: every ratio, |Delta mu| and the ratio of the mu errors. The last line is
``speedup_vs_pyhf_best: <ratio>`` (fitkit fit + errors vs pyhf JAX warm fit + jax.hessian errors;
vs pyhf numpy + minuit when jax is absent, and then says so).
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # the machine is shared; BLAS threads only contend

import argparse  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402
import pyhf  # noqa: E402

from fitkit.data.registry import dataset_dir  # noqa: E402
from fitkit.inference.profile import fit_nuisances  # noqa: E402
from fitkit.likelihood.histfactory import CompiledWorkspace, WorkspaceCost, load_workspace  # noqa: E402

SPARSE_PORT_US = (52.0, 145.0)  # issue 15: a sparse JAX port of the same maths, -ln L and -ln L + gradient


def cpu_runs(fn: Callable[[], Any], runs: int) -> tuple[float, float, Any]:
    """(min, median) CPU seconds of ``runs`` calls of ``fn`` and the last result."""
    times, out = [], None
    for _ in range(runs):
        t0 = time.process_time()
        out = fn()
        times.append(time.process_time() - t0)
    return min(times), statistics.median(times), out


def per_call_us(fn: Callable[[], Any], calls: int = 300, repeats: int = 5) -> float:
    """CPU µs per call of ``fn``: the best of ``repeats`` loops of ``calls`` calls."""
    fn()
    best = np.inf
    for _ in range(repeats):
        t0 = time.process_time()
        for _ in range(calls):
            fn()
        best = min(best, (time.process_time() - t0) / calls)
    return best * 1e6


def fmt(t: tuple[float, float, Any]) -> str:
    return f"min {t[0]:7.3f} s  median {t[1]:7.3f} s"


def pyhf_numpy(spec: dict[str, Any], runs: int) -> tuple[tuple[float, float, Any], float]:
    """pyhf numpy + minuit: fit with MINUIT's HESSE errors; and -ln L per call (µs)."""
    pyhf.set_backend("numpy", pyhf.optimize.minuit_optimizer(verbose=0))
    ws = pyhf.Workspace(spec)
    model = ws.model()
    data = ws.data(model)
    res = cpu_runs(lambda: pyhf.infer.mle.fit(data, model, return_uncertainties=True), runs)
    init = np.asarray(model.config.suggested_init())
    us = per_call_us(lambda: model.logpdf(init, data), calls=100)
    i = model.config.poi_index
    best, unc = res[2].T
    return (res[0], res[1], (float(best[i]), float(unc[i]), dict(zip(model.config.par_names, best.tolist(), strict=True)))), us


def pyhf_jax(spec: dict[str, Any], runs: int) -> dict[str, Any] | None:
    """pyhf JAX + scipy + do_grad, errors from jax.hessian: warm and cold; -ln L (+ grad) per call."""
    try:
        import jax
    except ImportError:
        return None
    pyhf.set_backend("jax", pyhf.optimize.scipy_optimizer())
    ws = pyhf.Workspace(spec)

    def fit_and_errors(model: Any, data: Any, hess: Any) -> tuple[float, float, dict[str, float]]:
        best = pyhf.infer.mle.fit(data, model, do_grad=True)
        h = np.asarray(hess(best))
        err = np.sqrt(np.diag(2.0 * np.linalg.inv(h)))  # H of -2 ln L: cov = 2 H^-1
        i = model.config.poi_index
        return float(best[i]), float(err[i]), dict(zip(model.config.par_names, np.asarray(best).tolist(), strict=True))

    def prepared() -> tuple[Any, Any, Any]:
        model = ws.model()  # a new model: pyhf's jitted objective (static in the model) is compiled anew
        data = pyhf.tensorlib.astensor(ws.data(model))
        hess = jax.jit(jax.hessian(lambda p: -2.0 * model.logpdf(p, data)[0]))
        return model, data, hess

    cold_times, cold = [], None
    for _ in range(runs):
        model, data, hess = prepared()
        t0 = time.process_time()
        cold = fit_and_errors(model, data, hess)
        cold_times.append(time.process_time() - t0)
    warm = cpu_runs(lambda: fit_and_errors(model, data, hess), runs)  # the last model: compiled
    fit_only = cpu_runs(lambda: pyhf.infer.mle.fit(data, model, do_grad=True), runs)
    p0 = pyhf.tensorlib.astensor(model.config.suggested_init())
    nll = jax.jit(lambda p: -model.logpdf(p, data)[0])
    vg = jax.jit(jax.value_and_grad(lambda p: -model.logpdf(p, data)[0]))
    return {
        "cold": (min(cold_times), statistics.median(cold_times), cold),
        "warm": warm,
        "fit_only": fit_only,
        "nll_us": per_call_us(lambda: jax.block_until_ready(nll(p0))),
        "nll_grad_us": per_call_us(lambda: jax.block_until_ready(vg(p0))),
        "hess_us": per_call_us(lambda: jax.block_until_ready(hess(p0)), calls=20),
    }


def fitkit_runs(spec: dict[str, Any], runs: int) -> dict[str, Any]:
    """fitkit: compile, fit + errors (warm and with compilation), -ln L / gradient / Hessian per call."""
    compile_t = cpu_runs(lambda: CompiledWorkspace(spec), runs)
    cw = compile_t[2]

    def fit() -> tuple[float, float, float]:
        r = fit_nuisances(WorkspaceCost(cw))
        return r.values["mu"], r.errors["mu"], r.twice_nll

    def cold() -> tuple[float, float, float]:
        r = fit_nuisances(WorkspaceCost(CompiledWorkspace(spec)))
        return r.values["mu"], r.errors["mu"], r.twice_nll

    x = cw.init[None, :]
    pts = cw.init + np.random.default_rng(1).normal(0.0, 0.05, (1000, cw.init.size))
    return {
        "compile": compile_t,
        "warm": cpu_runs(fit, runs),
        "cold": cpu_runs(cold, runs),
        "nll_us": per_call_us(lambda: cw.nll(x)),
        "nll_grad_us": per_call_us(lambda: cw.nll_and_grad(x)),
        "hess_us": per_call_us(lambda: cw.hessian(cw.init), calls=50),
        "batch_us": per_call_us(lambda: cw.nll(pts), calls=3) / pts.shape[0],
        "entries": cw.n_interpolation_entries,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (min and median)")
    parser.add_argument("--no-scan", action="store_true", help="skip the 100-point m_X scan")
    args = parser.parse_args()
    directory = dataset_dir("belle2-knunu-2023")
    spec = load_workspace(directory / "combined_likelihood.json")

    fk = fitkit_runs(spec, args.runs)
    mu_f, err_f, _ = fk["warm"][2]
    print(f"workspace: {len(CompiledWorkspace(spec).parameters)} parameters; non-trivial interpolation entries {fk['entries']}")
    print(f"fitkit compile                              : {fmt(fk['compile'])}")
    print(f"fitkit fit + errors (warm)                  : {fmt(fk['warm'])}   mu = {mu_f:.4f} +- {err_f:.4f}")
    print(f"fitkit fit + errors (cold, compile included): {fmt(fk['cold'])}")

    (np_min, np_med, (mu_n, err_n, best_n)), np_us = pyhf_numpy(spec, args.runs)
    print(f"pyhf numpy + minuit, fit + HESSE            : min {np_min:7.3f} s  median {np_med:7.3f} s   mu = {mu_n:.4f} +- {err_n:.4f}")
    jx = pyhf_jax(spec, args.runs)
    if jx is None:
        print("pyhf JAX + scipy + do_grad (warm, cold)     : jax not installed: skipped")
    else:
        mu_j, err_j, best_j = jx["warm"][2]
        print(f"pyhf JAX + scipy + do_grad, warm, fit only  : {fmt(jx['fit_only'])}")
        print(f"pyhf JAX + scipy + do_grad + jax.hessian, warm: {fmt(jx['warm'])}   mu = {mu_j:.4f} +- {err_j:.4f}")
        print(f"pyhf JAX + scipy + do_grad + jax.hessian, cold: {fmt(jx['cold'])}")

    cw = CompiledWorkspace(spec)  # equal to pyhf's logpdf to 1e-8 (tests/likelihood/test_histfactory.py)

    def twice_nll(best: dict[str, float]) -> float:
        return 2.0 * float(cw.nll(np.array([best[p] for p in cw.parameters])[None, :])[0])

    line = f"-2 ln L at the minimum: fitkit {fk['warm'][2][2]:.6f}, pyhf numpy + minuit {twice_nll(best_n):.6f}"
    print(line + (f", pyhf JAX + scipy {twice_nll(best_j):.6f}" if jx is not None else ""))
    print("-- per call (CPU µs) --")
    print(f"fitkit -ln L {fk['nll_us']:.0f}, -ln L + gradient {fk['nll_grad_us']:.0f}, Hessian {fk['hess_us']:.0f}; "
          f"batched -ln L over 1000 points {fk['batch_us']:.1f} per point")
    print(f"fitkit vs the sparse JAX port of issue 15 ({SPARSE_PORT_US[0]:.0f} / {SPARSE_PORT_US[1]:.0f} µs): "
          f"{fk['nll_us'] / SPARSE_PORT_US[0]:.2f}x / {fk['nll_grad_us'] / SPARSE_PORT_US[1]:.2f}x (must be < 3)")
    print(f"pyhf numpy logpdf {np_us:.0f}")
    if jx is None:
        print("pyhf JAX -ln L, -ln L + gradient, Hessian: jax not installed: skipped")
    else:
        print(f"pyhf JAX (jit) -ln L {jx['nll_us']:.0f}, -ln L + gradient {jx['nll_grad_us']:.0f}, Hessian {jx['hess_us']:.0f}")

    print("-- ratios (pyhf / fitkit, CPU time, min and median; fitkit warm) --")
    t_f_min, t_f_med = fk["warm"][0], fk["warm"][1]
    print(f"vs pyhf numpy + minuit: {np_min / t_f_min:.1f} (min)  {np_med / t_f_med:.1f} (median)   "
          f"|delta mu| {abs(mu_f - mu_n):.4f}   error ratio fitkit/pyhf {err_f / err_n:.4f}")
    best = np_min / t_f_min
    if jx is not None:
        print(f"vs pyhf JAX warm (fit + jax.hessian): {jx['warm'][0] / t_f_min:.1f} (min)  {jx['warm'][1] / t_f_med:.1f} (median)   "
              f"|delta mu| {abs(mu_f - mu_j):.4f}   error ratio fitkit/pyhf {err_f / err_j:.4f}")
        print(f"vs pyhf JAX warm, fit only          : {jx['fit_only'][0] / t_f_min:.1f} (min)  {jx['fit_only'][1] / t_f_med:.1f} (median)")
        print(f"vs pyhf JAX cold (fitkit cold)      : {jx['cold'][0] / fk['cold'][0]:.1f} (min)  {jx['cold'][1] / fk['cold'][1]:.1f} (median)")
        best = jx["warm"][0] / t_f_min
    else:
        print("vs pyhf JAX: jax not installed: skipped (the best mode below is pyhf numpy + minuit)")

    if not args.no_scan:
        from fitkit.analyses.paper003.light_x import scan_light_x
        from fitkit.likelihood.belle2_knunu import Belle2Knunu

        lk = Belle2Knunu(directory)
        t0 = time.process_time()
        scan = scan_light_x(lk, np.linspace(0.0, 4.785, 100))
        t_scan = time.process_time() - t0
        b = scan.best()
        print(
            f"m_X scan (100 points, maps): {t_scan:.1f} s CPU; best m_X = {b['m_X']:.2f} GeV, "
            f"BR = ({b['BR_KX'] * 1e6:.2f} +- {b['BR_KX_error'] * 1e6:.2f})e-6, Z_local = {b['significance_local']:.2f}"
        )
    print(f"speedup_vs_pyhf_best: {best:.1f}")


if __name__ == "__main__":
    main()
