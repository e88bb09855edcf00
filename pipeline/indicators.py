"""Indicator tables (主要指标) written out line by line: the numbers under a target
year's column are targets of that year (rules/indicators.yaml).

A row's number alone is no quantity for the prose scanner of targets.py: here the
table gives what the text around a number would, its unit (the unit column or the
name's `（%）`), its subject (the indicator's name) and its year (the column's).
Comparators and measure words are those of targets.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import regex

from .cells import Cell, line_cells, line_end
from .errors import RuleError
from .model import Target
from .rules import RULES_DIR, Field, check_mapping, read_yaml
from .targets import TargetRules, parse_number

RULES_FILE = "indicators.yaml"

_SPEC = {
    "cell_separator": Field(str, pattern=True),
    "name_column": Field(str, pattern=True),
    "unit_column": Field(str, pattern=True),
    "year_column": Field(str, pattern=True),
    "year": Field(str, pattern=True),
    "baseline_column": Field(str, pattern=True),
    "target_column": Field(str, pattern=True),
    "unit_in_name": Field(str, pattern=True),
    "name_label": Field(str, pattern=True),
    "table_end": Field(str, pattern=True),
    "category_max": Field(int),
    "cumulative_brackets": Field(list, items=str),
}
_SENTENCE_PUNCTUATION = regex.compile(r"[。；;，,！？]")


@dataclass(frozen=True)
class IndicatorRules:
    cell_separator: regex.Pattern
    name_column: regex.Pattern
    unit_column: regex.Pattern
    year_column: regex.Pattern
    year: regex.Pattern
    baseline_column: regex.Pattern
    target_column: regex.Pattern
    unit_in_name: regex.Pattern
    name_label: regex.Pattern
    table_end: regex.Pattern
    category_max: int
    brackets: dict[str, str]           # opening → closing
    value: regex.Pattern               # a cell's number, with the comparators and units of targets.yaml
    targets: TargetRules


def load_rules(target_rules: TargetRules, rules_dir: Path = RULES_DIR) -> IndicatorRules:
    """Read and compile rules/indicators.yaml; a malformed entry raises RuleError naming its line."""
    path = Path(rules_dir) / RULES_FILE
    node = read_yaml(path)
    top = check_mapping(node, _SPEC, path, "indicator rules")
    lines = node.key_lines
    if "unit" not in regex.compile(top["unit_in_name"]).groupindex:
        raise RuleError(path, lines["unit_in_name"], "unit_in_name must capture the unit as (?P<unit>…)")
    pairs = top["cumulative_brackets"]
    if any(len(pair) != 2 for pair in pairs):
        raise RuleError(path, lines["cumulative_brackets"], "each cumulative bracket is an opening and a closing character")
    return IndicatorRules(
        **{key: regex.compile(top[key]) for key, spec in _SPEC.items() if spec.pattern},
        category_max=top["category_max"],
        brackets={pair[0]: pair[1] for pair in pairs},
        value=_value_pattern(target_rules),
        targets=target_rules,
    )


@dataclass(frozen=True)
class _Header:
    width: int
    name: int                         # column of the indicator's name
    unit: int | None                  # column of its unit, if any
    targets: tuple[tuple[int, int], ...]   # (column, year) of each target year


def find_indicator_targets(text: str, rules: IndicatorRules) -> tuple[list[Target], list[tuple[int, int]]]:
    """The targets of every indicator table, in text order, and the spans of the tables'
    rows (where the prose scanner's quantities give way to the table's)."""
    targets: list[Target] = []
    spans: list[tuple[int, int]] = []
    read_to = 0
    for hint in rules.name_column.finditer(text):
        line_start = text.rfind("\n", 0, hint.start()) + 1
        if line_start < read_to:
            continue
        header = _header(line_cells(text, line_start, rules.cell_separator), rules)
        if header is None:
            continue
        row_start = line_end(text, line_start) + 1
        while row_start <= len(text):
            end = line_end(text, row_start)
            line = text[row_start:end]
            if rules.table_end.match(line):
                break
            cells = line_cells(text, row_start, rules.cell_separator)
            if cells and _header(cells, rules) is not None:
                break                                 # the next table
            if cells:
                row = _aligned(cells, header)
                if row is not None:
                    targets += _row_targets(text, row, header, rules)
                    spans.append((row_start, end))
            elif len(line.strip()) > rules.category_max or _SENTENCE_PUNCTUATION.search(line):
                break                                 # prose: the table is over
            row_start = end + 1
        read_to = row_start
    return targets, spans


def _header(cells: list[Cell], rules: IndicatorRules) -> _Header | None:
    names = [k for k, cell in enumerate(cells) if rules.name_column.fullmatch(cell.text)]
    units = [k for k, cell in enumerate(cells) if rules.unit_column.fullmatch(cell.text)]
    years = [(k, cell.text) for k, cell in enumerate(cells) if k not in names and rules.year_column.fullmatch(cell.text)]
    if len(names) != 1 or not years:
        return None
    marked = [k for k, label in years if rules.target_column.search(label)]
    baselines = {k for k, label in years if rules.baseline_column.search(label)}
    if not marked and not baselines and len(years) > 1:
        baselines = {years[0][0]}         # 2025年　2030年: the first is where the plan starts from
    targets = tuple((k, int(rules.year.findall(label)[-1])) for k, label in years
                    if k not in baselines or k in marked)
    return _Header(len(cells), names[0], units[0] if units else None, targets) if targets else None


def _aligned(cells: list[Cell], header: _Header) -> list[Cell | None] | None:
    """The row's cells under the header's columns. A category cell merged over several
    rows is written once: a row short of columns before the name lacks them, one with
    more has them; other widths are not this table's rows."""
    missing = header.width - len(cells)
    if missing == 0:
        return list(cells)
    if 0 < missing <= header.name:
        return [None] * missing + list(cells)
    if -2 <= missing < 0:
        return list(cells[-missing:])
    return None


