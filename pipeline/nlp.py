"""The spaCy pipeline: `Chinese` with the jieba segmenter, a user dictionary
and a SpanRuler, all read from `rules/`.

Built once per process (it costs about a second). Extraction only tokenizes short
candidate windows found by regex (those of a document in one Doc, see
`tokens_and_spans`; cut by `pipeline.segmenter`, jieba's words faster), and matches
them with the ruler's patterns as bare spaCy matchers (`WindowMatcher`): tokenizing
whole documents is the slow path.

- `rules/lexicon/*.txt`: jieba user dictionary, one entry per line
  (`word [freq] [tag]`), so that jieba keeps agency names, measure words and
  comparators whole (`省发展改革委`, `万人次`, `不少于`).
- `rules/spans/*.jsonl`: SpanRuler patterns, spaCy's format
  (`{"label": ..., "pattern": ..., "id": ...}`), one per line; the spans land
  in `doc.spans["rules"]` (overlapping spans are all kept). A phrase pattern is
  segmented by jieba like the text, so a word jieba cuts in two still matches
  as a two-token span; and as one token when jieba keeps it whole in context.
  The span ruler is only added when there is a pattern: an empty ruler makes
  spaCy warn (W036) on every call.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import RuleError
from .rules import RULES_DIR, read_jsonl
from .segmenter import jieba_cutter

if TYPE_CHECKING:  # spaCy takes seconds to import: only processes that tokenize pay for it
    from spacy.language import Language

SPANS_KEY = "rules"
# Stands between the texts of one Doc: no phrase pattern holds a line break, so no phrase
# span joins two texts (a token pattern's span over one is dropped).
_SEPARATOR = "\n"
_BLANK = re.compile(r"\s")   # what jieba cuts off as a piece of its own (re, as jieba)
_PATTERN_KEYS = frozenset({"label", "pattern", "id"})


def read_lexicon(path: Path) -> list[tuple[str, int | None, str | None]]:
    """Parse a jieba user dictionary, naming the line of a malformed entry."""
    entries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        if len(parts) > 3:
            raise RuleError(path, number, f"expected 'word [freq] [tag]', got {line!r}")
        word, freq, tag = parts[0], None, None
        if len(parts) >= 2:
            if not parts[1].isdigit():
                raise RuleError(path, number, f"frequency must be a whole number, got {parts[1]!r}")
            freq = int(parts[1])
        if len(parts) == 3:
            tag = parts[2]
        entries.append((word, freq, tag))
    return entries


def read_span_patterns(path: Path) -> list[tuple[int, dict]]:
    """Read SpanRuler patterns, checking keys and pattern shape per line."""
    patterns = []
    for number, obj in read_jsonl(path):
        unknown = set(obj) - _PATTERN_KEYS
        if unknown:
            raise RuleError(path, number, f"unknown key(s) {sorted(unknown)} (allowed: {sorted(_PATTERN_KEYS)})")
        if not isinstance(obj.get("label"), str) or not obj["label"]:
            raise RuleError(path, number, "'label' must be a non-empty string")
        pattern = obj.get("pattern")
        if not isinstance(pattern, (str, list)) or not pattern:
            raise RuleError(path, number, "'pattern' must be a phrase string or a list of token patterns")
        patterns.append((number, obj))
    return patterns


def load_span_patterns(rules_dir: Path = RULES_DIR) -> list[tuple[Path, int, dict]]:
    """Every pattern of `rules_dir/spans/*.jsonl` as (file, line, pattern), in file order."""
    return [(path, number, pattern)
            for path in sorted((rules_dir / "spans").glob("*.jsonl"))
            for number, pattern in read_span_patterns(path)]


@lru_cache(maxsize=4)
def get_nlp(rules_dir: Path = RULES_DIR) -> "Language":
    """The shared pipeline for `rules_dir`, built on first use."""
    import jieba  # here, not at the top: a process that only plans and publishes never loads it
    from spacy.lang.zh import Chinese

    jieba.setLogLevel(logging.WARNING)  # jieba logs its dictionary build to stderr at INFO
    for lexicon in sorted((rules_dir / "lexicon").glob("*.txt")):
        for word, freq, tag in read_lexicon(lexicon):
            jieba.add_word(word, freq, tag)
    nlp = Chinese.from_config({"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    patterns = load_span_patterns(rules_dir)
    if patterns:
        ruler = nlp.add_pipe("span_ruler", config={"spans_key": SPANS_KEY, "validate": True, "overwrite": False})
        for path, number, pattern in patterns:
            try:  # one by one, so that an error names its line
                ruler.add_patterns([pattern])
            except Exception as exc:  # spaCy raises ValueError/MatchPatternError with its own text
                raise RuleError(path, number, f"invalid span pattern: {exc}") from exc
        ruler.add_patterns(_whole_words(nlp, [pattern for _, _, pattern in patterns]))
    return nlp


def _whole_words(nlp: "Language", patterns: list[dict]) -> list[dict]:
    """A phrase jieba cuts when alone (降至 → 降 至) may stay one token in context
    (降至58%): match it as one token too, those of a label in one token pattern
    (the Matcher tests each pattern on every token)."""
    words: dict[tuple[str, str | None], list[str]] = {}
    for pattern in patterns:
        phrase = pattern["pattern"]
        if isinstance(phrase, str) and len(nlp.make_doc(phrase)) > 1:
            words.setdefault((pattern["label"], pattern.get("id")), []).append(phrase)
    return [{"label": label, "pattern": [{"ORTH": {"IN": phrases}}], **({"id": id_} if id_ is not None else {})}
            for (label, id_), phrases in words.items()]


class WindowMatcher:
    """The span patterns as a bare PhraseMatcher (and a Matcher for token patterns):
    the same spans as the SpanRuler sets, as (start, end, label) tuples.

    The SpanRuler builds a Span per match and sorts them, about 0.3 ms a Doc, ten
    times its PhraseMatcher; and its whole-word `ORTH IN` patterns run in the Matcher,
    which tests them per token in Python. Here a phrase jieba cuts when alone is a
    phrase pattern of one token as well (see `_whole_words`).
    """

    def __init__(self, nlp: "Language", patterns: list[dict]):
        from spacy.matcher import Matcher, PhraseMatcher
        from spacy.tokens import Doc

        self.vocab = nlp.vocab
        self.cut = jieba_cutter()       # after get_nlp: the user dictionary is in jieba's
        self.phrases = PhraseMatcher(nlp.vocab)
        self.tokens = Matcher(nlp.vocab)
        for pattern in patterns:
            phrase = pattern["pattern"]
            if isinstance(phrase, str):
                cut = nlp.make_doc(phrase)
                self.phrases.add(pattern["label"], [cut] if len(cut) == 1 else [cut, Doc(nlp.vocab, words=[phrase])])
            else:
                self.tokens.add(pattern["label"], [phrase])

    def __call__(self, doc) -> list[tuple[int, int, str]]:
        matches = self.phrases(doc)
        if len(self.tokens):             # an empty Matcher still costs a pass over the Doc
            matches += self.tokens(doc)
        strings = self.vocab.strings
        return sorted({(start, end, strings[key]) for key, start, end in matches if start != end})


@lru_cache(maxsize=4)
def get_window_matcher(rules_dir: Path = RULES_DIR) -> WindowMatcher:
    """The matcher of `rules_dir`'s span patterns, on the vocabulary of `get_nlp(rules_dir)`
    (which checks the patterns, naming the line of a bad one)."""
    return WindowMatcher(get_nlp(rules_dir), [pattern for _, _, pattern in load_span_patterns(rules_dir)])


def tokens_and_spans(matcher: WindowMatcher, texts: list[str]) -> list[tuple[list[str], list[tuple[int, int, str]]]]:
    """The tokens of each text and the spans the patterns set over them (token
    offsets, label), the same as `nlp(text)` gives, from one Doc for all texts.

    The Doc is made from jieba's words as spaCy's tokenizer makes it, but without
    its alignment of the words by slicing the text (quadratic in its length).
    """
    from spacy.tokens import Doc

    words: list[str] = []
    spaces: list[bool] = []
    starts = []
    for text in texts:
        if words:
            words.append(_SEPARATOR)
            spaces.append(False)
        starts.append(len(words))
        _add_words(matcher.cut(text), text, words, spaces)
    spans = matcher(Doc(matcher.vocab, words=words, spaces=spaces))
    ends = [*(start - 1 for start in starts[1:]), len(words)]
    result, k = [], 0
    for start, end in zip(starts, ends):
        while k < len(spans) and spans[k][0] < start:
            k += 1
        inside = []
        while k < len(spans) and spans[k][0] < end:
            s, e, label = spans[k]
            if e <= end:             # a token pattern may match across the separator
                inside.append((s - start, e - start, label))
            k += 1
        result.append((words[start:end], inside))
    return result


def _add_words(cut: Iterator[str], text: str, words: list[str], spaces: list[bool]) -> None:
    """Append the words of `text` (`cut`, jieba's) as spaCy's jieba tokenizer makes them,
    aligned as spacy.util.get_words_and_spaces aligns them: a space after a word is its
    trailing whitespace, other runs of blanks are tokens. jieba's pieces are the text cut
    up, blanks apart, so they need no search in the text."""
    pieces = [piece for piece in cut if piece]
    if not _BLANK.search(text):
        words += pieces
        spaces += [False] * len(pieces)
        return
    first, blanks = len(words), ""
    for piece in pieces:
        if piece.isspace():
            blanks += piece
        else:
            _add_blanks(blanks, words, spaces, after_word=len(words) > first)
            blanks = ""
            words.append(piece)
            spaces.append(False)
    _add_blanks(blanks, words, spaces, after_word=len(words) > first)


def _add_blanks(blanks: str, words: list[str], spaces: list[bool], after_word: bool) -> None:
    if after_word and blanks.startswith(" "):
        spaces[-1] = True
        blanks = blanks[1:]
    if blanks:
        words.append(blanks)
        spaces.append(False)
