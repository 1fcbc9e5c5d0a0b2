"""Image comparison against the reference PNGs in tests/plotting/reference.

``assert_matches_reference(png, name)`` compares with :func:`matplotlib.testing.compare.compare_images`
(RMS of the pixel difference, 0-255 scale). To (re)create a reference after an intended change of a
figure, run the test with ``FITKIT_UPDATE_REFERENCES=1``: the PNG is copied into the repository and
the test is skipped (so a missing reference never passes silently); look at the new reference
before committing it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from matplotlib.testing.compare import compare_images

REFERENCE_DIR = Path(__file__).parent / "reference"
#: RMS tolerance: figures are deterministic (Agg, mplhep's bundled fonts, fixed dpi), so only
#: sub-pixel antialiasing noise is allowed; a moved label or region exceeds it.
TOLERANCE = 0.5


def assert_matches_reference(png: Path, name: str, tol: float = TOLERANCE) -> None:
    ref = REFERENCE_DIR / f"{name}.png"
    if os.environ.get("FITKIT_UPDATE_REFERENCES"):
        REFERENCE_DIR.mkdir(exist_ok=True)
        shutil.copyfile(png, ref)
        pytest.skip(f"reference written: {ref}")
    assert ref.exists(), f"no reference {ref}; create it with FITKIT_UPDATE_REFERENCES=1"
    diff = compare_images(str(ref), str(png), tol=tol, in_decorator=True)
    assert diff is None, f"{name}: figure differs from the reference (RMS {diff['rms']:.2f} > {tol}); diff image {diff['diff']}"
