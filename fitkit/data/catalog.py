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
from fitkit.data.schema import Card, Measurement, YieldsCard
from fitkit.errors import InputError

__all__ = ["Catalog", "load_card", "load_yields_card", "default_data_dir", "NON_CARD_AREAS", "validation_error", "read_yaml"]

#: Sub-folders of ``data/`` that hold inputs other than measurement cards (``limits``: upper
#: limits read by :mod:`fitkit.likelihood.limits`; ``constraints``: inputs of :mod:`fitkit.constraints`;
#: ``counting``: counting-experiment channels read by :mod:`fitkit.likelihood.counting`).
NON_CARD_AREAS: frozenset[str] = frozenset({"formfactors", "theory", "limits", "constraints", "yields", "counting"})


def default_data_dir() -> Path:
    """``$FITKIT_DATA_DIR`` if set (it must be a folder), else the ``data/`` folder next to the package."""
    env = os.environ.get("FITKIT_DATA_DIR")
    if env:
        if not Path(env).is_dir():
            raise InputError(f"$FITKIT_DATA_DIR={env!r} is not a folder; unset it or point it to a copy of data/", field="FITKIT_DATA_DIR")
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


#: Largest YAML input fitkit reads (bytes): the biggest card is ~30 kB.
MAX_YAML_BYTES: int = 4_000_000


class _NoAliasLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses anchors and aliases: an alias "bomb" of 1 kB expands to
    gigabytes (billion laughs); fitkit's cards and fit definitions never need them."""

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:  # type: ignore[override]
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            mark = event.start_mark
            raise yaml.YAMLError(f"YAML anchors and aliases (&name, *name) are not allowed, at line {mark.line + 1}, column {mark.column + 1}")
        return super().compose_node(parent, index)


def read_yaml(path: Path) -> dict:
    """Read a YAML mapping (UTF-8, no anchors/aliases, at most :data:`MAX_YAML_BYTES`).

    Every YAML input of fitkit (cards, fit definitions, theory inputs) goes through here; a bad
    file raises :class:`InputError` naming the file (and the line for malformed YAML).
    """
    path = Path(path)
    try:
        if path.stat().st_size > MAX_YAML_BYTES:
            raise InputError(f"file is larger than {MAX_YAML_BYTES} bytes", file=str(path))
        content = path.read_bytes()
        record_input(path, content)
        text = content.decode("utf-8")
        raw = yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506 - a SafeLoader subclass
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", file=str(path)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise InputError(f"malformed YAML{where}: {getattr(exc, 'problem', None) or exc}", file=str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", file=str(path)) from None
    except RecursionError:
        raise InputError("YAML nested too deeply", file=str(path)) from None
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


def _check_references(cards: dict[str, tuple[Path, Card]]) -> None:
    """Each ``supersedes`` names another known card; each measurement id is used by one card only."""
    owner: dict[str, str] = {}
    for cid, (path, card) in cards.items():
        for s in card.supersedes:
            if s == cid:
                raise InputError("a card cannot supersede itself", file=str(path), entry=cid, field="supersedes")
            if s not in cards:
                raise InputError(f"supersedes unknown card id {s!r}", file=str(path), entry=cid, field="supersedes")
        for m in card.measurements:
            if m.id in owner:
                raise InputError(f"measurement id is also used by card {owner[m.id]!r} ({cards[owner[m.id]][0]})",
                                 file=str(path), entry=m.id, field="measurements.id")
            owner[m.id] = cid


def load_yields_card(path: str | Path) -> dict:
    """Read and validate a yields card (:class:`~fitkit.data.schema.YieldsCard`); returns the mapping."""
    path = Path(path)
    raw = read_yaml(path)
    try:
        YieldsCard.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = list(err["loc"])
        entry = None
        if len(loc) >= 2 and loc[0] == "channels" and isinstance(loc[1], int):
            ch = (raw.get("channels") or [None] * (loc[1] + 1))[loc[1]]
            entry = str(ch.get("name")) if isinstance(ch, dict) and "name" in ch else f"#{loc[1]}"
            loc = loc[2:]
        msg = {"missing": "required field is missing", "extra_forbidden": "unknown field"}.get(err["type"], err["msg"])
        raise InputError(msg, file=str(path), entry=entry, field=".".join(str(x) for x in loc) or None) from None
    return raw


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
            _check_references(cards)
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
