"""The static review pages: escaping, nesting of highlights, counts, the measure tree, a real browser."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pipeline.errors import PipelineError
from pipeline.publish import publish
from pipeline.review import REVIEW_DIR, Highlight, build_review, render_text, render_tree
from pipeline.tables import to_arrow

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VERSIONS = {"pipeline_version": "test", "rules_version": "test"}
DOC_ID = "0123456789abcdef"

TEXT = ("关于加快发展的行动方案\n"
        "一、总体要求\n"
        "到2027年，培育不少于15家企业。\n"
        "二、重点任务\n"
        "（一）建设平台。2025年底前建成3个平台，年均增长10%以上。（省科技厅牵头，省工业和信息化厅配合）\n"
        "（二）完善机制。持续推进。\n")


class _Marks(HTMLParser):
    """Collects every <mark>: its attributes and its text content (children included), and the bare text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.marks: list[dict] = []
        self._open: list[dict] = []
        self._in_text = 0
        self.text = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "div" and attrs.get("class") == "text":
            self._in_text = 1
        elif self._in_text and tag == "div":
            self._in_text += 1
        if tag == "mark":
            mark = {**attrs, "content": ""}
            self.marks.append(mark)
            self._open.append(mark)

    def handle_endtag(self, tag):
        if tag == "mark":
            self._open.pop()
        elif tag == "div" and self._in_text:
            self._in_text -= 1

    def handle_data(self, data):
        for mark in self._open:
            mark["content"] += data
        if self._in_text:
            self.text += data

    def pieces(self, row_id: str) -> list[dict]:
        return [m for m in self.marks if m["data-id"] == row_id]


