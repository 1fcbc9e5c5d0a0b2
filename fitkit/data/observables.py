"""Names of observables, close to flavio's so that cross-checks are easy.

Grammar: ``KIND(INITIAL->FINALLEPTONS)`` with

- KIND: ``<dBR/dq2>`` (bin average of dBR/dq2, GeV^-2), ``<BR>`` (BR integrated over the bin),
  ``dBR/dq2`` (differential, at a q^2 point), ``BR`` (total), ``<R>`` (ratio mu/e over a bin);
- INITIAL->FINAL: ``B+->K``, ``B0->K`` (K0), ``B+->K*``, ``B0->K*``, ``Bs->phi``, ``B->Xs``;
- LEPTONS: ``ee``, ``mumu``, ``nunu`` (``ll`` for ratios), or ``inv``: the new-physics part of
  B -> K(*) + missing energy into an invisible dark final state (000: Q Qbar or gamma_D).

Example:
    >>> parse_observable("<dBR/dq2>(B0->K*mumu)")
    ObservableName(kind='<dBR/dq2>', initial='B0', final='K*', lepton='mu')
    >>> parse_observable("<BR>(B->Xsee)").binned
    True
    >>> parse_observable("BR(B0->K*inv)").lepton
    'inv'
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

__all__ = ["ObservableName", "parse_observable", "KINDS", "CHANNELS", "LEPTONS"]

KINDS: tuple[str, ...] = ("<dBR/dq2>", "<BR>", "dBR/dq2", "BR", "<R>")
#: (initial, final) pairs the theory layer knows.
CHANNELS: tuple[tuple[str, str], ...] = (
    ("B+", "K"),
    ("B0", "K"),
    ("B+", "K*"),
    ("B0", "K*"),
    ("Bs", "phi"),
    ("B", "Xs"),
)
LEPTONS: dict[str, str] = {"ee": "e", "mumu": "mu", "nunu": "nu", "ll": "l", "inv": "inv"}

_PATTERN = re.compile(
    r"^(?P<kind><dBR/dq2>|<BR>|dBR/dq2|BR|<R>)\((?P<initial>B\+|B0|Bs|B)->"
    r"(?P<final>K\*|K|phi|Xs)(?P<leptons>ee|mumu|nunu|ll|inv)\)$"
)


class ObservableName(NamedTuple):
    """A parsed observable name; ``lepton`` is ``e``, ``mu``, ``nu`` or ``l`` (ratios)."""

    kind: str
    initial: str
    final: str
    lepton: str

    @property
    def binned(self) -> bool:
        """True if the observable is defined over a q^2 bin."""
        return self.kind.startswith("<")


@lru_cache(maxsize=1024)  # called per bin at every cost evaluation; the result is immutable
def parse_observable(name: str) -> ObservableName:
    """Split an observable name into its parts; raise ``ValueError`` naming what is unknown."""
    m = _PATTERN.match(name)
    if m is None:
        raise ValueError(
            f"unknown observable {name!r}; expected KIND(INITIAL->FINALLEPTONS) with KIND in "
            f"{', '.join(KINDS)}, e.g. '<dBR/dq2>(B+->Kmumu)'"
        )
    kind, initial, final, leptons = m.group("kind", "initial", "final", "leptons")
    if (initial, final) not in CHANNELS:
        raise ValueError(f"unknown decay channel {initial}->{final} in observable {name!r}")
    if (kind == "<R>") != (leptons == "ll"):
        raise ValueError(f"observable {name!r}: ratios use 'll', rates use ee, mumu or nunu")
    return ObservableName(kind, initial, final, LEPTONS[leptons])
