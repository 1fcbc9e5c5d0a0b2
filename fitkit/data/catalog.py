"""Find, validate and select data cards; resolve what ``supersedes`` replaces.

Every publication in ``data/`` is a *card* with an ``id`` and an optional ``supersedes: [card ids]``:
measurement cards (anywhere), and the cards of the special areas ``yields/`` (simplified
likelihoods), ``counting/`` (counting experiments) and ``limits/`` (upper limits). The rules
(checked when the catalog is loaded, each error names the file, the card and the field):

- card ids are unique over all cards; the id of a measurement, limit or counting channel appears
  in one card only (a newer card gives its numbers new ids);
- a card supersedes only existing cards of its own kind, never itself, and no card is superseded
  twice or in a cycle.

Selections (:meth:`Catalog.select`) see the *current* cards: a superseded card is replaced by
the end of its chain of replacements. A fit that names a superseded measurement (or limit) id
gets the replacement card's measurement of the same observable and q^2 bin, and the catalog
records the substitution (:attr:`Catalog.substitutions`, in each result's provenance);
if the replacement has no such measurement the selection fails naming both cards.

A *pinned* catalog (:meth:`Catalog.pinned`, used by fits with ``pinned: true``: the paper
reproductions) ignores ``supersedes`` and accepts only selections by card or measurement ids,
so that no card added later can change what the fit sees.

Example:
    >>> cat = Catalog()
    >>> ms = cat.select(tags=["table1-002"], include_superseded=True)  # 002 Table 1, as published
    >>> len(ms)
    27
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from fitkit.data.registry import record_input
from fitkit.data.schema import Card, Measurement, YieldsCard
from fitkit.errors import InputError

__all__ = [
    "Catalog",
    "CardInfo",
    "load_card",
    "load_yields_card",
    "default_data_dir",
    "NON_CARD_AREAS",
    "SPECIAL_CARD_AREAS",
    "validation_error",
    "read_yaml",
    "file_sha256",
]

#: Sub-folders of ``data/`` that hold inputs other than publications (form factors, theory
#: inputs, inputs of :mod:`fitkit.constraints`, the published files of the registered data sets
#: with the card skeletons of ``fitkit data pull``): never cards.
NON_CARD_AREAS: frozenset[str] = frozenset({"formfactors", "theory", "constraints", "hepdata"})
#: Sub-folders whose cards are not measurement cards: their kind is the folder name
#: (``limits``: :mod:`fitkit.data.limits`; ``counting``: :mod:`fitkit.likelihood.counting`;
#: ``yields``: the simplified likelihood of :mod:`fitkit.likelihood.belle2_knunu`).
SPECIAL_CARD_AREAS: frozenset[str] = frozenset({"yields", "counting", "limits"})
#: Per kind, the list key whose items carry an ``id`` (the entries a fit can name).
_ENTRY_KEYS: dict[str, str | None] = {"measurements": "measurements", "limits": "limits", "counting": "channels", "yields": None}


def default_data_dir() -> Path:
    """``$FITKIT_DATA_DIR`` if set (it must be a folder), else the ``data/`` folder next to the package."""
    env = os.environ.get("FITKIT_DATA_DIR")
    if env:
        if not Path(env).is_dir():
            raise InputError(f"$FITKIT_DATA_DIR={env!r} is not a folder; unset it or point it to a copy of data/", field="FITKIT_DATA_DIR")
        return Path(env)
    return Path(__file__).resolve().parents[2] / "data"


def file_sha256(path: str | Path) -> str:
    """sha256 (hex) of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def validation_error(exc: ValidationError, raw: dict, *, file: str, list_key: str) -> InputError:
    """Turn the first pydantic error into an :class:`InputError` naming file, entry and field.

    ``list_key`` is the top-level key whose items have an ``id`` (e.g. ``measurements``): an
    error inside item ``i`` names that item's id as the entry.
    """
    err = exc.errors()[0]
    # drop pydantic's validator tags from the location (e.g. "function-after[_bounded(), float]")
    loc = [p for p in err["loc"] if not (isinstance(p, str) and "[" in p)]
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
    """``yaml.SafeLoader`` that refuses anchors and aliases (an alias "bomb" of 1 kB expands to
    gigabytes: billion laughs; fitkit's cards and fit definitions never need them) and duplicate
    keys (PyYAML would keep the last one silently)."""

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:  # type: ignore[override]
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            mark = event.start_mark
            raise yaml.YAMLError(f"YAML anchors and aliases (&name, *name) are not allowed, at line {mark.line + 1}, column {mark.column + 1}")
        node = super().compose_node(parent, index)
        if isinstance(node, yaml.MappingNode):  # checked on the nodes: independent of the constructors
            seen: set[tuple[str, str]] = set()
            for key_node, _ in node.value:
                if isinstance(key_node, yaml.ScalarNode):
                    key = (key_node.tag, key_node.value)
                    if key in seen:
                        mark = key_node.start_mark
                        raise yaml.YAMLError(f"duplicate key {key_node.value!r} at line {mark.line + 1}, column {mark.column + 1}")
                    seen.add(key)
        return node


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
    """Read and validate one measurement card."""
    path = Path(path)
    raw = read_yaml(path)
    try:
        return Card.model_validate(raw)
    except ValidationError as exc:
        raise validation_error(exc, raw, file=str(path), list_key="measurements") from None


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