class _Tree(HTMLParser):
    """(href, depth, path) of every navigation entry."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.entries: list[list] = []
        self._depth = 0
        self._in_path = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "ul":
            self._depth += 1
        elif tag == "a":
            self.entries.append([attrs["href"], self._depth, ""])
        elif tag == "span" and attrs.get("class") == "path":
            self._in_path = True

    def handle_endtag(self, tag):
        if tag == "ul":
            self._depth -= 1
        elif tag == "span":
            self._in_path = False

    def handle_data(self, data):
        if self._in_path:
            self.entries[-1][2] += data


def _parse(html_text: str) -> _Marks:
    parser = _Marks()
    parser.feed(html_text)
    return parser


def _at(text: str, surface: str, nth: int = 0) -> dict:
    start = -1
    for _ in range(nth + 1):
        start = text.index(surface, start + 1)
    return {"char_start": start, "char_end": start + len(surface)}


def _measure(text, ordinal, surface, path, label, level, parent=None, title=None):
    return {"doc_id": DOC_ID, "measure_id": f"{DOC_ID}-m{ordinal:04d}", "ordinal": ordinal,
            "parent_id": None if parent is None else f"{DOC_ID}-m{parent:04d}", "path": path, "label": label,
            "level": level, "kind": "chapter" if level == 1 else "section", "title": title, "text": surface,
            **_at(text, surface), **VERSIONS}


def _target(text, ordinal, surface, low, high, comparator, unit, per=None, subject=None, year=None, nth=0):
    return {"doc_id": DOC_ID, "target_id": f"{DOC_ID}-t{ordinal:04d}", "measure_id": None, "measure_path": None,
            "quantity_text": surface, "value_min": low, "value_max": high, "comparator": comparator, "unit": unit,
            "per": per, "subject": subject, "year": year, **_at(text, surface, nth), **VERSIONS}


def _date(text, ordinal, surface, kind, year=None, month=None, day=None, year_end=None, nth=0):
    return {"doc_id": DOC_ID, "date_id": f"{DOC_ID}-d{ordinal:04d}", "measure_id": None, "kind": kind,
            "year": year, "month": month, "day": day, "year_end": year_end, "text": surface,
            **_at(text, surface, nth), **VERSIONS}


def _agency(text, ordinal, surface, role, position, canonical=None, annotation=0):
    return {"doc_id": DOC_ID, "agency_id": f"{DOC_ID}-a{ordinal:04d}", "measure_id": None, "measure_path": None,
            "annotation": annotation, "position": position, "name": surface, "name_canonical": canonical,
            "role": role, **_at(text, surface), **VERSIONS}


def _tables(text: str = TEXT, title: str = "关于加快发展的行动方案") -> dict[str, list[dict]]:
    lines = text.splitlines(keepends=True)
    measures = [
        _measure(text, 0, lines[1] + lines[2], "一", "一、", 1, title="总体要求"),
        _measure(text, 1, lines[3], "二", "二、", 1, title="重点任务"),
        _measure(text, 2, lines[4], "二/（一）", "（一）", 2, parent=1, title="建设平台"),
        _measure(text, 3, lines[5], "二/（二）", "（二）", 2, parent=1),
    ]
    return {
        "documents": [{"doc_id": DOC_ID, "source_file": "plan.txt", "source_sha256": "0" * 64, "title": title,
                       "doc_type": "plan", "region": "某省", "admin_level": "provincial", "issuers": ["某省人民政府"],
                       "doc_number": None, "period_start": 2025, "period_end": 2027,
                       "published_date": dt.date(2025, 1, 2), "source_url": None, "encoding": "utf-8",
                       "n_chars": len(text), "text": text, **VERSIONS}],
        "measures": measures,
        "targets": [
            _target(text, 0, "不少于15家", 15, 15, "ge", "家", subject="企业", year=2027),
            _target(text, 1, "3个", 3, 3, "eq", "个", subject="平台", year=2025),
            # a yearly rate whose surface contains the date 年均: a highlight inside a highlight
            _target(text, 2, "年均增长10%以上", 10, 10, "ge", "%", per="年"),
        ],
        "dates": [
            _date(text, 0, "2027年", "deadline", year=2027),
            _date(text, 1, "2025年底前", "deadline", year=2025, month=12),
            _date(text, 2, "年均", "recurring"),
        ],
        "agencies": [
            _agency(text, 0, "省科技厅", "lead", 1, canonical="某省科学技术厅"),
            _agency(text, 1, "省工业和信息化厅", "support", 2),
        ],
    }


def _build(tmp_path: Path, tables: dict[str, list[dict]]) -> Path:
    publish({name: to_arrow(name, rows) for name, rows in tables.items()}, tmp_path, "run1")
    return build_review(tmp_path)


def _doc_page(tmp_path: Path) -> str:
    return (tmp_path / REVIEW_DIR / f"{DOC_ID}.html").read_text(encoding="utf-8")


MARKUP = "<script>alert(1)</script>"


@pytest.mark.parametrize("where", ["text", "title", "source_file", "subject", "name", "name_canonical", "path"])
def test_build_review_escapes_markup_from_every_field(tmp_path, where):
    text = TEXT.replace("牵头", f"{MARKUP}牵头") if where in ("text", "name") else TEXT
    tables = _tables(text)
    if where == "title":
        tables["documents"][0]["title"] = MARKUP
    elif where == "source_file":
        tables["documents"][0]["source_file"] = MARKUP
    elif where == "subject":
        tables["targets"][0]["subject"] = MARKUP
    elif where == "name":
        tables["agencies"].append(_agency(text, 2, MARKUP, "responsible", 3))
    elif where == "name_canonical":
        tables["agencies"][0]["name_canonical"] = MARKUP
    elif where == "path":
        tables["measures"][2]["path"] = MARKUP
    index = _build(tmp_path, tables)
    for page in (index.read_text(encoding="utf-8"), _doc_page(tmp_path)):
        assert "<script" not in page.lower()
    assert MARKUP in _doc_page(tmp_path).replace("&lt;", "<").replace("&gt;", ">")


def test_build_review_highlights_every_row_with_its_surface_text(tmp_path):
    tables = _tables()
    _build(tmp_path, tables)
    page = _parse(_doc_page(tmp_path))
    assert page.text == TEXT  # highlights and anchors add no characters
    for name, id_column, surface in (("targets", "target_id", "quantity_text"), ("dates", "date_id", "text"),
                                     ("agencies", "agency_id", "name")):
        for row in tables[name]:
            (piece,) = page.pieces(row[id_column])
            assert piece["content"] == row[surface]
            assert piece["data-table"] == name
            assert (int(piece["data-start"]), int(piece["data-end"])) == (row["char_start"], row["char_end"])


@pytest.mark.parametrize("row_id, expected", [
    (f"{DOC_ID}-t0002", ["value: 10", "comparator: ge", "unit: %", "per: 年", "year: —", "subject: —"]),
    (f"{DOC_ID}-t0000", ["value: 15", "unit: 家", "year: 2027", "subject: 企业"]),
    (f"{DOC_ID}-d0001", ["kind: deadline", "year: 2025", "month: 12", "day: —", "year_end: —"]),
    (f"{DOC_ID}-a0000", ["role: lead", "position: 1", "name_canonical: 某省科学技术厅"]),
])
def test_build_review_tip_shows_extracted_values(tmp_path, row_id, expected):
    _build(tmp_path, _tables())
    (piece,) = _parse(_doc_page(tmp_path)).pieces(row_id)
    assert set(expected) <= set(piece["data-tip"].splitlines())


def test_build_review_tip_shows_a_value_range(tmp_path):
    tables = _tables()
    tables["targets"][0].update(value_min=10.0, value_max=20.5, comparator="range")
    _build(tmp_path, tables)
    (piece,) = _parse(_doc_page(tmp_path)).pieces(f"{DOC_ID}-t0000")
    assert {"value: 10–20.5", "comparator: range"} <= set(piece["data-tip"].splitlines())


def _spans(text: str, spans: list[tuple[int, int, str]]) -> list[Highlight]:
    return [Highlight(start, end, 0, row_id, f'<mark data-id="{row_id}"') for start, end, row_id in spans]


@pytest.mark.parametrize("text, spans, crossing", [
    ("abcdefghij", [(0, 5, "a"), (3, 8, "b")], {"b"}),
    ("abcdefghij", [(0, 4, "a"), (2, 6, "b"), (5, 9, "c")], {"b", "c"}),
    ("abcdefghij", [(0, 10, "a"), (1, 4, "b"), (3, 7, "c")], {"c"}),
    ("abcdefghij", [(2, 6, "a"), (2, 6, "b")], set()),
    ("abcdefghij", [(0, 3, "a"), (3, 6, "b"), (6, 9, "c")], set()),
    ("abcdefghij", [(0, 10, "a"), (0, 2, "b"), (8, 10, "c"), (4, 6, "d")], set()),
    ("到2025年底前建成<b>3个</b>", [(1, 8, "d"), (6, 14, "t"), (0, 3, "x")], {"d", "t"}),
])
def test_render_text_keeps_text_and_every_span_when_spans_overlap(text, spans, crossing):
    page = _parse(f'<div class="text">{render_text(text, _spans(text, spans), [])}</div>')
    assert page.text == text
    for start, end, row_id in spans:
        pieces = page.pieces(row_id)
        # the pieces of a cut span, read in order, give back its surface; children are inside their text
        own = [p["content"] for p in pieces]
        assert "".join(own) == text[start:end]
        assert len(pieces) > 1 if row_id in crossing else len(pieces) == 1


def test_render_text_puts_an_anchor_between_touching_highlights():
    text = "甲乙丙丁"
    html_text = render_text(text, _spans(text, [(0, 2, "a"), (2, 4, "b")]), [(2, '<a id="here"></a>')])
    assert '</mark><a id="here"></a><mark data-id="b">' in html_text


def test_render_text_is_independent_of_row_order():
    text = "abcdefghij"
    rows = [(0, 5, "a"), (3, 8, "b"), (3, 8, "c"), (1, 2, "d")]
    assert render_text(text, _spans(text, rows), []) == render_text(text, _spans(text, rows[::-1]), [])


def test_build_review_counts_rows_per_document(tmp_path):
    tables = _tables()
    index = _build(tmp_path, tables)
    expected = {name: str(len(tables[name])) for name in ("measures", "targets", "dates", "agencies")}
    for html_text in (index.read_text(encoding="utf-8"), _doc_page(tmp_path)):
        shown = dict(re.findall(r'data-count="(\w+)">(?:<span[^>]*>\w+</span>)?\s*(\d+)', html_text))
        assert shown == expected


def test_build_review_links_index_rows_to_document_pages(tmp_path):
    index = _build(tmp_path, _tables())
    html_text = index.read_text(encoding="utf-8")
    assert f'href="{DOC_ID}.html"' in html_text
    assert (index.parent / f"{DOC_ID}.html").exists()


def test_render_tree_nests_measures_by_parent():
    measures = _tables()["measures"]
    measures.append({**measures[3], "measure_id": "x-m9", "ordinal": 9, "parent_id": "missing", "path": "orphan"})
    tree = _Tree()
    tree.feed(render_tree(measures[::-1]))  # input order does not matter, ordinals do
    assert tree.entries == [[f"#m-{DOC_ID}-m0000", 1, "一"],
                            [f"#m-{DOC_ID}-m0001", 1, "二"],
                            [f"#m-{DOC_ID}-m0002", 2, "二/（一）"],
                            [f"#m-{DOC_ID}-m0003", 2, "二/（二）"],
                            ["#m-x-m9", 1, "orphan"]]


def test_render_tree_shows_text_when_a_measure_has_no_title():
    measure = _tables()["measures"][3]
    assert "（二）完善机制。持续推进。" in render_tree([measure])


def test_build_review_puts_an_anchor_at_each_measure_start(tmp_path):
    tables = _tables()
    _build(tmp_path, tables)
    html_text = _doc_page(tmp_path)
    for measure in tables["measures"]:
        anchor = f'<a class="m" id="m-{measure["measure_id"]}"'
        before = html_text.split(anchor, 1)[0].split('<div class="text" lang="zh-CN">', 1)[1]
        assert len(_parse(f'<div class="text">{before}</div>').text) == measure["char_start"]


def test_build_review_lists_rows_whose_offsets_miss_the_text(tmp_path):
    tables = _tables()
    tables["targets"][1]["char_start"] += 1  # text[start:end] is no longer 3个
    tables["dates"][0].update(char_start=len(TEXT), char_end=len(TEXT) + 5)
    _build(tmp_path, tables)
    html_text = _doc_page(tmp_path)
    page = _parse(html_text)
    assert page.pieces(f"{DOC_ID}-t0001") == [] and page.pieces(f"{DOC_ID}-d0000") == []
    problems = html_text.split('class="problems"', 1)[1]
    assert f"{DOC_ID}-t0001" in problems and f"{DOC_ID}-d0000" in problems
    assert page.text == TEXT


def test_build_review_is_deterministic_and_drops_stale_pages(tmp_path):
    index = _build(tmp_path, _tables())
    first = {p.name: p.read_bytes() for p in index.parent.iterdir()}
    stale = index.parent / "ffffffffffffffff.html"
    stale.write_text("old", encoding="utf-8")
    build_review(tmp_path)
    assert {p.name: p.read_bytes() for p in index.parent.iterdir()} == first


def test_build_review_without_tables_raises(tmp_path):
    with pytest.raises(PipelineError, match="documents.parquet"):
        build_review(tmp_path)


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed at /usr/bin/chromium")
def test_build_review_page_renders_in_chromium(tmp_path):
    from playwright.sync_api import sync_playwright

    tables = _tables(TEXT.replace("省科技厅牵头", f"省科技厅{MARKUP}牵头"))
    _build(tmp_path, tables)
    url = (tmp_path / REVIEW_DIR / f"{DOC_ID}.html").as_uri()
    problems, requests = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
            page.on("pageerror", lambda exc: problems.append(str(exc)))
            page.on("dialog", lambda dialog: problems.append(f"dialog {dialog.message}"))
            page.on("request", lambda request: requests.append(request.url))
            page.goto(url)
            page.wait_for_load_state("load")

            assert MARKUP in page.inner_text(".text")
            for name, id_column, surface in (("targets", "target_id", "quantity_text"),
                                             ("dates", "date_id", "text"), ("agencies", "agency_id", "name")):
                for row in tables[name]:
                    mark = page.locator(f'mark[data-table="{name}"][data-id="{row[id_column]}"]')
                    assert mark.count() == 1
                    assert mark.text_content() == row[surface]
                    assert mark.get_attribute("data-start") == str(row["char_start"])

            tip = page.locator(f'mark[data-id="{DOC_ID}-a0000"]')
            tip.hover()
            shown = tip.evaluate("el => getComputedStyle(el, '::after').content")
            assert "role: lead" in shown and "某省科学技术厅" in shown
            assert tip.evaluate("el => getComputedStyle(el, '::after').visibility") == "visible"
            # hovering a highlight inside another shows only the inner one's values
            inner = page.locator(f'mark[data-id="{DOC_ID}-d0002"]')
            inner.hover()
            outer = page.locator(f'mark[data-id="{DOC_ID}-t0002"]')
            assert "kind: recurring" in inner.evaluate("el => getComputedStyle(el, '::after').content")
            assert outer.evaluate("el => getComputedStyle(el, '::after').content") == "none"

            page.locator(f'a[href="#m-{DOC_ID}-m0003"]').click()
            assert page.evaluate("location.hash") == f"#m-{DOC_ID}-m0003"
            screenshot = tmp_path / "review.png"
            inner.hover()
            page.screenshot(path=str(screenshot), full_page=True)
        finally:
            browser.close()
    assert problems == []
    assert all(u.startswith(("file:", "data:")) for u in requests), requests
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert screenshot.stat().st_size > 10_000
