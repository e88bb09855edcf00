"""Text out of container formats: HTML pages, Word .docx files, PDF text layers.

Each reader returns (metadata, text) with text already cleaned by
`normalize.clean_text`, so offsets index the same kind of text whatever the format.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict

from bs4 import BeautifulSoup, NavigableString

from .normalize import PAGE_NUMBER, clean_text

# Page chrome that is never part of the policy text.
_HTML_CHROME = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "template")
_HTML_BLOCKS = ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "table", "pre")
_HTML_TABLE_PARTS = ("table", "thead", "tbody", "tfoot", "tr")
_HTML_DATE_META = ("pubdate", "publishdate", "firstpublishedtime", "article:published_time", "date", "dc.date")


def html_to_text(html: str) -> tuple[dict[str, str], str]:
    """Body text of an HTML page (one line per block element) and its metadata."""
    soup = BeautifulSoup(html, "html.parser")
    metadata: dict[str, str] = {}
    if soup.title and soup.title.string:
        metadata["title"] = soup.title.string.strip()
    for meta in soup.find_all("meta"):
        name = (meta.get("name") or meta.get("property") or "").lower()
        if name in _HTML_DATE_META and meta.get("content") and "date" not in metadata:
            metadata["date"] = meta["content"].strip()
        if name == "og:url" and meta.get("content"):
            metadata.setdefault("link", meta["content"].strip())
    canonical = soup.find("link", rel="canonical")
    if canonical and canonical.get("href"):
        metadata.setdefault("link", canonical["href"].strip())
    for tag in soup.find_all(_HTML_CHROME):
        tag.decompose()
    body = soup.body or soup
    for part in body.find_all(_HTML_TABLE_PARTS):      # the markup's layout between rows
        for child in list(part.children):
            if isinstance(child, NavigableString) and not child.strip():
                child.extract()
    for row in body.find_all("tr"):
        cells = row.find_all(("td", "th"), recursive=False)
        if cells:
            row.string = TABLE_CELL_SEPARATOR.join(_one_line(cell.get_text()) for cell in cells)
        row.insert_after("\n")                      # rows on consecutive lines, as a table reader reads them
    for tag in body.find_all(_HTML_BLOCKS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    return metadata, clean_text(body.get_text())


# A table row is one line, its cells cut by a tab, as the table readers (pipeline/cells.py) expect.
TABLE_CELL_SEPARATOR = "\t"
_LINE_BREAK_IN_CELL = re.compile(r"\s*\n\s*")
_BLANK_RUN = re.compile(r"[ \t\u3000]+")


def _one_line(cell: str) -> str:
    """A cell's text on one line: line breaks of the markup's layout go (Chinese has no
    spaces between words), other blanks become one space."""
    return _BLANK_RUN.sub(" ", _LINE_BREAK_IN_CELL.sub("", cell.strip()))


# --- Word -------------------------------------------------------------------

_CN_DIGITS = "零一二三四五六七八九"


def _chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (enough for list numbering)."""
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")


_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_FORMATS = {
    "decimal": str,
    "chineseCounting": _chinese_number,
    "chineseCountingThousand": _chinese_number,
    "ideographTraditional": lambda n: "甲乙丙丁戊己庚辛壬癸"[n - 1] if n <= 10 else str(n),
    "decimalEnclosedCircle": lambda n: _CIRCLED[n - 1] if n <= 20 else str(n),
    "decimalFullWidth": lambda n: str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９")),
}


def _numbering_levels(document) -> dict[tuple[str, int], tuple[str, str, int]]:
    """(numId, level) → (numFmt, lvlText, start) from the numbering part, if any."""
    try:
        numbering = document.part.numbering_part.element
    except (KeyError, NotImplementedError):
        return {}
    ns = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
    w = "{%s}" % ns["w"]
    abstract = {}
    for node in numbering.findall("w:abstractNum", ns):
        levels = {}
        for lvl in node.findall("w:lvl", ns):
            fmt = lvl.find("w:numFmt", ns)
            text = lvl.find("w:lvlText", ns)
            start = lvl.find("w:start", ns)
            levels[int(lvl.get(w + "ilvl"))] = (
                fmt.get(w + "val") if fmt is not None else "decimal",
                text.get(w + "val") if text is not None else "",
                int(start.get(w + "val")) if start is not None else 1,
            )
        abstract[node.get(w + "abstractNumId")] = levels
    result = {}
    for num in numbering.findall("w:num", ns):
        ref = num.find("w:abstractNumId", ns)
        for level, spec in abstract.get(ref.get(w + "val") if ref is not None else None, {}).items():
            result[(num.get(w + "numId"), level)] = spec
    return result


def docx_to_text(data: bytes) -> tuple[dict[str, str], str]:
    """Paragraph text of a .docx, with automatic list numbers written out as labels, and
    its tables in place, a row a line.

    Word keeps list numbers outside the text (numPr on the paragraph or its
    style); without them a plan loses its structure, so they are rendered
    from the numbering definitions (`%1、` with chineseCounting → `一、`).
    """
    import docx  # imported here: only .docx inputs pay for it
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(io.BytesIO(data))
    levels = _numbering_levels(document)
    counters: dict[str, dict[int, int]] = defaultdict(dict)
    lines = []
    for block in document.element.body.iterchildren():
        if block.tag.endswith("}tbl"):
            lines += [TABLE_CELL_SEPARATOR.join(_one_line(cell.text) for cell in row.cells)
                      for row in Table(block, document).rows]
            continue
        if not block.tag.endswith("}p"):
            continue
        paragraph = Paragraph(block, document)
        label = ""
        num_pr = paragraph._p.pPr.numPr if paragraph._p.pPr is not None else None
        if num_pr is None and paragraph.style is not None and paragraph.style.element.pPr is not None:
            num_pr = paragraph.style.element.pPr.numPr
        if num_pr is not None and num_pr.numId is not None:
            num_id = str(num_pr.numId.val)
            level = num_pr.ilvl.val if num_pr.ilvl is not None else 0
            spec = levels.get((num_id, level))
            if spec:
                fmt, template, start = spec
                count = counters[num_id].get(level, start - 1) + 1
                counters[num_id] = {lv: c for lv, c in counters[num_id].items() if lv < level}
                counters[num_id][level] = count
                render = _FORMATS.get(fmt, str)
                label = re.sub(r"%(\d)", lambda m: render(counters[num_id].get(int(m.group(1)) - 1, 1)), template)
        lines.append(label + paragraph.text)
    core = document.core_properties
    metadata = {}
    if core.title:
        metadata["title"] = core.title.strip()
    if core.created:
        metadata["date"] = core.created.date().isoformat()
    return metadata, clean_text("\n".join(lines))


# --- PDF --------------------------------------------------------------------

def pdf_to_text(data: bytes) -> tuple[dict[str, str], str]:
    """The text layer of a PDF, page by page, without page-number lines."""
    import pdfplumber  # imported here: only .pdf inputs pay for it

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = [page.extract_text() or "" for page in pdf.pages]
        info = pdf.metadata or {}
    metadata = {"title": str(info["Title"]).strip()} if info.get("Title") else {}
    return metadata, clean_text(PAGE_NUMBER.sub("", "\n".join(pages)))
