"""003 Fig. 1 style post-fit plot: Belle II reconstructed bins, data with errors, SM, SM + X.

Drawn with ``mplhep.histplot`` from ``hist`` histograms (one axis: the reconstructed bins of the
workspace in its channel order) in mplhep's CMS-like style; the histograms come from
:func:`fitkit.analyses.paper003.light_x.postfit_histograms`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import hist
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import mplhep  # noqa: E402

from fitkit.plotting.save import save_figure  # noqa: E402

__all__ = ["plot_postfit"]


def plot_postfit(hists: Mapping[str, Any], path: str | Path, *, title: str = "") -> Path:
    """Draw ``hists['data']`` (points, Poisson errors sqrt(n)), ``hists['sm']`` and ``hists['sm+x']``.

    The lower panel shows data / SM with the same errors. Returns the written path.
    """
    data, sm, smx = hists["data"], hists["sm"], hists["sm+x"]
    with plt.style.context(mplhep.style.CMS):
        fig, (ax, rax) = plt.subplots(2, 1, figsize=(12, 8), sharex=True, gridspec_kw={"height_ratios": [3, 1], "hspace": 0.05})
        mplhep.histplot(sm, ax=ax, histtype="step", color="tab:blue", label="SM (post-fit, no X)")
        mplhep.histplot(smx, ax=ax, histtype="step", color="tab:red", linestyle="--", label=hists.get("label_x", "SM + X (best fit)"))
        mplhep.histplot(data, ax=ax, histtype="errorbar", color="black", yerr=True, label="Belle II data")
        ax.set_ylabel("events per bin", fontsize="medium")
        ax.set_yscale("log")
        ax.legend(fontsize="small", loc="upper right")
        if title:
            ax.set_title(title, fontsize="small")
        n, s = data.values(), sm.values()
        ratio = hist.Hist(*data.axes, storage=hist.storage.Weight())
        ratio[...] = list(zip(n / s, n / s**2, strict=True))
        mplhep.histplot(ratio, ax=rax, histtype="errorbar", color="black", yerr=True)
        rax.plot(data.axes[0].edges[[0, -1]], [1.0, 1.0], color="tab:blue", lw=1)
        rax.stairs(smx.values() / s, data.axes[0].edges, color="tab:red", linestyle="--")
        rax.set_ylabel("data / SM", fontsize="small")
        rax.set_xlabel(data.axes[0].label, fontsize="small")
        rax.set_xticks(data.axes[0].centers[::3])
        rax.set_ylim(0.0, 2.5)
    return save_figure(fig, path)
