"""Plots of the B -> K(*) X analyses (003 Figs. 1, 2 and 5) from a :func:`fitkit.analyses.paper003.light_x.light_x_analysis` result.

- :func:`plot_light_x`: best-fit BR(B+ -> K+ X) with its 1 sigma band vs m_X for the Belle II fits
  (maps, 003's Gaussian) and the combination (003 Figs. 1 left and 5), the local significance,
  and the B -> K* X 90% CL upper limit (Fig. 1 right);
- :func:`plot_zprime`: BR(B -> K Z') vs BR(B -> K* Z') for the dim-4/5/6 operators with the data
  regions Delta chi^2 = 2.3, 6.18 (Fig. 2 left) and the g_L - g_R plane at the best mass (Fig. 2 right).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from scipy.interpolate import CubicSpline  # noqa: E402

from fitkit.likelihood.counting import counting_likelihood  # noqa: E402
from fitkit.models.light_invisible import ZPrime  # noqa: E402
from fitkit.plotting.save import save_figure  # noqa: E402
from fitkit.plotting.style import figure_style, new_figure  # noqa: E402

__all__ = ["plot_light_x", "plot_zprime"]

_STYLE = {"maps": ("tab:blue", "Belle II, maps"), "gaussian": ("tab:gray", "Belle II, 003 Gaussian"), "combined": ("tab:red", "Belle II + BaBar + Belle")}


def plot_light_x(result: dict[str, Any], path: str | Path) -> Path:
    """Three panels: BR(B+ -> K+ X) +- 1 sigma, local significance, BR(B -> K* X) 90% CL limit, vs m_X."""
    with figure_style():
        fig, axes = new_figure(ncols=3, figsize=(15, 4.6))
        for name, scan in result["scans"].items():
            color, label = _STYLE.get(name, ("k", name))
            m = np.asarray(scan["m_X"])
            br = np.asarray(scan["BR_KX"]) * 1e6
            err = np.asarray(scan["BR_KX_error"]) * 1e6
            axes[0].plot(m, br, color=color, label=label)
            axes[0].fill_between(m, br - err, br + err, color=color, alpha=0.2)
            axes[1].plot(m, scan["significance_local"], color=color, label=label)
        axes[0].axhline(0, color="k", lw=0.5)
        axes[0].set(xlabel=r"$m_X$ [GeV]", ylabel=r"BR$(B^+\to K^+X)\times 10^6$", ylim=(-15, 40))
        axes[0].legend(title=r"best fit $\pm 1\sigma$")
        axes[1].set(xlabel=r"$m_X$ [GeV]", ylabel=r"local significance $Z$ [$\sigma$]")
        lim = result["kstar_limit"]
        ul = np.asarray(lim["BR_KstarX_UL90"], dtype=float) * 1e5
        axes[2].plot(lim["m_X"], np.where(np.isfinite(ul), ul, np.nan), color="tab:green", label="BaBar + Belle, 90% CL")
        axes[2].set(xlabel=r"$m_X$ [GeV]", ylabel=r"BR$(B\to K^*X)\times 10^5$ upper limit", ylim=(0, 6))
        axes[2].legend()
        return save_figure(fig, path)


#: Regions of the Z' planes: Delta chi^2 for two parameters at 1 and 2 sigma (68.27%, 95.45% CL).
_ZP_LEVELS: tuple[float, float] = (2.30, 6.18)
_ZP_COLORS: tuple[str, str] = ("#d62728", "#f4a3a3")


def _cl_handles() -> tuple[list, list[str]]:
    handles = [plt.Rectangle((0, 0), 1, 1, color=c, alpha=0.7) for c in _ZP_COLORS]
    labels = [rf"{n} CL ($\Delta\chi^2<{lev:.2f}$)" for n, lev in zip(("68.3%", "95.4%"), _ZP_LEVELS)]
    return handles, labels


def plot_zprime(result: dict[str, Any], path: str | Path) -> Path:
    """003 Fig. 2: operator lines in the (BR_K, BR_K*) plane with data regions; the g_L - g_R plane."""
    prof = result["zprime_profile"]
    m_z = float(prof["m_X"])
    chi2_k = CubicSpline(np.asarray(prof["BR_KX"]), np.asarray(prof["delta_twice_nll"]))
    ks = counting_likelihood("K*")  # BaBar 2013 + Belle 2017 K* counting channels at m_Z'
    bk = np.linspace(prof["BR_KX"][0], prof["BR_KX"][-1], 200)
    bks = np.linspace(0.0, 8e-5, 200)
    gk, gks = np.meshgrid(bk, bks, indexing="ij")
    chi = chi2_k(gk) + ks.chi2(gks, m_z)
    chi -= chi.min()
    levels = [0.0, *_ZP_LEVELS]
    with figure_style():
        fig, (ax1, ax2) = new_figure(ncols=2, figsize=(12, 5.0))
        ax1.contourf(gk * 1e6, gks * 1e5, chi, levels=levels, colors=list(_ZP_COLORS), alpha=0.7)
        handles, labels = _cl_handles()
        g = np.linspace(0.0, 1.0, 50)
        for dim, color in zip((4, 5, 6), ("tab:blue", "tab:orange", "tab:green")):
            model = ZPrime(dim)
            for which, ls in (("g_L", "-"), ("vector", ":")):
                pars = {"m_Zp": m_z, "g_L": g, "g_R": np.zeros_like(g)} if which == "g_L" else {"m_Zp": m_z, "g_L": g, "g_R": g}
                brs = model.branching_ratios(pars)
                scale = bk[-1] / max(float(brs["B+->K+"][-1]), 1e-300)
                handles.append(ax1.plot(brs["B+->K+"] * scale * 1e6, brs["B0->K*0"] * scale * 1e5, ls, color=color)[0])
                labels.append(f"dim {dim}, " + (r"$g_L$ or $g_R$" if which == "g_L" else r"$g_L=g_R$"))
        ax1.set(xlabel=r"BR$(B^+\to K^+Z')\times 10^6$", ylabel=r"BR$(B^0\to K^{*0}Z')\times 10^5$", xlim=(0, bk[-1] * 1e6), ylim=(0, 8))
        ax1.set_title(rf"$m_{{Z'}}={m_z:.2f}$ GeV")
        ax1.legend(handles, labels, fontsize=7, loc="upper right")
        z4 = result["zprime"]["dim4"]
        axis = np.asarray(z4["axis"]) * 1e8
        ax2.contourf(axis, axis, np.asarray(z4["delta_chi2"]).T, levels=levels, colors=list(_ZP_COLORS), alpha=0.7)
        h2, l2 = _cl_handles()
        h2.append(ax2.plot(z4["g_L"] * 1e8, z4["g_R"] * 1e8, "k+", ms=10, clip_on=False, zorder=5)[0])
        l2.append("best fit")
        ax2.set(xlabel=r"$g_L^{(4)}\times 10^8$", ylabel=r"$g_R^{(4)}\times 10^8$")
        ax2.set_title(rf"dim-4 $Z'$ couplings at $m_{{Z'}}={m_z:.2f}$ GeV")
        ax2.legend(h2, l2, loc="upper right")
        return save_figure(fig, path)
