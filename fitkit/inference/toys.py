"""Background-only toys of the B+ -> K+ X mass scan, serial or on Dask, reproducible from a seed.

Each toy i draws, from its own generator ``np.random.default_rng(SeedSequence(seed).spawn(n)[i])``
(so a toy does not depend on how toys are split among workers):

- the counts of every bin from Poisson(lambda_b(theta_0)), theta_0 the no-X fit to the data;
- the auxiliary data of every Gaussian constraint from N(theta_0, sigma) (and the centre of
  the mu theory constraint from N(mu_0, 0.074)), the frequentist treatment of constraints
  (Cowan, Cranmer, Gross, Vitells, arXiv:1007.1727 sec. 2).

A toy is fitted once without X (MIGRAD), and the whole mass scan is then the score statistic of
that fit, vectorised over masses (Rao's efficient score, asymptotically equal to the profile
likelihood ratio q = -2 Delta ln L of 1007.1727 eq. (12) for one parameter):

    q(m) = U(m)^2 / (2 H_eff(m)),  U = d(-2 ln L)/dBR,
    H_eff = H_BB - H_B.theta H_theta.theta^-1 H_theta.B,

all derivatives of -2 ln L at (theta_0-hat, BR = 0); Z(m) = -U / sqrt(2 H_eff) (positive for
an excess). One fit and one Hessian per toy instead of one fit per mass and toy.

Test statistic. The score is a screen: with few expected events in some cells its tail is much
heavier than the likelihood ratio's (in 1000 toys of the published likelihood, max_m Z_score
exceeded 4.8 in 1 % of them). Where it matters, :func:`scan_statistic` replaces it by the
profile likelihood ratio Z_LR = sign(BR-hat) sqrt(-2 Delta ln L) (1007.1727 eq. (12), the local
significance of the scan) at the ``top`` highest local maxima of Z_score(m) above ``z_min``:
T = max Z_LR there, or max_m Z_score when it stays below ``z_min`` (such toys cannot reach the
observed T, which is > z_min). Data and toys use the same T, so the p-value is exact for T.

Example:
    >>> [int(s.generate_state(1)[0]) for s in toy_seeds(7, 3)] == [int(s.generate_state(1)[0]) for s in toy_seeds(7, 3)]
    True
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import numpy as np

from fitkit.inference.profile import fit_nuisances
from fitkit.inference.template_scan import normalisation_unit
from fitkit.likelihood.belle2_knunu import BR_SM, BR_SM_ERROR, NP_NORM, NP_SAMPLE, Belle2Knunu

__all__ = ["toy_seeds", "score_scan", "scan_statistic", "lr_significance", "ToyResult", "run_toys", "toy_chunk"]

#: Score significance above which the likelihood ratio replaces it, and how many peaks are refitted.
Z_REFINE: float = 2.5
TOP_PEAKS: int = 3

_SIG_MU = BR_SM_ERROR / BR_SM


def toy_seeds(seed: int, n: int) -> list[np.random.SeedSequence]:
    """Independent seed sequences of toys 0..n-1 (numpy ``SeedSequence.spawn``)."""
    return np.random.SeedSequence(seed).spawn(n)


@lru_cache(maxsize=2)
def _likelihood(directory: str) -> Belle2Knunu:
    return Belle2Knunu(Path(directory))


def score_scan(
    lk: Belle2Knunu,
    templates: np.ndarray,
    *,
    data: np.ndarray | None = None,
    aux: np.ndarray | None = None,
    mu_centre: float = 1.0,
    start: dict[str, float] | None = None,
) -> tuple[np.ndarray, dict[str, float]]:
    """Signed score significance Z(m) for yield templates (n_masses, n_cells) per unit BR.

    Returns Z (n_masses,) and the no-X fit values (the normalisation, 0, in Minuit's unit
    :func:`fitkit.inference.template_scan.normalisation_unit`; Z does not depend on it).
    """
    templates = np.asarray(templates, float) * normalisation_unit(templates)
    cw = lk.workspace
    null = fit_nuisances(
        lk.signal_cost(templates[0], data=data, aux=aux, mu_centre=mu_centre),
        fixed={NP_NORM: 0.0}, start=start, hesse=False, limits=lk.limits(),
    )
    x = np.array([null.values[p] for p in cw.parameters])
    x[cw.index[NP_NORM]] = 1.0
    free = np.flatnonzero(~cw.fixed)
    free = free[free != cw.index[NP_NORM]]
    n_obs = cw.data if data is None else np.asarray(data, float)
    eps = 1e-3
    nm = templates.shape[0]
    pts = np.repeat(x[None, :], nm, axis=0)
    zero = {NP_SAMPLE: np.zeros_like(templates)}
    lam0 = cw.expected_data(pts[:1], nominal={NP_SAMPLE: templates[:1] * 0})[0]
    dlam = (cw.expected_data(pts, nominal={NP_SAMPLE: eps * templates}) - lam0) / eps  # (nm, B)
    u = 2.0 * np.sum((1.0 - n_obs / lam0) * dlam, axis=1)
    h_bb = 2.0 * np.sum(n_obs * dlam**2 / lam0**2, axis=1)
    g1 = cw.nll_and_grad(pts, data=data, aux=aux, nominal={NP_SAMPLE: eps * templates})[1]
    g0 = cw.nll_and_grad(pts, data=data, aux=aux, nominal=zero)[1]
    assert g1 is not None and g0 is not None  # grad=True
    h_bt = 2.0 * (g1 - g0)[:, free] / eps  # (nm, n_free)
    h_tt = 2.0 * cw.hessian(x, free, data=data, aux=aux, nominal={NP_SAMPLE: templates[0] * 0})
    imu = np.flatnonzero(free == cw.index["mu"])
    h_tt[imu, imu] += 2.0 / _SIG_MU**2
    sol = np.linalg.solve(h_tt, h_bt.T)  # (n_free, nm)
    h_eff = h_bb - np.einsum("mf,fm->m", h_bt, sol)
    z = np.where(h_eff > 0, -u / np.sqrt(2.0 * np.where(h_eff > 0, h_eff, 1.0)), 0.0)
    return z, null.values


def lr_significance(
    lk: Belle2Knunu,
    template: np.ndarray,
    null_values: dict[str, float],
    *,
    data: np.ndarray | None = None,
    aux: np.ndarray | None = None,
    mu_centre: float = 1.0,
) -> float:
    """Signed sqrt(-2 Delta ln L) between the fits with BR(K X) free and BR = 0 (same data).

    ``template``: yields per unit BR (n_cells,); ``null_values``: the BR = 0 fit to start from.
    """
    template = np.asarray(template, float) * normalisation_unit(template)
    cost = lk.signal_cost(template, data=data, aux=aux, mu_centre=mu_centre)
    null = fit_nuisances(cost, fixed={NP_NORM: 0.0}, start=null_values, hesse=False, limits=lk.limits())
    alt = fit_nuisances(cost, start={**null.values, NP_NORM: 1.0}, hesse=False, limits=lk.limits())
    if alt.twice_nll > null.twice_nll:  # MIGRAD went the wrong way from BR = 1: start from -1
        alt = fit_nuisances(cost, start={**null.values, NP_NORM: -1.0}, hesse=False, limits=lk.limits())
    d = max(null.twice_nll - alt.twice_nll, 0.0)
    return float(np.sign(alt.values[NP_NORM]) * np.sqrt(d))


def scan_statistic(
    lk: Belle2Knunu,
    templates: np.ndarray,
    z_score: np.ndarray,
    null_values: dict[str, float],
    *,
    data: np.ndarray | None = None,
    aux: np.ndarray | None = None,
    mu_centre: float = 1.0,
    z_min: float = Z_REFINE,
    top: int = TOP_PEAKS,
) -> tuple[float, int]:
    """The scan's test statistic T and the index of its mass (module docstring)."""
    z = np.asarray(z_score, float)
    left = np.concatenate(([-np.inf], z[:-1]))
    right = np.concatenate((z[1:], [-np.inf]))
    peaks = np.flatnonzero((z >= left) & (z >= right) & (z >= z_min))
    if peaks.size == 0:
        j = int(np.argmax(z))
        return float(z[j]), j
    peaks = peaks[np.argsort(z[peaks])[::-1][:top]]
    lr = [lr_significance(lk, templates[j], null_values, data=data, aux=aux, mu_centre=mu_centre) for j in peaks]
    k = int(np.argmax(lr))
    return float(lr[k]), int(peaks[k])


