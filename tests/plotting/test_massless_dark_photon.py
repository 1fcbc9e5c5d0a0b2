"""The spectra of 000 Fig. 1: image comparison."""

from fitkit.plotting.massless_dark_photon import plot_fig1
from tests.plotting._compare import assert_matches_reference


def test_spectra_reference(tmp_path):
    assert_matches_reference(plot_fig1(tmp_path / "fig1.png", n_nodes=80), "spectra")
