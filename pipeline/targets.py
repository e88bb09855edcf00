"""Targets: quantified commitments (guide §3), and the deadline year each answers to.

One pass over the document finds every quantity (a number with a measure
word, its comparators and `/年`; tried only where a numeral stands before what
may follow a number, see pipeline/anchored.py), and on the way the spans that
cannot hold a target (masks: 《titles》, document numbers, short quoted names)
and the historical passages. Each quantity is then kept or dropped by the
exclusions of rules/targets.yaml, tested on its clause. Only kept quantities
are tokenized (spaCy/jieba, short windows, those of a document in one call) to
read their subject, whose word classes (commitment verbs, stop words, activities,
metrics) are the span labels the SpanRuler of pipeline/nlp.py sets from
rules/spans/targets.jsonl.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NamedTuple

import regex

from .anchored import AnchoredPattern
from .errors import RuleError
from .model import DateMention, Measure, Target
from .nlp import get_window_matcher, load_span_patterns, tokens_and_spans
from .rules import RULES_DIR, Field, check_list, check_mapping, compile_pattern, read_yaml

RULES_FILE = "targets.yaml"
COMPARATORS = frozenset({"eq", "ge", "gt", "le", "approx", "range"})

# Span labels (rules/spans/*.jsonl) the subject reader acts on.
VERB, STOP, ACTIVITY, METRIC, HEAD = "VERB", "SUBJECT_STOP", "ACTIVITY", "METRIC", "HEAD"
# One source of truth: the regex side (commitment tests, the needs-tokens filter, a
# phrase ending in a metric) is built at load time from the span lines of these
# labels, which must therefore be phrases, not token patterns.
_PHRASE_LABELS = (VERB, STOP, METRIC)
# Function words the reader tests by their text: `X的Y`, `A、B等C`.
_OF, _ETC, _ENUM = "的", "等", "、"
_CONJUNCTIONS = frozenset({"并", "并且", "和", "及", "与", "同时", "、"})

_TOP_SPEC = {
    "units": Field(list),
    "scales": Field(dict),
    "comparators": Field(dict),
    "range_separators": Field(list, items=str),
    "masks": Field(list, items=str, pattern=True),
    "clause_breaks": Field(str, pattern=True),
    "sentence_breaks": Field(str, pattern=True),
    "deadline_label": Field(str, pattern=True),
    "condition_lists": Field(str, pattern=True),
    "verb_particles": Field(str, pattern=True),
    "per_year": Field(dict),
    "history": Field(dict),
    "exclusions": Field(list),
    "subject": Field(dict),
}
_UNIT_SPEC = {"surface": Field(str), "unit": Field(str, required=False), "not_before": Field(str, required=False, pattern=True),
              "factor": Field((int, float), required=False)}
_COMPARATOR_SPEC = {"prefix": Field(dict), "prefix_at_clause_end": Field(dict, required=False), "suffix": Field(dict),
                    "infix": Field(dict), "suffix_not_before": Field(dict, required=False), "apart": Field(dict)}
_APART_SPEC = {"words": Field(dict), "gap": Field(str, pattern=True)}
_PER_YEAR_SPEC = {"suffixes": Field(list, items=str), "cues": Field(str, pattern=True),
                  "attribute_cues": Field(str, pattern=True), "totals": Field(str, pattern=True)}
_HISTORY_SPEC = {"opener": Field(str, pattern=True), "closer": Field(str, pattern=True),
                 "clause_opener": Field(str, pattern=True),
                 "sections": Field(str, pattern=True)}
_EXCLUSION_SPEC = {
    "reason": Field(str),
    "left": Field(str, required=False, pattern=True),
    "right": Field(str, required=False, pattern=True),
    "clause": Field(str, required=False, pattern=True),
    "sentence": Field(str, required=False, pattern=True),
    "quantity": Field(str, required=False, pattern=True),
    "numeral": Field(str, required=False, choices=frozenset({"chinese", "arabic"})),
    "units": Field(list, required=False, items=str),
    "comparators": Field(list, required=False, items=str, choices=COMPARATORS),
    "no_commitment_in": Field(str, required=False, choices=frozenset({"clause", "sentence"})),
    "unless_commitment": Field(bool, required=False),
    "unless_left": Field(str, required=False, pattern=True),
    "unless_right": Field(str, required=False, pattern=True),
}
_SUBJECT_SPEC = {
    "modifier_suffixes": Field(list, items=str),
    "link_tail": Field(str, pattern=True),
    "baseline_open": Field(str, pattern=True),
    "baseline_gap": Field(str, pattern=True),
    "lead": Field(str, pattern=True),
    "trim": Field(str, pattern=True),
    "respectively": Field(dict),
}
_RESPECTIVELY_SPEC = {
    "cue": Field(str, pattern=True),
    "joiner": Field(str, pattern=True),
    "separators": Field(list, items=str, pattern=True),
    "counter": Field(str, pattern=True),
}

_BLANKS = (" ", "\t")   # may stand around a range separator

# A number as written: Arabic (ASCII or full width, with decimals) or Chinese.
_CHINESE_NUMERALS = "〇零一二两三四五六七八九十百千万亿"
# (thousands separated by commas: 1,000家)
_NUMBER = rf"(?:[0-9]{{1,3}}(?:,[0-9]{{3}})+(?:[.．][0-9]+)?|[0-9０-９]+(?:[.．][0-9０-９]+)?|[{_CHINESE_NUMERALS}]+)"
_NUMERAL_CHARS = f"0-9０-９{_CHINESE_NUMERALS}"                                      # a class of _NUMBER's characters
_NUMERAL_CHARS_RUN = f"0123456789０１２３４５６７８９{_CHINESE_NUMERALS}.．,"         # what a number spans
# Shares and multiples written in words (guide §3: `一半` is 50 %): 百分之三十 → 30 %,
# 千分之五 → 0.5 %, 两成 → 20 %, 翻一番 → 1 倍 (the increase, as 提高1倍), 翻两番 → 3 倍.
_PERCENT, _PERMILLE, _HALF = "百分之", "千分之", "一半"   # each starts with a numeral
_TENTHS = "(?P<tenths>[一二两三四五六七八九])成(?=以上|以下|左右|[，。；、,;）)的]|$)"   # not 统一成立
_DOUBLINGS = "[一两二三四]"       # how many times doubled: 翻两番
_DOUBLING = f"翻(?P<doublings>{_DOUBLINGS}?)番"


@dataclass(frozen=True)
class Exclusion:
    reason: str
    left: regex.Pattern | None
    right: regex.Pattern | None
    clause: regex.Pattern | None
    sentence: regex.Pattern | None
    quantity: regex.Pattern | None
    numeral: str | None
    units: frozenset[str] | None
    comparators: frozenset[str] | None
    no_commitment_in: str | None
    unless_commitment: bool
    unless_left: regex.Pattern | None
    unless_right: regex.Pattern | None
    # its pattern tests as (the _Context text read, pattern, whether it must match): a
    # quantity runs the few an exclusion has instead of asking for each kind of test
    tests: tuple[tuple[str, regex.Pattern, bool], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        tests = [(scope, getattr(self, scope), True) for scope in _PATTERN_FIELDS if getattr(self, scope) is not None]
        tests += [(scope, getattr(self, f"unless_{scope}"), False) for scope in ("right", "left")
                  if getattr(self, f"unless_{scope}") is not None]
        object.__setattr__(self, "tests", tuple(tests))


class ExclusionGroup(NamedTuple):
    """Exclusions whose first test reads the same text of a quantity's context (`scope`),
    their first patterns in one alternation (`any_first`): where it finds nothing, none of
    them fires, known from one search instead of one each. Without `scope`, exclusions
    tested one by one."""
    scope: str | None
    any_first: regex.Pattern | None
    exclusions: tuple[Exclusion, ...]


@dataclass(frozen=True)
class SubjectRules:
    needs_tokens: regex.Pattern     # a window without any of these reads the same untokenized
    stops_after: regex.Pattern      # of those, what changes the phrase after a quantity
    metric_end: regex.Pattern       # a phrase ending in a METRIC word, also inside a token (管理水平)
    modifier_end: regex.Pattern     # a subject ending in a modifier suffix
    modifier_any: regex.Pattern     # any modifier suffix, to find the shared head
    link_tail: regex.Pattern
    baseline_open: regex.Pattern    # 由/从 right before a baseline quantity
    baseline_gap: regex.Pattern     # what stands between the baseline and the aim (提高到2030年的)
    lead: regex.Pattern
    trim: regex.Pattern
    respectively: "Respectively"


@dataclass(frozen=True)
class Respectively:
    """`A、B分别达到X、Y`: see rules/targets.yaml, subject.respectively."""
    cue: regex.Pattern
    joiner: regex.Pattern
    separators: tuple[regex.Pattern, ...]
    counter: regex.Pattern


@dataclass(frozen=True)
class TargetRules:
    context: regex.Pattern          # masks | history openers | history closers
    quantities: AnchoredPattern     # a number with its measure word and comparators
    units: dict[str, str]           # measure word as written -> unit reported
    unit_factors: dict[str, float]  # measure word as written -> factor into the unit reported (‰ → %), where not 1
    scales: dict[str, int]
    prefixes: dict[str, str]
    clause_end_prefixes: frozenset[str]   # a bound only where the quantity ends its clause
    suffixes: dict[str, str]
    infixes: dict[str, str]
    apart: regex.Pattern            # a bound word before the verb that governs the quantity (至少建成1个): (?P<word>…)
    apart_comparators: dict[str, str]
    per_year_cues: regex.Pattern    # 每年…: the whole clause is yearly
    per_year_attributes: regex.Pattern  # 年产…: only the next quantity is yearly
    per_year_totals: regex.Pattern  # 累计…: a total, which a cue of an earlier clause does not make yearly
    review_sections: regex.Pattern  # titles of measures that review the past (发展基础)
    condition_lists: regex.Pattern  # ends the own text of a measure whose children are conditions
    commitment: regex.Pattern       # a commitment verb ending the text before a quantity
    any_commitment: regex.Pattern   # a commitment verb anywhere
    clause_start: regex.Pattern     # searched backwards from a quantity
    clause_end: regex.Pattern
    sentence_start: regex.Pattern
    sentence_end: regex.Pattern
    deadline_label: regex.Pattern   # opens a line that only gives a deadline (完成时限：…)
    exclusions: dict[tuple[bool, str, str], tuple[ExclusionGroup, ...]]  # by (chinese, unit, comparator)
    subject: SubjectRules
    rules_dir: Path


def load_rules(rules_dir: Path = RULES_DIR) -> TargetRules:
    """Read and compile rules/targets.yaml; a malformed entry raises RuleError naming its line."""
    rules_dir = Path(rules_dir)
    path = rules_dir / RULES_FILE
    node = read_yaml(path)
    top = check_mapping(node, _TOP_SPEC, path, "targets rules")
    lines = node.key_lines

    units = check_list(top["units"], path, "units", lambda item, _: check_mapping(item, _UNIT_SPEC, path, "unit"))
    comparators = check_mapping(top["comparators"], _COMPARATOR_SPEC, path, "comparators")
    clause_end_prefixes = comparators.get("prefix_at_clause_end", {})
    for kind in ("prefix", "suffix", "infix"):
        _check_comparator_map(comparators[kind], path, f"comparators.{kind}")
    if clause_end_prefixes:
        _check_comparator_map(clause_end_prefixes, path, "comparators.prefix_at_clause_end")
    suffix_guards = comparators.get("suffix_not_before", {})
    apart = check_mapping(comparators["apart"], _APART_SPEC, path, "comparators.apart")
    _check_comparator_map(apart["words"], path, "comparators.apart.words")
    for u in units:
        if "factor" in u and not u["factor"] > 0:
            raise RuleError(path, lines["units"], f"units.{u['surface']}: factor must be positive")
    scales = top["scales"]
    for word, factor in scales.items():
        if not isinstance(factor, int) or factor <= 0:
            raise RuleError(path, scales.key_lines.get(word), f"scales.{word} must be a positive whole number")
    per_year = check_mapping(top["per_year"], _PER_YEAR_SPEC, path, "per_year")
    history = check_mapping(top["history"], _HISTORY_SPEC, path, "history")
    for key, groups in (("opener", {"year", "as_of"}), ("closer", {"year"}), ("clause_opener", {"year"})):
        if not groups <= set(regex.compile(history[key]).groupindex):
            raise RuleError(path, top["history"].key_lines[key],
                            f"history.{key} must capture {', '.join(f'(?P<{g}>…)' for g in sorted(groups))}")
    subject = check_mapping(top["subject"], _SUBJECT_SPEC, path, "subject")
    respectively = check_mapping(subject["respectively"], _RESPECTIVELY_SPEC, path, "subject.respectively")

    surfaces = [u["surface"] for u in units]
    unit_alternatives = alternation({u["surface"]: u.get("not_before") for u in units})
    # The lookaheads after a number only restate what must follow it: a number that
    # cannot go on fails at once instead of trying every measure word at every length.
    prefix_words = dict.fromkeys([*comparators["prefix"], *clause_end_prefixes])
    after_lo = (surfaces, top["range_separators"], _BLANKS)       # what may follow each kind of number
    after_num = (surfaces, scales, comparators["infix"])
    quantity = compile_pattern(
        f"(?P<pre>{alternation(prefix_words)})?"
        f"(?:{_PERMILLE}(?P<permille>{_NUMBER})"      # before a number: 千分 is no score
        f"|(?:(?P<lo>{_NUMBER}){_next_is(*after_lo)}"
        f"(?:{unit_alternatives})?[ \\t]*(?:{alternation(dict.fromkeys(top['range_separators']))})"
        f"[ \\t]*(?P<hi>{_NUMBER})|(?P<num>{_NUMBER}){_next_is(*after_num)})"
        f"(?P<scale>{alternation(dict.fromkeys(scales))})?(?P<infix>{alternation(dict.fromkeys(comparators['infix']))})?"
        f"{_next_is(surfaces)}(?P<unit>{unit_alternatives})"
        f"|{_PERCENT}(?P<pct>{_NUMBER})|(?P<half>{_HALF})|{_TENTHS}|{_DOUBLING})"
        f"(?P<suf>{alternation({s: suffix_guards.get(s) for s in comparators['suffix']})})?"
        f"(?P<per>{alternation(dict.fromkeys(per_year['suffixes']))})?",
        path, lines["units"], "units/comparators",
    )
    # Every quantity holds a number's last digit followed by what may follow a number (or
    # 百分之, 一半), and starts at most a prefix word before that number's digits: with a
    # numeral or a prefix word's first character. One character class leads the anchor,
    # which `re` scans for fastest.
    follow = _first_chars(*after_lo, *after_num)
    anchor = re.compile(f"[{_NUMERAL_CHARS}]"
                        + (f"(?=[{re.escape(follow)}]|{_PERCENT[1:]}|{_HALF[1:]}|成)" if follow else "")
                        + f"|翻(?={_DOUBLINGS}?番)")
    first_chars = _NUMERAL_CHARS_RUN + "翻" + "".join(word[0] for word in prefix_words)
    masks = "|".join(f"(?:{m})" for m in top["masks"])
    context = compile_pattern(
        f"(?P<mask>{masks})|(?P<opener>{history['opener']})|(?P<closer>{history['closer']})"
        f"|(?P<clause_opener>{history['clause_opener']})",
        path, lines["masks"], "masks/history",
    )
    exclusions = check_list(top["exclusions"], path, "exclusions",
                            lambda item, line: _exclusion(check_mapping(item, _EXCLUSION_SPEC, path, "exclusion"), path, item))
    words = _span_words(rules_dir)
    verb_alternation = alternation(dict.fromkeys(words[VERB]))
    commitment = compile_pattern(f"(?:{verb_alternation}){top['verb_particles']}$",
                                 path, lines["verb_particles"], "verb_particles")
    modifiers = alternation(dict.fromkeys(subject["modifier_suffixes"]))
    return TargetRules(
        context=context,
        quantities=AnchoredPattern(quantity, anchor, _NUMERAL_CHARS_RUN, max(map(len, prefix_words), default=0),
                                   first_chars),
        units={u["surface"]: u.get("unit", u["surface"]) for u in units},
        unit_factors={u["surface"]: u["factor"] for u in units if u.get("factor", 1) != 1},
        scales=dict(scales),
        prefixes={**comparators["prefix"], **clause_end_prefixes},
        clause_end_prefixes=frozenset(clause_end_prefixes),
        suffixes=dict(comparators["suffix"]),
        infixes=dict(comparators["infix"]),
        apart=compile_pattern(f"(?P<word>{alternation(dict.fromkeys(apart['words']))})(?:{apart['gap']})",
                              path, lines["comparators"], "comparators.apart"),
        apart_comparators=dict(apart["words"]),
        per_year_cues=regex.compile(per_year["cues"]),
        per_year_attributes=regex.compile(per_year["attribute_cues"]),
        per_year_totals=regex.compile(per_year["totals"]),
        review_sections=regex.compile(history["sections"]),
        condition_lists=regex.compile(top["condition_lists"]),
        commitment=commitment,
        any_commitment=regex.compile(verb_alternation),
        clause_start=regex.compile(f"(?r){top['clause_breaks']}"),
        clause_end=regex.compile(top["clause_breaks"]),
        sentence_start=regex.compile(f"(?r){top['sentence_breaks']}"),
        sentence_end=regex.compile(top["sentence_breaks"]),
        deadline_label=regex.compile(top["deadline_label"], regex.MULTILINE),
        exclusions=_exclusions_by_kind(_merge_single_patterns(exclusions),
                                       {"%", *(u.get("unit", u["surface"]) for u in units)}),
        subject=SubjectRules(
            needs_tokens=regex.compile(alternation(dict.fromkeys([*words[STOP], *words[VERB], _OF, _ETC, _ENUM]))),
            stops_after=regex.compile(alternation(dict.fromkeys([*words[STOP], _OF, _ETC]))),
            metric_end=regex.compile(f"(?:{alternation(dict.fromkeys(words[METRIC]))})$"),
            modifier_end=regex.compile(f"(?:{modifiers})$"),
            modifier_any=regex.compile(f"(?r)(?:{modifiers})"),
            link_tail=regex.compile(subject["link_tail"]),
            baseline_open=regex.compile(f"(?:{subject['baseline_open']})$"),
            baseline_gap=regex.compile(subject["baseline_gap"]),
            lead=regex.compile(subject["lead"]),
            trim=regex.compile(subject["trim"]),
            respectively=Respectively(
                cue=regex.compile(respectively["cue"]),
                joiner=regex.compile(respectively["joiner"]),
                separators=tuple(regex.compile(separator) for separator in respectively["separators"]),
                counter=regex.compile(f"(?:{respectively['counter']})(?P<head>.+)$"),
            ),
        ),
        rules_dir=rules_dir,
    )


def _span_words(rules_dir: Path) -> dict[str, list[str]]:
    """The phrases of each label in _PHRASE_LABELS, from the span patterns the pipeline's ruler holds."""
    words: dict[str, list[str]] = {label: [] for label in _PHRASE_LABELS}
    for path, number, pattern in load_span_patterns(rules_dir):
        if pattern["label"] in words:
            if not isinstance(pattern["pattern"], str):
                raise RuleError(path, number, f"{pattern['label']} patterns must be phrases (strings): "
                                              "pipeline/targets.py also builds regexes from them")
            words[pattern["label"]].append(pattern["pattern"])
    for label, phrases in words.items():
        if not phrases:
            raise RuleError(rules_dir / "spans", None, f"no {label} span pattern: the target rules need them")
    return words


