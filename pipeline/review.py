"""A static HTML review of the published tables: one page per document.

`build_review(out_dir)` reads the current tables of an output directory and
writes ``out_dir/review/index.html`` plus ``<doc_id>.html`` per document: the
measure tree as navigation, the normalized text with targets, dates and
agencies highlighted, their extracted values on hover. Pages are
self-contained (inline CSS, no script, no external resource) and the same
tables always give byte-identical pages.

Highlights must nest as HTML elements, but extracted spans may cross
(``[0, 5)`` and ``[3, 8)``). A crossing span is cut where the enclosing one
ends and its pieces carry the same ``data-id`` and a ``data-part``; a span
that crosses nothing is exactly one element whose text is its surface string.
Every piece carries its row's table, id and offsets as ``data-table``,
``data-id``, ``data-start`` and ``data-end``.
"""

from __future__ import annotations

import heapq
import html
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from .errors import PipelineError
from .tablefiles import read_table

REVIEW_DIR = "review"
INDEX = "index.html"

# Highlighted tables, outermost first when two rows cover the same characters.
_HIGHLIGHTS = {
    "targets": ("target_id", "quantity_text", "target"),
    "dates": ("date_id", "text", "date"),
    "agencies": ("agency_id", "name", "agency"),
}
_SURFACE = {"measures": "text", **{name: spec[1] for name, spec in _HIGHLIGHTS.items()}}
_ID = {"measures": "measure_id", **{name: spec[0] for name, spec in _HIGHLIGHTS.items()}}
_TABLES = ("documents", "measures", *_HIGHLIGHTS)
_SAFE_NAME = re.compile(r"[0-9A-Za-z_-]+")
_NAV_SNIPPET = 24  # characters of a measure's text shown when it has no title

_CSS = """
*{box-sizing:border-box}
body{margin:0;font:15px/1.6 "Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",
"WenQuanYi Micro Hei",system-ui,sans-serif;color:#1f2933;background:#f7f7f5}
a{color:#1d4ed8}
.page{display:grid;grid-template-columns:minmax(14rem,22rem) 1fr;min-height:100vh}
.toc{position:sticky;top:0;height:100vh;overflow:auto;padding:1rem .75rem;background:#fff;
border-right:1px solid #e2e2dc;font-size:13px}
.toc h2{font-size:13px;margin:0 0 .5rem;color:#52606d}
.toc ul{list-style:none;margin:0;padding-left:.9rem}
.toc>ul{padding-left:0}
.toc li{margin:.1rem 0}
.toc a{text-decoration:none;color:#1f2933;display:block;padding:.05rem .25rem;border-radius:3px}
.toc a:hover{background:#eef2ff}
.path{color:#7b8794;font-variant-numeric:tabular-nums;margin-right:.35rem}
.untitled{color:#7b8794}
main{padding:1.5rem 2rem 4rem;max-width:60rem}
h1{font-size:1.4rem;margin:.25rem 0 .5rem}
.meta{color:#52606d;font-size:13px;margin:0 0 .75rem}
.counts{display:flex;gap:.5rem;flex-wrap:wrap;margin:0 0 1rem;padding:0;list-style:none}
.counts li{background:#fff;border:1px solid #e2e2dc;border-radius:999px;padding:.1rem .7rem;font-size:13px}
.problems{background:#fff4f2;border:1px solid #f5c2b8;border-radius:6px;padding:.5rem 1rem;font-size:13px}
.text{white-space:pre-wrap;word-break:break-word;font-size:16px;line-height:2;background:#fff;
border:1px solid #e2e2dc;border-radius:6px;padding:1.25rem 1.5rem}
.m{scroll-margin-top:1rem}
.m::before{content:attr(data-path);font-size:11px;color:#9aa5b1;margin-right:.2rem;vertical-align:super}
.m:target::before{color:#b42318;font-weight:bold}
.hl{position:relative;border-radius:3px;padding:0 1px;color:inherit}
.hl.target{background:#fde68a;box-shadow:inset 0 -2px #d97706}
.hl.date{background:#bfdbfe;box-shadow:inset 0 -2px #2563eb}
.hl.agency{background:#bbf7d0;box-shadow:inset 0 -2px #16a34a}
.hl.agency.role-support{box-shadow:inset 0 -2px #16a34a80}
.hl:hover:not(:has(.hl:hover))::after{content:attr(data-tip);position:absolute;left:0;top:100%;z-index:10;
white-space:pre;font-size:12px;line-height:1.5;color:#fff;background:#1f2933;padding:.35rem .6rem;
border-radius:4px;box-shadow:0 2px 8px #0004;pointer-events:none}
.key{display:inline-block;padding:0 .4rem}
table{border-collapse:collapse;background:#fff;font-size:14px}
th,td{border:1px solid #e2e2dc;padding:.3rem .6rem;text-align:left;vertical-align:top}
th{background:#f0f0ec}
td.n{text-align:right;font-variant-numeric:tabular-nums}
@media (max-width:50rem){.page{display:block}.toc{position:static;height:auto}}
"""


