"""What changed between two ``fitkit run`` outputs (``OLD/`` and ``NEW/``).

Per fit: the best-fit values and errors, chi2_min (the -2 ln L of the fit up to a constant),
chi2_SM, the pull and significance wrt the SM, old -> new; the cards and data files it read
whose sha256 changed, appeared or disappeared (``provenance`` of each ``fit.json``:
``cards``, ``data_files``, ``inputs``); and
the scans present in both runs, old and new regions overlaid on one plot
(:func:`fitkit.plotting.compare.plot_scan_overlay`).

A number counts as changed when ``|new - old| > rtol * max(|old|, 1e-300)`` (default 1e-6);
a fit's status is ``data changed`` when any of its cards (or its definition) changed, else
``unchanged`` or ``result changed`` (same inputs, different numbers: a code change).

Example:
    >>> d = diff_runs("results_old", "results")        # doctest: +SKIP
    >>> [f.name for f in d.fits if f.status == "data changed"]   # doctest: +SKIP
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fitkit.errors import InputError

__all__ = ["CardChange", "Quantity", "FitDiff", "RunDiff", "load_run", "diff_runs", "write_diff", "QUANTITIES"]

#: Fit-level numbers compared, with their labels.
QUANTITIES: tuple[tuple[str, str], ...] = (
    ("chi2_min", "χ²_min (−2 ln L)"),
    ("chi2_sm", "χ²_SM"),
    ("ndof", "ndof"),
    ("p_value", "p-value"),
    ("pull_sm", "pull wrt SM (σ)"),
    ("significance_sm", "significance wrt SM (σ)"),
)


@dataclass(frozen=True)
class CardChange:
    """A card or input file of a fit whose sha256 changed (``modified``), or that the fit uses only in one run."""

    card: str  # card id, or the file's path for other inputs
    change: str  # added | removed | modified
    file: str  # "card", "file" (data set file) or "input" (other YAML input)
    old_sha256: str | None
    new_sha256: str | None


@dataclass(frozen=True)
class Quantity:
    """One compared number (``error``: the parameter errors, when there are)."""

    label: str
    old: float | None
    new: float | None
    old_error: float | None = None
    new_error: float | None = None
    changed: bool = False

    @property
    def delta(self) -> float | None:
        """new - old."""
        return None if self.old is None or self.new is None else self.new - self.old


@dataclass
class FitDiff:
    """One fit in both runs."""

    name: str
    status: str  # added | removed | data changed | result changed | unchanged
    pinned: bool
    quantities: list[Quantity] = field(default_factory=list)
    cards: list[CardChange] = field(default_factory=list)
    substitutions: list[dict[str, str]] = field(default_factory=list)
    scans: list[str] = field(default_factory=list)  # labels of scans present in both runs
    plots: list[str] = field(default_factory=list)  # overlay plots, relative to the report


@dataclass
class RunDiff:
    """The comparison of two runs."""

    old: Path
    new: Path
    fits: list[FitDiff]

    @property
    def changed(self) -> list[FitDiff]:
        """Fits whose data or result changed (or that exist in one run only)."""
        return [f for f in self.fits if f.status != "unchanged"]

    def card_changes(self) -> list[CardChange]:
        """Every changed card once (over all fits)."""
        seen: dict[str, CardChange] = {}
        for f in self.fits:
            for c in f.cards:
                seen.setdefault(c.card, c)
        return sorted(seen.values(), key=lambda c: c.card)


def load_run(directory: str | Path) -> dict[str, dict[str, Any]]:
    """``fit.json`` of every fit of a run folder: name -> result (with ``_dir``)."""
    root = Path(directory)
    if not root.is_dir():
        raise InputError("results folder not found", file=str(root))
    out: dict[str, dict[str, Any]] = {}
    for p in sorted(root.glob("*/fit.json")):
        try:
            d = json.loads(p.read_text())
        except (OSError, json.JSONDecodeError) as exc:
            raise InputError(f"unreadable fit result: {exc}", file=str(p)) from None
        if not isinstance(d, dict) or "name" not in d:
            raise InputError("not a fitkit fit result (no `name`)", file=str(p))
        d["_dir"] = str(p.parent)
        out[str(d["name"])] = d
    if not out:
        raise InputError("no */fit.json in the results folder (run `fitkit run` first)", file=str(root))
    return out


def _num(x: Any) -> float | None:
    return float(x) if isinstance(x, (int, float)) and not isinstance(x, bool) else None


def _differs(a: float | None, b: float | None, rtol: float) -> bool:
    if a is None or b is None:
        return a is not b
    if math.isnan(a) or math.isnan(b):
        return not (math.isnan(a) and math.isnan(b))
    return abs(b - a) > rtol * max(abs(a), 1e-300)


def _quantities(old: dict[str, Any], new: dict[str, Any], rtol: float) -> list[Quantity]:
    out = []
    for key, label in QUANTITIES:
        a, b = _num(old.get(key)), _num(new.get(key))
        out.append(Quantity(label, a, b, changed=_differs(a, b, rtol)))
    po, pn = old.get("parameters") or {}, new.get("parameters") or {}
    for name in dict.fromkeys([*po, *pn]):
        pa: dict[str, Any] = po.get(name) or {}
        pb: dict[str, Any] = pn.get(name) or {}
        va, vb = _num(pa.get("value")), _num(pb.get("value"))
        ea, eb = _num(pa.get("error")), _num(pb.get("error"))
        out.append(Quantity(name, va, vb, ea, eb, changed=_differs(va, vb, rtol) or _differs(ea, eb, rtol)))
    return out


def _cards(old: dict[str, Any], new: dict[str, Any]) -> list[CardChange]:
    """Cards (``provenance.cards``: id -> sha256) and other input files (``data_files``, ``inputs``:
    path -> sha256) that differ between the two results."""

    def table(d: dict[str, Any]) -> dict[tuple[str, str], str]:
        prov = d.get("provenance") or {}
        out = {("card", cid): sha for cid, sha in (prov.get("cards") or {}).items()}
        for ds, files in (prov.get("data_files") or {}).items():
            out.update({("file", f"{ds}/{f}"): sha for f, sha in files.items()})
        out.update({("input", f): sha for f, sha in (prov.get("inputs") or {}).items()})
        return out

    to, tn = table(old), table(new)
    out = []
    for key in sorted(set(to) | set(tn)):
        a, b = to.get(key), tn.get(key)
        # other YAML inputs are logged when first read in a process (cached reads are not), so
        # only a changed sha256 counts for them; limit, counting and yields files are cards
        if a == b or (key[0] == "input" and (a is None or b is None)):
            continue
        change = "added" if a is None else "removed" if b is None else "modified"
        out.append(CardChange(key[1], change, key[0], a, b))
    return out


def _scan_labels(d: dict[str, Any]) -> set[str]:
    return {p.stem.removeprefix("scan_") for p in Path(d["_dir"]).glob("scan_*.json")}


def diff_runs(old: str | Path, new: str | Path, *, rtol: float = 1e-6) -> RunDiff:
    """Compare two run folders (see the module docstring)."""
    ro, rn = load_run(old), load_run(new)
    fits = []
    for name in [*rn, *(n for n in ro if n not in rn)]:
        a, b = ro.get(name), rn.get(name)
        pinned = bool(((b or a or {}).get("provenance") or {}).get("pinned", False))
        if a is None or b is None:
            fits.append(FitDiff(name, "added" if a is None else "removed", pinned, _quantities(a or {}, b or {}, rtol)))
            continue
        cards = _cards(a, b)
        defn_changed = (a.get("provenance") or {}).get("definition_sha256") != (b.get("provenance") or {}).get("definition_sha256")
        qs = _quantities(a, b, rtol)
        if cards or defn_changed:
            status = "data changed"
        elif any(q.changed for q in qs):
            status = "result changed"
        else:
            status = "unchanged"
        subs = (b.get("provenance") or {}).get("substitutions") or []
        fits.append(FitDiff(name, status, pinned, qs, cards, list(subs), sorted(_scan_labels(a) & _scan_labels(b))))
    return RunDiff(Path(old), Path(new), fits)


# -- writing ------------------------------------------------------------------------------------
def format_value(x: float | None, err: float | None = None) -> str:
    if x is None:
        return "—"
    s = f"{x:.5g}"
    return s if err is None else f"{s} ± {err:.3g}"


def _markdown(d: RunDiff) -> str:
    lines = [
        "# fitkit: what changed",
        "",
        f"old: `{d.old}`  →  new: `{d.new}`",
        "",
        "| fit | kind | status |",
        "|---|---|---|",
    ]
    for f in d.fits:
        lines.append(f"| {f.name} | {'paper (pinned)' if f.pinned else 'current data'} | {'**' + f.status + '**' if f.status != 'unchanged' else f.status} |")
    lines += ["", "## Cards and data files changed", ""]
    changes = d.card_changes()
    if not changes:
        lines.append("none")
    for c in changes:
        lines.append(f"- {c.file} `{c.card}`: {c.change}, sha256 {(c.old_sha256 or '—')[:12]} → {(c.new_sha256 or '—')[:12]}")
    for f in d.changed:
        lines += ["", f"## {f.name}: {f.status}", "", "| quantity | old | new | new − old |", "|---|---:|---:|---:|"]
        for q in f.quantities:
            mark = "**" if q.changed else ""
            delta = "" if q.delta is None else f"{q.delta:+.4g}"
            lines.append(f"| {mark}{q.label}{mark} | {format_value(q.old, q.old_error)} | {mark}{format_value(q.new, q.new_error)}{mark} | {delta} |")
        if f.cards:
            lines += ["", "Cards: " + ", ".join(f"`{c.card}` ({c.change})" for c in f.cards)]
        for s in f.substitutions:
            lines.append(f"- superseded: `{s['requested']}` ({s['card']}) → `{s['used']}` ({s['replacement_card']})")
        for p in f.plots:
            lines += ["", f"![{f.name} old vs new]({p})"]
    return "\n".join(lines) + "\n"


def _html(d: RunDiff) -> str:
    from html import escape

    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><title>fitkit: what changed</title>",
        f"<style>{REPORT_CSS}</style></head><body>",
        "<h1>fitkit: what changed</h1>",
        f"<p>old: <code>{escape(str(d.old))}</code> → new: <code>{escape(str(d.new))}</code></p>",
        "<table><tr><th>fit</th><th>kind</th><th>status</th></tr>",
    ]
    for f in d.fits:
        cls = " class='changed'" if f.status != "unchanged" else ""
        kind = "paper (pinned)" if f.pinned else "current data"
        parts.append(f"<tr{cls}><td><a href='#{escape(f.name)}'>{escape(f.name)}</a></td><td>{kind}</td><td>{escape(f.status)}</td></tr>")
    parts.append("</table><h2>Cards and data files changed</h2><ul>")
    for c in d.card_changes() or []:
        parts.append(
            f"<li>{c.file} <code>{escape(c.card)}</code>: {c.change}, sha256 "
            f"<code>{(c.old_sha256 or '—')[:12]}</code> → <code>{(c.new_sha256 or '—')[:12]}</code></li>"
        )
    if not d.card_changes():
        parts.append("<li>none</li>")
    parts.append("</ul>")
    for f in d.changed:
        parts.append(f"<h2 id='{escape(f.name)}'>{escape(f.name)}: {escape(f.status)}</h2>")
        parts.append("<table><tr><th>quantity</th><th>old</th><th>new</th><th>new − old</th></tr>")
        for q in f.quantities:
            cls = " class='changed'" if q.changed else ""
            delta = "" if q.delta is None else f"{q.delta:+.4g}"
            parts.append(f"<tr{cls}><td>{escape(q.label)}</td><td>{format_value(q.old, q.old_error)}</td><td>{format_value(q.new, q.new_error)}</td><td>{delta}</td></tr>")
        parts.append("</table>")
        if f.cards:
            parts.append("<p>Cards: " + ", ".join(f"<code>{escape(c.card)}</code> ({c.change})" for c in f.cards) + "</p>")
        for s in f.substitutions:
            parts.append(f"<p>superseded: <code>{escape(s['requested'])}</code> → <code>{escape(s['used'])}</code> ({escape(s['replacement_card'])})</p>")
        for p in f.plots:
            parts.append(f"<figure><img src='{escape(p)}' alt='{escape(f.name)} old vs new'><figcaption>{escape(p)}</figcaption></figure>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


REPORT_CSS = (
    "body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}"
    "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}"
    "td:first-child,th:first-child{text-align:left}tr.changed{background:#fff3b0;font-weight:bold}"
    "img{max-width:100%;border:1px solid #ddd}code{background:#f4f4f4}"
)


def atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text)
    tmp.replace(path)


def _parameters(name: str) -> dict[str, Any] | None:
    """The model parameters of fit ``name`` for axis labels and units; None (raw names on the
    axes) when the definition no longer exists in likelihoods/."""
    from fitkit.fitdef import load_definition
    from fitkit.models import get_model

    try:
        defn = load_definition(name)
        return dict(get_model(defn.model, **defn.options).parameters)
    except InputError:
        return None


def write_diff(d: RunDiff, output: str | Path, *, plots: bool = True) -> tuple[Path, Path]:
    """Write ``compare.md`` and ``compare.html`` (and the overlay plots under ``compare/``) to ``output``."""
    out = Path(output)
    if plots:
        from fitkit.plotting.compare import plot_scan_overlay

        for f in d.changed:
            params = _parameters(f.name) if f.scans else None
            for label in f.scans:
                png = out / "compare" / f"{f.name}_{label}.png"
                plot_scan_overlay(d.old / f.name / f"scan_{label}.json", d.new / f.name / f"scan_{label}.json", png,
                                  title=f"{f.name}: old vs new", parameters=params)
                f.plots.append(str(png.relative_to(out)))
    md, html = out / "compare.md", out / "compare.html"
    atomic_write(md, _markdown(d))
    atomic_write(html, _html(d))
    return md, html