def _check_comparator_map(node, path: Path, what: str) -> None:
    for word, comparator in node.items():
        if comparator not in COMPARATORS:
            raise RuleError(path, node.key_lines.get(word), f"{what}.{word}: {comparator!r} is not one of {sorted(COMPARATORS)}")


def alternation(words: dict[str, str | None]) -> str:
    """Words as one alternation, longest first so that 人次 wins over 人; each with its lookahead
    guard. Words are grouped by their first character (万(?:人次|元)|个…): `regex` tries the
    branches of an alternation one by one, and only those of one character can match; the
    order within a group is kept, so the same branch wins."""
    by_first: dict[str, list[str]] = {}
    empty = ""                       # the empty word matches anywhere: it stays the last branch
    for w, guard in sorted(words.items(), key=lambda kv: -len(kv[0])):
        rest = (regex.escape(w[1:]) if w else "") + (f"(?!{guard})" if guard else "")
        if w:
            by_first.setdefault(w[0], []).append(rest)
        else:
            empty = rest
    branches = [regex.escape(first) + (rests[0] if len(rests) == 1 else f"(?:{'|'.join(rests)})")
                for first, rests in by_first.items()]
    return "|".join(branches + ([empty] if "" in words else []))


def _next_is(*word_lists) -> str:
    """A lookahead for the first characters of the words; none when a word is empty."""
    first = _first_chars(*word_lists)
    return f"(?=[{regex.escape(first)}])" if first else ""


