"""Find, validate and select data cards; drop the superseded ones.

Example:
    >>> cat = Catalog()
    >>> ms = cat.select(tags=["bsll"])
    >>> len(ms)
    27
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from fitkit.data.registry import record_input
from fitkit.data.schema import Card, Measurement
from fitkit.errors import InputError

__all__ = ["Catalog", "load_card", "default_data_dir", "NON_CARD_AREAS", "validation_error"]

#: Sub-folders of ``data/`` that hold inputs other than measurement cards (``limits``: upper
#: limits read by :mod:`fitkit.likelihood.limits`; ``constraints``: inputs of :mod:`fitkit.constraints`;
#: ``counting``: counting-experiment channels read by :mod:`fitkit.likelihood.counting`).
NON_CARD_AREAS: frozenset[str] = frozenset({"formfactors", "theory", "limits", "constraints", "yields", "counting"})


def default_data_dir() -> Path:
    """``$FITKIT_DATA_DIR`` if set, else the ``data/`` folder next to the package."""
    env = os.environ.get("FITKIT_DATA_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "data"


def validation_error(exc: ValidationError, raw: dict, *, file: str, list_key: str) -> InputError:
    """Turn the first pydantic error into an :class:`InputError` naming file, entry and field.

    ``list_key`` is the top-level key whose items have an ``id`` (e.g. ``measurements``): an
    error inside item ``i`` names that item's id as the entry.
    """
    err = exc.errors()[0]
    loc = list(err["loc"])
    entry = None
    if len(loc) >= 2 and loc[0] == list_key and isinstance(loc[1], int):
        items = raw.get(list_key) or []
        item = items[loc[1]] if loc[1] < len(items) else None
        entry = str(item.get("id")) if isinstance(item, dict) and "id" in item else f"#{loc[1]}"
        loc = loc[2:]
    elif raw.get("id") is not None:
        entry = str(raw.get("id"))
    field_name = ".".join(str(p) for p in loc) or None
    msg = err["msg"]
    if err["type"] == "missing":
        msg = "required field is missing"
    elif err["type"] == "extra_forbidden":
        msg = "unknown field"
    return InputError(msg, file=file, entry=entry, field=field_name)


def read_yaml(path: Path) -> dict:
    """Read a YAML mapping; malformed YAML raises :class:`InputError` with the line."""
    try:
        content = path.read_bytes()
        record_input(path, content)
        raw = yaml.safe_load(content.decode())
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise InputError(f"malformed YAML{where}: {getattr(exc, 'problem', exc)}", file=str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", file=str(path)) from None
    if not isinstance(raw, dict):
        raise InputError("expected a YAML mapping at the top level", file=str(path))
    return raw


def load_card(path: str | Path) -> Card:
    """Read and validate one card."""
    path = Path(path)
    raw = read_yaml(path)
    try:
        return Card.model_validate(raw)
    except ValidationError as exc:
        raise validation_error(exc, raw, file=str(path), list_key="measurements") from None


@dataclass
class Catalog:
    """All cards under a data folder, validated on load."""

    root: Path = field(default_factory=default_data_dir)

    def __post_init__(self) -> None:
        self.root = Path(self.root)
        self._cards: dict[str, tuple[Path, Card]] | None = None
        #: Card id -> path of every card that :meth:`select` returned measurements from (provenance).
        self.selected: dict[str, Path] = {}

    def paths(self) -> list[Path]:
        """Card files, sorted, skipping :data:`NON_CARD_AREAS`."""
        if not self.root.is_dir():
            raise InputError("data folder not found", file=str(self.root))
        return sorted(
            p
            for p in self.root.rglob("*.yaml")
            if not (set(p.relative_to(self.root).parts[:-1]) & NON_CARD_AREAS)
            and p.relative_to(self.root).as_posix() != "registry.yaml"  # data/registry.yaml: fitkit.data.registry
        )

    @property
    def cards(self) -> dict[str, tuple[Path, Card]]:
        """Card id -> (path, card); duplicate ids are an error."""
        if self._cards is None:
            cards: dict[str, tuple[Path, Card]] = {}
            for p in self.paths():
                card = load_card(p)
                if card.id in cards:
                    raise InputError(
                        f"card id {card.id!r} is also used by {cards[card.id][0]}", file=str(p), field="id"
                    )
                cards[card.id] = (p, card)
            self._cards = cards
        return self._cards

    def current(self) -> list[Card]:
        """Cards not superseded by another card."""
        superseded = {s for _, c in self.cards.values() for s in c.supersedes}
        return [c for _, c in self.cards.values() if c.id not in superseded]

    def select(
        self,
        *,
        cards: Sequence[str] | None = None,
        tags: Iterable[str] | None = None,
        exclude_tags: Iterable[str] | None = None,
        ids: Sequence[str] | None = None,
        exclude_ids: Iterable[str] | None = None,
        include_superseded: bool = False,
    ) -> list[Measurement]:
        """Measurements matching all of ``tags``, none of ``exclude_tags``, from ``cards``.

        Unknown card or measurement ids raise :class:`InputError`.
        """
        pool = [c for _, c in self.cards.values()] if include_superseded else self.current()
        if cards is not None:
            unknown = set(cards) - set(self.cards)
            if unknown:
                raise InputError(f"unknown card id(s): {', '.join(sorted(unknown))}", file=str(self.root))
            pool = [c for c in pool if c.id in set(cards)]
        ms = [Measurement.from_entry(e, c) for c in pool for e in c.measurements]
        want, drop = set(tags or ()), set(exclude_tags or ())
        ms = [m for m in ms if want <= set(m.tags) and not (drop & set(m.tags))]
        if ids is not None:
            by_id = {m.id: m for m in ms}
            missing = [i for i in ids if i not in by_id]
            if missing:
                raise InputError(f"unknown measurement id(s): {', '.join(missing)}", file=str(self.root))
            ms = [by_id[i] for i in ids]
        if exclude_ids:
            ms = [m for m in ms if m.id not in set(exclude_ids)]
        self.selected.update({m.card: self.cards[m.card][0] for m in ms})
        return ms

    def correlations(self, measurements: Sequence[Measurement]) -> dict[tuple[str, str], float]:
        """Correlation coefficients among the given measurements, from their cards."""
        ids = {m.id for m in measurements}
        out: dict[tuple[str, str], float] = {}
        for _, card in self.cards.values():
            for c in card.correlations:
                a, b = c.between
                if a in ids and b in ids:
                    out[(a, b)] = c.rho
        return out
