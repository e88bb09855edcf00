"""Measure segmentation: the numbered structure of a plan (guide §2).

One regex pass finds every label-shaped string (`一、` `（一）` `1.` `①` `一是`
`专栏2` `第三章` …, styles from rules/numbering.yaml); each candidate is then
kept or dropped by where it stands (line start, after a sentence end, behind a
short heading) and whether it starts or continues a sequence. Nesting comes
from a stack of open styles: a style already open makes a sibling, a new one a
child, so the hierarchy follows the document rather than a fixed ranking.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import regex

from .cells import line_end
from .errors import RuleError
from .model import Measure
from .rules import RULES_DIR, Field, check_list, check_mapping, compile_pattern, read_yaml

RULES_FILE = "numbering.yaml"

KINDS = frozenset({"chapter", "article", "section", "group", "item", "sub-item", "enumeration", "column"})
CONTEXTS = frozenset({"line_start", "sentence_end", "clause_end", "heading_follow"})

_TOP_SPEC = {
    "contexts": Field(dict),
    "toc_marker": Field(str, pattern=True),
    "toc_entry_tail": Field(str, pattern=True),
    "appendix_start": Field(str, pattern=True),
    "appendix_list": Field(str, pattern=True),
    "titles": Field(dict),
    "styles": Field(list),
}
_CONTEXT_SPEC = {
    "prefix": Field(str, pattern=True),
    "sentence_end": Field(str, pattern=True),
    "clause_end": Field(str, pattern=True),
    "heading_max": Field(int),
    "heading_breaks": Field(str, pattern=True),
}
_TITLE_SPEC = {
    "max_length": Field(int),
    "body_stops": Field(str, pattern=True),
    "kept_stops": Field(str, pattern=True),
    "sentence_marks": Field(str, pattern=True),
    "commas": Field(str, pattern=True),
    "trailing": Field(str, pattern=True),
    "column_stops": Field(str, pattern=True),
}
_STYLE_SPEC = {
    "name": Field(str),
    "kind": Field(str, choices=KINDS),
    "kind_under": Field(dict, required=False),
    "pattern": Field(str, pattern=True),
    "path": Field(str, choices=frozenset({"num", "label"})),
    "path_in_chapters": Field(str, required=False, choices=frozenset({"num", "label"})),
    "contexts": Field(list, items=str, choices=CONTEXTS),
    "leaf": Field(bool, required=False),
    "continues_anywhere": Field(bool, required=False),
    "sibling_when_open": Field(bool, required=False),
    "nests": Field(bool, required=False),
    "number_when_several": Field(bool, required=False),
    "annex": Field(bool, required=False),
}


@dataclass(frozen=True)
class Style:
    """One label style (`（一）`, `1.`, …) and how its labels nest."""

    name: str
    kind: str
    kind_under: tuple[tuple[str, str], ...]   # (parent kind, kind) overrides, e.g. (item, sub-item)
    path_from_label: bool                      # path component is the label as written, not the numeral
    path_from_label_in_chapters: bool          # the same, in a document with chapters
    contexts: frozenset[str]
    leaf: bool                                 # never holds children (一是 clauses)
    continues_anywhere: bool                   # may continue its numbering across parents (items 1..31)
    sibling_when_open: bool                    # a new one always closes the open one (专栏)
    nests: bool                                # restarting at 1 inside an open one nests in it (1. under 1.)
    number_when_several: bool                  # unnumbered siblings get 1, 2, … in the path
    annex: bool                                # an attached plan: title below, not a chapter of the document


@dataclass(frozen=True)
class NumberingRules:
    styles: tuple[Style, ...]
    candidates: regex.Pattern       # all styles as one alternation, group `s<i>` per style
    style_groups: tuple[int, ...]   # group number of `s<i>`
    num_group: int                  # group number of `num` (shared by the styles)
    doubtful_group: int | None
    line_start: regex.Pattern       # zero-width lookbehinds, matched at a candidate's start
    bare_line_start: bool           # the prefix may be empty: right after a line break is a line start
    sentence_end: regex.Pattern
    clause_end: regex.Pattern
    heading_max: int
    heading_breaks: regex.Pattern
    toc_marker: regex.Pattern
    toc_entry_tail: regex.Pattern
    appendix_start: regex.Pattern   # a line opening an annex: what follows numbers afresh
    appendix_list: regex.Pattern    # `附件：1．…` opens a list of attachments, no measures
    title_max: int
    body_stops: regex.Pattern
    kept_stops: regex.Pattern
    sentence_marks: regex.Pattern
    commas: regex.Pattern
    trailing: regex.Pattern
    column_stops: regex.Pattern


def load_rules(rules_dir: Path = RULES_DIR) -> NumberingRules:
    """Read and validate rules/numbering.yaml."""
    path = rules_dir / RULES_FILE
    root = read_yaml(path)
    top = check_mapping(root, _TOP_SPEC, path, RULES_FILE)
    ctx = check_mapping(root["contexts"], _CONTEXT_SPEC, path, "contexts")
    titles = check_mapping(root["titles"], _TITLE_SPEC, path, "titles")
    styles_node = root["styles"]
    checked = check_list(styles_node, path, "styles", lambda node, line: _check_style(node, path, line))
    line = getattr(styles_node, "line", None)
    if not checked:
        raise RuleError(path, line, "styles must not be empty")
    branches = "|".join(f"(?P<s{index}>{style['pattern']})" for index, style in enumerate(checked))
    candidates = compile_pattern(branches, path, line, "styles (combined)")
    styles = tuple(_style(style) for style in checked)

    def key_line(node, key):
        return node.key_lines.get(key, node.line)

    def lookbehind(key):
        return compile_pattern(f"(?<={ctx[key]})", path, key_line(root["contexts"], key), f"contexts.{key}")

    return NumberingRules(
        styles=styles,
        candidates=candidates,
        style_groups=tuple(candidates.groupindex[f"s{i}"] for i in range(len(styles))),
        num_group=candidates.groupindex["num"],
        doubtful_group=candidates.groupindex.get("doubtful"),
        line_start=compile_pattern(f"(?<=^{ctx['prefix']})", path, key_line(root["contexts"], "prefix"),
                                   "contexts.prefix", regex.MULTILINE),
        bare_line_start=regex.fullmatch(ctx["prefix"], "") is not None,
        sentence_end=lookbehind("sentence_end"),
        clause_end=lookbehind("clause_end"),
        heading_max=ctx["heading_max"],
        heading_breaks=regex.compile(ctx["heading_breaks"]),
        toc_marker=regex.compile(top["toc_marker"], regex.MULTILINE),
        toc_entry_tail=regex.compile(top["toc_entry_tail"]),
        appendix_start=regex.compile(top["appendix_start"], regex.MULTILINE),
        appendix_list=regex.compile(top["appendix_list"], regex.MULTILINE),
        title_max=titles["max_length"],
        body_stops=regex.compile(titles["body_stops"]),
        kept_stops=regex.compile(titles["kept_stops"]),
        sentence_marks=regex.compile(titles["sentence_marks"]),
        commas=regex.compile(titles["commas"]),
        trailing=regex.compile(titles["trailing"]),
        column_stops=regex.compile(titles["column_stops"]),
    )


def _check_style(node, path: Path, line: int | None) -> dict:
    style = check_mapping(node, _STYLE_SPEC, path, "styles[]")
    name = style["name"]
    pattern_line = node.key_lines.get("pattern", line)
    pattern = compile_pattern(style["pattern"], path, pattern_line, f"style {name}.pattern")
    if "num" not in pattern.groupindex:
        raise RuleError(path, pattern_line, f"style {name}.pattern must capture the numeral as (?P<num>...)")
    for parent, kind in style.get("kind_under", {}).items():
        if parent not in KINDS or kind not in KINDS:
            raise RuleError(path, node.key_lines.get("kind_under", line),
                            f"style {name}.kind_under: {parent!r}: {kind!r} is not kind: kind ({sorted(KINDS)})")
    return style


def _style(d: dict) -> Style:
    return Style(
        name=d["name"],
        kind=d["kind"],
        kind_under=tuple(d.get("kind_under", {}).items()),
        path_from_label=d["path"] == "label",
        path_from_label_in_chapters=d.get("path_in_chapters", d["path"]) == "label",
        contexts=frozenset(d["contexts"]),
        leaf=d.get("leaf", False),
        continues_anywhere=d.get("continues_anywhere", True),
        sibling_when_open=d.get("sibling_when_open", False),
        nests=d.get("nests", False),
        number_when_several=d.get("number_when_several", False),
        annex=d.get("annex", False),
    )


# --- numerals ---------------------------------------------------------------

_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_ZERO = frozenset("零〇")
_CN_UNITS = {"十": 10, "百": 100}
_CIRCLED = {chr(0x2460 + i): i + 1 for i in range(20)}                       # ①-⑳
_CIRCLED.update({chr(0x3251 + i): i + 21 for i in range(15)})                # ㉑-㉟
_CIRCLED.update({chr(0x32B1 + i): i + 36 for i in range(15)})                # ㊱-㊿


def numeral_value(numeral: str) -> int | None:
    """The whole number a label numeral stands for (`十二` → 12, `１２` → 12, `③` → 3), or None."""
    folded = numeral.translate(_FULLWIDTH_DIGITS)
    if folded.isascii():
        return int(folded) if folded.isdigit() and int(folded) > 0 else None
    if len(numeral) == 1 and numeral in _CIRCLED:
        return _CIRCLED[numeral]
    return _chinese_value(numeral)


def _chinese_value(numeral: str) -> int | None:
    value, digit, last_unit = 0, None, 1000
    for ch in numeral:
        if ch in _CN_DIGITS:
            if digit is not None:
                return None          # 一二: two digits in a row
            digit = _CN_DIGITS[ch]
        elif ch in _CN_ZERO:
            if digit is not None or last_unit != 100:
                return None          # 零 only bridges a gap: 一百零五
        elif ch in _CN_UNITS:
            unit = _CN_UNITS[ch]
            if unit >= last_unit:
                return None          # 十十, 十百
            if digit is None:
                if unit != 10 or value:
                    return None      # 百 needs a digit; 十 alone means 1×10 only at the start
                digit = 1
            value += digit * unit
            digit, last_unit = None, unit
        else:
            return None
    value += digit or 0
    return value or None


# --- segmentation -----------------------------------------------------------

class _Candidate(NamedTuple):
    """A label-shaped string (a tuple: documents have tens of thousands of them)."""

    start: int
    end: int
    style: int
    value: int | None
    numeral: str | None
    doubtful: bool     # could be something else (11.121 is a decimal or label 11. + 121)


class _Accepted(NamedTuple):
    candidate: _Candidate
    parent: int | None      # index into the accepted list
    kind: str
    starts_line: bool       # the label stands at a line start (its `#`/indent before it)


# A NamedTuple's own constructor is a Python function: the hot loops build their tuples directly.
_tuple = tuple.__new__


@dataclass(slots=True)
class _Open:
    index: int        # into the measures list
    style: int
    value: int | None
    kind: str


def _candidates(text: str, rules: NumberingRules) -> list[_Candidate]:
    found = []
    append = found.append
    groups = rules.style_groups
    several = len(groups) > 1
    num, doubtful_group = rules.num_group, rules.doubtful_group
    values: dict[str, int | None] = {}   # a plan repeats the same few numerals
    for m in rules.candidates.finditer(text):
        numeral = m.group(num)
        if numeral:
            if numeral in values:
                value = values[numeral]
            else:
                value = values[numeral] = numeral_value(numeral)
            if value is None:
                continue             # label-shaped but not a number (一二、)
        else:
            value = None
        start, end = m.span()
        # the style's group is the one that matched: it spans the whole candidate
        style = m.start(*groups).index(start) if several else 0
        doubtful = doubtful_group is not None and m.start(doubtful_group) >= 0
        append(_tuple(_Candidate, (start, end, style, value, numeral, doubtful)))
    return found


def _toc_spans(text: str, cands: list[_Candidate], rules: NumberingRules) -> list[tuple[int, int]]:
    """Spans of tables of contents: from a 目录 line to where its first heading recurs at a line start."""
    spans = []
    starts: list[int] = []
    for marker in rules.toc_marker.finditer(text):
        starts = starts or [c.start for c in cands]
        i = bisect_right(starts, marker.end())
        if i == len(cands):
            continue
        first = cands[i]
        stop = line_end(text, first.end)
        if i + 1 < len(cands):
            stop = min(stop, cands[i + 1].start)
        key = _heading_key(text[first.end:stop], rules)
        label = text[first.start:first.end]
        # the same label and heading again; failing that, the same label at a line start
        recurrences = [c for c in cands[i + 1:]
                       if text[c.start:c.end] == label and rules.line_start.match(text, c.start)]
        end = next((c.start for c in recurrences
                    if _heading_key(text[c.end:line_end(text, c.end)], rules).startswith(key)),
                   recurrences[0].start if recurrences else None)
        if end is not None:
            spans.append((marker.start(), end))
    return spans


def _attachment_lists(text: str, rules: NumberingRules) -> list[tuple[int, int]]:
    """Spans of attachment lists (`附件：1．申请表` and the lines after it up to a blank line
    or an annex)."""
    spans = []
    for m in rules.appendix_list.finditer(text):
        end = text.find("\n\n", m.end())
        annex = rules.appendix_start.search(text, m.end())
        ends = [e for e in (end, annex.start() if annex else -1) if e >= 0]
        spans.append((m.start(), min(ends, default=len(text))))
    return spans


def _heading_key(heading: str, rules: NumberingRules) -> str:
    return rules.toc_entry_tail.sub("", "".join(heading.split()))


def _in_spans(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


def _follows_heading(text: str, prev_end: int, start: int, rules: NumberingRules) -> bool:
    """True when only a short heading stands between the previous label and this one."""
    gap = text[prev_end:start]
    if "\n" in gap:
        return False
    heading = gap.strip()
    return 0 < len(heading) <= rules.heading_max and not rules.heading_breaks.search(heading)


def segment(text: str, rules: NumberingRules) -> list[Measure]:
    """The measures of a normalized document, in text order."""
    cands = _candidates(text, rules)
    attachment_lists = _attachment_lists(text, rules)
    skipped = _toc_spans(text, cands, rules) + attachment_lists
    annexes = [m.start() for m in rules.appendix_start.finditer(text)]
    back_matter = sorted([*annexes, *(start for start, _ in attachment_lists)])
    styles = rules.styles
    contexts = [(("line_start" in s.contexts), ("sentence_end" in s.contexts), ("clause_end" in s.contexts),
                 ("heading_follow" in s.contexts))
                for s in styles]
    leaves = [s.leaf for s in styles]
    line_start, sentence_end, clause_end = rules.line_start.match, rules.sentence_end.match, rules.clause_end.match
    bare_line_start = rules.bare_line_start
    accepted: list[_Accepted] = []
    stack: list[_Open] = []
    last_value: dict[int, int] = {}
    prev_end = -1

    for k, c in enumerate(cands):
        start, style_index, value = c.start, c.style, c.value
        if skipped and _in_spans(start, skipped):
            continue
        if annexes and annexes[0] <= start:
            while annexes and annexes[0] <= start:
                annexes.pop(0)
            stack.clear()                # an annex numbers afresh, at the top
        style = styles[style_index]
        by_line, by_sentence, by_clause, by_heading = contexts[style_index]
        # most labels stand right after a line break: no lookbehind needed then
        starts_line = ((bare_line_start and (not start or text[start - 1] == "\n"))
                       or line_start(text, start) is not None)
        if c.doubtful and not (_continues(c, style, stack, last_value) if value != 1
                               else starts_line and _opens_a_list(cands, k, text, rules)):
            continue
        if not (starts_line and by_line):
            # mid-line, a decimal-shaped label (`不超过2.5公里`) needs a sentence end before it:
            # behind a comma clause taken for a heading it is a number
            placed = ((by_sentence and sentence_end(text, start))
                      or not c.doubtful and ((by_clause and clause_end(text, start))
                                             or (by_heading and prev_end >= 0
                                                 and _follows_heading(text, prev_end, start, rules))))
            if not placed or value is None or not (value == 1 or _continues(c, style, stack, last_value)):
                continue

        while stack and leaves[stack[-1].style]:
            stack.pop()
        target = _sibling_of(c, style, stack) if stack else None
        if target is not None:
            del stack[target:]
        if stack:
            parent = stack[-1]
            kind = _kind_under(style, parent.kind) if style.kind_under else style.kind
            parent_index = parent.index
        else:
            kind, parent_index = style.kind, None
        stack.append(_Open(len(accepted), style_index, value, kind))
        accepted.append(_tuple(_Accepted, (c, parent_index, kind, starts_line)))
        if value is not None:
            last_value[style_index] = value
        prev_end = c.end

    return _build(text, accepted, back_matter, rules)


def _opens_a_list(cands: list[_Candidate], k: int, text: str, rules: NumberingRules) -> bool:
    """A doubtful `1.` at a line start (`1.5G网络覆盖工程`) opens a list when the next label
    of its style at a line start is `2.`; otherwise it is a number (`1.6亿千瓦…`)."""
    c = cands[k]
    for later in cands[k + 1:]:
        if later.style == c.style and rules.line_start.match(text, later.start):
            return later.value == 2
    return False


def _kind_under(style: Style, parent_kind: str) -> str:
    for under, kind in style.kind_under:
        if under == parent_kind:
            return kind
    return style.kind


def _continues(c: _Candidate, style: Style, stack: list[_Open], last_value: dict[int, int]) -> bool:
    """The label continues a list open here, or anywhere in the document for item-like styles."""
    if c.value is None:
        return False
    if any(o.style == c.style and o.value == c.value - 1 for o in stack):
        return True
    return style.continues_anywhere and last_value.get(c.style) == c.value - 1


def _sibling_of(c: _Candidate, style: Style, stack: list[_Open]) -> int | None:
    """Stack position this label replaces as a sibling, or None to nest it under the top."""
    innermost = None                 # the innermost open label of this style
    for i in range(len(stack) - 1, -1, -1):
        if stack[i].style != c.style:
            continue
        if innermost is None:
            innermost = i
            if style.sibling_when_open:
                return i
            if c.value == 1:
                # a sub-list inside an item, or a new run of sections (an attached plan after its notice)
                return None if style.nests else i
        if stack[i].value is not None and stack[i].value == c.value - 1:
            return i
    return innermost                 # out of sequence at a line start: still its style's next sibling


def _build(text: str, accepted: list[_Accepted], back_matter: list[int], rules: NumberingRules) -> list[Measure]:
    styles = rules.styles
    labels = [text[a.candidate.start:a.candidate.end] for a in accepted]
    components = _path_components(accepted, labels, styles)
    _number_unnumbered(accepted, components, styles)

    measures: list[Measure] = []
    append = measures.append
    # where each measure's own text stops: the next label, or the line it stands on; and the
    # back matter after the body (`附件：重点项目表`, an annex; `back_matter`, their starts) is no measure's
    next_starts = [(a.candidate.start, a.starts_line) for a in accepted[1:]]
    next_starts.append((len(text), rules.line_start.match(text, len(text)) is not None))
    for ordinal, ((c, parent, kind, _), (nxt, nxt_starts_line)) in enumerate(zip(accepted, next_starts)):
        later = bisect_right(back_matter, c.start)
        if later < len(back_matter) and back_matter[later] < nxt:
            nxt, nxt_starts_line = back_matter[later], True
        end = _span_end(text, c.start, nxt, nxt_starts_line)
        title_stop = text.find("\n", c.end, nxt)
        rest = text[c.end:nxt if title_stop < 0 else title_stop]
        style = styles[c.style]
        if style.annex:
            title = _title_below(text, c.end, nxt, rules)
        else:
            title = _column_title(rest, rules) if style.kind == "column" else _title(rest, rules)
        if parent is None:
            path, level = components[ordinal], 1
        else:
            up = measures[parent]
            path, level = f"{up.path}/{components[ordinal]}", up.level + 1
        append(Measure(ordinal, parent, path, labels[ordinal].strip(), level, kind, title, c.start, end))
    return measures


def _path_components(accepted: list[_Accepted], labels: list[str], styles: tuple[Style, ...]) -> list[str]:
    """Each label's path component: its numeral or the label as written (per style, and per
    whether the document has chapters), blanks dropped, digits folded."""
    in_chapters = any(a.kind == "chapter" and not styles[a.candidate.style].annex for a in accepted)
    known: dict[str, str] = {}       # a plan repeats the same few labels
    components = []
    for a, label in zip(accepted, labels):
        style = styles[a.candidate.style]
        from_label = style.path_from_label_in_chapters if in_chapters else style.path_from_label
        written = label if from_label else a.candidate.numeral
        component = known.get(written)
        if component is None:
            component = known[written] = "".join(written.split()).translate(_FULLWIDTH_DIGITS)
        components.append(component)
    return components


def _number_unnumbered(accepted, components: list[str], styles: tuple[Style, ...]) -> None:
    """Several unnumbered boxes in one measure become 专栏1, 专栏2, … in their paths."""
    by_parent: dict[tuple[int | None, int], list[int]] = {}
    for ordinal, (c, parent, _, _) in enumerate(accepted):
        if c.value is None and styles[c.style].number_when_several:
            by_parent.setdefault((parent, c.style), []).append(ordinal)
    for ordinals in by_parent.values():
        if len(ordinals) > 1:
            for n, ordinal in enumerate(ordinals, start=1):
                components[ordinal] = f"{components[ordinal]}{n}"


def _span_end(text: str, start: int, next_start: int, next_starts_line: bool) -> int:
    """End of a measure's own text: the next label's line (its `#`/indent included), trailing blanks dropped."""
    line_start = text.rfind("\n", start, next_start) + 1
    end = line_start if line_start > start and next_starts_line else next_start
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def _title(rest: str, rules: NumberingRules) -> str | None:
    rest = rest.strip()
    if _heading_only(rest, rules):
        return _short(rules.trailing.sub("", rest), rules)
    cut = len(rest)
    stop = rules.body_stops.search(rest)
    if stop:
        cut = stop.start()
    kept = rules.kept_stops.search(rest, 0, cut)
    if kept:
        cut = kept.end()
    return _short(rest[:cut], rules)


def _heading_only(rest: str, rules: NumberingRules) -> bool:
    """A line that is only a heading: no sentence inside it, and no comma unless it is a
    question or has no closing punctuation at all (`强化源头防控，夯实绿色发展基础`)."""
    if not rest or rules.sentence_marks.search(rest, 0, len(rest) - 1):
        return False
    if not rules.commas.search(rest):
        return True
    if rules.kept_stops.fullmatch(rest[-1]):
        return True
    return len(rest) <= rules.title_max and not rules.trailing.search(rest)


_BLANK_LINE = regex.compile(r"\n[ \t\u3000]*\n")


def _title_below(text: str, end: int, stop: int, rules: NumberingRules) -> str | None:
    """The lines under a label alone on its line, up to a blank line (an attached plan's title
    and its period line: `辽宁省…行动方案` / `（2025—2027年）`)."""
    block = text[end:stop].strip()
    blank = _BLANK_LINE.search(block)
    return _short("".join(line.strip() for line in block[:blank.start() if blank else len(block)].splitlines()), rules)


def _column_title(rest: str, rules: NumberingRules) -> str | None:
    rest = rest.lstrip()
    stop = rules.column_stops.search(rest)
    return _short(rest[:stop.start()] if stop else rest, rules)


def _short(title: str, rules: NumberingRules) -> str | None:
    title = title.strip()
    return title if 0 < len(title) <= rules.title_max else None