def _first_chars(*word_lists) -> str | None:
    """The characters the words start with; None when a word is empty (anything may follow)."""
    words = [w for words in word_lists for w in words]
    if not all(words):
        return None
    return "".join(sorted({w[0] for w in words}))


def _exclusion(d: dict, path: Path, node) -> Exclusion:
    def pattern(key):
        return compile_pattern(d[key], path, node.key_lines[key], f"exclusion.{key}") if key in d else None
    return Exclusion(
        reason=d["reason"],
        left=pattern("left"),
        right=pattern("right"),
        clause=pattern("clause"),
        sentence=pattern("sentence"),
        quantity=pattern("quantity"),
        numeral=d.get("numeral"),
        units=frozenset(d["units"]) if "units" in d else None,
        comparators=frozenset(d["comparators"]) if "comparators" in d else None,
        no_commitment_in=d.get("no_commitment_in"),
        unless_commitment=d.get("unless_commitment", False),
        unless_left=pattern("unless_left"),
        unless_right=pattern("unless_right"),
    )


_PATTERN_FIELDS = ("quantity", "left", "right", "clause", "sentence")
_CONTEXT_TESTS = ("left", "right", "clause", "sentence", "no_commitment_in", "unless_left", "unless_right")
_DEFAULT_FLAGS = regex.compile("").flags


