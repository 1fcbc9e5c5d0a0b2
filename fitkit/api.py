"""The Python API in a few calls: load a fit by name, fit it, scan it.

Example:
    >>> import fitkit.api as fk
    >>> r = fk.fit_named("bsll-sm-muon")
    >>> r.ndof
    21
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache

from fitkit.fitdef import FitProblem, build_problem, load_definition
from fitkit.inference import fit, profile_scan
from fitkit.inference.results import FitResult, ScanResult

__all__ = ["problem", "fit_named", "scan_named"]


def problem(name: str) -> FitProblem:
    """The fit problem of ``likelihoods/<name>.yaml``."""
    return build_problem(load_definition(name))


@lru_cache(maxsize=64)
def _fit_cached(name: str, sha: str) -> FitResult:
    return fit(problem(name))


def fit_named(name: str, *, progress: Callable[[int, int], None] | None = None) -> FitResult:
    """Fit ``likelihoods/<name>.yaml``; results are memoised per input hash within a process."""
    p = problem(name)
    if progress is None:
        return _fit_cached(name, p.provenance.get("sha256", ""))
    return fit(p, progress=progress)


def scan_named(
    name: str,
    x: str,
    y: str | None = None,
    *,
    points: Sequence[int] = (40,),
    method: str = "grid",
    profile_points: int = 12,
    progress: Callable[[int, int], None] | None = None,
    chi2_min: float | None = None,
) -> ScanResult:
    """Profile scan of a fit in ``x`` (and ``y``) relative to the fit's global minimum
    (``chi2_min`` if the caller has the fit already, else :func:`fit_named`)."""
    p = problem(name)
    ref = fit_named(name).chi2_min if chi2_min is None else chi2_min
    return profile_scan(p, x, y, points=points, method=method, profile_points=profile_points, chi2_min=ref, progress=progress)
