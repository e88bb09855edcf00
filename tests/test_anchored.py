import re

import pytest
import regex

from pipeline.anchored import AnchoredPattern
from pipeline.rules import RULES_DIR
from pipeline.targets import load_rules

# A number with an optional prefix word and a unit, as the target scanner reads quantities.
TOY = AnchoredPattern(
    pattern=regex.compile(r"(?:不少于|超过|约)?(?:[0-9]+|[一二三四五六七八九十百千万]+)(?:万)?(?:家|个|项|人次)"),
    anchor=re.compile(r"[0-9一二三四五六七八九十百千万](?=[家个项人万])"),
    run_chars="0123456789一二三四五六七八九十百千万",
    reach=3,
    first_chars="0123456789一二三四五六七八九十百千万不超约",
)


def _all(search, text):
    found, pos = [], 0
    while (m := search(text, pos)) is not None:
        found.append(m.span())
        pos = m.end()
    return found


@pytest.mark.parametrize("text", [
    "培育不少于30家企业，超过5万人次",
    "约三百五十万人次，一二三",
    "不少于不少于12个",          # a prefix word before another: the later one starts the match
    "123",                      # digits without a unit: no match
    "超过",                     # a prefix word alone
    "进一步统一标准，建设10个平台和约20项",
    "",
])
def test_anchored_pattern_search_finds_what_pattern_search_finds(text):
    assert _all(TOY.search, text) == _all(TOY.pattern.search, text)


@pytest.mark.parametrize("text", ["约30家和不少于40家", "一二三十个"])
def test_anchored_pattern_search_finds_from_any_pos_what_pattern_search_finds(text):
    for pos in range(len(text) + 1):
        found, expected = TOY.search(text, pos), TOY.pattern.search(text, pos)
        assert (found and found.span()) == (expected and expected.span()), pos


@pytest.fixture(scope="module")
def quantities():
    return load_rules(RULES_DIR).quantities


@pytest.mark.parametrize("text", [
    "到2027年，培育30家左右骨干企业，不少于15项标准，超5万人次/年，百分之三十，一半以上。",
    "新增3-5个平台，建成10至20家，约2.5亿元，１２０家，三十余项，近千人次。",
    "进一步统一标准，一是加强，二是推进，第一批次，十四五期间。",
    "不少于不少于12个，超过超过3家，大于≥5项，1.2.3款",
])
def test_target_quantities_search_matches_the_plain_search(text, quantities):
    assert _all(quantities.search, text) == _all(quantities.pattern.search, text)