def _merge_single_patterns(exclusions: list[Exclusion]) -> list[Exclusion]:
    """Exclusions that test one pattern and nothing else, merged per field into one
    alternation: a quantity then runs one search where it ran several. A pattern that is
    not _joinable stays apart."""
    kept, by_field = [], {}
    for ex in exclusions:
        field = _single_pattern_field(ex)
        if field is None:
            kept.append(ex)
        else:
            by_field.setdefault(field, []).append(ex)
    for field, group in by_field.items():
        if len(group) == 1:
            kept += group
            continue
        pattern = regex.compile("|".join(f"(?:{getattr(ex, field).pattern})" for ex in group))
        kept.append(replace(group[0], reason=" | ".join(ex.reason for ex in group), **{field: pattern}))
    return kept


def _single_pattern_field(ex: Exclusion) -> str | None:
    fields = [name for name in _PATTERN_FIELDS if getattr(ex, name) is not None]
    others = (ex.numeral, ex.units, ex.comparators, ex.no_commitment_in, ex.unless_left, ex.unless_right)
    if len(fields) != 1 or ex.unless_commitment or any(other is not None for other in others):
        return None
    return fields[0] if _joinable(getattr(ex, fields[0])) else None


def _joinable(pattern: regex.Pattern) -> bool:
    """Whether a pattern matches the same inside an alternation: one with groups or global
    flags could match otherwise."""
    return pattern.groups == 0 and pattern.flags == _DEFAULT_FLAGS


def _exclusions_by_kind(exclusions: list[Exclusion],
                        units: set[str]) -> dict[tuple[bool, str, str], tuple[ExclusionGroup, ...]]:
    """For each (chinese, unit, comparator), the exclusions whose numeral, unit and comparator
    conditions hold, grouped (see ExclusionGroup): a quantity then tests only their patterns.
    Those whose first test is the quantity itself come first: it is the cheapest, and any
    exclusion that fires spares the others' searches."""
    exclusions = sorted(exclusions, key=_reads_context_first)
    compiled: dict[str, regex.Pattern] = {}      # kinds share their exclusions: compile each alternation once
    return {(chinese, unit, comparator): _grouped([ex for ex in exclusions if _may_fire(ex, chinese, unit, comparator)],
                                                  compiled)
            for chinese in (False, True) for unit in units for comparator in COMPARATORS}


def _grouped(exclusions: list[Exclusion], compiled: dict[str, regex.Pattern]) -> tuple[ExclusionGroup, ...]:
    by_scope: dict[str | None, list[Exclusion]] = {}
    for ex in exclusions:
        scope, first, must_match = ex.tests[0] if ex.tests else (None, None, False)
        by_scope.setdefault(scope if must_match and _joinable(first) else None, []).append(ex)
    groups = []
    for scope, members in by_scope.items():
        if scope is None or len(members) == 1:
            groups.append(ExclusionGroup(None, None, tuple(members)))
            continue
        source = "|".join(f"(?:{ex.tests[0][1].pattern})" for ex in members)
        if source not in compiled:
            compiled[source] = regex.compile(source)
        groups.append(ExclusionGroup(scope, compiled[source], tuple(members)))
    return tuple(groups)


def _reads_context_first(ex: Exclusion) -> bool:
    return ex.quantity is None and (any(getattr(ex, name) is not None for name in _CONTEXT_TESTS) or ex.unless_commitment)


def _may_fire(ex: Exclusion, chinese: bool, unit: str, comparator: str) -> bool:
    return ((ex.numeral is None or (ex.numeral == "chinese") == chinese)
            and (ex.units is None or unit in ex.units)
            and (ex.comparators is None or comparator in ex.comparators))


# --- numbers ------------------------------------------------------------------

_FULLWIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")
_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_LARGE = {"万": 10_000, "亿": 100_000_000}


def parse_number(written: str, positional: bool = False) -> float | None:
    """The value of a number as written: `2.5`, `１２`, `三千` → 3000, `两` → 2, `百` → 100.

    With `positional`, a run of Chinese digits is read digit by digit (`二〇二五` → 2025),
    as years are written. None when the string is no well-formed number (`三五`).
    """
    folded = written.translate(_FULLWIDTH).replace(",", "")
    if folded.replace(".", "", 1).isdigit():
        return float(folded)
    if positional and all(ch in _CN_DIGITS for ch in written):
        return float("".join(str(_CN_DIGITS[ch]) for ch in written))
    total, section, digit, last_power = 0, 0, None, 10_000
    for ch in written:
        if ch in _CN_DIGITS:
            if digit is not None and digit != 0:
                return None                      # 三五: two digits in a row
            digit = _CN_DIGITS[ch]
        elif ch in _CN_SMALL:
            if _CN_SMALL[ch] >= last_power:
                return None                      # 五十五十, 十百: powers must fall within a section
            section += (1 if digit is None else digit) * _CN_SMALL[ch]
            digit, last_power = None, _CN_SMALL[ch]
        elif ch in _CN_LARGE:                    # 亿 scales all before it (三万亿), 万 its own section
            section += digit or 0
            if ch == "亿":
                total = ((total + section) or 1) * _CN_LARGE[ch]
            else:
                total += (section or 1) * _CN_LARGE[ch]
            section, digit, last_power = 0, None, 10_000
        else:
            return None
    return float(total + section + (digit or 0))


# --- finding ------------------------------------------------------------------

@dataclass
class _Quantity:
    start: int
    end: int
    surface: str
    value_min: float
    value_max: float
    comparator: str
    unit: str
    per_suffix: bool
    chinese: bool
    historical: bool
    prefix: str | None


class _Context:
    """The clause around a quantity, and its sentence, found only when an exclusion reads it."""

    def __init__(self, text: str, q: _Quantity, rules: TargetRules):
        self.text, self.rules, self.quantity = text, rules, q.surface
        self.clause_start = start = _after(rules.clause_start.search(text, 0, q.start))
        self.clause_end = end = _before(rules.clause_end.search(text, q.end), len(text))
        self.left, self.right, self.clause = text[start:q.start], text[q.end:end], text[start:end]
        self._sentence: str | None = None

    @property
    def sentence_start(self) -> int:
        return _after(self.rules.sentence_start.search(self.text, 0, self.clause_start))

    @property
    def sentence(self) -> str:
        if self._sentence is None:
            text, rules = self.text, self.rules
            self._sentence = text[self.sentence_start:_before(rules.sentence_end.search(text, self.clause_end), len(text))]
        return self._sentence


