"""Loading rule files (YAML and JSONL) with validation that names file and line.

Rule files are data: each module that uses rules declares the keys it accepts
as a closed set of `Field`s; anything else is an error, as is a pattern that
does not compile.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import regex
import yaml

from .errors import RuleError

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"


class LineDict(dict):
    """A mapping that remembers the line of itself and of each key (1-based)."""

    line: int = 0
    key_lines: dict[str, int]


class LineList(list):
    line: int = 0
    item_lines: list[int]


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_node.start_mark.line + 1
    return mapping


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    items = LineList(loader.construct_object(child, deep=True) for child in node.value)
    items.line = node.start_mark.line + 1
    items.item_lines = [child.start_mark.line + 1 for child in node.value]
    return items


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def read_yaml(path: Path) -> Any:
    """Parse YAML keeping line numbers; a syntax error becomes a RuleError."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RuleError(path, None, f"cannot read rules file: {exc.strerror}") from exc
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise RuleError(path, line, f"invalid YAML: {exc.problem or exc}") from exc


def read_jsonl(path: Path) -> Iterator[tuple[int, dict]]:
    """Yield (line number, object) for each non-blank line of a JSONL file."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise RuleError(path, None, f"cannot read rules file: {exc.strerror}") from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise RuleError(path, number, f"invalid JSON: {exc.msg}") from exc
        if not isinstance(obj, dict):
            raise RuleError(path, number, "each line must be a JSON object")
        yield number, obj


@dataclass(frozen=True)
class Field:
    """One accepted key of a rule mapping.

    `kind` is the Python type of the value; for lists, `items` is the type of
    each element. `pattern=True` requires the value (or each element) to
    compile with the `regex` module. `choices` restricts string values.
    """

    kind: type | tuple[type, ...]
    required: bool = True
    items: type | tuple[type, ...] | None = None
    pattern: bool = False
    choices: frozenset[str] | None = None


def _line_of(node: Any, fallback: int | None) -> int | None:
    return getattr(node, "line", None) or fallback


def check_mapping(node: Any, spec: dict[str, Field], path: Path, what: str) -> dict[str, Any]:
    """Validate `node` against a closed set of fields; return a plain dict."""
    line = _line_of(node, None)
    if not isinstance(node, dict):
        raise RuleError(path, line, f"{what} must be a mapping, got {type(node).__name__}")
    key_lines = getattr(node, "key_lines", {})
    for key in node:
        if key not in spec:
            allowed = ", ".join(sorted(spec))
            raise RuleError(path, key_lines.get(key, line), f"unknown key {key!r} in {what} (allowed: {allowed})")
    for key, field in spec.items():
        if key not in node:
            if field.required:
                raise RuleError(path, line, f"missing key {key!r} in {what}")
            continue
        key_line = key_lines.get(key, line)
        _check_value(node[key], field, path, key_line, f"{what}.{key}")
    return {key: node[key] for key in node}


def _check_value(value: Any, field: Field, path: Path, line: int | None, what: str) -> None:
    if not isinstance(value, field.kind) or (isinstance(value, bool) and field.kind in (int, float)):
        raise RuleError(path, line, f"{what} must be {_type_name(field.kind)}, got {type(value).__name__}")
    values = value if isinstance(value, list) else [value]
    item_lines = getattr(value, "item_lines", [line] * len(values))
    for element, element_line in zip(values, item_lines):
        if isinstance(value, list) and field.items is not None and not isinstance(element, field.items):
            raise RuleError(path, element_line, f"{what} items must be {_type_name(field.items)}, got {type(element).__name__}")
        if field.pattern:
            compile_pattern(element, path, element_line, what)
        if field.choices is not None and element not in field.choices:
            raise RuleError(path, element_line, f"{what}: {element!r} is not one of {sorted(field.choices)}")


def compile_pattern(source: Any, path: Path, line: int | None, what: str, flags: int = 0) -> regex.Pattern:
    """Compile a regex from a rules file, or raise a RuleError naming file and line."""
    if not isinstance(source, str):
        raise RuleError(path, line, f"{what}: pattern must be a string")
    try:
        return regex.compile(source, flags)
    except regex.error as exc:
        raise RuleError(path, line, f"{what}: bad pattern {source!r}: {exc}") from exc


def _type_name(kind: type | tuple[type, ...]) -> str:
    if isinstance(kind, tuple):
        return " or ".join(k.__name__ for k in kind)
    return kind.__name__


def check_list(node: Any, path: Path, what: str, check_item: Callable[[Any, int | None], Any]) -> list[Any]:
    """Validate a YAML list, calling `check_item(item, line)` on each element."""
    if not isinstance(node, list):
        raise RuleError(path, _line_of(node, None), f"{what} must be a list")
    lines = getattr(node, "item_lines", [None] * len(node))
    return [check_item(item, line) for item, line in zip(node, lines)]


def rules_version(rules_dir: Path = RULES_DIR) -> str:
    """Content hash of every rule file: changes when any rule changes."""
    digest = hashlib.sha256()
    for file in sorted(p for p in rules_dir.rglob("*") if p.is_file()):
        digest.update(file.relative_to(rules_dir).as_posix().encode())
        digest.update(b"\0")
        digest.update(file.read_bytes())
    return digest.hexdigest()[:12]
