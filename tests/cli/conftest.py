"""Fixtures of the CLI tests: a scratch working directory and the error-promise check."""

from __future__ import annotations

from pathlib import Path

import pytest

from fitkit.cli import main


def _files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*")}


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working directory (the CLI's default results/ would land here)."""
    wd = tmp_path / "wd"
    wd.mkdir()
    monkeypatch.chdir(wd)
    return wd


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run ``fitkit argv`` in-process: (exit code, stdout, stderr)."""
    code = 0
    try:
        main(argv)
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def fails(argv: list[str], capsys: pytest.CaptureFixture[str], *needles: str, root: Path | None = None) -> str:
    """Run ``fitkit argv``; assert exit 2, one line on stderr containing every needle, nothing on
    stdout, no traceback, and no new file under ``root`` (default: the working directory)."""
    root = root or Path.cwd()
    before = _files(root)
    code, out, err = run_cli(argv, capsys)
    assert code == 2, (code, out, err)
    assert out == ""
    line = err.strip()
    assert "\n" not in line and "Traceback" not in line, err
    assert line.startswith("fitkit: error: ")
    for n in needles:
        assert n in line, (n, line)
    assert _files(root) == before, _files(root) - before
    return line