def find_targets(text: str, rules: TargetRules, present_year: int | None = None) -> list[Target]:
    """Every quantified commitment in `text`, in text order; `year` is left to `assign_years`.

    `present_year` is the year the plan starts from (its first year, or the year it was
    published): a passage opened by a year before it reports the past, one opened by that
    year or a later one states aims (`2027年，全区新增…` in a 2027 work plan). Unknown, any
    year-opened passage reports the past.
    """
    quantities = _scan(text, rules, present_year)
    kept: list[tuple[int, _Quantity, _Context]] = []
    for i, q in enumerate(quantities):
        if q.historical:
            continue
        ctx = _Context(text, q, rules)
        if q.prefix in rules.clause_end_prefixes and ctx.right:
            # 突破20项关键技术: a verb before the counted thing, not a bound
            q = quantities[i] = _without_prefix(text, q, rules)
            ctx = _Context(text, q, rules)
        if not _excluded(ctx, rules.exclusions[q.chinese, q.unit, q.comparator], rules):
            # 至少建成1个: a bound apart from its number refines a kept quantity, it keeps none
            # (企业每年至少入户安检1次 commits the government to nothing)
            if q.comparator == "eq" and (apart := rules.apart.search(ctx.left)):
                q.comparator = rules.apart_comparators[apart.group("word")]
            kept.append((i, q, ctx))
    targets: list[Target] = []
    starts = [q.start for q in quantities]
    for (i, q, ctx), subject in zip(kept, _subjects(text, quantities, kept, rules)):
        if subject is None and targets and targets[-1].char_end > ctx.sentence_start:
            # 污水处理率分别达到95%和85%; 产业规模突破2000亿元，年均增长20%以上: the same thing again
            subject = targets[-1].subject
        targets.append(Target(
            quantity_text=q.surface, value_min=q.value_min, value_max=q.value_max,
            comparator=q.comparator, unit=q.unit,
            per="年" if _yearly(text, i, ctx, quantities, starts, rules) else None,
            subject=subject, char_start=q.start, char_end=q.end,
        ))
    _share_heads(targets, rules.subject)
    _respectively(targets, text, rules)
    return targets


# Scanner groups a quantity is read from, fetched in one call (by number: the regex
# module looks a group name up at every call).
_LINE_END = regex.compile("\n")     # where a passage opened by a bare year ends
_QUANTITY_GROUPS = ("pre", "lo", "hi", "num", "scale", "infix", "unit", "pct", "permille", "half", "tenths",
                    "doublings", "suf", "per")


def _scan(text: str, rules: TargetRules, present_year: int | None) -> list[_Quantity]:
    """The one pass: quantities, each marked when it stands in a historical passage.

    Matches of the context pattern and of the quantities are taken leftmost first and
    never overlap, the context first at the same position (a quantity inside a masked
    title is no quantity), as one alternation of both would give them.
    """
    context, quantities_pattern = rules.context, rules.quantities
    index = context.groupindex
    history = (index["opener"], index["closer"], index["clause_opener"])
    year, as_of = index["year"], index["as_of"]
    quantity_groups = _quantity_groups(rules)
    quantities: list[_Quantity] = []
    history_year, history_end = None, 0       # a passage runs to its line end or to a later deadline
    c, q = context.search(text), quantities_pattern.search(text)
    while c or q:
        if c and (not q or c.start() <= q.start()):
            opener, closer, clause_opener = c.group(*history)
            if (opener is not None and (present_year is None or c.group(as_of) is not None
                                        or int(c.group(year)) < present_year)) or (
                    clause_opener is not None and present_year is not None and int(c.group(year)) < present_year):
                history_year = int(c.group(year))       # to the line end; a clause's, to its sentence end
                end_of = rules.sentence_end if clause_opener is not None else _LINE_END
                history_end = _before(end_of.search(text, c.end()), len(text))
            elif opener is not None or (closer is not None and history_year is not None
                                        and int(c.group(year)) > history_year):
                history_year = None            # the plan's own year, or a later deadline: aims again
            match = c
        else:
            found = _quantity(q, quantity_groups, rules, history_year is not None and q.start() < history_end)
            if found is not None:
                quantities.append(found)
            match = q
        end = max(match.end(), match.start() + 1)    # an empty match must not stop the scan
        c = c if c and c.start() >= end else context.search(text, end)
        q = q if q and q.start() >= end else quantities_pattern.search(text, end)
    return quantities


def _yearly(text: str, i: int, ctx: _Context, quantities: list[_Quantity], starts: list[int],
            rules: TargetRules) -> bool:
    """`/年`; a clause-wide cue before it (每年…), or one opening an earlier clause of its
    sentence that counts nothing itself (每年发布场景清单，开放场景不少于30个: the 30个 are
    yearly; 每年引进人才200名，培养技能人才1万人次: only the 200名; not to a total, 累计开放…);
    or an attribute cue (年产…) with no other quantity between (年产值超10亿元的企业十家:
    年产值 is the 10亿元's). `starts`: the quantities' starts."""
    q = quantities[i]
    if q.per_suffix or rules.per_year_cues.search(ctx.left):
        return True
    cue = rules.per_year_cues.search(text, ctx.sentence_start, ctx.clause_start)
    if cue is not None and not rules.per_year_totals.search(ctx.left):
        cue_clause_end = _before(rules.clause_end.search(text, cue.end()), len(text))
        first_after_cue = bisect.bisect_left(starts, cue.start(), 0, i)
        if first_after_cue == i or starts[first_after_cue] >= cue_clause_end:    # its clause counts nothing
            return True
    previous = quantities[i - 1] if i else None
    start = max(ctx.clause_start, previous.end) if previous else ctx.clause_start
    return rules.per_year_attributes.search(text, start, q.start) is not None


def _without_prefix(text: str, q: _Quantity, rules: TargetRules) -> _Quantity:
    m = rules.quantities.pattern.match(text, q.start + len(q.prefix))
    return _quantity(m, _quantity_groups(rules), rules, q.historical)


def _quantity_groups(rules: TargetRules) -> tuple[int, ...]:
    index = rules.quantities.pattern.groupindex
    return tuple(index[name] for name in _QUANTITY_GROUPS)


def _quantity(m: regex.Match, groups: tuple[int, ...], rules: TargetRules, historical: bool) -> _Quantity | None:
    pre, lo, hi, num, scale, infix, unit, pct, permille, half, tenths, doublings, suf, per = m.group(*groups)
    chinese = False                      # shares and multiples in words are never names
    if half:
        low = high = 50.0
        unit = "%"
    elif pct or permille:
        low = high = parse_number(pct or permille)
        if permille and low is not None:
            low = high = round(low / 10, 6)
        unit = "%"
    elif tenths:
        low = high = _CN_DIGITS[tenths] * 10.0
        unit = "%"
    elif doublings is not None:          # the group matches empty in 翻番
        low = high = 2.0 ** _CN_DIGITS.get(doublings, 1) - 1
        unit = "倍"
    else:
        factor = rules.scales.get(scale, 1) * rules.unit_factors.get(unit, 1)
        written = [lo, hi] if lo else [num]
        values = [parse_number(w) for w in written]
        if any(v is None for v in values):
            return None
        low, high = values[0], values[-1]
        if factor != 1:   # rounded: 2.2 × 10⁸ is 220000000.00000003 in binary floating point
            low, high = round(low * factor, 6), round(high * factor, 6)
        unit = rules.units[unit]
        chinese = not written[0][0].translate(_FULLWIDTH).isdigit()
    if low is None or high < low:
        return None
    if lo:
        comparator = "range"
    elif pre:
        comparator = rules.prefixes[pre]
    elif suf:
        comparator = rules.suffixes[suf]
    elif infix:
        comparator = rules.infixes[infix]
    else:
        comparator = "eq"
    return _Quantity(m.start(), m.end(), m.group(), low, high, comparator, unit, bool(per), chinese, historical, pre)