def _row_targets(text: str, row: list[Cell | None], header: _Header, rules: IndicatorRules) -> list[Target]:
    name_cell = row[header.name]
    if name_cell is None:
        return []
    name = rules.name_label.sub("", name_cell.text).strip()
    column_unit = row[header.unit].text.strip() if header.unit is not None and row[header.unit] else None
    if column_unit is None and (m := rules.unit_in_name.search(name)):
        column_unit, name = m.group("unit"), name[:m.start()]
    targets = []
    for column, year in header.targets:
        cell = row[column]
        quantity = _quantity(text, cell, rules) if cell is not None else None
        if quantity is None:
            continue
        m, start, end = quantity
        factor, unit = _unit(m.group("unit") or column_unit, rules.targets)
        number = parse_number(m.group("num"))
        if unit is None or number is None:
            continue
        amount = round(number * factor, 6)
        comparator = rules.targets.prefixes.get(m.group("pre")) or rules.targets.suffixes.get(m.group("suf")) or "eq"
        targets.append(Target(quantity_text=text[start:end], value_min=amount, value_max=amount,
                              comparator=comparator, unit=unit, per=None, subject=name or None,
                              char_start=start, char_end=end, year=year))
    return targets


def _quantity(text: str, cell: Cell, rules: IndicatorRules) -> tuple[regex.Match, int, int] | None:
    """The cell's number with its comparator and unit, and the span of its text: within a
    cumulative bracket (〔6.5〕), the bracket's content."""
    start, end = cell.start, cell.end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end - start >= 2 and rules.brackets.get(text[start]) == text[end - 1]:
        start, end = start + 1, end - 1
    m = rules.value.fullmatch(text, start, end)
    return (m, start, end) if m else None


def _value_pattern(target_rules: TargetRules) -> regex.Pattern:
    """A cell's number: [prefix comparator] Arabic number [unit] [suffix comparator]."""
    def alternation(words):
        return "|".join(regex.escape(w) for w in sorted(words, key=len, reverse=True))
    units = [*target_rules.units, *(scale + unit for scale in target_rules.scales for unit in target_rules.units)]
    return regex.compile(f"(?:(?P<pre>{alternation(target_rules.prefixes)})[ \t]*)?"
                         r"(?P<num>[0-9０-９]+(?:[.．][0-9０-９]+)?)"
                         f"(?P<unit>{alternation(units)})?(?P<suf>{alternation(target_rules.suffixes)})?")


def _unit(written: str | None, target_rules: TargetRules) -> tuple[float, str | None]:
    """(factor, unit) of a unit as written: `万吨` → (10000, 吨), `%` → (1, %); a unit
    not in targets.yaml stays as written (the table says what it is)."""
    if not written or not any(ch.isalpha() or ch in "%‰％" for ch in written):
        return 1, None                       # `—`, `-`: no unit
    units = target_rules.units
    if written in units:
        return 1, units[written]
    for scale in sorted(target_rules.scales, key=len, reverse=True):
        rest = written[len(scale):]
        if written.startswith(scale) and rest:
            return target_rules.scales[scale], units.get(rest, rest)
    return 1, written
