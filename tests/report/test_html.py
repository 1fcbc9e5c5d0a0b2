"""results/index.html rendered in headless Chromium: every plot loads; a screenshot is made."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from fitkit.cli import main
from fitkit.report.html import markdown_table_to_html, write_index

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def _browser(*args: str) -> subprocess.CompletedProcess:
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=10000", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def _run_dir(tmp_path: Path) -> Path:
    out = tmp_path / "results"
    try:
        main(["run", "bsll-sm", "massless-dark-photon", "--output", str(out), "--no-reproduce", "--no-scans"])
    except SystemExit as exc:
        assert not exc.code
    (out / "reproduction.md").write_text("| paper | quantity | status |\n|---|---|---|\n| 002 | chi2_SM | ok |\n| 003 | a \\| b | DIFFERS |\n")
    write_index(out)
    return out


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium: `apt-get install -y chromium` (.ci/run installs it)")
def test_index_renders_and_every_plot_loads(tmp_path: Path) -> None:
    out = _run_dir(tmp_path)
    index = out / "index.html"
    dom = _browser("--dump-dom", index.as_uri()).stdout
    n = len(list(out.glob("*/*.png")))
    assert n >= 2
    assert f'data-plots="{n}/{n}"' in dom, dom[-600:]
    assert f"all {n} plots loaded" in dom
    shot = tmp_path / "shot.png"
    _browser(f"--screenshot={shot}", "--window-size=1200,2000", index.as_uri())
    assert shot.stat().st_size > 10_000


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium: `apt-get install -y chromium` (.ci/run installs it)")
def test_a_missing_plot_is_reported_on_the_page(tmp_path: Path) -> None:
    out = _run_dir(tmp_path)
    missing = next(out.glob("*/*.png"))
    missing.unlink()
    (out / missing.parent.name / missing.name).write_bytes(b"not a png")
    dom = _browser("--dump-dom", (out / "index.html").as_uri()).stdout
    assert "1 of" in dom and "plots failed to load" in dom and missing.name in dom


def test_reproduction_table_is_converted() -> None:
    html = markdown_table_to_html("x\n| a | b |\n|---|---|\n| 1 \\| 2 | DIFFERS |\n")
    assert "<th>a</th>" in html and "<td>1 | 2</td>" in html and "class='changed'" in html
