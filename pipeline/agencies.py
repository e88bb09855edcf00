"""Responsible agencies: the parenthesised annotations that name who carries
out a measure (guide §4), and their official names.

One regex pass finds bracket groups; only groups whose content holds a role
key, verb or note are parsed, each by cutting its short content into parts and
lists. The grammar (keys, verbs, notes, separators, what a name looks like)
is data in rules/agencies.yaml; known names come from the jieba lexicon
rules/lexicon/agencies.txt; official names from rules/agency_aliases.yaml.

Names are split by character rules, not by jieba tokens: jieba glues an
unknown abbreviation to the conjunction after it (`发展改革委和` → `委和`),
so token boundaries cannot decide a 和/及 split.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, NamedTuple

import regex

from .cells import Cell, line_cells, table_headers
from .errors import RuleError
from .model import Agency
from .nlp import read_lexicon
from .rules import RULES_DIR, Field, check_list, check_mapping, compile_pattern, read_yaml

ROLES = frozenset({"lead", "responsible", "support"})
EFFECTS = frozenset({"first_lead", "rest_support", "same_below"})
KNOWN_TAG = "nt"  # lexicon entries with this tag are agency names
_PLACEHOLDERS = regex.compile(r"\{([^{}]*)\}")
_SPACE = " \t\u3000"
_BRACKETS = regex.compile(r"[（()）]")
_MASK = "\u25a1"


@dataclass(frozen=True)
class RoleKey:
    pattern: regex.Pattern
    role: str


@dataclass(frozen=True)
class Note:
    pattern: regex.Pattern
    effect: str


@dataclass(frozen=True)
class LocalAlias:
    """`before{prefix}after` → canonical template with {region}/{short}."""

    before: str
    after: str
    canonical: str


@dataclass(frozen=True)
class AgencyRules:
    annotation: regex.Pattern
    key_brackets: dict[int, str]            # str.translate table: keyed form → `；KEY：list`
    trigger: regex.Pattern
    part_separators: regex.Pattern
    list_separators: regex.Pattern
    key: regex.Pattern
    role_keys: tuple[RoleKey, ...]
    role_verbs: regex.Pattern               # all verbs in one pattern, in order: the first to match a part wins
    notes: tuple[Note, ...]
    any_note: regex.Pattern                 # all notes in one pattern: most parts hold none
    list_end: regex.Pattern
    conjunctions: regex.Pattern
    drop_prefix: regex.Pattern
    max_chars: int
    forbidden: regex.Pattern
    suffixes: regex.Pattern
    not_suffixes: regex.Pattern
    collective: regex.Pattern
    official_start: regex.Pattern
    shared_level: regex.Pattern         # a bare level in a list that shares a body (各市、县人民政府)
    shared_level_body: regex.Pattern    # the level that carries the shared body
    bare_after: regex.Pattern
    bare_role: str
    cell_separator: regex.Pattern           # between the cells of a table row written out as a line
    task_column: regex.Pattern              # the header cell of a task-division table's task column
    deadline_column: regex.Pattern          # … and of its deadline column
    known: frozenset[str]
    known_compounds: regex.Pattern | None   # known names holding a conjunction
    central: dict[str, str]
    local: tuple[LocalAlias, ...]
    local_index: dict[str, dict[str, int]]   # before → after → first alias in `local` with them
    region_level: regex.Pattern


# ---------------------------------------------------------------- loading

_TOP = {
    "annotation": Field(dict), "part_separators": Field(str, pattern=True),
    "list_separators": Field(str, pattern=True), "key": Field(str, pattern=True),
    "role_keys": Field(list), "role_verbs": Field(list, items=str, pattern=True),
    "notes": Field(list), "list_end": Field(str, pattern=True), "conjunctions": Field(str, pattern=True),
    "drop_prefix": Field(str, pattern=True), "agency": Field(dict), "bare_list": Field(dict),
    "task_table": Field(dict),
}
_TASK_TABLE = {"cell_separator": Field(str, pattern=True), "task_column": Field(str, pattern=True),
               "deadline_column": Field(str, pattern=True)}
_ANNOTATION = {"pattern": Field(str, pattern=True), "trigger": Field(str, pattern=True),
               "key_brackets": Field(dict, required=False)}
_ROLE_KEY = {"pattern": Field(str, pattern=True), "role": Field(str, choices=ROLES)}
_NOTE = {"pattern": Field(str, pattern=True), "effect": Field(str, choices=EFFECTS)}
_AGENCY = {"max_chars": Field(int), "forbidden": Field(str, pattern=True), "suffixes": Field(str, pattern=True),
           "not_suffixes": Field(str, pattern=True), "collective": Field(str, pattern=True),
           "official_start": Field(str, pattern=True), "shared_level": Field(str, pattern=True),
           "shared_body": Field(str, pattern=True)}
_BARE = {"after": Field(str, pattern=True), "role": Field(str, choices=ROLES)}
_ALIASES = {"central": Field(dict), "local": Field(dict), "region_level": Field(str, pattern=True)}


def load_rules(rules_dir: Path = RULES_DIR) -> AgencyRules:
    """Read and validate agencies.yaml, agency_aliases.yaml and the lexicon."""
    path = Path(rules_dir) / "agencies.yaml"
    top = check_mapping(read_yaml(path), _TOP, path, "agencies")
    annotation = check_mapping(top["annotation"], _ANNOTATION, path, "annotation")
    line = getattr(top["annotation"], "key_lines", {}).get("pattern")
    agency = check_mapping(top["agency"], _AGENCY, path, "agency")
    bare = check_mapping(top["bare_list"], _BARE, path, "bare_list")
    table = check_mapping(top["task_table"], _TASK_TABLE, path, "task_table")
    pattern = compile_pattern(annotation["pattern"], path, line, "annotation.pattern")
    if "content" not in pattern.groupindex:
        raise RuleError(path, line, "annotation.pattern must capture the content as (?P<content>…)")
    verbs = check_list(top["role_verbs"], path, "role_verbs",
                       lambda src, ln: _verb_pattern(src, path, ln))
    role_keys = check_list(top["role_keys"], path, "role_keys", lambda item, ln: _role_key(item, path))
    notes = check_list(top["notes"], path, "notes", lambda item, ln: _note(item, path))
    known = _known_names(Path(rules_dir) / "lexicon" / "agencies.txt")
    conj = regex.compile(top["conjunctions"])
    compounds = sorted((name for name in known if conj.search(name)), key=len, reverse=True)
    central, local, region_level = _load_aliases(Path(rules_dir) / "agency_aliases.yaml")
    return AgencyRules(
        annotation=pattern,
        key_brackets=_key_brackets(annotation.get("key_brackets", {}), path, top["annotation"]),
        trigger=regex.compile(annotation["trigger"]),
        part_separators=regex.compile(top["part_separators"]),
        list_separators=regex.compile(top["list_separators"]),
        key=regex.compile(top["key"]),
        role_keys=tuple(role_keys),
        role_verbs=regex.compile("|".join(f"(?:{verb.pattern})" for verb in verbs) or "(?!)"),
        notes=tuple(notes),
        any_note=regex.compile("|".join(f"(?:{note.pattern.pattern})" for note in notes) or "(?!)"),
        list_end=regex.compile(top["list_end"]),
        conjunctions=conj,
        drop_prefix=regex.compile(top["drop_prefix"]),
        max_chars=agency["max_chars"],
        forbidden=regex.compile(agency["forbidden"]),
        suffixes=regex.compile(agency["suffixes"]),
        not_suffixes=regex.compile(agency["not_suffixes"]),
        collective=regex.compile(agency["collective"]),
        official_start=regex.compile(agency["official_start"]),
        shared_level=regex.compile(agency["shared_level"]),
        shared_level_body=regex.compile(f"(?:{agency['shared_level']})(?:{agency['shared_body']})"),
        bare_after=regex.compile(bare["after"]),
        bare_role=bare["role"],
        cell_separator=regex.compile(table["cell_separator"]),
        task_column=regex.compile(table["task_column"]),
        deadline_column=regex.compile(table["deadline_column"]),
        known=known,
        known_compounds=regex.compile("|".join(map(regex.escape, compounds))) if compounds else None,
        central=central,
        local=local,
        local_index=_local_index(local),
        region_level=region_level,
    )


def _key_brackets(table, path: Path, node) -> dict[int, str]:
    """Bracket → replacement, each one character: the parser's offsets must not move."""
    line = getattr(node, "key_lines", {}).get("key_brackets")
    for bracket, meaning in table.items():
        if len(str(bracket)) != 1 or len(str(meaning)) != 1:
            raise RuleError(path, line, f"annotation.key_brackets: {bracket!r}: {meaning!r} must map one character to one")
    return str.maketrans(dict(table))