def _after(m: regex.Match | None) -> int:
    return m.end() if m else 0


def _before(m: regex.Match | None, default: int) -> int:
    return m.start() if m else default


def _excluded(ctx: _Context, groups: tuple[ExclusionGroup, ...], rules: TargetRules) -> bool:
    """Whether an exclusion of `groups` fires on the quantity (rules.exclusions has checked
    their numeral, unit and comparator conditions): each of its tests holds."""
    for scope, any_first, exclusions in groups:
        if any_first is not None and any_first.search(getattr(ctx, scope)) is None:
            continue
        for ex in exclusions:
            for read, pattern, wanted in ex.tests:
                if (pattern.search(getattr(ctx, read)) is None) == wanted:
                    break
            else:
                if ex.no_commitment_in is not None and rules.any_commitment.search(getattr(ctx, ex.no_commitment_in)):
                    continue
                if ex.unless_commitment and rules.commitment.search(ctx.left):
                    continue
                return True
    return False


# --- subject --------------------------------------------------------------------

_CLOSE_QUOTE = regex.compile(r"[”」』]")
_OPEN_QUOTE = regex.compile(r"[“「『]")
_LAST_OPEN_QUOTE = regex.compile(r"(?r)[“「『]")
_BRACKET = regex.compile(r"[（(]")
_LIST_SEPARATOR = regex.compile(r"[、和及与]")


def _subjects(text: str, quantities: list[_Quantity], kept: list[tuple[int, _Quantity, _Context]],
              rules: TargetRules) -> list[str | None]:
    """What each kept quantity counts: the noun phrase after it, else the phrase before it.

    A window is read as it is unless tokens may change it. The windows after, and the
    windows before where the window after is empty, are tokenized in one Doc; the windows
    before where the tokens after read empty, in a second one.
    """
    s = rules.subject
    bounds = []                                   # the neighbours' ends bound the windows
    for i, q, ctx in kept:
        prev_end, before_end = ctx.clause_start, q.start
        if i and quantities[i - 1].end > ctx.clause_start:
            previous = quantities[i - 1]
            prev_end = previous.end
            # 比重由2025年的8%提高到2030年的15%: the 15% counts what stands before the baseline
            if s.baseline_gap.fullmatch(text, previous.end, q.start) and (
                    opened := s.baseline_open.search(text, ctx.clause_start, previous.start)):
                prev_end, before_end = ctx.clause_start, opened.start()
        next_start = quantities[i + 1].start if i + 1 < len(quantities) and quantities[i + 1].start < ctx.clause_end else ctx.clause_end
        bounds.append((prev_end, before_end, next_start))
    afters = [_window_after(text[q.end:next_start], s) for (_, q, _), (_, _, next_start) in zip(kept, bounds)]

    def windows_before(ks):
        return {k: _window_before(text[bounds[k][0]:bounds[k][1]], s) for k in ks}

    befores = windows_before(k for k, window in enumerate(afters) if not window)
    tokenized_after = dict.fromkeys(w for w in afters if w and _needs_tokens_after(w, s))
    tokenized_before = dict.fromkeys(w for w in befores.values() if w and _needs_tokens_before(w, s))
    tokens = _tokens_by_window(list({**tokenized_after, **tokenized_before}), rules)
    subjects = [_read_after(tokens[w], rules) if w in tokenized_after else (w or None) for w in afters]
    late = windows_before(k for k, subject in enumerate(subjects) if not subject and k not in befores)
    if late:
        more = dict.fromkeys(w for w in late.values() if w and _needs_tokens_before(w, s))
        tokens.update(_tokens_by_window([w for w in more if w not in tokens], rules))
        tokenized_before.update(more)
        befores.update(late)
    for k, window in befores.items():
        subjects[k] = _read_before(tokens[window], rules) if window in tokenized_before else (window or None)
    return subjects


def _tokens_by_window(windows: list[str], rules: TargetRules) -> dict[str, list[_Token]]:
    return dict(zip(windows, _tokens_each(windows, rules))) if windows else {}


def _window_after(after: str, s: SubjectRules) -> str:
    """The text after a quantity that may name what it counts; empty when it cannot."""
    after = _until_unopened_quote(after)
    after = after[:m.start()] if (m := _BRACKET.search(after)) else after
    if _LIST_SEPARATOR.match(after):          # 教育专家10名、名校长100名: 10名 counts what precedes it
        return ""
    if after.startswith(_OF) and s.metric_end.search(after):
        return ""                             # 年产储氢瓶5万只的生产能力: the 5万只 are 储氢瓶
    return s.trim.sub("", after)


def _needs_tokens_after(window: str, s: SubjectRules) -> bool:
    """Only a stop word, 的 or 等 changes the phrase after a quantity; other words of
    needs_tokens just make spaCy drop the spaces after words."""
    return bool(s.stops_after.search(window) or (" " in window and s.needs_tokens.search(window)))


def _read_after(tokens: list[_Token], rules: TargetRules) -> str:
    tokens = _drop_modifier(tokens)
    stop = next((k for k, t in enumerate(tokens) if STOP in t.labels), len(tokens))
    return _after_list(tokens[:stop], rules.subject)


def _window_before(before: str, s: SubjectRules) -> str:
    """The text before a quantity that may name what it counts."""
    before = before[_last_open_quote(before):]
    while (shorter := s.link_tail.sub("", before.rstrip())) != before:
        before = shorter
    return _without_lead(before, s)


def _needs_tokens_before(window: str, s: SubjectRules) -> bool:
    return s.needs_tokens.search(window) is not None


def _read_before(tokens: list[_Token], rules: TargetRules) -> str | None:
    s = rules.subject
    verb = _predicate(tokens, rules)
    if verb == len(tokens) - 1 and verb > 0 and tokens[verb - 1].text not in _CONJUNCTIONS:
        # a verb ending the window names an activity (完成老旧小区适老化改造200万户), unless
        # it is a second predicate (形成平台并培养1000人次): the verb before it governs
        earlier = _predicate(tokens[:verb], rules)
        verb = earlier if earlier >= 0 else verb
    phrase = _without_lead(_after_list(_drop_modifier(tokens[verb + 1:]), s), s)
    return phrase or (tokens[verb].text if verb >= 0 else None)


class _Token(NamedTuple):
    """A jieba token, or a span of the rules that covers several, with the span labels it carries."""
    text: str
    labels: frozenset[str]


_NO_LABELS: frozenset[str] = frozenset()


