"""Benchmark: CPU time of the 002 Z_D fits darkz-A/B/C (``fitkit.inference.fit``) and their minima.

Each fit -- grid over the free parameters, MIGRAD from the best and the locally lowest grid
cells, HESSE on the reported minimum -- is run ``--runs`` times on a problem built once (building
it, i.e. reading the cards, is timed separately), in two modes in the same run:

- ``gradient``: as fitkit fits (the costs are Differentiable: MIGRAD gets the gradient of one
  vectorised call of 2 k + 1 points, fitkit/likelihood/batched.py);
- ``numerical``: the same costs with the gradient hidden, so MIGRAD differentiates by single-point
  calls (the behaviour before issue 15).

CPU time of this process (``time.process_time``, robust on a shared machine), min and median of
the runs. The minima must agree between the modes and with the pinned values (tests:
tests/models/dark_z/test_model.py, 86.1240 / 69.4068 / 60.1561 within 0.01). The last line is
``darkz_fit_cpu_max_s: <the slowest of the three fits, min over runs, gradient mode>`` (issue 15:
under 3 s each). Run: ``python benchmarks/darkz_fit.py [--runs N] [--fits darkz-A ...]``.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import time

from fitkit import api
from fitkit.fitdef import FitProblem
from fitkit.inference import fit
from fitkit.likelihood.batched import WithoutGradient

PINNED = {"darkz-A": 86.1240, "darkz-B": 69.4068, "darkz-C": 60.1561}


def timed_fits(problem: FitProblem, runs: int) -> tuple[list[float], float]:
    """CPU seconds of ``runs`` fits and the chi2_min they found (all runs agree: deterministic)."""
    times, chi2 = [], []
    for _ in range(runs):
        c0 = time.process_time()
        r = fit(problem)
        times.append(time.process_time() - c0)
        chi2.append(r.chi2_min)
    assert max(chi2) - min(chi2) < 1e-9, chi2
    return times, chi2[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--fits", nargs="+", default=list(PINNED))
    args = parser.parse_args()

    warm = api.problem("darkz-C")  # imports and caches (SM predictions, form factors at the shared nodes)
    warm.cost(*[{**warm.start, **warm.fixed}[n] for n in warm.parameter_names])
    slowest = 0.0
    for name in args.fits:
        c0 = time.process_time()
        problem = api.problem(name)
        t_build = time.process_time() - c0
        plain = dataclasses.replace(problem, costs=[WithoutGradient(c) for c in problem.costs])
        t_grad, chi2_grad = timed_fits(problem, args.runs)
        t_num, chi2_num = timed_fits(plain, args.runs)
        slowest = max(slowest, min(t_grad))
        print(
            f"{name}: problem built in {t_build:.2f} s; fit CPU s (min / median of {args.runs}): "
            f"gradient {min(t_grad):.2f} / {statistics.median(t_grad):.2f}, "
            f"numerical {min(t_num):.2f} / {statistics.median(t_num):.2f} (x{min(t_num) / min(t_grad):.2f}); "
            f"chi2_min gradient {chi2_grad:.4f}, numerical {chi2_num:.4f}, pinned {PINNED.get(name, float('nan')):.4f}"
        )
    print(f"darkz_fit_cpu_max_s: {slowest:.2f}")


if __name__ == "__main__":
    main()