def _verb_pattern(source: str, path: Path, line: int | None) -> regex.Pattern:
    pattern = compile_pattern(source, path, line, "role_verbs")
    groups = set(pattern.groupindex)
    if not groups or not groups <= ROLES:
        raise RuleError(path, line, f"role_verbs: named groups must be roles {sorted(ROLES)}, got {sorted(groups)}")
    return pattern


def _role_key(item, path: Path) -> RoleKey:
    data = check_mapping(item, _ROLE_KEY, path, "role key")
    return RoleKey(regex.compile(data["pattern"]), data["role"])


def _note(item, path: Path) -> Note:
    data = check_mapping(item, _NOTE, path, "note")
    return Note(regex.compile(data["pattern"]), data["effect"])


def _known_names(path: Path) -> frozenset[str]:
    if not path.exists():
        return frozenset()
    return frozenset(word for word, _, tag in read_lexicon(path) if tag == KNOWN_TAG)


def _load_aliases(path: Path) -> tuple[dict[str, str], tuple[LocalAlias, ...], regex.Pattern]:
    node = read_yaml(path)
    data = check_mapping(node, _ALIASES, path, "agency aliases")
    line = node.key_lines.get("region_level")
    region_level = compile_pattern(data["region_level"], path, line, "region_level")
    if "level" not in region_level.groupindex:
        raise RuleError(path, line, "region_level must capture (?P<level>…)")
    central = {}
    for written, canonical in _string_pairs(data["central"], path, "central"):
        if "{" in written or "{" in canonical:
            raise RuleError(path, data["central"].key_lines.get(written), "central names take no placeholders")
        central[written] = canonical
    local = []
    for written, canonical in _string_pairs(data["local"], path, "local"):
        line = data["local"].key_lines.get(written)
        if _PLACEHOLDERS.findall(written) != ["prefix"]:
            raise RuleError(path, line, f"local name {written!r} must hold {{prefix}} exactly once")
        unknown = set(_PLACEHOLDERS.findall(canonical)) - {"region", "short"}
        if unknown:
            raise RuleError(path, line, f"unknown placeholder(s) {sorted(unknown)} in {canonical!r}")
        before, after = written.split("{prefix}")
        local.append(LocalAlias(before, after, canonical))
    return central, tuple(local), region_level


