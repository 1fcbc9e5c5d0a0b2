"""``results/index.html``: the front page of a ``fitkit run`` (every fit, its plots, the
reproduction table, the comparison with a previous run if made). Plots are linked, not embedded:
the page sits next to them in the run folder."""

from __future__ import annotations

from html import escape
from pathlib import Path

from fitkit.report.diff import REPORT_CSS, atomic_write, format_value, load_run

__all__ = ["write_index", "markdown_table_to_html"]


#: After the page has loaded, say on the page (and in ``body[data-plots]``) how many plots loaded,
#: naming the broken ones (a moved or missing PNG is visible at once; the browser test reads it).
_IMG_CHECK = (
    "window.addEventListener('load',function(){var im=[].slice.call(document.images);"
    "var bad=im.filter(function(i){return !(i.complete&&i.naturalWidth>0);});"
    "document.body.dataset.plots=(im.length-bad.length)+'/'+im.length;"
    "document.getElementById('plot-status').textContent=bad.length?"
    "bad.length+' of '+im.length+' plots failed to load: '+bad.map(function(i){return i.getAttribute('src');}).join(', ')"
    ":'all '+im.length+' plots loaded';});"
)


def markdown_table_to_html(text: str) -> str:
    """The first Markdown pipe table in ``text`` as an HTML table (cells escaped, ``\\|`` kept)."""
    rows = [ln for ln in text.splitlines() if ln.startswith("|")]
    if len(rows) < 2:
        return ""

    def cells(line: str) -> list[str]:
        parts = line.strip().strip("|").replace("\\|", "\0").split("|")
        return [escape(p.strip().replace("\0", "|")) for p in parts]

    out = ["<table class='repro'>", "<tr>" + "".join(f"<th>{c}</th>" for c in cells(rows[0])) + "</tr>"]
    for line in rows[2:]:
        cs = cells(line)
        cls = " class='changed'" if "DIFFERS" in cs else ""
        out.append(f"<tr{cls}>" + "".join(f"<td>{c}</td>" for c in cs) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def write_index(output: str | Path) -> Path:
    """Write ``output/index.html`` for the run in ``output`` and return its path."""
    out = Path(output)
    fits = load_run(out)
    n_img = sum(len(list(Path(d["_dir"]).glob("*.png"))) for d in fits.values())
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><title>fitkit results</title>",
        f"<style>{REPORT_CSS}</style></head><body><h1>fitkit results</h1>",
    ]
    if (out / "compare.html").exists():
        parts.append("<p><a href='compare.html'>What changed since the previous run</a></p>")
    parts.append(
        "<table><tr><th>fit</th><th>data</th><th>χ²_min</th><th>ndof</th><th>χ²_SM</th><th>pull wrt SM (σ)</th><th>best fit</th></tr>"
    )
    for name, d in fits.items():
        pinned = (d.get("provenance") or {}).get("pinned", False)
        best = ", ".join(f"{escape(k)} = {format_value(p.get('value'), p.get('error'))}" for k, p in (d.get("parameters") or {}).items())
        parts.append(
            f"<tr><td><a href='#{escape(name)}'>{escape(name)}</a></td><td>{'paper (pinned)' if pinned else 'current'}</td>"
            f"<td>{format_value(d.get('chi2_min'))}</td><td>{d.get('ndof', '')}</td><td>{format_value(d.get('chi2_sm'))}</td>"
            f"<td>{format_value(d.get('pull_sm'))}</td><td style='text-align:left'>{best}</td></tr>"
        )
    parts.append("</table>")
    for name, d in fits.items():
        parts.append(f"<h2 id='{escape(name)}'>{escape(name)}</h2><p>{escape(str(d.get('description', '')))}</p>")
        cards = (d.get("provenance") or {}).get("cards") or {}
        if cards:
            parts.append("<p>cards: " + ", ".join(f"<code>{escape(c)}</code>" for c in cards) + "</p>")
        for png in sorted(Path(d["_dir"]).glob("*.png")):
            rel = png.relative_to(out)
            parts.append(f"<figure><img src='{escape(str(rel))}' alt='{escape(str(rel))}'><figcaption>{escape(str(rel))}</figcaption></figure>")
    repro = out / "reproduction.md"
    if repro.exists():
        parts.append("<h2 id='reproduction'>Reproduction of the papers</h2>")
        parts.append(markdown_table_to_html(repro.read_text()))
    parts.append(f"<p id='plot-status'>plots: {n_img} (checking that they load…)</p>")
    parts.append(f"<script>{_IMG_CHECK}</script></body></html>")
    path = out / "index.html"
    atomic_write(path, "\n".join(parts) + "\n")
    return path
