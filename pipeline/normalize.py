"""Normalization: the one text every offset indexes.

Rules, applied once per document, in this order:

1. Line breaks become ``\\n``; zero-width characters and the BOM are dropped;
   no-break spaces become spaces. Full-width characters are kept as written
   (no NFKC): analysts search for the surface strings (`（2025—2030年）`).
2. YAML front matter (``---`` … ``---`` at the top) is removed from the body and
   returned as metadata (title, date, link).
3. Markup is stripped: ``{% … %}`` template tags (``{% asset_img 1.png %}``),
   HTML comments (``<!--more-->``), HTML tags (``<div align='center'>``),
   ``[bookmark: …]`` anchors, bold/italic markers ``**``/``__``, heading
   markers (``###``), blockquote and list markers (``>``, ``- ``) at line start, horizontal rules
   (``***``, ``---``); markdown autolinks ``<https://…>`` keep their URL. A markdown
   pipe table's rows become lines of tab-separated cells (as HTML and Word tables do)
   and its delimiter row (``|---|---|``) goes.
4. Trailing whitespace is removed from every line; runs of blank lines become
   one blank line; leading and trailing blank lines go.
5. Text hard-wrapped at a fixed width (a PDF's text layer, pasted or extracted)
   is unwrapped: page-number lines and running headers go, and a line filling
   the width (counted in characters, or as printed: a Chinese character fills two
   cells, a digit one) joins the next one unless that one is indented; a
   paragraph's short last line ends it.
"""

from __future__ import annotations

from collections.abc import Callable
from unicodedata import east_asian_width

import regex
import yaml

_LINE_BREAKS = regex.compile(r"\r\n?|\u2028|\u2029")
_INVISIBLE = regex.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")
_FRONT_MATTER = regex.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", regex.S)
_AUTOLINK = regex.compile(r"<(https?://[^<>\s]+)>")
_MARKUP = regex.compile(
    r"\{%.*?%\}"                 # template tags
    r"|<!--.*?-->"               # HTML comments
    r"|</?[A-Za-z][^<>]*>"       # HTML tags
    r"|\[bookmark:[^\]]*\]"      # Word bookmark anchors left by converters
    r"|\*\*|__",                 # bold markers
    regex.S,
)
_LINE_MARKUP = regex.compile(r"^[ \t]*(?:#{1,6}[ \t]*|>[ \t]?|[-+*][ \t]+(?![0-9]+[ \t]*[-—–][ \t]*$))+", regex.M)
_RULE_LINE = regex.compile(r"^[ \t]*(?:\*{3,}|-{3,}|_{3,})[ \t]*$", regex.M)
_PIPE_DELIMITER_ROW = regex.compile(r"^[ \t]*\|?(?:[ \t]*:?-{3,}:?[ \t]*\|)+(?:[ \t]*:?-{3,}:?[ \t]*)?[ \t]*(?:\n|$)", regex.M)
_PIPE_ROW = regex.compile(r"^[ \t]*\|(.*)\|[ \t]*$", regex.M)
_PIPE = regex.compile(r"[ \t]*(?<!\\)\|[ \t]*")   # not an escaped \|
_TRAILING_SPACE = regex.compile(r"[ \t\u3000]+$", regex.M)
_BLANK_RUNS = regex.compile(r"\n{3,}")
# A line that is only a page number: `- 1 -`, `— 12 —`, `第3页`, `3/20`.
PAGE_NUMBER = regex.compile(r"^\s*(?:[-—–]\s*\d+\s*[-—–]|第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|\d+)[ \t]*(?:\n|$)", regex.M)
# Hard wrapping: lines average under this many characters, most lines fill a width of
# at least _WRAP_MIN_WIDTH (within _WRAP_SLACK of it), and at least this share of them do.
_WRAP_MAX_AVERAGE, _WRAP_MIN_WIDTH, _WRAP_SLACK, _WRAP_FULL_SHARE = 60, 16, 3, 0.4
_INDENT = (" ", "\t", "\u3000")

METADATA_KEYS = ("title", "date", "link")
# libyaml's parser when PyYAML has it: six times faster, the same safe constructor
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Separate YAML front matter from the body; keep title, date and link."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    try:
        data = yaml.load(match.group(1), Loader=_YAML_LOADER)
    except yaml.YAMLError:
        data = None  # not front matter after all: leave the text untouched
    if not isinstance(data, dict):
        return {}, text
    metadata = {}
    for key in METADATA_KEYS:
        value = data.get(key) or (data.get("url") if key == "link" else None)
        if value not in (None, ""):
            metadata[key] = str(value).strip()
    return metadata, text[match.end():]