def _local_index(local: tuple[LocalAlias, ...]) -> dict[str, dict[str, int]]:
    index: dict[str, dict[str, int]] = {}
    for i, alias in enumerate(local):
        index.setdefault(alias.before, {}).setdefault(alias.after, i)
    return index


def _string_pairs(mapping, path: Path, what: str) -> Iterator[tuple[str, str]]:
    for written, canonical in mapping.items():
        if not isinstance(written, str) or not isinstance(canonical, str):
            raise RuleError(path, mapping.key_lines.get(written), f"{what}: names must be strings")
        yield written, canonical


# ---------------------------------------------------------------- finding

@dataclass(slots=True)
class _Name:
    start: int
    end: int
    text: str          # the document's text[start:end]
    role: str


class _Verdicts(dict):
    """`is_agency` of the names met in one document (or list), each tested once: a plan
    names the same few bodies again and again."""

    def __init__(self, rules: AgencyRules):
        super().__init__()
        self.rules = rules

    def __missing__(self, name: str) -> bool:
        verdict = self[name] = is_agency(name, self.rules)
        return verdict


def find_agencies(text: str, rules: AgencyRules, annexes: tuple[int, ...] = ()) -> list[Agency]:
    """Every agency named in a responsibility annotation, in text order. A `下同` holds up
    to the next of `annexes` (where an attached plan starts: a document of its own)."""
    agencies: list[Agency] = []
    carried: set[str] = set()   # effects a `下同` carries to later annotations
    pending = list(annexes)
    verdicts = _Verdicts(rules)
    content = rules.annotation.groupindex["content"]   # the group's number: quicker to look up than its name
    index = 0
    for match in rules.annotation.finditer(text):
        opening = match.start()
        if pending and pending[0] <= opening:
            while pending and pending[0] <= opening:
                pending.pop(0)
            carried = set()
        start, end = match.span(content)
        if not (rules.trigger.search(text, start, end) or _after_sentence(text, opening, rules)):
            continue
        parsed = _parse(text, start, end, opening, rules, verdicts)
        if parsed is None:
            continue
        names, effects = parsed
        if "same_below" in effects:
            carried = effects - {"same_below"}
        if effects or carried:          # most annotations follow no listing convention
            _apply_effects(names, effects | carried)
        agencies.extend(
            Agency(n.text, n.role, position, index, n.start, n.end)
            for position, n in enumerate(names, start=1)
        )
        index += 1
    return agencies