def _without_lead(phrase: str, s: SubjectRules) -> str:
    """Drop what opens a clause without being counted: 5年内, 每年, 力争全市…"""
    while (shorter := s.lead.sub("", phrase)) != phrase:
        phrase = shorter
    return s.trim.sub("", phrase)


def _predicate(tokens: list[_Token], rules: TargetRules) -> int:
    """Index of the last commitment verb that governs what follows it, or -1.

    A verb inside a list (…、体育产品研发人才、…) belongs to an item, and one followed
    by another verb or a metric (研发投入强度) belongs to a compound noun; with no verb
    before the list, the list is who acts and a verb after it governs (北京、天津分别新建
    加氢站). Before a metric (…企业研发机构覆盖率达到50%) only a verb opening the phrase governs.
    """
    if rules.subject.metric_end.search("".join(t.text for t in tokens)):
        return 0 if tokens and VERB in tokens[0].labels else -1
    enums = [k for k, t in enumerate(tokens) if t.text == _ENUM]
    before_list = _last_governing_verb(tokens, 0, enums[0] if enums else len(tokens))
    return before_list if before_list >= 0 or not enums else _last_governing_verb(tokens, enums[-1] + 1, len(tokens))


def _last_governing_verb(tokens: list[_Token], start: int, end: int) -> int:
    """A verb before a HEAD noun after another verb makes a compound with it (新增上市企业,
    实施智能化改造项目): an earlier verb governs, and when each earlier one is followed by a
    verb, the first of the chain (建设服务网点, 安排新增建设用地指标)."""
    compound = False
    for k in range(end - 1, start - 1, -1):
        if VERB in tokens[k].labels:
            following = tokens[k + 1].labels if k + 1 < len(tokens) else frozenset()
            if following & {VERB, METRIC}:
                continue
            if HEAD in following and any(VERB in t.labels for t in tokens[start:k]):
                compound = True
                continue
            return k
    return next((k for k in range(start, end) if VERB in tokens[k].labels), -1) if compound else -1


def _tokens_each(windows: list[str], rules: TargetRules) -> list[list[_Token]]:
    """The tokens of each window (see _merged), all tokenized in one Doc."""
    return [_merged(texts, spans) for texts, spans in tokens_and_spans(get_window_matcher(rules.rules_dir), windows)]


def _merged(texts: list[str], spans: list[tuple[int, int, str]]) -> list[_Token]:
    """Tokens with the longest span of the rules over several merged into one.

    A merged token carries the labels of every span within it, so merging loses no
    label of a single token (提高到: VERB, and SUBJECT_STOP from 到).
    """
    # longest first, then leftmost (spacy.util.filter_spans on plain tuples: this runs per window)
    merged, taken = [], set()
    for start, end, _ in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
        if not taken.intersection(range(start, end)):
            merged.append((start, end))
            taken.update(range(start, end))
    tokens, k = [], 0
    for start, end in sorted(merged):
        tokens += [_Token(text, _NO_LABELS) for text in texts[k:start]]
        labels = frozenset(label for s, e, label in spans if start <= s and e <= end)
        tokens.append(_Token("".join(texts[start:end]), labels))
        k = end
    tokens += [_Token(text, _NO_LABELS) for text in texts[k:]]
    return tokens


def _drop_modifier(tokens: list[_Token]) -> list[_Token]:
    """`X的Y` counts Y (具有国际竞争力的科技型企业), unless Y is an ACTIVITY on X (产品的研发),
    or a METRIC, which means nothing without X (新能源汽车在新车销售中的占比)."""
    cut = next((k for k in range(len(tokens) - 1, -1, -1) if tokens[k].text == _OF), None)
    if cut is None:
        return tokens
    head = tokens[cut + 1:]
    if head and METRIC in head[-1].labels:
        return tokens
    return tokens[:cut] if not head or ACTIVITY in head[0].labels else head


def _until_unopened_quote(after: str) -> str:
    """Text after a quantity ends at a closing quote it did not open (…达到40%”的目标)."""
    m = _CLOSE_QUOTE.search(after)
    if m and not _OPEN_QUOTE.search(after, 0, m.start()):
        return after[:m.start()]
    return after


def _last_open_quote(before: str) -> int:
    """Text before a quantity starts after an opening quote it does not close (实现“重点引进…2000名)."""
    m = _LAST_OPEN_QUOTE.search(before)
    if m and not _CLOSE_QUOTE.search(before, m.end()):
        return m.end()
    return 0


def _after_list(tokens: list[_Token], s: SubjectRules) -> str:
    """Join tokens; a list closed by 等 is named by what follows 等 (A、B、C等创新平台 → 创新平台)."""
    texts = [t.text for t in tokens]
    if _ETC in texts[:-1]:
        texts = texts[len(texts) - texts[::-1].index(_ETC):]
    return s.trim.sub("", "".join(texts))


def _share_heads(targets: list[Target], s: SubjectRules) -> None:
    """`3款侵入式和5款非侵入式产品`: a subject that is only a modifier takes the next one's head."""
    for current, following in zip(targets, targets[1:]):
        if current.subject and following.subject and s.modifier_end.search(current.subject):
            m = s.modifier_any.search(following.subject)
            if m and m.end() < len(following.subject):
                current.subject += following.subject[m.end():]


def _respectively(targets: list[Target], text: str, rules: TargetRules) -> None:
    """`A、B、C…分别达到X、Y、Z`: the quantities of a list after `分别`, read with one subject
    (the whole list), each take their own item; a comparator written once bounds them all."""
    r = rules.subject.respectively
    i = 0
    while i < len(targets):
        first = targets[i]
        j = i + 1
        while (j < len(targets) and targets[j].subject == first.subject
               and r.joiner.fullmatch(text, targets[j - 1].char_end, targets[j].char_start)):
            j += 1
        run = targets[i:j]
        if len(run) > 1 and first.subject and r.cue.search(text, max(0, first.char_start - 16), first.char_start):
            subjects = _list_items(first.subject, len(run), rules)
            for target, subject in zip(run, subjects or ()):
                target.subject = subject
            _share_comparator(run, rules)
        i = j


def _list_items(phrase: str, n: int, rules: TargetRules) -> list[str] | None:
    """`phrase` cut into `n` items sharing its head, or None when no separator gives n items."""
    r = rules.subject.respectively
    items = next((cut for separator in r.separators if len(cut := separator.split(phrase)) == n), None)
    if items is None or not all(items):
        return None
    counted = r.counter.search(items[-1])
    if counted:                                   # 高端装备、新材料两大产业集群营业收入
        head = counted.group("head")
        items[-1] = items[-1][:counted.start()]
    elif rules.subject.metric_end.search(items[0]):
        return items                              # 游客接待量、过夜游客占比: whole names
    else:                                         # 肉类、果蔬、水产品产地低温处理率: the last item's
        shortest = min(map(len, items[:-1]))      # own words are as long as the shortest other item
        own = ""
        for token in _tokens_each([items[-1]], rules)[0]:
            if len(own) >= shortest:
                break
            own += token.text
        head = items[-1][len(own):]
        items[-1] = own
    return [item + head for item in items]


