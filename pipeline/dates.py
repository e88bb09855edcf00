"""Date expressions (guide §5): deadlines, periods, points in time and recurring terms.

One regex pass over the document: the patterns of rules/dates.yaml joined into
one alternation, with the masks (titles in 《》, document numbers, links) as a
first alternative that consumes what it covers, so that no date is read there;
tried only near the anchors the rules name (see pipeline/anchored.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import regex

from .anchored import AnchoredPattern
from .errors import RuleError
from .model import DateMention
from .rules import RULES_DIR, Field, check_list, check_mapping, compile_pattern, read_yaml
from .targets import parse_number

RULES_FILE = "dates.yaml"
KINDS = frozenset({"deadline", "period", "point", "recurring"})

_TOP_SPEC = {
    "parts": Field(dict),
    "patterns": Field(list),
    "masks": Field(list, items=str, pattern=True),
    "identifier_before": Field(str, pattern=True),
    "identifier_after": Field(str, pattern=True),
    "years": Field(dict),
    "five_year_plan": Field(dict),
    "anchor": Field(dict),
}
_PATTERN_SPEC = {"kind": Field(str, choices=KINDS), "pattern": Field(str)}
_YEARS_SPEC = {"min": Field(int), "max": Field(int)}
_PLAN_SPEC = {"ordinal": Field(int), "first_year": Field(int), "earliest_ordinal": Field(int)}
_ANCHOR_SPEC = {"pattern": Field(str), "reach": Field(int), "first_chars": Field(str)}
_BLANKS = " \t"     # may stand between an anchor and the start of a match, beyond `reach`
_PART = regex.compile(r"\{([a-z_]+)\}")
_PARTS = ("plan", "year", "year_end", "span", "month", "day")    # what a mention is read from


@dataclass(frozen=True)
class DateRules:
    scanner: AnchoredPattern        # masks first, then one group p0, p1, … per pattern
    kinds: tuple[str, ...]          # kind of pattern i
    kind_groups: tuple[int, ...]    # group number of p<i>
    part_groups: tuple[int, ...]    # group numbers of _PARTS (regex looks a name up at every call)
    identifier_before: regex.Pattern
    identifier_after: regex.Pattern
    year_min: int
    year_max: int
    plan_ordinal: int
    plan_first_year: int
    plan_earliest: int


def load_rules(rules_dir: Path = RULES_DIR) -> DateRules:
    """Read and compile rules/dates.yaml; a malformed entry raises RuleError naming its line."""
    path = Path(rules_dir) / RULES_FILE
    node = read_yaml(path)
    top = check_mapping(node, _TOP_SPEC, path, "dates rules")
    parts = _parts(top["parts"], path)
    patterns = check_list(top["patterns"], path, "patterns",
                          lambda item, line: (check_mapping(item, _PATTERN_SPEC, path, "pattern"),
                                              item.key_lines["pattern"]))
    alternatives, kinds = [], []
    for i, (entry, line) in enumerate(patterns):
        source = _expand(entry["pattern"], parts, path, line)
        compile_pattern(source, path, line, "pattern")
        alternatives.append(f"(?P<p{i}>{source})")
        kinds.append(entry["kind"])
    masks = "|".join(f"(?:{m})" for m in top["masks"])
    scanner = compile_pattern(f"(?P<mask>{masks})|" + "|".join(alternatives), path, node.line, "patterns")
    missing = [name for name in _PARTS if name not in scanner.groupindex]
    if missing:
        raise RuleError(path, node.line, f"patterns capture no {', '.join(missing)} (every date is read from them)")
    anchor = check_mapping(top["anchor"], _ANCHOR_SPEC, path, "anchor")
    try:
        anchor_pattern = re.compile(anchor["pattern"])
    except re.error as exc:
        line = getattr(top["anchor"], "key_lines", {}).get("pattern", node.line)
        raise RuleError(path, line, f"anchor.pattern: bad pattern {anchor['pattern']!r}: {exc}") from exc
    years = check_mapping(top["years"], _YEARS_SPEC, path, "years")
    plan = check_mapping(top["five_year_plan"], _PLAN_SPEC, path, "five_year_plan")
    key_lines = node.key_lines
    return DateRules(
        scanner=AnchoredPattern(scanner, anchor_pattern, _BLANKS, anchor["reach"], anchor["first_chars"]),
        kinds=tuple(kinds),
        kind_groups=tuple(scanner.groupindex[f"p{i}"] for i in range(len(kinds))),
        part_groups=tuple(scanner.groupindex[name] for name in _PARTS),
        identifier_before=compile_pattern(top["identifier_before"], path, key_lines["identifier_before"], "identifier_before"),
        identifier_after=compile_pattern(top["identifier_after"], path, key_lines["identifier_after"], "identifier_after"),
        year_min=years["min"],
        year_max=years["max"],
        plan_ordinal=plan["ordinal"],
        plan_first_year=plan["first_year"],
        plan_earliest=plan["earliest_ordinal"],
    )


def _parts(node, path: Path) -> dict[str, str]:
    lines = getattr(node, "key_lines", {})
    for name, source in node.items():
        compile_pattern(source, path, lines.get(name), f"parts.{name}")
    return dict(node)


def _expand(source: str, parts: dict[str, str], path: Path, line: int | None) -> str:
    def part(m: regex.Match) -> str:
        if m.group(1) not in parts:
            raise RuleError(path, line, f"unknown part {{{m.group(1)}}} (defined: {', '.join(sorted(parts))})")
        return parts[m.group(1)]
    return _PART.sub(part, source)


def find_dates(text: str, rules: DateRules) -> list[DateMention]:
    """Every date expression of `text`, in text order."""
    found = []
    mask = rules.scanner.pattern.groupindex["mask"]
    groups = rules.kind_groups
    for m in rules.scanner.finditer(text):
        if m.start(mask) >= 0:
            continue
        start, end = m.span()
        if _glued(text, start, end, rules):
            continue
        # the pattern's group is the one that matched: it spans the whole mention
        kind = rules.kinds[m.start(*groups).index(start) if len(groups) > 1 else 0]
        mention = _mention(kind, m, rules)
        if mention is not None:
            found.append(mention)
    return found


def _glued(text: str, start: int, end: int, rules: DateRules) -> bool:
    """A year that is part of an identifier (GB 3095-2012) is not a date."""
    if start and text[start].isdigit() and rules.identifier_before.match(text[start - 1]):
        return True
    return end < len(text) and text[end - 1].isdigit() and bool(rules.identifier_after.match(text[end]))


def _mention(kind: str, m: regex.Match, rules: DateRules) -> DateMention | None:
    mention = DateMention(kind=kind, text=m.group(), char_start=m.start(), char_end=m.end())
    if kind == "recurring":
        return mention
    plan, year, year_end, span, month, day = m.group(*rules.part_groups)
    if plan:
        ordinal = parse_number(plan)
        if ordinal is None or ordinal < rules.plan_earliest:
            return None
        mention.year = rules.plan_first_year + 5 * (int(ordinal) - rules.plan_ordinal)
        mention.year_end = mention.year + 4
        return mention
    mention.year = _year(year)
    if not rules.year_min <= mention.year <= rules.year_max:
        return None
    if year_end:
        mention.year_end = _year(year_end)
        if not mention.year < mention.year_end <= rules.year_max:
            return None          # 2015-2012 is no period: an identifier or a typo
    elif span:
        mention.year_end = mention.year + int(parse_number(span) or 1) - 1
    if month:
        mention.month = int(parse_number(month) or 0)
        if day:
            mention.day = int(parse_number(day) or 0)
        if not 1 <= mention.month <= 12 or (mention.day is not None and not 1 <= mention.day <= 31):
            return None
    return mention


def _year(written: str) -> int:
    """`2025`, `２０２５` and `二〇二五` are read digit by digit."""
    return int(parse_number(written, positional=True))
