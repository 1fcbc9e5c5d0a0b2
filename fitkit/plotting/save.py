"""Write a matplotlib figure atomically (temporary file + rename), so no half-written PNG is left."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib.pyplot as plt

__all__ = ["save_figure"]


def save_figure(fig: plt.Figure, path: str | Path, *, dpi: int = 120) -> Path:
    """Save ``fig`` to ``path`` (parents created), close it, and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.tmp{path.suffix}")
    try:
        fig.savefig(tmp, dpi=dpi)
        os.chmod(tmp, 0o644)  # as every file fitkit writes (fitkit.inference.results.FILE_MODE)
        tmp.replace(path)
    finally:
        plt.close(fig)
        tmp.unlink(missing_ok=True)
    return path
