"""The notebooks in notebooks/ run as written, top to bottom, and write nothing into the repository."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _untracked() -> set[str]:
    out = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=all"], capture_output=True, text=True, check=False)
    return set(out.stdout.splitlines())


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs_and_writes_nothing(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    nb = json.loads(path.read_text())
    code = [("".join(c["source"])) for c in nb["cells"] if c["cell_type"] == "code"]
    assert code, "a notebook without code"
    before = _untracked()
    monkeypatch.chdir(ROOT)  # as a user starts Jupyter in the clone
    namespace: dict[str, object] = {"__name__": "__main__"}
    for i, src in enumerate(code):
        exec(compile(src, f"{path.name}[{i}]", "exec"), namespace)  # noqa: S102 - the project's own notebook
    assert _untracked() == before, "the notebook wrote into the repository"
    assert namespace["mu"].value == pytest.approx(4.60, abs=0.01)  # the real Belle II likelihood