def _sub(pattern: regex.Pattern, replacement: str, text: str, markers: tuple[str, ...]) -> str:
    """pattern.sub, skipped when none of the strings that every match holds occurs (most texts need
    few of the rules, and a substring test is far cheaper than a regex pass)."""
    return pattern.sub(replacement, text) if any(marker in text for marker in markers) else text


_LINE_BREAK_MARKS = ("\r", "\u2028", "\u2029")
_INVISIBLE_MARKS = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")


def clean_text(text: str) -> str:
    """Apply rules 1, 3 and 4 to text that has no front matter."""
    text = _sub(_LINE_BREAKS, "\n", text, _LINE_BREAK_MARKS)
    text = _sub(_INVISIBLE, "", text, _INVISIBLE_MARKS).replace("\u00a0", " ")
    text = _sub(_AUTOLINK, r"\1", text, ("<http",))
    if "|" in text:
        text = _PIPE_ROW.sub(lambda row: _PIPE.sub("\t", row.group(1).strip()), _PIPE_DELIMITER_ROW.sub("", text))
    text = _sub(_RULE_LINE, "", text, ("***", "---", "___"))  # before the bold markers, which would eat `***`
    text = _sub(_MARKUP, "", text, ("{%", "<", "[bookmark:", "**", "__"))
    text = _sub(_LINE_MARKUP, "", text, ("#", ">", "- ", "+ ", "* "))
    if text.endswith((" ", "\t", "\u3000")):
        text = _TRAILING_SPACE.sub("", text)
    else:
        text = _sub(_TRAILING_SPACE, "", text, (" \n", "\t\n", "\u3000\n"))
    text = _sub(_BLANK_RUNS, "\n\n", text, ("\n\n\n",))
    return unwrap(text.strip("\n"))


def unwrap(text: str) -> str:
    """Rule 5: join the lines of text hard-wrapped at a fixed width; other text is returned as is."""
    if len(text) > _WRAP_MAX_AVERAGE * (text.count("\n") + 1):
        return text                           # most texts: a paragraph per line
    lines = text.split("\n")
    # a page wraps by what a line fills, where a Chinese character takes two half-width cells and
    # a digit one (`…达到1.5万吨以上，纯度不低于99.97%。（省` is full): either measure may say so
    full = _full_lines(lines, len)
    full |= _full_lines(lines, _printed_width)
    if sum(line in full for line in lines) < _WRAP_FULL_SHARE * sum(1 for line in lines if line):
        return text
    kept: list[str] = []
    seen: set[str] = set()
    after_page_number = False
    previous_full = False                     # the last line kept (as printed) fills the width
    for line in lines:
        if PAGE_NUMBER.fullmatch(line):
            after_page_number = True
            continue
        if after_page_number and line in seen:
            continue                          # a running header repeats a line seen before
        after_page_number = False
        seen.add(line)
        if kept and previous_full and line and not line.startswith(_INDENT):
            kept[-1] += line
        else:
            kept.append(line)
        previous_full = line in full          # a paragraph's short last line ends it
    return "\n".join(kept)


def _full_lines(lines: list[str], measure: Callable[[str], int]) -> set[str]:
    """The lines that fill the width most lines reach (within _WRAP_SLACK) by `measure`;
    none unless that width is at least _WRAP_MIN_WIDTH characters."""
    widths = sorted(measure(line) for line in lines if line)
    scale = measure("字")                      # 1 for characters, 2 for printed cells
    width = widths[int(len(widths) * 0.9)] if widths else 0
    if width < _WRAP_MIN_WIDTH * scale:
        return set()
    return {line for line in lines if line and measure(line) >= width - _WRAP_SLACK * scale}


def _printed_width(line: str) -> int:
    """A line's width as printed, in half-width cells."""
    return sum(2 if east_asian_width(ch) in "WF" else 1 for ch in line)


def normalize(raw: str) -> tuple[dict[str, str], str]:
    """Metadata and normalized body of a decoded text or markdown file."""
    raw = _sub(_LINE_BREAKS, "\n", _sub(_INVISIBLE, "", raw, _INVISIBLE_MARKS), _LINE_BREAK_MARKS)
    metadata, body = split_front_matter(raw)
    return metadata, clean_text(body)
