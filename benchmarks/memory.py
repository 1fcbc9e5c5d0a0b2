"""Benchmark: peak memory of a 10^6-point chi^2 batch (``GaussianChi2.batch``).

The 27 b -> s l l observables of 002 Table 1 (superseded cards included) against the darkz-B model (a light Z_D in the q^2
range: every bin is integrated with the resonance-adapted rule, the largest node count) at
random points. Each measurement runs in its own child process, which reports its peak resident
set size (``resource.getrusage(RUSAGE_SELF).ru_maxrss``) and the same after the set-up (imports,
cost, points), so the difference is what the batch itself needs.

Runs: the default chunking (``GaussianChi2.chunk_size``) at ``--points`` points, and, with
``--unchunked N``, one evaluation of all N points at once (the behaviour before chunking) for
comparison (N = 10^5 needs about 0.7 GB; 10^6 about 6.4 GB, do not). The last line is
``peak_rss_mb: <peak RSS of the chunked run in MB>`` (issue 15: below 300 MB for 10^6 points).
Run: ``python benchmarks/memory.py [--points N] [--unchunked N]``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

_CHILD = """
import json, resource, time
import numpy as np
from fitkit.data.catalog import Catalog
from fitkit.likelihood.gaussian import GaussianChi2
from fitkit.models import get_model

n, chunk = {n}, {chunk}
ms = Catalog().select(tags=["table1-002"], include_superseded=True)
cost = GaussianChi2(ms, get_model("darkz-B"))
rng = np.random.default_rng(1)
pts = {{
    "M_ZD": 10 ** rng.uniform(np.log10(0.05), np.log10(4.0), n),
    "eps": rng.uniform(-1e-3, 1e-3, n),
    "eps_Z": rng.uniform(-1e-2, 1e-2, n),
    "g_mu": rng.uniform(-1e-3, 1e-3, n),
}}
cost.batch({{k: v[:2] for k, v in pts.items()}})  # caches (SM integrals, form factors) filled
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
t0 = time.process_time()
chi2 = cost.batch(pts, chunk=chunk)
cpu = time.process_time() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"n_meas": len(ms), "chunk": chunk or cost.chunk_size(), "base_mb": base, "peak_mb": peak,
                  "cpu_s": cpu, "finite": bool(np.all(np.isfinite(chi2)))}}))
"""


def measure(n: int, chunk: int | None) -> dict:
    """Peak RSS (MB) of a child process evaluating ``n`` points ``chunk`` at a time (None: default)."""
    code = _CHILD.format(n=n, chunk=repr(chunk))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=10**6)
    parser.add_argument("--unchunked", type=int, default=0, help="also evaluate this many points in one piece")
    args = parser.parse_args()
    if args.unchunked:
        r = measure(args.unchunked, args.unchunked)
        print(f"unchunked, {args.unchunked} points: peak RSS {r['peak_mb']:.0f} MB (set-up {r['base_mb']:.0f} MB), "
              f"{r['peak_mb'] - r['base_mb']:.0f} MB for the batch, {1e6 * r['cpu_s'] / args.unchunked:.0f} us/point CPU")
    r = measure(args.points, None)
    assert r["finite"], "non-finite chi^2"
    print(f"chunked ({r['chunk']} points per chunk, {r['n_meas']} measurements), {args.points} points: peak RSS "
          f"{r['peak_mb']:.0f} MB (set-up {r['base_mb']:.0f} MB), {r['peak_mb'] - r['base_mb']:.0f} MB for the batch, "
          f"{1e6 * r['cpu_s'] / args.points:.0f} us/point CPU")
    print(f"peak_rss_mb: {r['peak_mb']:.0f}")


if __name__ == "__main__":
    main()
