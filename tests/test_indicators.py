"""Indicator tables written out line by line: which cells are targets, and what they say."""

import pytest

from pipeline.errors import RuleError
from pipeline.indicators import find_indicator_targets, load_rules
from pipeline.ruleset import load_ruleset
from pipeline.targets import load_rules as load_target_rules

S = "\u3000"   # the cell separator of most scraped tables


@pytest.fixture(scope="module")
def rules():
    return load_ruleset().indicators


def row(*cells, sep=S):
    return sep.join(cells) + "\n"


def found(text, rules):
    targets, _ = find_indicator_targets(text, rules)
    return [(t.quantity_text, t.value_min, t.comparator, t.unit, t.subject, t.year) for t in targets]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a baseline and a target year: only the target's column; the unit column folds 万
        (row("指标名称", "单位", "2025年", "2030年", "属性")
         + row("城市生活污水集中收集率", "%", "72.6", "≥80", "预期性")
         + row("氮氧化物重点工程减排量", "万吨", "—", "〔6.5〕", "约束性")
         + row("受污染耕地安全利用率", "%", "93左右", "95左右", "约束性")
         + row("重点建设用地安全利用", "—", "有效保障", "有效保障", "约束性"),
         [("≥80", 80, "ge", "%", "城市生活污水集中收集率", 2030),
          ("6.5", 65000, "eq", "吨", "氮氧化物重点工程减排量", 2030),
          ("95左右", 95, "approx", "%", "受污染耕地安全利用率", 2030)]),
        # tabs, a serial column, the unit in the name, labels before names
        (row("序号", "指标", "2020年", "2025年", sep="\t")
         + row("1", "1.森林覆盖率（%）", "21.66", "23.04", sep="\t")
         + row("2", "2.国家级专精特新企业（家）", "120", "300以上", sep="\t"),
         [("23.04", 23.04, "eq", "%", "森林覆盖率", 2025),
          ("300以上", 300, "ge", "家", "国家级专精特新企业", 2025)]),
        # a marked baseline and two target years; a cell with its own unit
        (row("主要指标", "单位", "2022年（基期）", "2025年", "2027年")
         + row("数字经济核心产业增加值", "亿元", "1800", "2500", "3000亿元以上"),
         [("2500", 250000000000, "eq", "元", "数字经济核心产业增加值", 2025),
          ("3000亿元以上", 300000000000, "ge", "元", "数字经济核心产业增加值", 2027)]),
        # a single year column is the target's, even unmarked
        (row("指标名称", "单位", "2027年") + row("算力规模", "EFLOPS", "15"),
         [("15", 15, "eq", "EFLOPS", "算力规模", 2027)]),
        # a category cell merged over rows: written once, the other rows lack it
        (row("类别", "指标", "单位", "2025年", "2030年")
         + row("环境质量", "空气质量优良天数比率", "%", "83.2", "87")
         + row("地表水优良比例", "%", "86.4", "＞90")
         + "生态状况\n"
         + row("湿地保护率", "%", "52", "55"),
         [("87", 87, "eq", "%", "空气质量优良天数比率", 2030),
          ("＞90", 90, "gt", "%", "地表水优良比例", 2030),
          ("55", 55, "eq", "%", "湿地保护率", 2030)]),
        # a column marked as the target's: the other year is where the plan starts from
        (row("指标名称", "单位", "2025年", "2027年目标", sep="\t") + row("本地配套率", "%", "70", "80左右", sep="\t"),
         [("80左右", 80, "approx", "%", "本地配套率", 2027)]),
        # a category cell the header has no column for
        (row("指标", "单位", "2025年", "2030年") + row("环境质量", "空气质量优良天数比率", "%", "83.2", "87"),
         [("87", 87, "eq", "%", "空气质量优良天数比率", 2030)]),
        # empty cells leave no trace between separators: the cells go where they fit
        (row("指标", "单位", "2023年", "2026年", sep="\t")
         + "研发投入强度（%）\t\t3.4\t3.8\n"
         + row("技术合同成交额", "亿元", "980", "1500", sep="\t"),
         [("3.8", 3.8, "eq", "%", "研发投入强度", 2026), ("1500", 150000000000, "eq", "元", "技术合同成交额", 2026)]),
        (row("指标名称", "单位", "2025年", "2030年", "属性") + row("森林覆盖率", "%", "30.2", "31"),
         [("31", 31, "eq", "%", "森林覆盖率", 2030)]),
        # a row with no unit anywhere says nothing countable
        (row("指标名称", "2025年", "2030年") + row("生态环境状况指数", "60.4", "＞60.4"), []),
    ],
)
def test_find_indicator_targets_reads_target_year_columns(rules, text, expected):
    assert found(text, rules) == expected