class TaskRow(NamedTuple):
    """A row of a task-division table whose task cell is the title of exactly one measure."""
    measure: int                         # that measure's ordinal
    roles: list[tuple[Cell, str]]        # its role cells, with their roles
    deadline: Cell | None                # its 完成时限 cell, if the table has that column


def find_task_rows(text: str, titles: list[str | None], rules: AgencyRules) -> list[TaskRow]:
    """The rows of task-division tables written out line by line (`序号　重点任务　牵头单位
    配合单位　完成时限`) that name a measure by its title (`titles`, by ordinal)."""
    by_title: dict[str, list[int]] | None = None            # built at the first table: most plans have none
    rows: list[TaskRow] = []
    read_to = 0                                             # the end of the last table read
    for line_start, header in table_headers(text, rules.task_column.finditer(text),   # a header holds a task column
                                            rules.cell_separator, lambda cells: _task_header(cells, rules)):
        if line_start < read_to:
            continue
        if by_title is None:
            by_title = _ordinals_by_title(titles)
        task, roles, deadline, width = header
        row_start = text.find("\n", line_start) + 1
        while row_start and (cells := line_cells(text, row_start, rules.cell_separator)) and len(cells) == width:
            measures = by_title.get(cells[task].text, [])
            if len(measures) == 1:
                rows.append(TaskRow(measures[0], [(cells[column], role) for column, role in roles],
                                    cells[deadline] if deadline is not None else None))
            row_start = text.find("\n", row_start) + 1
        read_to = row_start or len(text)
    return rows


def _ordinals_by_title(titles: list[str | None]) -> dict[str, list[int]]:
    by_title: dict[str, list[int]] = {}
    for ordinal, title in enumerate(titles):
        if title:
            by_title.setdefault(title, []).append(ordinal)
    return by_title


def find_table_agencies(text: str, rows: list[TaskRow], rules: AgencyRules, first_index: int) -> list[Agency]:
    """The agencies of task-table rows: each row is an annotation of its measure, its role
    cells read as `KEY：list` parts. Annotations are numbered on from `first_index`."""
    agencies: list[Agency] = []
    verdicts = _Verdicts(rules)
    index = first_index
    for row in rows:
        names = [n for cell, role in row.roles for n in _cell_names(text, cell, role, rules, verdicts)]
        if names:
            agencies.extend(Agency(n.text, n.role, position, index, n.start, n.end, measure=row.measure)
                            for position, n in enumerate(names, start=1))
            index += 1
    return agencies


