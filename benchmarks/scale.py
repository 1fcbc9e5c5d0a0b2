"""Benchmark: the same LEE toys and the same 2D MIGRAD profile scan serially, on 1 and on 2 Dask workers.

Run: ``python benchmarks/scale.py [--toys 100] [--grid 12 6]``. Everything goes through
:func:`fitkit.execution.map_tasks` (the layer behind ``--workers`` / ``--scheduler``):

- toys: ``--toys`` background-only toys of the 100-mass B+ -> K+ X scan (seed 20231124), one task each;
- scan: the 2D profile of darkz-A in (M_ZD, eps_Z) on a ``--grid`` NX x NY grid with MIGRAD over eps
  at every point, one task per row of NY warm-started points.

For each, it prints the wall time (and the mean CPU time per task, in the process that ran it:
the same in every mode unless the workers' environment costs CPU) of the serial run and of the runs on 1 and 2 workers (the local
cluster started and the first task run once on every worker beforehand, to load the imports and
the likelihood: that start-up time is printed apart), seconds per task, whether the
numbers are identical, and the speed-ups. Then it extrapolates to 64 workers with the model

    T(N) = t_start + (n / N) (t_task + t_over) + t_tail,   S(N) = n t_task / T(N),

t_task = serial wall time per task, t_over = (1-worker wall - serial wall) / n (dispatch and
transfer per task), t_start = the start-up of the 2-worker cluster (workers up, first task run on
each), t_tail = t_task (the end of a run, when some workers have no task left). S(2) is printed
without t_start next to the measured speed-up (which excludes it too), S(64) with and without. The last line is ``dask_speedup_2_workers: <min of the toys' and the scan's
measured 2-worker speed-ups>``. The machine must be idle for the speed-ups to mean anything (on
a loaded 2-core machine the two workers share the cores with everything else).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

import numpy as np

N_EXTRAPOLATE = 64


def _cpu_timed(fn: Callable[[Any], Any], task: Any) -> tuple[Any, float]:
    """``fn(task)`` and the CPU seconds it took in the process that ran it."""
    t0 = time.process_time()
    out = fn(task)
    return out, time.process_time() - t0


def _timed_map(fn: Callable[[Any], Any], tasks: Sequence[Any], workers: int | None) -> tuple[list[Any], float, float, float]:
    """(results, start-up seconds, wall seconds of the map, mean CPU seconds per task) serially
    (workers None) or on a local cluster."""
    from fitkit.execution import session

    with session(workers=workers) as ex:
        t0 = time.perf_counter()
        if ex.parallel:
            # start-up: the cluster, then the first task on every worker (imports, likelihood caches)
            ex.client().run(fn, tasks[0])
        t1 = time.perf_counter()
        out = ex.map(partial(_cpu_timed, fn), tasks)
        t2 = time.perf_counter()
    return [r for r, _ in out], t1 - t0, t2 - t1, float(np.mean([c for _, c in out]))


def _model(n: int, n_workers: int, t_task: float, t_over: float, t_start: float) -> float:
    """Extrapolated speed-up S(N) (module docstring)."""
    t_n = t_start + n / n_workers * (t_task + t_over) + (t_task if n_workers > 1 else 0.0)
    return n * t_task / t_n


def _report(label: str, n: int, runs: dict[str, tuple[list[Any], float, float, float]], n_big: int) -> float:
    serial, one, two = runs["serial"], runs["1 worker"], runs["2 workers"]
    for name, (_, t_start, wall, cpu) in runs.items():
        extra = f" (cluster start-up {t_start:.2f} s, not included)" if name != "serial" else ""
        print(f"{label}: {name:>9}: {wall:8.2f} s wall, {wall / n:.3f} s per task, {cpu:.3f} s CPU per task{extra}")
    same = all(np.array_equal(np.asarray(serial[0], dtype=object), np.asarray(r[0], dtype=object)) for r in (one, two))
    close = all(np.allclose(np.asarray(serial[0], float), np.asarray(r[0], float), rtol=0, atol=1e-10, equal_nan=True) for r in (one, two))
    print(f"{label}: serial == 1 worker == 2 workers: bit-identical {same}, within 1e-10 {close}")
    s1, s2 = serial[2] / one[2], serial[2] / two[2]
    print(f"{label}: speed-up 1 worker {s1:.2f}, 2 workers {s2:.2f}")
    t_task = serial[2] / n
    t_over = max(one[2] - serial[2], 0.0) / n
    t_start = two[1]
    print(f"{label}: model t_task = {t_task:.3f} s, t_over = {t_over * 1e3:.1f} ms, t_start = {t_start:.2f} s:"
          f" S(2) = {_model(n, 2, t_task, t_over, 0.0):.2f} without start-up (measured {s2:.2f});"
          f" S({N_EXTRAPOLATE}) for {n_big} tasks = {_model(n_big, N_EXTRAPOLATE, t_task, t_over, t_start):.1f} with start-up,"
          f" {_model(n_big, N_EXTRAPOLATE, t_task, t_over, 0.0):.1f} without")
    return s2


def _toys(n_toys: int) -> tuple[Callable[[int], Any], list[int]]:
    from fitkit.analyses.paper003.light_x import default_masses, line_templates
    from fitkit.data.registry import dataset_dir
    from fitkit.inference.toys import score_scan, toy_statistic
    from fitkit.likelihood.belle2_knunu import Belle2Knunu

    directory = str(dataset_dir("belle2-knunu-2023"))
    lk = Belle2Knunu(dataset_dir("belle2-knunu-2023"))
    masses = default_masses(100)
    tpl = line_templates(lk, masses)
    score = score_scan(lk, tpl)
    fn = partial(toy_statistic, directory=directory, masses=masses, templates=tpl, seed=20231124, n_total=n_toys,
                 theta0=score.null.values, hessian=score.null.hessian)
    return fn, list(range(n_toys))


def _scan(nx: int, ny: int) -> tuple[Callable[[Any], Any], list[Any]]:
    from fitkit import api
    from fitkit.inference.fit import grid_axes
    from fitkit.inference.scan import _migrad_segment

    problem = api.problem("darkz-A")
    axes = grid_axes(problem, {"M_ZD": nx, "eps_Z": ny})
    rows = [{"M_ZD": np.full(ny, m), "eps_Z": axes["eps_Z"]} for m in axes["M_ZD"]]
    return partial(_migrad_segment, problem=problem), rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--toys", type=int, default=100)
    parser.add_argument("--grid", type=int, nargs=2, default=(12, 6), metavar=("NX", "NY"))
    args = parser.parse_args()
    speedups = []
    for label, (fn, tasks), n_big, flatten in (
        ("toys", _toys(args.toys), 1000, lambda r: r),
        (f"scan {args.grid[0]}x{args.grid[1]}", _scan(*args.grid), 10_000, lambda r: [float(v) for row in r for v in row[0]]),
    ):
        runs = {}
        for name, workers in (("serial", None), ("1 worker", 1), ("2 workers", 2)):
            out, t_start, wall, cpu = _timed_map(fn, tasks, workers)
            runs[name] = (flatten(out), t_start, wall, cpu)
        speedups.append(_report(label, len(tasks), runs, n_big))
    print(f"dask_speedup_2_workers: {min(speedups):.2f}")


if __name__ == "__main__":
    main()