def test_find_indicator_targets_reads_an_item_lists_figures_and_leaves_its_prose(rules):
    text = (row("项目名称", "建设内容", "总投资（亿元）", "建设年限")
            + row("智能纺纱产业园项目", "新建智能化纺纱生产线20条", "18.5", "2025—2027年")
            + row("污水集中处理项目", "新建污水集中处理厂1座", "约3.2", "2025—2026年"))
    targets, spans = find_indicator_targets(text, rules)
    assert [(t.quantity_text, t.value_min, t.comparator, t.unit, t.subject, t.year) for t in targets] == [
        ("18.5", 1_850_000_000, "eq", "元", "总投资", None), ("约3.2", 320_000_000, "approx", "元", "总投资", None)]
    assert [text[a:b] for a, b in spans] == ["18.5", "约3.2"]     # 20条 and 1座 are the prose scanner's


@pytest.mark.parametrize(
    "text",
    [
        # cells run together, as in many scraped tables: not read
        "专栏1　主要指标指　　标2015年2020年属性空气质量优良天数比率（%）76.7＞80-约束性\n",
        # a header without a year column, or without a name column
        row("指标名称", "单位", "属性") + row("森林覆盖率", "%", "约束性"),
        row("任务", "2025年", "2030年") + row("森林覆盖率", "30", "31"),
        # a short row whose cells fit two placements that read different years
        row("指标名称", "2025年", "2027年", "2030年") + row("森林覆盖率（%）", "31"),
        # an item list without a column of figures
        row("项目名称", "建设内容", "建设年限") + row("产业园项目", "新建生产线20条", "2025—2027年"),
        # prose that mentions indicators
        "围绕主要指标，到2030年森林覆盖率达到31%。\n",
    ],
)
def test_find_indicator_targets_needs_a_header_with_name_and_year_columns(rules, text):
    assert found(text, rules) == []


def test_find_indicator_targets_ends_the_table_at_a_note_or_prose(rules):
    text = (row("指标名称", "单位", "2025年", "2030年") + row("森林覆盖率", "%", "30.2", "31")
            + "注：〔　〕内为五年累计数。\n" + row("其他", "%", "1", "2")
            + "第三章　主要任务\n")
    targets, spans = find_indicator_targets(text, rules)
    assert [t.quantity_text for t in targets] == ["31"]
    assert [text[a:b] for a, b in spans] == [row("森林覆盖率", "%", "30.2", "31").rstrip("\n")]


def test_find_indicator_targets_reads_tables_one_after_another(rules):
    text = (row("指标名称", "单位", "2025年", "2030年") + row("森林覆盖率", "%", "30.2", "31")
            + row("指标", "单位", "2027年") + row("算力规模", "EFLOPS", "15"))
    assert [(t.quantity_text, t.year) for t in find_indicator_targets(text, rules)[0]] == [("31", 2030), ("15", 2027)]


def test_find_indicator_targets_gives_offsets_into_the_text(rules):
    text = "表1　主要指标\n" + row("指标名称", "单位", "2025年", "2030年") + row("森林覆盖率", "%", "30.2", "〔31〕")
    (target,), _ = find_indicator_targets(text, rules)
    assert text[target.char_start:target.char_end] == target.quantity_text == "31"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("unit_in_name: '[（(](?P<unit>", "unit_in_name: '[（(](?P<u>", "must capture the unit"),
        ("cumulative_brackets: ['〔〕'", "cumulative_brackets: ['〔'", "opening and a closing"),
        ("category_max: 20", "category_max: 20\nrow_limit: 3", "unknown key 'row_limit'"),
        ("year: '(?:19|20)\\d{2}'", "year: '(?:19|20\\d{2}'", "bad pattern"),
        ("(?P<subject>[^", "(?P<what>[^", "must capture (?P<subject>…) and (?P<unit>…)"),
    ],
)
def test_load_rules_bad_indicator_file_names_line(broken_rules, old, new, message):
    rules_dir, path, line = broken_rules("indicators.yaml", old, new, marker=new.splitlines()[-1])
    with pytest.raises(RuleError) as caught:
        load_rules(load_target_rules(rules_dir), rules_dir)
    assert message in str(caught.value)
    assert caught.value.path == str(path) and caught.value.line == line
