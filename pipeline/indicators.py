"""Indicator tables (主要指标) written out line by line: the numbers under a target
year's column are targets of that year (rules/indicators.yaml).

A row's number alone is no quantity for the prose scanner of targets.py: here the
table gives what the text around a number would, its unit (the unit column or the
name's `（%）`), its subject (the indicator's name) and its year (the column's).
Comparators and measure words are those of targets.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import regex

from .cells import Cell, line_cells, line_end, table_headers
from .errors import RuleError
from .model import Target
from .rules import RULES_DIR, Field, check_mapping, read_yaml
from .targets import TargetRules, alternation, parse_number

RULES_FILE = "indicators.yaml"

_SPEC = {
    "cell_separator": Field(str, pattern=True),
    "name_column": Field(str, pattern=True),
    "unit_column": Field(str, pattern=True),
    "item_column": Field(str, pattern=True),
    "header_words": Field(str, pattern=True),
    "figure_column": Field(str, pattern=True),
    "year_column": Field(str, pattern=True),
    "year": Field(str, pattern=True),
    "baseline_column": Field(str, pattern=True),
    "target_column": Field(str, pattern=True),
    "unit_in_name": Field(str, pattern=True),
    "name_label": Field(str, pattern=True),
    "table_end": Field(str, pattern=True),
    "category_max": Field(int),
    "number_like": Field(str, pattern=True),
    "cumulative_brackets": Field(list, items=str),
}
_SENTENCE_PUNCTUATION = regex.compile(r"[。；;，,！？]")


@dataclass(frozen=True)
class IndicatorRules:
    cell_separator: regex.Pattern
    name_column: regex.Pattern
    unit_column: regex.Pattern
    item_column: regex.Pattern
    figure_column: regex.Pattern       # with (?P<subject>…) and (?P<unit>…)
    year_column: regex.Pattern
    year: regex.Pattern
    baseline_column: regex.Pattern
    target_column: regex.Pattern
    unit_in_name: regex.Pattern
    name_label: regex.Pattern
    table_end: regex.Pattern
    category_max: int
    number_like: regex.Pattern         # a cell that holds a figure, or a dash for none
    brackets: dict[str, str]           # opening → closing
    header_hint: regex.Pattern         # a header word ending a cell: where a header may stand
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
    if not {"subject", "unit"} <= set(regex.compile(top["figure_column"]).groupindex):
        raise RuleError(path, lines["figure_column"], "figure_column must capture (?P<subject>…) and (?P<unit>…)")
    pairs = top["cumulative_brackets"]
    if any(len(pair) != 2 for pair in pairs):
        raise RuleError(path, lines["cumulative_brackets"], "each cumulative bracket is an opening and a closing character")
    return IndicatorRules(
        # (header_words only builds header_hint)
        **{key: regex.compile(top[key]) for key, spec in _SPEC.items() if spec.pattern and key != "header_words"},
        category_max=top["category_max"],
        brackets={pair[0]: pair[1] for pair in pairs},
        header_hint=regex.compile(f"(?:{top['header_words']})\\p{{Han}}{{0,2}}(?={top['cell_separator']})"),
        value=_value_pattern(target_rules),
        targets=target_rules,
    )


@dataclass(frozen=True)
class _TargetColumn:
    column: int
    year: int | None                  # an indicator table's target year
    subject: str | None               # an item list's figure: `总投资（亿元）` → 总投资, 亿元
    unit: str | None


@dataclass(frozen=True)
class _Header:
    width: int
    name: int                         # column of the indicator's (or item's) name
    unit: int | None                  # column of its unit, if any
    figures: frozenset[int]           # columns that hold figures (baseline years included)
    targets: tuple[_TargetColumn, ...]
    whole_rows: bool                  # the table's reading replaces the prose scanner's in whole rows, not in its cells


def find_indicator_targets(text: str, rules: IndicatorRules) -> tuple[list[Target], list[tuple[int, int]]]:
    """The targets of every indicator table and item list, in text order, and the spans
    where the prose scanner's quantities give way to the tables' (an indicator table's
    rows, an item list's figure cells)."""
    targets: list[Target] = []
    spans: list[tuple[int, int]] = []
    read_to = 0
    for line_start, header in table_headers(text, rules.header_hint.finditer(text), rules.cell_separator,
                                            lambda cells: _header(cells, rules)):
        if line_start < read_to:
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
                row = _aligned(cells, header, rules)
                if row is not None:
                    targets += _row_targets(text, row, header, rules)
                    spans += ([(row_start, end)] if header.whole_rows else
                              [(cell.start, cell.end) for t in header.targets if (cell := row[t.column])])
            elif len(line.strip()) > rules.category_max or _SENTENCE_PUNCTUATION.search(line):
                break                                 # prose: the table is over
            row_start = end + 1
        read_to = row_start
    return targets, spans


def _header(cells: list[Cell], rules: IndicatorRules) -> _Header | None:
    """An indicator table's header (a name column and year columns) or an item list's
    (an item column and columns of figures with their unit, `总投资（亿元）`)."""
    units = [k for k, cell in enumerate(cells) if rules.unit_column.fullmatch(cell.text)]
    unit = units[0] if units else None
    names = [k for k, cell in enumerate(cells) if rules.name_column.fullmatch(cell.text)]
    if len(names) == 1:
        return _indicator_header(cells, names[0], unit, rules)
    items = [k for k, cell in enumerate(cells) if rules.item_column.fullmatch(cell.text)]
    figures = [(k, m) for k, cell in enumerate(cells) if k not in items and (m := rules.figure_column.fullmatch(cell.text))]
    if len(items) != 1 or not figures:
        return None
    return _Header(len(cells), items[0], unit, frozenset(k for k, _ in figures),
                   tuple(_TargetColumn(k, None, m.group("subject"), m.group("unit")) for k, m in figures),
                   whole_rows=False)


def _indicator_header(cells: list[Cell], name: int, unit: int | None, rules: IndicatorRules) -> _Header | None:
    years = [(k, cell.text) for k, cell in enumerate(cells) if k != name and rules.year_column.fullmatch(cell.text)]
    marked = {k for k, label in years if rules.target_column.search(label)}
    baselines = {k for k, label in years if rules.baseline_column.search(label)} - marked
    if marked:
        baselines = {k for k, _ in years} - marked        # 2025年　2027年目标: only the target's
    elif not baselines and len(years) > 1:
        baselines = {years[0][0]}         # 2025年　2030年: the first is where the plan starts from
    targets = tuple(_TargetColumn(k, int(rules.year.findall(label)[-1]), None, None)
                    for k, label in years if k not in baselines)
    if not targets:
        return None
    return _Header(len(cells), name, unit, frozenset(k for k, _ in years), targets, whole_rows=True)


def _aligned(cells: list[Cell], header: _Header, rules: IndicatorRules) -> list[Cell | None] | None:
    """The row's cells under the header's columns, or None when they cannot be placed.

    A category cell merged over several rows is written once (a row has more cells or
    fewer before the name), and an empty cell leaves no trace between separators (a
    unit given in the name, an empty 属性): the name is the row's first cell that is no
    number, and the cells after it go where they fit the columns best (numbers under
    years, words elsewhere). A tie between placements that read different targets is
    no reading.
    """
    width = header.width
    if len(cells) == width:
        return list(cells)
    if width < len(cells) <= width + 2:
        return list(cells[len(cells) - width:])     # categories the header has no column for
    name = next((k for k, cell in enumerate(cells) if not rules.number_like.search(cell.text)), None)
    after = cells[name + 1:] if name is not None else []
    columns = list(range(header.name + 1, width))
    if name is None or len(after) > len(columns):
        return None
    best, best_score, tie = None, None, False
    for placement in combinations(columns, len(after)):
        score = sum(_fit(cell.text, column, header, rules) for cell, column in zip(after, placement))
        if best_score is None or score > best_score:
            best, best_score, tie = placement, score, False
        elif score == best_score and _targets_of(placement, header) != _targets_of(best, header):
            tie = True
    if tie:
        return None
    row: list[Cell | None] = [None] * width
    row[header.name] = cells[name]
    for cell, column in zip(after, best):
        row[column] = cell
    return row


def _fit(cell: str, column: int, header: _Header, rules: IndicatorRules) -> int:
    """+1 where a cell suits its column (a number or a dash under a year, a word elsewhere), −1 where not."""
    numeric = rules.number_like.search(cell) is not None
    return 1 if numeric == (column in header.figures) else -1


def _targets_of(placement: tuple[int, ...], header: _Header) -> tuple[int, ...]:
    """Which cells of a placement stand under target columns."""
    targets = {t.column for t in header.targets}
    return tuple(k for k, column in enumerate(placement) if column in targets)


def _row_targets(text: str, row: list[Cell | None], header: _Header, rules: IndicatorRules) -> list[Target]:
    name_cell = row[header.name]
    if name_cell is None:
        return []
    name = rules.name_label.sub("", name_cell.text).strip()
    column_unit = row[header.unit].text.strip() if header.unit is not None and row[header.unit] else None
    if column_unit is None and (m := rules.unit_in_name.search(name)):
        column_unit, name = m.group("unit"), name[:m.start()]
    targets = []
    for target in header.targets:
        cell = row[target.column]
        quantity = _quantity(text, cell, rules) if cell is not None else None
        if quantity is None:
            continue
        m, start, end = quantity
        factor, unit = _unit(m.group("unit") or target.unit or column_unit, rules.targets)
        number = parse_number(m.group("num"))
        if unit is None or number is None:
            continue
        amount = round(number * factor, 6)
        comparator = rules.targets.prefixes.get(m.group("pre")) or rules.targets.suffixes.get(m.group("suf")) or "eq"
        targets.append(Target(quantity_text=text[start:end], value_min=amount, value_max=amount,
                              comparator=comparator, unit=unit, per=None, subject=target.subject or name or None,
                              char_start=start, char_end=end, year=target.year))
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
    units = dict.fromkeys([*target_rules.units,
                           *(scale + unit for scale in target_rules.scales for unit in target_rules.units)])
    return regex.compile(f"(?:(?P<pre>{alternation(dict.fromkeys(target_rules.prefixes))})[ \t]*)?"
                         r"(?P<num>[0-9０-９]+(?:[.．][0-9０-９]+)?)"
                         f"(?P<unit>{alternation(units)})?(?P<suf>{alternation(dict.fromkeys(target_rules.suffixes))})?")


def _unit(written: str | None, target_rules: TargetRules) -> tuple[float, str | None]:
    """(factor, unit) of a unit as written: `万吨` → (10000, 吨), `%` → (1, %); a unit
    not in targets.yaml stays as written (the table says what it is)."""
    if not written or not any(ch.isalpha() or ch in "%‰％" for ch in written):
        return 1, None                       # `—`, `-`: no unit
    units = target_rules.units
    factors = target_rules.unit_factors      # ‰ → %
    if written in units:
        return factors.get(written, 1), units[written]
    for scale in sorted(target_rules.scales, key=len, reverse=True):
        rest = written[len(scale):]
        if written.startswith(scale) and rest:
            return target_rules.scales[scale] * factors.get(rest, 1), units.get(rest, rest)
    return 1, written
