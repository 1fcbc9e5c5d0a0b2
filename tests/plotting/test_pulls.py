"""Pull figure: image comparison."""

from fitkit.inference.results import FitResult, ParameterResult
from fitkit.plotting.pulls import plot_pulls
from tests.plotting._compare import assert_matches_reference


def test_pulls_reference(tmp_path):
    obs = [{"id": f"BR(B->K mumu)[{i},{i + 1}]", "pull_sm": 0.4 * i - 1.5, "pull": 0.2 * i - 0.6} for i in range(8)]
    r = FitResult("pulls-test", "darkz-C", "", 10.2, 18.7, 8, 6, 0.12, 2.9, 2.5, True,
                  {"M_ZD": ParameterResult(0.03, 0.01, "GeV")}, {}, obs)
    assert_matches_reference(plot_pulls(r, tmp_path / "pulls.png"), "pulls")
