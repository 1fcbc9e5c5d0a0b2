"""Write a matplotlib figure atomically (temporary file + rename), so no half-written PNG is left."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib.pyplot as plt

from fitkit.plotting.style import DPI

__all__ = ["save_figure"]


def save_figure(fig: plt.Figure, path: str | Path, *, dpi: int = DPI) -> Path:
    """Save ``fig`` to ``path`` (parents created, no timestamp in the metadata), close it, return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.tmp{path.suffix}")
    meta = {"Software": None} if path.suffix.lower() == ".png" else {}
    try:
        fig.savefig(tmp, dpi=dpi, metadata=meta)
        os.chmod(tmp, 0o644)  # as every file fitkit writes (fitkit.inference.results.FILE_MODE)
        tmp.replace(path)
    finally:
        plt.close(fig)
        tmp.unlink(missing_ok=True)
    return path
