"""The 003 Fig. 1 post-fit plot: hist objects from the Belle II fits, drawn with mplhep."""

from __future__ import annotations

import numpy as np
import pytest


@pytest.fixture(scope="module")
def hists():
    from fitkit.analyses.paper003.light_x import line_templates, postfit_histograms
    from fitkit.data.registry import dataset_dir
    from fitkit.likelihood.belle2_knunu import DATASET, Belle2Knunu

    lk = Belle2Knunu(dataset_dir(DATASET))
    return lk, postfit_histograms(lk, 2.05), line_templates(lk, np.array([2.05]))[0]


@pytest.mark.slow
def test_postfit_histograms_are_the_fits(hists):
    """Data = the workspace's counts (Poisson variances); BR is the maps' best fit (~9.1e-6); the
    nuisances are refitted, so the totals of both expectations follow the data, but SM + X
    describes the bins better: the Poisson deviance of the main measurement drops by several units
    (the profile -2 Delta ln L, constraints included, is 12.8)."""
    import hist

    lk, h, tpl = hists
    assert isinstance(h["data"], hist.Hist) and h["data"].axes[0].size == lk.workspace.n_bins
    assert np.array_equal(h["data"].values(), lk.workspace.data)
    assert np.array_equal(h["data"].variances(), lk.workspace.data)
    assert h["BR_KX"] == pytest.approx(9.1e-6, rel=0.05)
    n = lk.workspace.data

    def deviance(lam: np.ndarray) -> float:
        return float(2 * np.sum(lam - n + np.where(n > 0, n * np.log(np.where(n > 0, n, 1) / lam), 0.0)))

    assert h["sm"].values().sum() == pytest.approx(n.sum(), rel=0.02)
    assert h["sm+x"].values().sum() == pytest.approx(n.sum(), rel=0.02)
    assert deviance(h["sm"].values()) - deviance(h["sm+x"].values()) > 4.0
    # the X yield sits where the template is: the difference correlates with it
    from fitkit.likelihood.belle2_knunu import NP_SAMPLE

    per_bin = np.zeros(n.size)
    np.add.at(per_bin, lk.workspace.sample_bins(NP_SAMPLE), tpl)
    assert np.corrcoef(h["sm+x"].values() - h["sm"].values(), per_bin)[0, 1] > 0.5


@pytest.mark.slow
def test_postfit_plot_is_written(hists, tmp_path):
    from fitkit.plotting.postfit import plot_postfit

    _, h, _ = hists
    out = plot_postfit(h, tmp_path / "postfit.png", title="Belle II, m_X = 2.05 GeV")
    assert out.exists() and out.stat().st_size > 10_000
