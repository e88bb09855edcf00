import warnings

import pytest

from pipeline.errors import RuleError
from pipeline.nlp import get_nlp, read_lexicon, read_span_patterns
from pipeline.rules import RULES_DIR, Field, check_list, check_mapping, read_yaml, rules_version
from pipeline.ruleset import check_tokenizer_rules, load_ruleset


def test_load_ruleset_loads_every_rule_file():
    rules = load_ruleset(RULES_DIR)
    check_tokenizer_rules(RULES_DIR)
    assert rules.version == rules_version(RULES_DIR)
    yaml_files = {p.name for p in RULES_DIR.glob("*.yaml")}
    assert yaml_files, "rules/ holds YAML rule files"


SPEC = {"name": Field(str), "pattern": Field(str, pattern=True), "tags": Field(list, required=False, items=str)}


@pytest.mark.parametrize(
    ("yaml_text", "line", "message"),
    [
        ("- name: a\n  pattern: 'x+'\n  colour: red\n", 3, "unknown key 'colour'"),
        ("- name: a\n  pattern: '(unclosed'\n", 2, "bad pattern"),
        ("- name: a\n", 1, "missing key 'pattern'"),
        ("- name: a\n  pattern: x\n  tags: [1]\n", 3, "items must be str"),
        ("- name: a\n  pattern: x\n- name: [b]\n  pattern: y\n", 3, "must be str"),
        ("- name: a\n  pattern: x\n   bad: indent\n", 3, "invalid YAML"),
    ],
)
def test_check_mapping_names_file_and_line(tmp_path, yaml_text, line, message):
    path = tmp_path / "demo.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    with pytest.raises(RuleError) as raised:
        check_list(read_yaml(path), path, "rules", lambda item, _: check_mapping(item, SPEC, path, "rule"))
    assert raised.value.line == line
    assert message in raised.value.reason
    assert str(path) in str(raised.value)


@pytest.mark.parametrize(
    ("jsonl", "line", "message"),
    [
        ('{"label": "UNIT", "pattern": "家"}\n{"label": "UNIT", "patern": "个"}\n', 2, "unknown key"),
        ('{"label": "UNIT", "pattern": "家"}\n\n[1, 2]\n', 3, "JSON object"),
        ('{"label": "", "pattern": "家"}\n', 1, "label"),
        ('{"label": "UNIT", "pattern": "家"\n', 1, "invalid JSON"),
    ],
)
def test_read_span_patterns_names_line(tmp_path, jsonl, line, message):
    path = tmp_path / "spans.jsonl"
    path.write_text(jsonl, encoding="utf-8")
    with pytest.raises(RuleError) as raised:
        read_span_patterns(path)
    assert (raised.value.line, message in raised.value.reason) == (line, True)


@pytest.mark.parametrize(
    ("jsonl", "line"),
    [
        ('{"label": "UNIT", "pattern": "家"}\n{"label": "UNIT", "pattern": [{"LIKE_NUMBER": true}, {"ORTH": "家"}]}\n', 2),
        ('{"label": "UNIT", "pattern": [{"ORTH": {"IN": "家"}}]}\n', 1),
        ('{"label": "UNIT", "pattern": "家"}\n\n{"label": "UNIT", "pattern": [{"TEXT": {"REGEX": "(家"}}]}\n', 3),
    ],
)
def test_get_nlp_names_line_of_a_pattern_spacy_rejects(tmp_path, jsonl, line):
    (tmp_path / "spans").mkdir()
    (tmp_path / "spans" / "bad.jsonl").write_text(jsonl, encoding="utf-8")
    with pytest.raises(RuleError) as raised:
        get_nlp(tmp_path)
    assert (raised.value.line, "bad.jsonl" in str(raised.value)) == (line, True)


@pytest.mark.parametrize("patterns", ["", '{"label": "UNIT", "pattern": "家"}\n'])
def test_get_nlp_runs_without_warnings(tmp_path, patterns):
    (tmp_path / "spans").mkdir()
    (tmp_path / "spans" / "units.jsonl").write_text(patterns, encoding="utf-8")
    nlp = get_nlp(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        doc = nlp("建设10家工厂")
    assert [span.text for span in doc.spans.get("rules", [])] == (["家"] if patterns else [])


@pytest.mark.parametrize(
    ("text", "line"),
    [("不少于 100 m\n万人次 abc\n", 2), ("a b c d\n", 1)],
)
def test_read_lexicon_rejects_malformed_entries(tmp_path, text, line):
    path = tmp_path / "lexicon.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleError) as raised:
        read_lexicon(path)
    assert raised.value.line == line


def test_rules_version_changes_with_any_rule_file(tmp_path):
    (tmp_path / "a.yaml").write_text("x: 1\n", encoding="utf-8")
    before = rules_version(tmp_path)
    (tmp_path / "a.yaml").write_text("x: 2\n", encoding="utf-8")
    assert rules_version(tmp_path) != before
