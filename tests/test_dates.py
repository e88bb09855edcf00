from pathlib import Path

import pytest

from pipeline.dates import RULES_FILE, find_dates, load_rules
from pipeline.errors import RuleError
from pipeline.rules import RULES_DIR

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def rules():
    return load_rules(RULES_DIR)


def rows(text, rules):
    found = find_dates(text, rules)
    for d in found:
        assert text[d.char_start:d.char_end] == d.text
    return [(d.kind, d.text, d.year, d.month, d.day, d.year_end) for d in found]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("到2027年，建成10个中心。", ("deadline", "到2027年", 2027, None, None, None)),
        ("至2030年，形成产业生态。", ("deadline", "至2030年", 2030, None, None, None)),
        ("2025年底前完成评估。", ("deadline", "2025年底前", 2025, None, None, None)),
        ("力争到2028年底基本建成。", ("deadline", "到2028年底", 2028, None, None, None)),
        ("2026年6月底前出台细则。", ("deadline", "2026年6月底前", 2026, 6, None, None)),
        ("各单位于2012年10月底前制定细则。", ("deadline", "于2012年10月底前", 2012, 10, None, None)),
        ("2025年12月31日前报送。", ("deadline", "2025年12月31日前", 2025, 12, 31, None)),
        ("2027年前建成体系。", ("deadline", "2027年前", 2027, None, None, None)),
        ("２０２９年前完成。", ("deadline", "２０２９年前", 2029, None, None, None)),
        ("展望2030年，力争突破1000亿元。", ("deadline", "展望2030年", 2030, None, None, None)),
        # a deadline qualifying a noun is no deadline of the text (2000年底前建成的小区)
        ("改造2000年底前建成的老旧小区。", ("point", "2000年底", 2000, None, None, None)),
        # a year compared with is a baseline
        ("加工产值达到2023年的1.5倍。", ("point", "2023年", 2023, None, None, None)),
        ("客流恢复到2019年水平。", ("point", "2019年", 2019, None, None, None)),
    ],
)
def test_find_dates_reads_deadlines(text, expected, rules):
    assert rows(text, rules) == [expected]


# a number right after the year starts the aim; only 的 + number or (的)水平 after it is a baseline
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("到2028年80%以上的乡镇卫生院达到基本标准。", ("deadline", "到2028年", 2028, None, None, None)),
        ("至2030年5G基站覆盖所有行政村。", ("deadline", "至2030年", 2030, None, None, None)),
        ("到2027年底３家企业完成改造。", ("deadline", "到2027年底", 2027, None, None, None)),
        ("力争到2026年两成以上的企业上云。", ("deadline", "到2026年", 2026, None, None, None)),
        ("产值增长到2020年的3倍。", ("point", "2020年", 2020, None, None, None)),
        ("规模提高到2024年的两倍。", ("point", "2024年", 2024, None, None, None)),
        ("产量恢复到2019年的水平。", ("point", "2019年", 2019, None, None, None)),
    ],
)
def test_find_dates_reads_a_number_after_the_year_as_the_aim_not_a_baseline(text, expected, rules):
    assert rows(text, rules) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("山东省行动计划（2025—2027年）", ("period", "（2025—2027年）", 2025, None, None, 2027)),
        ("北京市行动方案(2024-2030)", ("period", "(2024-2030)", 2024, None, None, 2030)),
        ("规划期为2024-2030年。", ("period", "2024-2030年", 2024, None, None, 2030)),
        ("政策期限为2016年至2018年。", ("period", "2016年至2018年", 2016, None, None, 2018)),
        ("2012年起5年内，实施六大计划。", ("period", "2012年起5年内", 2012, None, None, 2016)),
        ("自2024年起，每季度通报。", ("period", "自2024年起", 2024, None, None, None)),
        ("“十四五”期间，加快发展。", ("period", "“十四五”期间", 2021, None, None, 2025)),
        ("十三五时期取得进展。", ("period", "十三五时期", 2016, None, None, 2020)),
        ("谋划“十五五”重大项目。", ("period", "“十五五”", 2026, None, None, 2030)),
    ],
)
def test_find_dates_reads_periods(text, expected, rules):
    assert rows(text, rules)[0] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020年9月11日发布。", [("point", "2020年9月11日", 2020, 9, 11, None)]),
        ("2025年5月印发。", [("point", "2025年5月", 2025, 5, None, None)]),
        ("截至2023年底，全市建成基站3万个。", [("point", "截至2023年底", 2023, None, None, None)]),
        ("二〇二五年七月二十三日", [("point", "二〇二五年七月二十三日", 2025, 7, 23, None)]),
        ("2025年前三季度增长5%。", [("point", "2025年", 2025, None, None, None)]),
        ("每年发布典型案例，每季度调度一次。",
         [("recurring", "每年", None, None, None, None), ("recurring", "每季度", None, None, None, None)]),
        ("纳入年度计划。", [("recurring", "年度", None, None, None, None)]),
    ],
)
def test_find_dates_reads_points_and_recurring_terms(text, expected, rules):
    assert rows(text, rules) == expected