def _share_comparator(run: list[Target], rules: TargetRules) -> None:
    """分别下降10%和15%以上, 分别不低于90%、85%: the bound written once is every item's."""
    last, first = run[-1], run[0]
    if any(last.quantity_text.endswith(suffix) for suffix in rules.suffixes):
        comparator = last.comparator
    elif any(first.quantity_text.startswith(prefix) for prefix in rules.prefixes):
        comparator = first.comparator
    else:
        return
    for target in run:
        if target.comparator == "eq":
            target.comparator = comparator


def outside_reviews_and_conditions(targets: list[Target], measures: list[Measure], text: str,
                                   rules: TargetRules) -> list[Target]:
    """The targets that stand outside measures reviewing the past or the situation
    (`第一节　发展基础`, `一、发展现状`) and their children, where numbers are statistics,
    and outside the children of a measure that lists conditions (`应当具备下列条件：`),
    where they are thresholds."""
    excluded: list[bool] = []
    lists_conditions: dict[int, bool] = {}  # by parent: its children share it
    for m in measures:                        # parents come before their children
        parent = m.parent_ordinal
        if parent is not None and parent not in lists_conditions:
            p = measures[parent]
            lists_conditions[parent] = rules.condition_lists.search(text, p.char_start, p.char_end) is not None
        excluded.append(bool(m.title and rules.review_sections.search(m.title))
                        or (parent is not None and (excluded[parent] or lists_conditions[parent])))
    if not any(excluded):
        return targets
    starts = [m.char_start for m in measures]
    return [t for t in targets
            if not ((k := bisect.bisect_right(starts, t.char_start) - 1) >= 0 and excluded[k])]


# --- years ----------------------------------------------------------------------

def assign_years(targets: list[Target], dates: list[DateMention], text: str, measures: list[Measure],
                 rules: TargetRules, plan_year: int | None = None, measure_deadlines: dict[int, int] | None = None) -> None:
    """Set each target's `year` to the deadline that governs it (guide §3).

    The nearest deadline before the target in the same line and measure, or a bare
    year opening the target's clause if nearer (`2025年累计达到3.5万亩`); else the first
    deadline after it in the same sentence (up to the next 。); else the last deadline
    of a lead-in line above it in its measure (`到2027年，实现以下目标：`); else the
    deadline of the lead-in its measure hangs from (see _lead_in_years); else that of a
    `完成时限：…` line in its measure; else its measure's deadline in `measure_deadlines` (a
    task table's deadline column, by measure ordinal); else `plan_year`, the year of a one-year plan
    (`2025年…工作要点`), whose aims are due by its end, unless recurring (`每季度召开1次`);
    else None.
    A period (`2012年起5年内`) is no deadline.
    """
    deadlines = sorted((d for d in dates if d.kind == "deadline"), key=lambda d: d.char_start)
    starts = [d.char_start for d in deadlines]
    milestones = {d.char_start: d for d in dates if d.kind == "point" and d.month is None}
    span_starts = [m.char_start for m in measures]
    inherited = _lead_in_years(measures, deadlines, starts, text)
    recurring = [d.char_start for d in dates if d.kind == "recurring"]
    for target in targets:
        line_start = low = text.rfind("\n", 0, target.char_start) + 1
        high = text.find("\n", target.char_end)
        high = len(text) if high < 0 else high
        k = bisect.bisect_right(span_starts, target.char_start) - 1
        inside = k >= 0 and target.char_start < measures[k].char_end
        if inside:
            low, high = max(low, measures[k].char_start), min(high, measures[k].char_end)
        target.year = None
        before = None
        i = bisect.bisect_left(starts, target.char_start) - 1
        if i >= 0 and deadlines[i].char_start >= low and deadlines[i].char_end <= target.char_start:
            before = deadlines[i]
        if milestones:
            clause = text[_after(rules.clause_start.search(text, 0, target.char_start)):target.char_start]
            milestone = milestones.get(target.char_start - len(clause.lstrip()))
            if milestone is not None and (before is None or milestone.char_start > before.char_start):
                before = milestone
        if before is not None:
            target.year = before.year
            continue
        sentence_end = text.find("。", target.char_end, high)
        sentence_end = high if sentence_end < 0 else sentence_end
        j = bisect.bisect_left(starts, target.char_end)
        if j < len(deadlines) and deadlines[j].char_start < sentence_end:
            target.year = deadlines[j].year
        elif inside:
            target.year = (_lead_in_line_year(text, measures[k].char_start, line_start, deadlines, starts)
                           or inherited[k] or _labelled_year(text, measures[k], deadlines, starts, rules)
                           or (measure_deadlines or {}).get(k))
        if target.year is None and plan_year is not None and not _recurring(target, recurring, text, rules):
            target.year = plan_year


_LEAD_IN_END = ("：", ":")


def _last_deadline_year(deadlines: list[DateMention], starts: list[int], start: int, end: int) -> int | None:
    """The year of the last deadline that starts in text[start:end]."""
    last = bisect.bisect_left(starts, end) - 1
    return deadlines[last].year if last >= 0 and deadlines[last].char_start >= start else None


def _lead_in_line_year(text: str, start: int, line_start: int, deadlines: list[DateMention],
                       starts: list[int]) -> int | None:
    """The last deadline of the nearest line in text[start:line_start] that ends with a colon."""
    colon = max(text.rfind(end + "\n", start, line_start) for end in _LEAD_IN_END)
    if colon < 0:
        return None
    return _last_deadline_year(deadlines, starts, max(start, text.rfind("\n", 0, colon) + 1), colon)


def _recurring(target: Target, recurring: list[int], text: str, rules: TargetRules) -> bool:
    """A recurring date (`每季度`, `每年`) before the target in its clause, or in its sentence for a
    yearly rate (每年发布清单，开放场景30个); a year's volume (`年交易额达到400亿元`) is no recurrence."""
    scope = rules.sentence_start if target.per else rules.clause_start
    start = _after(scope.search(text, 0, target.char_start))
    k = bisect.bisect_left(recurring, start)
    return k < len(recurring) and recurring[k] < target.char_start


def _labelled_year(text: str, measure: Measure, deadlines: list[DateMention], starts: list[int],
                   rules: TargetRules) -> int | None:
    """The deadline of a `完成时限：2027年底前` line in the measure's own text."""
    label = rules.deadline_label.search(text, measure.char_start, measure.char_end)
    if label is None:
        return None
    line_end = text.find("\n", label.end(), measure.char_end)
    return _last_deadline_year(deadlines, starts, label.end(), measure.char_end if line_end < 0 else line_end)


def _lead_in_years(measures: list[Measure], deadlines: list[DateMention], starts: list[int], text: str) -> list[int | None]:
    """Per measure, the deadline a lead-in above it sets: a measure whose own text ends
    with a colon (`到2026年，实现以下目标：`) passes its last deadline to the measures
    below it, and on down to theirs."""
    years: list[int | None] = []
    for m in measures:                        # parents come before their children
        year = None
        if m.parent_ordinal is not None:
            parent = measures[m.parent_ordinal]
            if text[parent.char_end - 1] in _LEAD_IN_END:     # a measure's span ends at its last non-blank
                year = _last_deadline_year(deadlines, starts, parent.char_start, parent.char_end)
            if year is None:
                year = years[m.parent_ordinal]
        years.append(year)
    return years