@dataclass(frozen=True)
class CardInfo:
    """What the catalog knows about any card: kind, file, what it supersedes and its entry ids."""

    id: str
    kind: str  # measurements | limits | counting | yields
    path: Path
    supersedes: tuple[str, ...]
    entries: tuple[str, ...]
    sha256: str


def _card_kind(rel: Path) -> str | None:
    folders = set(rel.parts[:-1])
    if folders & NON_CARD_AREAS:
        return None
    special = folders & SPECIAL_CARD_AREAS
    return next(iter(special)) if special else "measurements"


def _card_info(path: Path, kind: str) -> CardInfo:
    raw = read_yaml(path)
    cid = raw.get("id")
    if not isinstance(cid, str) or not cid:
        raise InputError("a card needs an `id` (a non-empty string)", file=str(path), field="id")
    sup = raw.get("supersedes", [])
    if not isinstance(sup, list) or not all(isinstance(s, str) for s in sup):
        raise InputError("`supersedes` must be a list of card ids", file=str(path), entry=cid, field="supersedes")
    key = _ENTRY_KEYS[kind]
    items = raw.get(key) if key else None
    entries = tuple(str(i["id"]) for i in (items or []) if isinstance(i, dict) and "id" in i)
    return CardInfo(cid, kind, path, tuple(sup), entries, file_sha256(path))


def _check_index(index: dict[str, CardInfo]) -> dict[str, str]:
    """Check ``supersedes`` of every card; return old card id -> the card that supersedes it."""
    replaced_by: dict[str, str] = {}
    for info in index.values():
        for old in info.supersedes:
            where = {"file": str(info.path), "entry": info.id, "field": "supersedes"}
            if old == info.id:
                raise InputError("a card cannot supersede itself", **where)
            if old not in index:
                raise InputError(f"supersedes unknown card id {old!r}", **where)
            if index[old].kind != info.kind:
                raise InputError(f"a {info.kind} card cannot supersede the {index[old].kind} card {old!r}", **where)
            if old in replaced_by:
                raise InputError(f"card {old!r} is already superseded by {replaced_by[old]!r}", **where)
            replaced_by[old] = info.id
    for start in replaced_by:
        seen, cid = {start}, start
        while cid in replaced_by:
            cid = replaced_by[cid]
            if cid in seen:
                info = index[start]
                raise InputError(f"supersedes chain is a cycle through {start!r}", file=str(info.path), entry=info.id, field="supersedes")
            seen.add(cid)
    return replaced_by