def _task_header(cells: list[Cell], rules: AgencyRules) -> tuple[int, list[tuple[int, str]], int | None, int] | None:
    """A header row: its task column, its role columns with their roles, its deadline column
    and its width."""
    tasks = [k for k, cell in enumerate(cells) if rules.task_column.fullmatch(cell.text)]
    roles = [(k, role) for k, cell in enumerate(cells) if (role := _role_of(cell.text, rules))]
    deadline = next((k for k, cell in enumerate(cells) if rules.deadline_column.fullmatch(cell.text)), None)
    return (tasks[0], roles, deadline, len(cells)) if len(tasks) == 1 and roles else None


def _cell_names(text: str, cell: Cell, role: str, rules: AgencyRules, verdicts: _Verdicts) -> list[_Name]:
    start, _, content = cell
    masked = _mask_nested(content)
    return [n for lo, hi in _pieces(masked, 0, len(masked), rules.part_separators)
            for n in _names(text, masked, lo, hi, start, role, rules, verdicts) if verdicts[n.text]]


def _after_sentence(text: str, opening: int, rules: AgencyRules) -> bool:
    return rules.bare_after.search(text, max(0, opening - 8), opening) is not None


def _parse(text: str, start: int, end: int, opening: int, rules: AgencyRules,
           verdicts: _Verdicts) -> tuple[list[_Name], set[str]] | None:
    """The names of one annotation with their roles, or None if it is no annotation."""
    masked = _mask_nested(text[start:end])
    if ord(text[start]) in rules.key_brackets:      # the keyed form: `【牵头单位】A【责任单位】B`
        masked = masked.translate(rules.key_brackets)
    names: list[_Name] = []
    bare: list[_Name] = []
    effects: set[str] = set()
    pending: list[_Name] = []      # bare lists since the last key, verb or note part
    role: str | None = None        # the role a part without key or verb continues
    anchored = False               # a key or verb part named an agency
    bare_possible = True           # only lists so far
    for lo, hi in _pieces(masked, 0, len(masked), rules.part_separators):
        part = masked[lo:hi]
        noted = {note.effect for note in rules.notes if note.pattern.search(part)} \
            if rules.any_note.search(part) else None
        if noted:
            effects |= noted
            role, bare_possible, pending = None, False, []
            continue
        key = rules.key.match(part)
        if key:
            role, bare_possible, pending = _role_of(key.group("key"), rules), False, []
            if role:
                found = [n for n in _names(text, masked, lo + key.end(), hi, start, role, rules, verdicts)
                         if verdicts[n.text]]
                names += found
                anchored |= bool(found)
            continue
        found = _verb_names(text, masked, lo, hi, start, rules, verdicts)
        if found:
            # lists just before a verb part share its role (A、B，C按职责分工负责)
            if pending and all(verdicts[n.text] for n in pending):
                for n in pending:
                    n.role = found[0].role
                names += pending
            names += found
            anchored, role, bare_possible, pending = True, None, False, []
            continue
        listed = _names(text, masked, lo, hi, start, role or rules.bare_role, rules, verdicts)
        if role:
            names += [n for n in listed if verdicts[n.text]]
        else:
            bare += listed
            pending += listed
            bare_possible &= all(_is_official(n.text, rules, verdicts) for n in listed)
    if anchored:
        return names, effects
    if bare_possible and bare and _after_sentence(text, opening, rules):
        return bare, effects
    return None


def _role_of(key: str, rules: AgencyRules) -> str | None:
    """The role a `KEY：` opens; None for keys that do not name agencies (适用范围)."""
    for role_key in rules.role_keys:
        if role_key.pattern.fullmatch(key):
            return role_key.role
    return None


def _verb_names(text: str, masked: str, lo: int, hi: int, base: int, rules: AgencyRules,
                verdicts: _Verdicts) -> list[_Name]:
    """Names of a part that is wholly `list + role verb`, if every name is an agency."""
    match = rules.role_verbs.fullmatch(masked, lo, hi)
    if not match:
        return []
    # only the groups of the verb that matched take part; `regs` is every group's span in one call
    regs = match.regs
    groups = sorted((*regs[k], role) for role, k in rules.role_verbs.groupindex.items() if regs[k][0] >= 0)
    found = [n for s, e, role in groups for n in _names(text, masked, s, e, base, role, rules, verdicts)]
    if found and all(verdicts[n.text] for n in found):
        return found
    return []