class ToyResult(NamedTuple):
    """Toys of the mass scan: per toy the statistic T (:func:`scan_statistic`) and its mass."""

    z_max: np.ndarray
    m_best: np.ndarray
    seed: int

    def p_value(self, z_obs: float) -> float:
        """Fraction of toys with max_m Z >= z_obs (with the +1 / (n+1) estimator's numerator)."""
        return float((np.sum(self.z_max >= z_obs) + 1) / (self.z_max.size + 1))


def toy_chunk(
    directory: str,
    masses: np.ndarray,
    templates: np.ndarray,
    seed: int,
    n_total: int,
    indices: Sequence[int],
    theta0: dict[str, float],
) -> np.ndarray:
    """Toys ``indices`` (of ``n_total`` spawned from ``seed``): rows (T, m_best). Pure function.

    ``templates`` (n_masses, n_cells): the signal yields per unit BR at ``masses``.
    """
    lk = _likelihood(directory)
    cw = lk.workspace
    x0 = np.array([theta0[p] for p in cw.parameters])
    x0[cw.index[NP_NORM]] = 0.0
    lam = cw.expected_data(x0[None, :], nominal={NP_SAMPLE: templates[0] * 0})[0]
    centres = x0[cw.gauss_index]
    seeds = toy_seeds(seed, n_total)
    out = np.zeros((len(indices), 2))
    for k, i in enumerate(indices):
        rng = np.random.default_rng(seeds[i])
        data = rng.poisson(lam).astype(float)
        aux = rng.normal(centres, cw.gauss_sigma)
        mu_c = rng.normal(theta0["mu"], _SIG_MU)
        z, null = score_scan(lk, templates, data=data, aux=aux, mu_centre=mu_c, start=theta0)
        t, j = scan_statistic(lk, templates, z, null, data=data, aux=aux, mu_centre=mu_c)
        out[k] = (t, masses[j])
    return out