@dataclass
class Catalog:
    """All cards under a data folder, validated on load.

    ``pinned``: ignore ``supersedes`` and accept only selections by card or measurement ids.
    ``used`` (card id -> :class:`CardInfo`) and ``substitutions`` record what selections touched.
    """

    root: Path = field(default_factory=default_data_dir)
    pinned: bool = False

    def __post_init__(self) -> None:
        self.root = Path(self.root)
        self._index: dict[str, CardInfo] | None = None
        self._replaced_by: dict[str, str] = {}
        self._cards: dict[str, tuple[Path, Card]] | None = None
        self.used: dict[str, CardInfo] = {}
        self.substitutions: list[dict[str, str]] = []

    # -- loading --------------------------------------------------------------------------------
    def card_files(self) -> list[tuple[Path, str]]:
        """(file, kind) of every card, sorted, skipping :data:`NON_CARD_AREAS`."""
        if not self.root.is_dir():
            raise InputError("data folder not found", file=str(self.root))
        out = []
        for p in sorted(self.root.rglob("*.yaml")):
            if p.relative_to(self.root).as_posix() == "registry.yaml":  # data/registry.yaml: fitkit.data.registry
                continue
            kind = _card_kind(p.relative_to(self.root))
            if kind is not None:
                out.append((p, kind))
        return out

    def paths(self) -> list[Path]:
        """Measurement-card files, sorted."""
        return [p for p, kind in self.card_files() if kind == "measurements"]

    @property
    def index(self) -> dict[str, CardInfo]:
        """Card id -> :class:`CardInfo` for cards of every kind (the rules of the module docstring)."""
        if self._index is None:
            index: dict[str, CardInfo] = {}
            owner: dict[str, str] = {}
            for p, kind in self.card_files():
                info = _card_info(p, kind)
                if info.id in index:
                    raise InputError(f"card id {info.id!r} is also used by {index[info.id].path}", file=str(p), field="id")
                for e in info.entries:
                    if e in owner:
                        raise InputError(
                            f"id {e!r} is also used in card {owner[e]!r} ({index[owner[e]].path}); give the newer numbers new ids",
                            file=str(p), entry=e, field=f"{_ENTRY_KEYS[kind]}.id",
                        )
                    owner[e] = info.id
                index[info.id] = info
            self._replaced_by = _check_index(index)
            self._index = index
        return self._index

    @property
    def cards(self) -> dict[str, tuple[Path, Card]]:
        """Measurement cards: card id -> (path, card)."""
        if self._cards is None:
            self._cards = {cid: (i.path, load_card(i.path)) for cid, i in self.index.items() if i.kind == "measurements"}
        return self._cards

    def pinned_view(self) -> Catalog:
        """A catalog of the same (already loaded) cards that ignores ``supersedes``; fresh records."""
        view = self.view()
        view.pinned = True
        return view

    def view(self) -> Catalog:
        """The same loaded cards with empty ``used`` and ``substitutions`` (one per fit)."""
        view = Catalog(self.root, pinned=self.pinned)
        view._index, view._replaced_by, view._cards = self.index, self._replaced_by, self.cards
        return view

    @property
    def selected(self) -> dict[str, Path]:
        """Card id -> path of every card a selection (or :meth:`limit`, :meth:`card_path`) used (provenance)."""
        return {cid: info.path for cid, info in self.used.items()}

    # -- supersedes -----------------------------------------------------------------------------
    def replacement(self, card_id: str) -> str:
        """The current card standing for ``card_id`` (itself unless superseded; pinned: itself)."""
        _ = self.index
        if self.pinned:
            return card_id
        while card_id in self._replaced_by:
            card_id = self._replaced_by[card_id]
        return card_id

    def is_current(self, card_id: str) -> bool:
        """True unless another card supersedes ``card_id`` (always true when pinned)."""
        return self.replacement(card_id) == card_id

    def current(self) -> list[Card]:
        """Measurement cards not superseded by another card."""
        return [c for cid, (_, c) in self.cards.items() if self.is_current(cid)]

    def current_cards(self, kind: str) -> list[CardInfo]:
        """Current cards of one kind (``measurements``, ``limits``, ``counting``, ``yields``)."""
        return [i for i in self.index.values() if i.kind == kind and self.is_current(i.id)]

    def card_path(self, card_id: str) -> Path:
        """File of the card standing for ``card_id`` (its replacement if superseded), recorded as used."""
        if card_id not in self.index:
            raise InputError(f"unknown card id {card_id!r}", file=str(self.root))
        new = self.replacement(card_id)
        if new != card_id:
            self._substituted(card_id, card_id, new, new)
        self.used[new] = self.index[new]
        return self.index[new].path

    def owner(self, entry_id: str) -> CardInfo | None:
        """The card holding a measurement, limit or channel id."""
        for info in self.index.values():
            if entry_id in info.entries:
                return info
        return None

    def _substituted(self, old_id: str, old_card: str, new_id: str, new_card: str) -> None:
        rec = {"requested": old_id, "card": old_card, "used": new_id, "replacement_card": new_card}
        if rec not in self.substitutions:
            self.substitutions.append(rec)

    def _matching_entry(self, old: Any, new_card: str, candidates: Iterable[Any], what: str) -> Any:
        """The entry of ``new_card`` measuring what ``old`` measured (same observable and q2 bin)."""
        key = (old.observable, getattr(old, "q2", None))
        found = [c for c in candidates if (c.observable, getattr(c, "q2", None)) == key]
        if len(found) != 1:
            info = self.index[new_card]
            q2 = f" in q2 {list(key[1])}" if key[1] is not None else ""
            raise InputError(
                f"{what} {old.id!r} is in card {self.owner(old.id).id!r}, superseded by card {new_card!r}, which has "  # type: ignore[union-attr]
                f"{'no' if not found else 'more than one'} {key[0]}{q2} to replace it",
                file=str(info.path), entry=new_card, field="supersedes",
            )
        return found[0]

    # -- selections -----------------------------------------------------------------------------
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

        Superseded cards named in ``cards`` and superseded measurement ids named in ``ids`` stand
        for their replacements (recorded in :attr:`substitutions`) unless the catalog is pinned.
        Unknown card or measurement ids raise :class:`InputError`.
        """
        if self.pinned and cards is None and ids is None:
            raise InputError(
                "a pinned fit selects its data by card ids (`cards`) or measurement ids (`ids`), so that no new card can join",
                file=str(self.root), field="data",
            )
        keep_all = include_superseded or self.pinned
        pool = [c for _, c in self.cards.values()] if keep_all else self.current()
        if cards is not None:
            unknown = [c for c in cards if c not in self.cards]
            if unknown:
                raise InputError(f"unknown card id(s): {', '.join(sorted(unknown))}", file=str(self.root))
            wanted = set()
            for cid in cards:
                new = cid if keep_all else self.replacement(cid)
                if new != cid:
                    self._substituted(cid, cid, new, new)
                wanted.add(new)
            pool = [c for c in [c for _, c in self.cards.values()] if c.id in wanted]
        ms = [Measurement.from_entry(e, c) for c in pool for e in c.measurements]
        want, drop = set(tags or ()), set(exclude_tags or ())
        ms = [m for m in ms if want <= set(m.tags) and not (drop & set(m.tags))]
        if ids is not None:
            by_id = {m.id: m for m in ms}
            picked = []
            for i in ids:
                if i in by_id:
                    picked.append(by_id[i])
                    continue
                owner = self.owner(i)
                if owner is None or owner.kind != "measurements":
                    raise InputError(f"unknown measurement id(s): {i}", file=str(self.root))
                new = self.replacement(owner.id)
                if new == owner.id:  # exists but excluded by the tags
                    raise InputError(f"measurement id {i!r} is not in the selection (tags)", file=str(self.root), field="data")
                new_card = self.cards[new][1]
                old_entry = next(e for e in self.cards[owner.id][1].measurements if e.id == i)
                entry = self._matching_entry(old_entry, new, new_card.measurements, "measurement")
                self._substituted(i, owner.id, entry.id, new)
                picked.append(Measurement.from_entry(entry, new_card))
            ms = picked
        if exclude_ids:
            known = {e.id for _, c in self.cards.values() for e in c.measurements}
            unknown_ex = sorted(set(exclude_ids) - known)
            if unknown_ex:
                raise InputError(f"unknown measurement id(s) in exclude_ids: {', '.join(unknown_ex)}", file=str(self.root), field="exclude_ids")
            ms = [m for m in ms if m.id not in set(exclude_ids)]
        for cid in dict.fromkeys(m.card for m in ms):
            self.used[cid] = self.index[cid]
        return ms

    def limit(self, limit_id: str) -> tuple[Path, Any, Any]:
        """The upper limit ``limit_id`` (file, limit file, limit) from :mod:`fitkit.data.limits`;
        a limit of a superseded card stands for the replacement's limit of the same observable."""
        from fitkit.data.limits import find_limit

        owner = self.owner(limit_id)
        if owner is None or owner.kind != "limits":
            return find_limit(limit_id, self.root)  # raises the unknown-limit error listing the known ones
        new = self.replacement(owner.id)
        path, lf, lim = find_limit(limit_id, self.root)
        if new != owner.id:
            _, new_lf, _ = find_limit(self.index[new].entries[0], self.root)
            lim = self._matching_entry(lim, new, new_lf.limits, "limit")
            self._substituted(limit_id, owner.id, lim.id, new)
            path, lf = self.index[new].path, new_lf
        self.used[new] = self.index[new]
        return path, lf, lim

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
