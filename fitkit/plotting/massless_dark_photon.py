"""The figures of 000 recomputed: Fig. 1 (spectra), Fig. 2 (the excess in alpha_D, Lambda), Fig. 3 (ratio).

Each ``fig*_data`` function returns the arrays behind a figure (tested), each ``plot_fig*``
draws them to a file (PNG/PDF by suffix) and returns the path.

- Fig. 1: dBR/dq^2(B+ -> K+ Q Qbar) for N_Q = 3, m_Q = 0.5 GeV, with (solid) and without
  (dashed) the Sommerfeld-Fermi factor of 000 eq. (3.13), and the SM of eq. (3.10) (black).
- Fig. 2 top: BR(B+ -> K+ Q_X Qbar_X) against alpha_D at Lambda = 9.56e4 TeV for N_Q = 3 and
  several m_Q, with the 1 sigma band of 000 eq. (1.5), and the solutions alpha_D(m_Q); bottom: the BR over the (alpha_D, Lambda)
  plane at m_Q = 0.5 GeV with the Lambda bound of eq. (4.6) (dashed).
- Fig. 3: BR(B0 -> K* gamma_D)/BR(B+ -> K+ Q_X Qbar_X) against alpha_D (N_Q = 3), with the value
  2.7e-5/1.9e-5 above which the Belle limit excludes the explanation of the excess (hatched).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.colors import LogNorm  # noqa: E402

from fitkit.constants import M_BPLUS, M_KPLUS, TAU_BPLUS, width_from_lifetime  # noqa: E402
from fitkit.models.massless_dark_photon import (  # noqa: E402
    MasslessDarkPhoton,
    alpha_for_branching_ratio,
    paper_inputs,
)
from fitkit.plotting.save import save_figure  # noqa: E402
from fitkit.plotting.style import figure_style, new_figure  # noqa: E402
from fitkit.theory.dark_fermions import sm_dgamma_ds_hat_knunu  # noqa: E402
from fitkit.theory.tensor_formfactor import f_plus  # noqa: E402

__all__ = [
    "LAMBDA_BOUND_000",
    "EXCESS_000",
    "fig1_data",
    "fig2_top_data",
    "fig2_solutions_data",
    "fig2_bottom_data",
    "fig3_data",
    "plot_fig1",
    "plot_fig2",
    "plot_fig3",
]

#: Lambda of 000 eq. (4.6) in GeV (9.56e4 TeV), used by 000 Figs. 2 (top) and 1.
LAMBDA_BOUND_000: float = 9.56e7
#: 000 eq. (1.5): BR(B+ -> K+ nu nubar)_NP = (1.9 +- 0.7)e-5.
EXCESS_000: tuple[float, float] = (1.9e-5, 0.7e-5)


def fig1_data(
    *,
    alphas: Sequence[float] = (0.7, 1.0),
    m_Q: float = 0.5,
    n_q: int = 3,
    Lambda: float = LAMBDA_BOUND_000,
    n_nodes: int = 200,
) -> dict[str, np.ndarray]:
    """q^2 grid (GeV^2), dBR/dq^2 with/without SF per alpha_D ``(n_alpha, n_q2)``, SM (3.10) (GeV^-2)."""
    q2 = np.linspace(4 * m_Q**2 * 1.0001, (M_BPLUS - M_KPLUS) ** 2 * 0.9999, n_nodes)
    pts = {"alpha_D": np.asarray(alphas, float), "Lambda": np.full(len(alphas), Lambda), "m_Q": np.full(len(alphas), m_Q)}
    sf = MasslessDarkPhoton(n_q=n_q).dbr_dq2_k_dark_fermions(pts, q2)
    bare = MasslessDarkPhoton(n_q=n_q, sommerfeld=False).dbr_dq2_k_dark_fermions(pts, q2)
    p = paper_inputs()
    q2_sm = np.linspace(0.0, (M_BPLUS - M_KPLUS) ** 2, n_nodes)
    sm = sm_dgamma_ds_hat_knunu(
        q2_sm / M_BPLUS**2, f_plus=f_plus(q2_sm), m_B=M_BPLUS, m_K=M_KPLUS, x_t=p["X_t"], alpha_ew=p["alpha_ew"],
        sin2_theta_w=p["sin2_theta_w"], vtb_vts=p["vtb_vts"],
    ) / M_BPLUS**2 / width_from_lifetime(TAU_BPLUS)
    return {"q2": q2, "alphas": np.asarray(alphas, float), "sf": sf, "no_sf": bare, "q2_sm": q2_sm, "sm": sm}


def fig2_top_data(
    *,
    masses: Sequence[float] = (0.1, 0.5, 1.0),
    n_q: int = 3,
    Lambda: float = LAMBDA_BOUND_000,
    alpha_max: float = 1.5,
    n_alpha: int = 121,
) -> dict[str, np.ndarray]:
    """alpha_D grid and BR(B+ -> K+ Q_X Qbar_X) ``(n_masses, n_alpha)`` at fixed Lambda (SF on)."""
    alpha = np.linspace(0.0, alpha_max, n_alpha)
    m = np.asarray(masses, float)
    aa, mm = np.meshgrid(alpha, m)
    br = MasslessDarkPhoton(n_q=n_q).br_k_dark_fermions(
        {"alpha_D": aa.ravel(), "Lambda": np.full(aa.size, Lambda), "m_Q": mm.ravel()}
    )
    return {"alpha": alpha, "masses": m, "br": br.reshape(aa.shape)}


def fig2_solutions_data(
    *,
    masses: np.ndarray | None = None,
    n_q: int = 3,
    Lambda: float = LAMBDA_BOUND_000,
) -> dict[str, np.ndarray]:
    """alpha_D(m_Q) reproducing BR = 1.9e-5 and its 1 sigma band (000 eq. (1.5)) at fixed Lambda, N_Q.

    ``alpha`` has shape (3, n_masses): rows for BR = 1.2e-5, 1.9e-5, 2.6e-5 (NaN if alpha_D > 5).
    """
    m = np.linspace(0.01, 2.0, 40) if masses is None else np.asarray(masses, float)
    c, s = EXCESS_000
    model = MasslessDarkPhoton(n_q=n_q)
    alpha = np.array([alpha_for_branching_ratio(t, m, Lambda, model=model) for t in (c - s, c, c + s)])
    return {"masses": m, "alpha": alpha}


def fig2_bottom_data(
    *,
    m_Q: float = 0.5,
    n_q: int = 3,
    alpha_range: tuple[float, float] = (0.05, 1.5),
    lambda_range: tuple[float, float] = (3e7, 1e9),
    points: tuple[int, int] = (60, 60),
) -> dict[str, np.ndarray | float]:
    """BR(B+ -> K+ Q_X Qbar_X) over (alpha_D, Lambda): ``br`` has shape (n_alpha, n_lambda); the Lambda bound in GeV."""
    alpha = np.linspace(*alpha_range, points[0])
    lam = np.geomspace(*lambda_range, points[1])
    aa, ll = np.meshgrid(alpha, lam, indexing="ij")
    model = MasslessDarkPhoton(n_q=n_q)
    pts = {"alpha_D": aa.ravel(), "Lambda": ll.ravel(), "m_Q": np.full(aa.size, m_Q)}
    br = model.br_k_dark_fermions(pts).reshape(aa.shape)
    kst_ref = float(model.br_vector_dark_photon({"alpha_D": [1.0], "Lambda": [1e8], "m_Q": [m_Q]})[0])
    bound = 1e8 * float(np.sqrt(kst_ref / 2.7e-5))
    return {"alpha": alpha, "Lambda": lam, "br": br, "lambda_bound": bound}


def fig3_data(
    *,
    masses: Sequence[float] = (0.1, 0.5, 1.0),
    n_q: int = 3,
    alpha_range: tuple[float, float] = (0.05, 1.5),
    n_alpha: int = 120,
) -> dict[str, np.ndarray | float]:
    """BR(K* gamma_D)/BR(K+ Q_X Qbar_X) ``(n_masses, n_alpha)`` (independent of Lambda) and 2.7e-5/1.9e-5."""
    alpha = np.linspace(*alpha_range, n_alpha)
    m = np.asarray(masses, float)
    aa, mm = np.meshgrid(alpha, m)
    model = MasslessDarkPhoton(n_q=n_q)
    pts = {"alpha_D": aa.ravel(), "Lambda": np.full(aa.size, 1e8), "m_Q": mm.ravel()}
    ratio = model.br_vector_dark_photon(pts) / model.br_k_dark_fermions(pts)
    return {"alpha": alpha, "masses": m, "ratio": ratio.reshape(aa.shape), "excluded_above": 2.7e-5 / EXCESS_000[0]}


def _save(fig: plt.Figure, path: str | Path) -> Path:
    return save_figure(fig, path)


def plot_fig1(path: str | Path, **kwargs) -> Path:
    """000 Fig. 1 (keyword arguments go to :func:`fig1_data`)."""
    d = fig1_data(**kwargs)
    with figure_style():
        fig, ax = new_figure()
        for i, (a, col) in enumerate(zip(d["alphas"], ["tab:blue", "tab:red", "tab:green", "tab:orange"])):
            ax.plot(d["q2"], d["sf"][i], color=col, label=rf"$\alpha_D={a:g}$, SF")
            ax.plot(d["q2"], d["no_sf"][i], color=col, ls="--", label=rf"$\alpha_D={a:g}$, no SF")
        ax.plot(d["q2_sm"], d["sm"], color="k", label=r"SM, 000 eq. (3.10)")
        ax.set_xlabel(r"$q^2$ [GeV$^2$]")
        ax.set_ylabel(r"$d\mathrm{BR}/dq^2(B^+\to K^+ Q\bar Q)$ [GeV$^{-2}$]")
        ax.set_title(r"$N_Q=3$, $m_Q=0.5$ GeV, $\Lambda=9.56\times10^4$ TeV", fontsize=10)
        ax.legend(fontsize=8)
        return _save(fig, path)


def plot_fig2(path: str | Path, **kwargs) -> Path:
    """000 Fig. 2: BR vs alpha_D per m_Q with the excess band; alpha_D(m_Q); BR over (alpha_D, Lambda)."""
    top = fig2_top_data()
    sol = fig2_solutions_data()
    bot = fig2_bottom_data(**kwargs)
    with figure_style():
        fig, (ax1, ax0, ax2) = new_figure(nrows=3, figsize=(6.4, 12.5))
        ax0.fill_between(sol["masses"], sol["alpha"][0], sol["alpha"][2], color="gold", alpha=0.5, label=r"BR $=(1.9\pm0.7)\times10^{-5}$")
        ax0.plot(sol["masses"], sol["alpha"][1], color="k", label=r"BR $=1.9\times10^{-5}$")
        ax0.set_xlabel(r"$m_Q$ [GeV]")
        ax0.set_ylabel(r"$\alpha_D$")
        ax0.set_title(r"$\alpha_D(m_Q)$ explaining the excess, $N_Q=3$, $\Lambda=9.56\times10^4$ TeV", fontsize=10)
        ax0.legend(fontsize=8)
        c, s = EXCESS_000
        ax1.axhspan(c - s, c + s, color="gold", alpha=0.5, label="000 eq. (1.5), 1$\\sigma$")
        for m, br in zip(top["masses"], top["br"]):
            ax1.plot(top["alpha"], br, label=rf"$m_Q={m:g}$ GeV")
        ax1.set_ylim(0.0, 3 * (c + s))
        ax1.set_xlabel(r"$\alpha_D$")
        ax1.set_ylabel(r"BR$(B^+\to K^+ Q_X\bar Q_X)$")
        ax1.set_title(r"$N_Q=3$, $\Lambda=9.56\times10^4$ TeV", fontsize=10)
        ax1.legend(fontsize=8)
        br = np.asarray(bot["br"])
        mesh = ax2.pcolormesh(bot["alpha"], np.asarray(bot["Lambda"]) / 1e3, br.T, norm=LogNorm(vmin=br[br > 0].min(), vmax=br.max()), shading="auto")
        fig.colorbar(mesh, ax=ax2, label=r"BR$(B^+\to K^+ Q_X\bar Q_X)$")
        ax2.contour(bot["alpha"], np.asarray(bot["Lambda"]) / 1e3, br.T, levels=[c - s, c, c + s], colors=["w", "k", "w"], linewidths=[0.8, 1.2, 0.8])
        ax2.axhline(float(bot["lambda_bound"]) / 1e3, color="k", ls="--", label=r"$\Lambda$ bound, 000 eq. (4.6)")
        ax2.set_yscale("log")
        ax2.set_xlabel(r"$\alpha_D$")
        ax2.set_ylabel(r"$\Lambda$ [TeV]")
        ax2.set_title(r"$N_Q=3$, $m_Q=0.5$ GeV; contours: $(1.9\pm0.7)\times10^{-5}$", fontsize=10)
        ax2.legend(fontsize=8, loc="upper left")
        return _save(fig, path)


def plot_fig3(path: str | Path, **kwargs) -> Path:
    """000 Fig. 3: BR(K* gamma_D)/BR(K+ Q_X Qbar_X) vs alpha_D (keyword arguments to :func:`fig3_data`)."""
    d = fig3_data(**kwargs)
    with figure_style():
        fig, ax = new_figure()
        for m, r in zip(d["masses"], d["ratio"]):
            ax.plot(d["alpha"], r, label=rf"$m_Q={m:g}$ GeV")
        lim = float(d["excluded_above"])
        top = float(np.nanmax(d["ratio"]))
        ax.axhline(lim, color="r", ls="--", label=r"$2.7\times10^{-5}/1.9\times10^{-5}$")
        ax.fill_between(d["alpha"], lim, max(top, lim) * 1.2, facecolor="none", hatch="//", edgecolor="r", lw=0)
        ax.set_yscale("log")
        ax.set_xlabel(r"$\alpha_D$")
        ax.set_ylabel(r"BR$(B^0\to K^*\gamma_D)$ / BR$(B^+\to K^+ Q_X\bar Q_X)$")
        ax.set_title(r"$N_Q=3$ (independent of $\Lambda$)", fontsize=10)
        ax.legend(fontsize=8)
        return _save(fig, path)