def run_toys(
    directory: str | Path,
    masses: np.ndarray,
    templates: np.ndarray,
    theta0: dict[str, float],
    *,
    n_toys: int,
    seed: int = 12345,
    workers: int | None = None,
    chunk: int = 25,
    progress: Callable[[int, int], None] | None = None,
) -> ToyResult:
    """Run ``n_toys`` background-only toys of the scan; ``workers`` > 0 uses a local Dask cluster.

    Results are identical for any ``workers`` and ``chunk`` (one seed per toy index).
    ``progress(done, n_toys)`` is called as each chunk of toys completes.
    """
    masses = np.asarray(masses, float)
    groups = [list(range(i, min(i + chunk, n_toys))) for i in range(0, n_toys, chunk)]
    args = (str(directory), masses, np.asarray(templates, float), seed, n_toys)
    if workers:
        from dask.distributed import Client, LocalCluster

        # one BLAS thread per worker process: set before the workers spawn (they inherit it)
        single = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
        saved = {k: os.environ.get(k) for k in single}
        os.environ.update(single)
        try:
            # scheduler on 127.0.0.1 (LocalCluster's default); no dashboard (":0" listened on all interfaces)
            with LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None, env=single
            ) as cluster, Client(cluster) as client:
                futures = [client.submit(toy_chunk, *args, g, theta0, pure=False) for g in groups]
                if progress is not None:
                    from dask.distributed import as_completed

                    done = 0
                    for fut in as_completed(futures):
                        done += len(groups[futures.index(fut)])
                        progress(done, n_toys)
                parts = client.gather(futures)
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
    else:
        # the same single BLAS thread as the Dask workers, so that the reductions (and the
        # results) are bitwise identical to the parallel run
        from threadpoolctl import threadpool_limits

        parts = []
        with threadpool_limits(limits=1):
            for g in groups:
                parts.append(toy_chunk(*args, g, theta0))
                if progress is not None:
                    progress(g[-1] + 1, n_toys)
    res = np.concatenate(parts) if parts else np.zeros((0, 2))
    return ToyResult(res[:, 0], res[:, 1], seed)