def _names(text: str, masked: str, lo: int, hi: int, base: int, role: str,
           rules: AgencyRules, verdicts: _Verdicts) -> list[_Name]:
    return [_Name(s, e, text[s:e], role) for s, e in _spans(text, masked, lo, hi, base, rules, verdicts)]


def _spans(text: str, masked: str, lo: int, hi: int, base: int, rules: AgencyRules,
           verdicts: _Verdicts) -> Iterator[tuple[int, int]]:
    """Cut a list (masked[lo:hi], `base` its offset in text) into name spans."""
    for s, e in _sharing_bodies(text, _pieces(masked, lo, hi, rules.list_separators), base, rules):
        cut = rules.list_end.search(masked, s, e)
        if cut:
            e = cut.start()
        dropped = rules.drop_prefix.match(masked, s, e)
        if dropped:
            s = dropped.end()
        if cut or dropped:                    # pieces come stripped
            s, e = _strip(masked, s, e)
            if s >= e:
                continue
        if rules.conjunctions.search(text, base + s, base + e):
            yield from _split_joined(text, base + s, base + e, rules, verdicts)
        else:                                 # most names hold no conjunction
            yield base + s, base + e


def _sharing_bodies(text: str, pieces: list[tuple[int, int]], base: int, rules: AgencyRules) -> list[tuple[int, int]]:
    """The pieces, with a run of bare levels and the level that carries their body
    (`各市`、`县人民政府`) joined into one."""
    for s, e in pieces[:-1]:
        if rules.shared_level.fullmatch(text[base + s:base + e]):
            break
    else:
        return pieces                      # no bare level before another piece: the usual list
    joined: list[tuple[int, int]] = []
    run_start = None                       # where the current run of bare levels starts
    for s, e in pieces:
        piece = text[base + s:base + e]
        if rules.shared_level.fullmatch(piece):
            run_start = s if run_start is None else run_start
            joined.append((s, e))
            continue
        if run_start is not None and rules.shared_level_body.fullmatch(piece):
            while joined and joined[-1][0] >= run_start:
                joined.pop()
            joined.append((run_start, e))
        else:
            joined.append((s, e))
        run_start = None
    return joined


def split_names(text: str, rules: AgencyRules) -> list[str]:
    """The agencies of a plain list (`A、B和C等8部门`), cut as in annotations."""
    masked = _mask_nested(text)
    verdicts = _Verdicts(rules)
    names = [text[s:e] for lo, hi in _pieces(masked, 0, len(masked), rules.part_separators)
             for s, e in _spans(text, masked, lo, hi, 0, rules, verdicts)]
    return [name for name in names if verdicts[name]]


def _split_joined(text: str, start: int, end: int, rules: AgencyRules,
                  verdicts: _Verdicts) -> Iterator[tuple[int, int]]:
    """Cut `A和B` into A and B when the conjunction joins two whole agencies."""
    protected = [m.span() for m in rules.known_compounds.finditer(text, start, end)] if rules.known_compounds else []
    piece = start
    for conj in rules.conjunctions.finditer(text, start, end):
        if conj.start() <= piece or any(a < conj.start() and conj.end() <= b for a, b in protected):
            continue
        left, right = text[piece:conj.start()], text[conj.end():end]
        if verdicts[left] and verdicts[right] and \
                (rules.official_start.match(right) or right in rules.known):
            yield piece, conj.start()
            piece = conj.end()
    yield piece, end


def is_agency(name: str, rules: AgencyRules) -> bool:
    """Whether a name reads as an agency: known, collective or with an agency suffix."""
    if not 2 <= len(name) <= rules.max_chars or rules.forbidden.search(name):
        return False
    if rules.suffixes.search(name) and not rules.not_suffixes.search(name):   # most names: tested first
        return True
    return name in rules.known or bool(rules.collective.match(name))


