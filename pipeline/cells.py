"""Tables written out as text, one row a line, cells cut at a separator (tabs,
full-width spaces, runs of spaces): the task-division tables of agencies.py and
the indicator tables of indicators.py."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple, TypeVar

import regex

Header = TypeVar("Header")


class Cell(NamedTuple):
    start: int
    end: int
    text: str


def line_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end < 0 else end


def line_cells(text: str, line_start: int, separator: regex.Pattern) -> list[Cell]:
    """The cells of the line at `line_start`, cut at `separator`; none for a line of one cell."""
    end = line_end(text, line_start)
    cells, start = [], line_start
    for cut in separator.finditer(text, line_start, end):
        if cut.start() > start:
            cells.append(Cell(start, cut.start(), text[start:cut.start()]))
        start = cut.end()
    if start < end:
        cells.append(Cell(start, end, text[start:end]))
    return cells if len(cells) > 1 else []


def table_headers(text: str, hints: Iterable[regex.Match], separator: regex.Pattern,
                  parse: Callable[[list[Cell]], Header | None]) -> Iterator[tuple[int, Header]]:
    """(line start, header) of each line a hint falls on whose cells `parse` reads as a
    table's header, each line once."""
    last = -1
    for hint in hints:
        line_start = text.rfind("\n", 0, hint.start()) + 1
        if line_start == last:
            continue
        last = line_start
        header = parse(line_cells(text, line_start, separator))
        if header is not None:
            yield line_start, header