@pytest.mark.parametrize(
    "text",
    [
        "工信部联科〔2025〕164号",
        "国办发[2021]7号",
        "落实《山东省数字经济发展规划（2021—2025年）》要求",
        "执行GB/T 31000-2015标准",
        "详见https://www.gov.cn/2025/05/content_2025.htm",
        "全国2500年历史文化名城",
        "两三五个",
        "十五个",
    ],
)
def test_find_dates_skips_document_numbers_titles_and_identifiers(text, rules):
    assert rows(text, rules) == []


@pytest.mark.parametrize(
    "text",
    [
        "（ 2025 — 2027年）（2024-2030）到2027年底前，２０２９年前完成",
        "展望到2035年，截止到2025年底，从2024年起5年内，自2018年起，到2028年80%，增长到2020年的3倍",
        "二〇二五年十二月三十一日印发，“十四五”期间，十三五时期，“五五”",
        "每年度，每季度，每半年，每月，按年度，逐年，年度计划",
        "编号12025-2027与120251年，GB 3095-2012，v2025，《2025年工作要点》，〔2024〕5号",
        "详见https://www.gov.cn/2025/年.htm 2025年",
    ],
)
def test_find_dates_scan_tried_near_anchors_finds_what_a_full_scan_finds(text, rules):
    assert [m.span() for m in rules.scanner.finditer(text)] == [m.span() for m in rules.scanner.pattern.finditer(text)]


def test_find_dates_scan_tried_near_anchors_finds_what_a_full_scan_finds_in_every_plan(rules):
    plans = [p for folder in (ROOT / "raw", ROOT / "tests" / "variants") for p in sorted(folder.iterdir())
             if p.suffix in (".txt", ".md", ".html")]
    assert plans
    for plan in plans:
        text = plan.read_text(encoding="utf-8")
        assert [m.span() for m in rules.scanner.finditer(text)] == \
            [m.span() for m in rules.scanner.pattern.finditer(text)], plan.name


def test_find_dates_keeps_text_order_and_offsets(rules):
    text = "（2025—2030年）\n到2027年，完成3款产品。2030年前，形成生态。"
    assert [r[1] for r in rows(text, rules)] == ["（2025—2030年）", "到2027年", "2030年前"]


@pytest.mark.parametrize(
    ("old", "new", "marker", "message"),
    [
        ("years: {min: 1949, max: 2100}", "years: {min: 1949, max: 2100, step: 1}", "step: 1", "unknown key 'step'"),
        ("  dash: '[-—–－~～〜]{1,2}'", "  dash: '[-—–－~～〜{1,2}'", "dash:", "bad pattern"),
        ("pattern: '(?:从|自)?{year}年(?:起", "pattern: '(?:从|自)?{yaer}年(?:起", "{yaer}", "unknown part {yaer}"),
        ("  - kind: recurring", "  - kind: someday", "someday", "not one of"),
        ("  - kind: recurring", "  - kind: recurring\n    flags: i", "flags: i", "unknown key 'flags'"),
        ("  reach: 4", "  reach: four", "reach: four", "must be int"),
        ("  pattern: '[12１２](?=", "  pattern: '[12１２](?=(", "pattern: '[12", "anchor.pattern: bad pattern"),
    ],
)
def test_load_rules_names_file_and_line_of_a_bad_rule(broken_rules, old, new, marker, message):
    rules_dir, path, line = broken_rules(RULES_FILE, old, new, marker)
    with pytest.raises(RuleError) as raised:
        load_rules(rules_dir)
    assert (raised.value.path, raised.value.line) == (str(path), line)
    assert message in raised.value.reason
