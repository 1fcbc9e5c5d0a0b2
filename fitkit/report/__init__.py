"""Reports of a run: what changed between two runs (:mod:`.diff`) and the run's front page (:mod:`.html`)."""

from fitkit.report.diff import RunDiff, diff_runs, write_diff
from fitkit.report.html import write_index

__all__ = ["RunDiff", "diff_runs", "write_diff", "write_index"]