def _esc(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


@dataclass(frozen=True, order=True)
class Highlight:
    """One highlighted row (or a piece of it) over [start, end) of the text."""

    start: int
    end: int
    rank: int  # table order: the outer element when two spans cover the same characters
    row_id: str
    opening: str  # the start tag without its data-part


def _tip(name: str, row: dict) -> str:
    """The extracted values shown on hover, one `column: value` per line."""
    def show(value):
        return "—" if value is None else value

    if name == "targets":
        low, high = _number(row["value_min"]), _number(row["value_max"])
        lines = [f"value: {low if low == high else f'{low}–{high}'}", f"comparator: {row['comparator']}",
                 f"unit: {row['unit']}", f"per: {show(row['per'])}", f"year: {show(row['year'])}",
                 f"subject: {show(row['subject'])}"]
    elif name == "dates":
        lines = [f"{column}: {show(row[column])}" for column in ("kind", "year", "month", "day", "year_end")]
    else:
        lines = [f"role: {row['role']}", f"position: {row['position']}",
                 f"name_canonical: {show(row['name_canonical'])}"]
    return "\n".join([f"{name} {row[_ID[name]]}", *lines])


def _span(name: str, rank: int, row: dict) -> Highlight:
    classes = f"hl {_HIGHLIGHTS[name][2]}" + (f" role-{row['role']}" if name == "agencies" else "")
    opening = (f'<mark class="{_esc(classes)}" data-table="{name}" data-id="{_esc(row[_ID[name]])}" '
               f'data-start="{row["char_start"]}" data-end="{row["char_end"]}" data-tip="{_esc(_tip(name, row))}"')
    return Highlight(row["char_start"], row["char_end"], rank, row[_ID[name]], opening)


def _offset_problem(text: str, name: str, row: dict) -> str | None:
    start, end, surface = row["char_start"], row["char_end"], row[_SURFACE[name]]
    if not 0 <= start < end <= len(text):
        return f"offsets [{start}, {end}) outside the text of {len(text)} characters"
    if text[start:end] != surface:
        return f"text[{start}:{end}] is {text[start:end]!r}, not {surface!r}"
    return None


def _nest(spans: list[Highlight]) -> list[tuple[Highlight, int, int, int]]:
    """Cut crossing spans so that all pieces nest; (span, start, end, part) in document order.

    A span that runs past the end of an enclosing piece is cut there and the
    rest goes back into the queue, so every piece lies inside its parent.
    """
    # the row id breaks ties, so the order never depends on the order of `spans`
    queue = [(s.start, -s.end, s.rank, s.row_id, 1, s) for s in spans]
    heapq.heapify(queue)
    open_ends: list[int] = []  # ends of the pieces enclosing the current position, innermost last
    pieces = []
    while queue:
        start, neg_end, rank, row_id, part, span = heapq.heappop(queue)
        end = -neg_end
        while open_ends and open_ends[-1] <= start:
            open_ends.pop()
        if open_ends and end > open_ends[-1]:
            heapq.heappush(queue, (open_ends[-1], neg_end, rank, row_id, part + 1, span))
            end = open_ends[-1]
        open_ends.append(end)
        pieces.append((span, start, end, part))
    return pieces


def render_text(text: str, spans: list[Highlight], anchors: list[tuple[int, str]]) -> str:
    """The escaped text with nested <mark> highlights and zero-width measure anchors.

    At one offset, highlights ending there close first, then anchors, then
    highlights starting there open, so an anchor never sits inside a highlight
    that merely touches it.
    """
    pieces = _nest(spans)
    split = {span.row_id for span, _, _, part in pieces if part > 1}
    anchors = sorted(anchors)
    out: list[str] = []
    cursor = 0
    next_anchor = 0

    def emit(to: int, anchors_at_to: bool) -> None:
        nonlocal cursor, next_anchor
        while next_anchor < len(anchors) and (anchors[next_anchor][0] < to
                                               or anchors_at_to and anchors[next_anchor][0] == to):
            position, tag = anchors[next_anchor]
            out.append(_esc(text[cursor:position]))
            out.append(tag)
            cursor = position
            next_anchor += 1
        out.append(_esc(text[cursor:to]))
        cursor = to

    open_ends: list[int] = []
    for span, start, end, part in pieces:
        while open_ends and open_ends[-1] <= start:
            emit(open_ends.pop(), anchors_at_to=False)
            out.append("</mark>")
        emit(start, anchors_at_to=True)
        out.append(span.opening + (f' data-part="{part}"' if span.row_id in split else "") + ">")
        open_ends.append(end)
    while open_ends:
        emit(open_ends.pop(), anchors_at_to=False)
        out.append("</mark>")
    emit(len(text), anchors_at_to=True)
    return "".join(out)


def _measure_label(measure: dict) -> str:
    if measure["title"]:
        return _esc(measure["title"])
    snippet = measure["text"].strip().splitlines()[0] if measure["text"].strip() else ""
    if len(snippet) > _NAV_SNIPPET:
        snippet = snippet[:_NAV_SNIPPET] + "…"
    return f'<span class="untitled">{_esc(snippet)}</span>'


def render_tree(measures: list[dict]) -> str:
    """Nested lists of the measures by parent_id, each entry linking to its anchor."""
    ids = {m["measure_id"] for m in measures}
    children: dict[str | None, list[dict]] = defaultdict(list)
    for measure in sorted(measures, key=lambda m: m["ordinal"]):
        parent = measure["parent_id"] if measure["parent_id"] in ids else None  # an orphan shows at the top
        children[parent].append(measure)

    def branch(parent: str | None) -> str:
        items = []
        for m in children.get(parent, []):
            sub = branch(m["measure_id"])
            items.append(f'<li><a href="#m-{_esc(m["measure_id"])}"><span class="path">{_esc(m["path"])}</span>'
                         f'{_measure_label(m)}</a>{sub}</li>')
        return f"<ul>{''.join(items)}</ul>" if items else ""

    return branch(None)


def _page(title: str, body: str) -> str:
    return ("<!DOCTYPE html>\n"
            '<html lang="zh-CN"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<link rel="icon" href="data:,">'  # keeps the browser from asking for /favicon.ico
            f"<title>{_esc(title)}</title><style>{_CSS}</style></head>\n<body>{body}</body></html>\n")


def _counts(counts: dict[str, int]) -> str:
    keys = {"targets": "hl target", "dates": "hl date", "agencies": "hl agency"}
    items = "".join(f'<li data-count="{name}"><span class="key {keys.get(name, "")}">{name}</span> {count}</li>'
                    for name, count in counts.items())
    return f'<ul class="counts">{items}</ul>'


def render_document(doc: dict, rows: dict[str, list[dict]]) -> str:
    """The review page of one document; `rows` holds its measures, targets, dates and agencies."""
    text = doc["text"]
    problems = []
    spans = []
    for rank, name in enumerate(_HIGHLIGHTS):
        for row in rows[name]:
            problem = _offset_problem(text, name, row)
            if problem:
                problems.append(f"{name} {row[_ID[name]]}: {problem}")
            else:
                spans.append(_span(name, rank, row))
    anchors = []
    for m in rows["measures"]:
        if 0 <= m["char_start"] <= len(text):
            anchors.append((m["char_start"], f'<a class="m" id="m-{_esc(m["measure_id"])}" '
                                             f'data-path="{_esc(m["path"])}"></a>'))
        problem = _offset_problem(text, "measures", m)
        if problem:
            problems.append(f"measures {m['measure_id']}: {problem}")

    title = doc["title"] or doc["source_file"]
    period = f"{doc['period_start'] or '?'}–{doc['period_end'] or '?'}" if doc["period_start"] or doc["period_end"] else ""
    meta = " · ".join(_esc(part) for part in (doc["region"], doc["doc_type"], period, doc["doc_number"],
                                              doc["source_file"]) if part)
    problem_list = ("" if not problems else '<div class="problems"><strong>Rows whose offsets do not match the '
                    "text (not highlighted)</strong><ul>"
                    + "".join(f"<li>{_esc(p)}</li>" for p in problems) + "</ul></div>")
    body = (f'<div class="page"><nav class="toc"><h2><a href="{INDEX}">← all documents</a></h2>'
            f'<h2>Measures</h2>{render_tree(rows["measures"])}</nav>'
            f'<main><h1>{_esc(title)}</h1><p class="meta">{meta}</p>'
            f'{_counts({name: len(rows[name]) for name in _TABLES[1:]})}{problem_list}'
            f'<div class="text" lang="zh-CN">{render_text(text, spans, anchors)}</div></main></div>')
    return _page(title, body)


def render_index(documents: list[dict], by_doc: dict[str, dict[str, list[dict]]]) -> str:
    head = "".join(f"<th>{h}</th>" for h in ("title", "region", "source_file", *_TABLES[1:]))
    lines = []
    for doc in documents:
        counts = "".join(f'<td class="n" data-count="{name}">{len(by_doc[doc["doc_id"]][name])}</td>'
                         for name in _TABLES[1:])
        lines.append(f'<tr data-doc="{_esc(doc["doc_id"])}"><td><a href="{_esc(page_name(doc["doc_id"]))}">'
                     f'{_esc(doc["title"] or doc["source_file"])}</a></td><td>{_esc(doc["region"])}</td>'
                     f"<td>{_esc(doc['source_file'])}</td>{counts}</tr>")
    body = (f'<main><h1>Review of {len(documents)} document{"" if len(documents) == 1 else "s"}</h1>'
            f'<table><thead><tr>{head}</tr></thead><tbody>{"".join(lines)}</tbody></table></main>')
    return _page("Review", body)


def page_name(doc_id: str) -> str:
    if not _SAFE_NAME.fullmatch(doc_id):
        raise PipelineError(f"doc_id {doc_id!r} is not usable as a file name")
    return f"{doc_id}.html"


def _read(out_dir: Path, name: str) -> list[dict]:
    path = out_dir / f"{name}.parquet"
    if not path.exists():
        raise PipelineError(f"{path}: table missing; run the pipeline first")
    return read_table(path).to_pylist()


def build_review(out_dir: Path) -> Path:
    """Write the review pages for the tables in `out_dir`; returns the index page's path."""
    out_dir = Path(out_dir)
    documents = _read(out_dir, "documents")
    by_doc: dict[str, dict[str, list[dict]]] = {d["doc_id"]: {name: [] for name in _TABLES[1:]} for d in documents}
    for name in _TABLES[1:]:
        for row in _read(out_dir, name):
            if row["doc_id"] in by_doc:
                by_doc[row["doc_id"]][name].append(row)

    review = out_dir / REVIEW_DIR
    review.mkdir(parents=True, exist_ok=True)
    written = {INDEX}
    for doc in documents:
        name = page_name(doc["doc_id"])
        (review / name).write_text(render_document(doc, by_doc[doc["doc_id"]]), encoding="utf-8")
        written.add(name)
    index = review / INDEX
    index.write_text(render_index(documents, by_doc), encoding="utf-8")
    for stale in review.glob("*.html"):  # pages of documents no longer in the tables
        if stale.name not in written:
            stale.unlink()
    return index