def _is_official(name: str, rules: AgencyRules, verdicts: _Verdicts) -> bool:
    """Stricter test for names in a list with neither key nor verb."""
    return verdicts[name] and (name in rules.known or bool(rules.official_start.match(name)))


def _apply_effects(names: list[_Name], effects: set[str]) -> None:
    """Listing conventions: only for lists of responsible bodies without a lead."""
    if not names or names[0].role != "responsible" or any(n.role == "lead" for n in names):
        return
    if "first_lead" in effects:
        names[0].role = "lead"
    if "rest_support" in effects:
        for name in names[1:]:
            if name.role == "responsible":
                name.role = "support"


def _mask_nested(content: str) -> str:
    """Blank out nested brackets so separators inside them do not cut."""
    if "（" not in content and "(" not in content:
        return content
    kept, depth, opened, last = [], 0, 0, 0
    for bracket in _BRACKETS.finditer(content):
        at = bracket.start()
        if content[at] in "（(":
            if not depth:
                opened = at
            depth += 1
        elif depth:
            depth -= 1
            if not depth:
                kept += (content[last:opened], _MASK * (at + 1 - opened))
                last = at + 1
    if depth:                        # unclosed: masked to the end
        kept += (content[last:opened], _MASK * (len(content) - opened))
        last = len(content)
    kept.append(content[last:])
    return "".join(kept)


def _pieces(masked: str, lo: int, hi: int, separators: regex.Pattern) -> list[tuple[int, int]]:
    """Stripped, non-empty spans of masked[lo:hi] between separators."""
    pieces: list[tuple[int, int]] = []
    s = lo
    for sep in separators.finditer(masked, lo, hi):
        _add_piece(pieces, masked, s, sep.start())
        s = sep.end()
    _add_piece(pieces, masked, s, hi)
    return pieces


def _add_piece(pieces: list[tuple[int, int]], masked: str, s: int, e: int) -> None:
    if s < e and (masked[s] in _SPACE or masked[e - 1] in _SPACE):   # most pieces hold no space
        s, e = _strip(masked, s, e)
    if s < e:
        pieces.append((s, e))


def _strip(masked: str, s: int, e: int) -> tuple[int, int]:
    while s < e and masked[s] in _SPACE:
        s += 1
    while e > s and masked[e - 1] in _SPACE:
        e -= 1
    return s, e


# ---------------------------------------------------------------- official names

def canonicalize(agencies: list[Agency], region: str | None, rules: AgencyRules) -> None:
    """Fill `name_canonical` from the alias table; None where it has no entry."""
    prefixes, values = _region_forms(region, rules)
    # `before{prefix}` heads of local names as this plan writes them
    heads = [(before + prefix, by_after) for before, by_after in rules.local_index.items() for prefix in prefixes]
    any_head = tuple(head for head, _ in heads)
    known: dict[str, str | None] = {}  # a plan names the same few bodies again and again
    for agency in agencies:
        if agency.name not in known:
            known[agency.name] = _canonical(agency.name, heads, any_head, values, rules)
        agency.name_canonical = known[agency.name]


def _region_forms(region: str | None, rules: AgencyRules) -> tuple[frozenset[str], dict[str, str]]:
    """How a plan may write its own region, and the values for {region}/{short}."""
    level = rules.region_level.search(region) if region else None
    if not level:
        return frozenset(), {}
    short = region[:level.start()]
    return frozenset({level.group("level"), region, short} - {""}), {"region": region, "short": short or region}


def _canonical(name: str, heads: list[tuple[str, dict[str, int]]], any_head: tuple[str, ...],
               values: dict[str, str], rules: AgencyRules) -> str | None:
    if name in rules.central:
        return rules.central[name]
    if not name.startswith(any_head):
        return None
    # look the rest after each head up instead of trying every alias; the first alias in the file wins
    first = None
    for head, by_after in heads:
        if name.startswith(head):
            i = by_after.get(name[len(head):])
            if i is not None and (first is None or i < first):
                first = i
    return rules.local[first].canonical.format_map(values) if first is not None else None
