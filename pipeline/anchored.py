"""Leftmost search for a pattern that `regex` scans slowly, led by a cheap necessary condition.

A pattern whose matches may start with an optional word (`不少于`) or with a very
common character (`一`) makes `regex` attempt a match at almost every position. When
every match contains an *anchor* (a short, simple pattern, found by the standard
library's `re`, whose character-set scan is several times faster) and starts at most
`reach` characters before the run of `run_chars` that ends at the anchor, only
those few positions need a match attempt, and of them only those holding a
character a match can start with.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import regex


class AnchoredPattern:
    """`pattern.search(text, pos)`: the same leftmost match, trying only the positions
    where a match can start: from `reach` characters before the run of `run_chars`
    ending at an anchor, up to the anchor, where the text holds one of `first_chars`."""

    def __init__(self, pattern: regex.Pattern, anchor: re.Pattern, run_chars: str, reach: int, first_chars: str):
        self.pattern, self.anchor, self.reach = pattern, anchor, reach
        self.run_chars, self.first_chars = frozenset(run_chars), frozenset(first_chars)

    def search(self, text: str, pos: int = 0) -> regex.Match | None:
        match, run_chars, first_chars = self.pattern.match, self.run_chars, self.first_chars
        tried = pos                         # every position before it has been tried or cannot start a match
        for anchor in self.anchor.finditer(text, pos):
            at = start = anchor.start()
            while start > tried and text[start - 1] in run_chars:
                start -= 1
            for position in range(max(tried, start - self.reach), at + 1):
                if text[position] in first_chars:
                    m = match(text, position)
                    if m:
                        return m
            tried = at + 1
        return None

    def finditer(self, text: str) -> Iterator[regex.Match]:
        """`pattern.finditer(text)`, for a pattern that never matches empty."""
        pos = 0
        while (m := self.search(text, pos)) is not None:
            yield m
            pos = max(m.end(), m.start() + 1)    # an empty match must not stop the scan
