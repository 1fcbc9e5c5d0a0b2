"""The one look of every fitkit figure: mplhep's CMS style scaled to a paper column, deterministic.

:func:`figure_style` applies the style (``mplhep.style.use``) inside a ``matplotlib.rc_context``,
so a Python user's own rcParams are restored afterwards. Figures are drawn with the Agg backend,
the fonts shipped with mplhep (TeX Gyre Heros) and a fixed dpi, so the same inputs give the
same pixels (the image-comparison tests in ``tests/plotting`` rely on it).

Example:
    >>> import matplotlib.pyplot as plt
    >>> with figure_style():
    ...     fig, ax = plt.subplots()
    ...     plt.rcParams["font.size"]
    13.0
    >>> plt.close(fig)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import mplhep  # noqa: E402

__all__ = ["STYLE", "DPI", "figure_style", "new_figure", "wrap_title", "tidy_log_axes"]

#: Resolution of every written PNG.
DPI: int = 120

#: mplhep CMS style with sizes for a 6.4 x 4.8 inch figure (the CMS default is 10 x 10 inch, 26 pt).
STYLE: dict[str, Any] = {
    **mplhep.style.CMS,
    "figure.figsize": (6.4, 4.8),
    "font.size": 13.0,
    "axes.titlesize": 11.0,
    "legend.fontsize": 9.0,
    "xtick.major.size": 6,
    "xtick.minor.size": 3,
    "ytick.major.size": 6,
    "ytick.minor.size": 3,
    "axes.linewidth": 1.2,
    "xaxis.labellocation": "center",
    "yaxis.labellocation": "center",
    "legend.frameon": True,
    "legend.framealpha": 0.85,
    "svg.hashsalt": "fitkit",
    "savefig.dpi": DPI,
}


@contextmanager
def figure_style() -> Iterator[None]:
    """Draw inside this context to get the fitkit style; rcParams are restored on exit."""
    with matplotlib.rc_context():
        mplhep.style.use(STYLE)
        yield


def new_figure(**kwargs: Any) -> tuple[plt.Figure, Any]:
    """``plt.subplots`` with constrained layout (call inside :func:`figure_style`)."""
    kwargs.setdefault("constrained_layout", True)
    return plt.subplots(**kwargs)


def wrap_title(text: str, width: int = 62) -> str:
    """Break a long title into lines of at most ``width`` characters (no clipping at the frame).

    Example:
        >>> print(wrap_title("massless-dark-photon: 000: alpha_D and Lambda of a massless dark photon", 40))
        massless-dark-photon: 000: alpha_D and
        Lambda of a massless dark photon
    """
    import textwrap

    return "\n".join(textwrap.wrap(text, width, break_on_hyphens=False)) or text


def tidy_log_axes(ax: Any) -> None:
    """Tick labels of log axes that do not collide: decades only when two or more decades are
    inside the range (no '3x10^4 4x10^4' on top of each other), else also the 2 and 5 multiples."""
    import math

    from matplotlib import ticker

    for axis, scale, lim in ((ax.xaxis, ax.get_xscale(), ax.get_xlim()), (ax.yaxis, ax.get_yscale(), ax.get_ylim())):
        if scale != "log":
            continue
        lo, hi = sorted(lim)
        decades = math.floor(math.log10(hi)) - math.ceil(math.log10(lo)) + 1 if lo > 0 else 0
        if decades >= 2:
            axis.set_minor_formatter(ticker.NullFormatter())
        else:
            axis.set_minor_locator(ticker.LogLocator(subs=(2.0, 5.0)))
            axis.set_minor_formatter(ticker.LogFormatterSciNotation(labelOnlyBase=False, minor_thresholds=(math.inf, math.inf)))
