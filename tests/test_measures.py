import pytest

from pipeline.errors import RuleError
from pipeline.measures import RULES_FILE, load_rules, numeral_value, segment


@pytest.fixture(scope="module")
def rules():
    return load_rules()


def paths(text, rules):
    return [m.path for m in segment(text, rules)]


def rows(text, rules):
    return [(m.path, m.level, m.kind) for m in segment(text, rules)]


# --- label styles and nesting -------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # section / group / item, with the markdown heading marks ingest may leave
        ("### 一、总体要求\n坚持创新驱动。\n### 二、主要任务\n（一）建设平台\n1.强化供给。\n2.开展攻关。\n（二）开放场景\n",
         [("一", 1, "section"), ("二", 1, "section"), ("二/一", 2, "group"), ("二/一/1", 3, "item"),
          ("二/一/2", 3, "item"), ("二/二", 2, "group")]),
        # 一． and 一. sections, (一) half-width brackets, 1、 and 1． items
        ("一．目标\n(一)甲\n1、乙。\n2、丙。\n二.任务\n(一)丁\n1．戊。\n",
         [("一", 1, "section"), ("一/一", 2, "group"), ("一/一/1", 3, "item"), ("一/一/2", 3, "item"),
          ("二", 1, "section"), ("二/一", 2, "group"), ("二/一/1", 3, "item")]),
        # full-width digits: the path uses plain digits
        ("一、目标\n１．强化供给。\n２．建设平台。\n", [("一", 1, "section"), ("一/1", 2, "item"), ("一/2", 2, "item")]),
        # （1） is an item under a group and a sub-item under an item; so is ①
        ("（一）甲\n（1）乙。\n（2）丙。\n①丁。\n（二）戊\n1.己。\n（1）庚。\n①辛。\n②壬。\n",
         [("一", 1, "group"), ("一/1", 2, "item"), ("一/2", 2, "item"), ("一/2/①", 3, "sub-item"),
          ("二", 1, "group"), ("二/1", 2, "item"), ("二/1/1", 3, "sub-item"), ("二/1/1/①", 4, "sub-item"),
          ("二/1/1/②", 4, "sub-item")]),
        ("二、任务\n①第一项。\n②第二项。\n", [("二", 1, "section"), ("二/①", 2, "item"), ("二/②", 2, "item")]),
        # 1） half bracket
        ("一、任务\n1）甲。\n2）乙。\n", [("一", 1, "section"), ("一/1", 2, "item"), ("一/2", 2, "item")]),
        # chapters, 节 below them, articles; paths keep chapter labels, and brackets, as written
        ("第一章 总则\n第一条 为了规范管理，制定本办法。\n第二条 本办法适用于全省。\n第二章 职责\n第一节 省级\n第三条 省政府负责。\n",
         [("第一章", 1, "chapter"), ("第一章/第一条", 2, "article"), ("第一章/第二条", 2, "article"),
          ("第二章", 1, "chapter"), ("第二章/第一节", 2, "chapter"), ("第二章/第一节/第三条", 3, "article")]),
        ("第三章　重点任务\n第二节　推进改革\n一、优化结构\n（一）淘汰落后产能。\n",
         [("第三章", 1, "chapter"), ("第三章/第二节", 2, "chapter"), ("第三章/第二节/一", 3, "section"),
          ("第三章/第二节/一/（一）", 4, "group")]),
        ("第一章　任务\n一、平台\n1.建设中心\n（1）甲。\n(2)乙。\n",
         [("第一章", 1, "chapter"), ("第一章/一", 2, "section"), ("第一章/一/1", 3, "item"),
          ("第一章/一/1/（1）", 4, "sub-item"), ("第一章/一/1/(2)", 4, "sub-item")]),
        # without chapters, brackets go
        ("一、平台\n（一）建设中心\n1.甲。\n（1）乙。\n",
         [("一", 1, "section"), ("一/一", 2, "group"), ("一/一/1", 3, "item"), ("一/一/1/1", 4, "sub-item")]),
        # two-digit Chinese numerals
        ("（九）甲。\n（十）乙。\n（十一）丙。\n（二十一）丁。\n",
         [("九", 1, "group"), ("十", 1, "group"), ("十一", 1, "group"), ("二十一", 1, "group")]),
    ],
)
def test_segment_label_styles_and_nesting(rules, text, expected):
    assert rows(text, rules) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # numbers restarting under a new parent belong to it
        ("（一）甲\n1.子。\n2.子。\n（二）乙\n1.子。\n2.子。\n", ["一", "一/1", "一/2", "二", "二/1", "二/2"]),
        # items numbered on across groups, and directly under a section (a skipped level)
        ("一、任务\n（一）甲\n1.子。\n2.子。\n（二）乙\n3.子。\n二、保障\n4.子。\n5.子。\n",
         ["一", "一/一", "一/一/1", "一/一/2", "一/二", "一/二/3", "二", "二/4", "二/5"]),
        # a list restarting at 1 inside an open item is nested in it
        ("1.总体要求\n1.第一项。\n2.第二项。\n2.保障措施\n", ["1", "1/1", "1/2", "2"]),
        # sections restarting at 1 start a new run (a plan attached to its notice), not a nested one
        ("一、高度重视\n（一）甲。\n二、抓好落实\n附件\n一、总体要求\n（一）乙。\n",
         ["一", "一/一", "二", "一", "一/一"]),
        # an annex numbers afresh from the top; an attachment list holds no measures
        ("（八）保障\n4.强化督促。\n附件\n重点项目清单\n1.码头工程。\n2.航道工程。\n",
         ["八", "八/4", "1", "2"]),
        ("第二十条　本措施自印发之日起施行。\n\n附件：1．补贴申请表\n　　　2．置换申请表\n", ["第二十条"]),
        # numbered annexes are attached plans: each holds its own numbering (no path twice)
        ("附件：1．甲方案\n2．乙措施\n附件1\n\n甲方案\n\n一、总体要求\n（一）甲。\n附件2\n乙措施\n一、措施\n1.乙。\n",
         ["附件1", "附件1/一", "附件1/一/一", "附件2", "附件2/一", "附件2/一/1"]),
        # … not a mention of one in a sentence
        ("一、任务\n（一）甲。具体见附件1\n附件1所列项目。\n", ["一", "一/一"]),
        # an inline list opened by a colon inside an article
        ("第五条　有下列情形之一的，予以处罚：（一）虚报；（二）挪用。\n第六条　附则。\n",
         ["第五条", "第五条/一", "第五条/二", "第六条"]),
    ],
)
def test_segment_numbering_sequences(rules, text, expected):
    assert paths(text, rules) == expected


# --- where a label may stand ----------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # run-on text: labels after sentence ends
        ("一、总体要求。坚持创新。二、主要任务。推进建设；三、保障措施。", ["一", "二", "三"]),
        # a heading followed directly by a child label
        ("二、主要任务（一）实施行动1.强化供给。发挥优势。2.建设平台。推动建设。（二）开放场景3.开放制造。",
         ["二", "二/一", "二/一/1", "二/一/2", "二/二", "二/二/3"]),
        # a bracketed responsibility note between the sentence end and the next label
        ("（一）甲\n1.强化。（牵头单位：省科技厅，责任单位：省教育厅）2.建设。（省工信厅负责）3.攻关。",
         ["一", "一/1", "一/2", "一/3"]),
        # a list opened by a colon
        ("（一）人才计划。实施如下重点项目：1.甲项目。2.乙项目。", ["一", "一/1", "一/2"]),
        # a mid-line label must start or continue a sequence
        ("一、目标\n建成平台。3.其他内容。5.更多内容。", ["一"]),
        # years, decimals and a 1. inside a sentence are not labels
        ("一、目标\n到2027.年，完成1.6亿千瓦改造，PM2.5下降。\n具体见附件1.请各地执行。\n2027.\n", ["一"]),
        # a number that reads as a decimal counts only where it continues a list
        ("一、人才\n10.甲项目。\n11.121人才梯队项目。\n", ["一", "一/10", "一/11"]),
        ("一、目标\n1.6亿千瓦机组完成改造。\n", ["一"]),
        # … unless the next line-start label of its kind is 2.
        ("一、工程\n1.5G网络覆盖工程。\n2.千兆光网工程。\n", ["一", "一/1", "一/2"]),
        ("一、目标\n1.6亿千瓦机组完成改造。\n3.其他。\n", ["一", "一/3"]),
        # a list of numerals in prose, a word ending in a numeral, an article cited in a heading
        ("一、水质\n一、二类水体比例提高。二、三级医院。\n", ["一"]),
        ("（一）推进统一、开放的市场建设。\n", ["一"]),
        ("第五条　除第一条规定外，适用本办法。\n", ["第五条"]),
        # preamble and unnumbered principle lines are not measures
        ("关于推进工作的意见\n为落实部署，制定本意见。\n坚持创新驱动。释放动能。\n一、总体要求\n", ["一"]),
    ],
)
def test_segment_label_positions(rules, text, expected):
    assert paths(text, rules) == expected


# mid-line, a decimal-shaped label needs a sentence end before it: behind a heading or a comma
# clause (which _follows_heading takes for a heading) it is a number
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("（二）任务\n1.加强建设。（1）推进标准化，覆盖全部乡镇；（2）优化布局，服务半径原则上不超过2.5公里；（3）落实待遇。",
         ["二", "二/1", "二/1/1", "二/1/2", "二/1/3"]),
        ("（一）甲\n1.强化供给。\n（二）建成面积2.5万平方米的中心。\n", ["一", "一/1", "二"]),
        ("一、目标\n1.建设平台，新建基站2.3万个。\n", ["一", "一/1"]),
        # after a sentence end it still continues the list
        ("（一）甲\n1.强化供给，提升能力。2.5G网络全覆盖。", ["一", "一/1", "一/2"]),
        ("（一）甲\n1.强化供给：2.5G网络全覆盖。", ["一", "一/1", "一/2"]),
    ],
)
def test_segment_reads_a_decimal_mid_line_as_a_number_without_a_sentence_end(rules, text, expected):
    assert paths(text, rules) == expected


# --- enumerations and boxes -------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("四、特色\n有三大特色。一是技术路径“双擎”。同步推进。二是产品培育，推动应用；三是生态构建：协同。\n（一）后续\n",
         [("四", "section", "特色"), ("四/一是", "enumeration", "技术路径“双擎”"),
          ("四/二是", "enumeration", "产品培育"), ("四/三是", "enumeration", "生态构建"),
          ("四/一", "group", "后续")]),
        # 统一是 is not a clause label; 二是 without 一是 does not start a run
        ("一、要求\n标准统一是前提。二是什么？\n", [("一", "section", "要求")]),
        ("1.强化供给。一是加强研究。二是突破技术。\n2.建设平台。\n",
         [("1", "item", "强化供给"), ("1/一是", "enumeration", "加强研究"), ("1/二是", "enumeration", "突破技术"),
          ("2", "item", "建设平台")]),
        # a run may also open after a comma
        ("（一）集聚人才。聚焦重点产业链，一是实施支持计划；二是建设工作站。\n",
         [("一", "group", "集聚人才"), ("一/一是", "enumeration", "实施支持计划"), ("一/二是", "enumeration", "建设工作站")]),
        ("一、要求\n标准统一，一是前提，二是关键。\n",
         [("一", "section", "要求"), ("一/一是", "enumeration", "前提"), ("一/二是", "enumeration", "关键")]),
    ],
)
def test_segment_enumeration_clauses(rules, text, expected):
    assert [(m.path, m.kind, m.title) for m in segment(text, rules)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # one unnamed box: 专栏; several in one measure: 专栏1, 专栏2
        ("一、任务\n1.建设平台。\n\t专栏  培育产业生态\n\t发挥优势。\n2.强化支撑。\n",
         [("一", "section", "任务"), ("一/1", "item", "建设平台"), ("一/1/专栏", "column", "培育产业生态"),
          ("一/2", "item", "强化支撑")]),
        ("1.建设平台。\n专栏 重点工程\n工程甲。\n专栏 平台建设：内容\n平台乙。\n",
         [("1", "item", "建设平台"), ("1/专栏1", "column", "重点工程"), ("1/专栏2", "column", "平台建设")]),
        # numbered boxes keep their number; labels inside are the box's children; a new box closes the last
        ("第二节　减排\n专栏3　推动重点行业治污减排（一）造纸行业。完成改造。（二）印染行业。\n专栏4　总量控制\n（一）挥发性有机物。\n",
         [("第二节", "chapter", "减排"), ("第二节/专栏3", "column", "推动重点行业治污减排"),
          ("第二节/专栏3/（一）", "group", "造纸行业"), ("第二节/专栏3/（二）", "group", "印染行业"),
          ("第二节/专栏4", "column", "总量控制"), ("第二节/专栏4/（一）", "group", "挥发性有机物")]),
        # 专栏N after a sentence end in run-on text; an unnumbered 专栏 mid-line is prose
        ("第一节　目标\n力争完成。专栏1　主要指标\n（一）甲。专栏内容见下。\n",
         [("第一节", "chapter", "目标"), ("第一节/专栏1", "column", "主要指标"), ("第一节/专栏1/（一）", "group", "甲")]),
        # a year after 专栏 is no box number
        ("1.建设平台。\n专栏　2025—2027年重点项目\n项目甲。\n", [("1", "item", "建设平台"), ("1/专栏", "column", "2025—2027年重点项目")]),
    ],
)
def test_segment_column_boxes(rules, text, expected):
    assert [(m.path, m.kind, m.title) for m in segment(text, rules)] == expected


# --- tables of contents -------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # one entry per line, with dot leaders and page numbers
        ("规划\n目　录\n第一章 总则 ……… 1\n第二章 任务 ……… 5\n\n第一章 总则\n内容。\n第二章 任务\n内容。\n",
         ["第一章", "第二章"]),
        # run-on TOC on one line, 节 entries behind their chapter
        ("目　　录\n　　第一章　形势　第一节　进展　第二节　挑战第二章　任务　第一节　管控\n"
         "第一章　形势\n第一节　进展\n文。\n第二节　挑战\n文。\n第二章　任务\n第一节　管控\n文。\n",
         ["第一章", "第一章/第一节", "第一章/第二节", "第二章", "第二章/第一节"]),
        # section-numbered TOC
        ("目录\n一、总体要求\n二、主要任务\n一、总体要求\n文。\n二、主要任务\n（一）甲。\n",
         ["一", "二", "二/一"]),
    ],
)
def test_segment_skips_table_of_contents(rules, text, expected):
    assert paths(text, rules) == expected


# --- titles and spans ------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("（一）实施产业创新共建行动\n", "实施产业创新共建行动"),
        ("（一）实施基础前沿研究策源行动。\n", "实施基础前沿研究策源行动"),
        ("1.强化科技供给。发挥省内优势。\n", "强化科技供给"),
        ("4.推动在医疗领域示范应用，提升智能化水平。支持机构。\n", "推动在医疗领域示范应用"),
        ("12. 强化协同治理。打造体系。\n", "强化协同治理"),
        ("一、《行动计划》出台背景是什么？\n", "《行动计划》出台背景是什么？"),
        ("四、《行动计划》四川版较其他省份，有何特色？\n", "《行动计划》四川版较其他省份，有何特色？"),
        ("一、出台背景是什么？脑机接口是前沿技术。\n", "出台背景是什么？"),
        ("第三章　强化源头防控，夯实绿色发展基础\n", "强化源头防控，夯实绿色发展基础"),
        ("1.加强组织领导，明确责任分工。\n", "加强组织领导"),
        ("1.目标:建成平台。\n", "目标"),
        ("（一）" + "很长的标题" * 9 + "\n", None),
        ("一、\n", None),
        # an attached plan's title is the lines under its label, its period line included
        ("附件1\n\n辽宁省人工智能行动方案\n（2025—2027年）\n\n为加快发展，制定本方案。\n", "辽宁省人工智能行动方案（2025—2027年）"),
    ],
)
def test_segment_titles(rules, text, title):
    (measure,) = segment(text, rules)
    assert measure.title == title


def test_segment_spans_cover_label_and_own_text(rules):
    text = "前言。\n\n### 一、目标\n到2027年建成。\n\n### 二、任务\n（一）甲。内容。\n\n  1.乙。\n"
    measures = segment(text, rules)
    assert [text[m.char_start:m.char_end] for m in measures] == [
        "一、目标\n到2027年建成。", "二、任务", "（一）甲。内容。", "1.乙。"]
    assert [(m.ordinal, m.parent_ordinal, m.label) for m in measures] == [
        (0, None, "一、"), (1, None, "二、"), (2, 1, "（一）"), (3, 2, "1.")]


@pytest.mark.parametrize(
    "back_matter",
    ["附件：重点项目表\n序号　项目名称　总投资（万元）\n1　产业园项目　120000\n", "附件\n项目清单\n"],
)
def test_segment_ends_the_last_measure_before_back_matter(rules, back_matter):
    text = "一、目标\n到2027年建成。\n二、任务\n建设平台。\n" + back_matter
    measures = segment(text, rules)
    assert text[measures[-1].char_start:measures[-1].char_end] == "二、任务\n建设平台。"


def test_segment_without_labels_is_empty(rules):
    assert segment("坚持创新驱动。推动发展。\n到2030年，建成体系。", rules) == []


@pytest.mark.parametrize(
    ("numeral", "value"),
    [("一", 1), ("十", 10), ("十一", 11), ("二十", 20), ("九十九", 99), ("一百零五", 105), ("１２", 12),
     ("③", 3), ("⑳", 20), ("十十", None), ("一二", None), ("零", None), ("0", None)],
)
def test_numeral_value_parses_label_numerals(numeral, value):
    assert numeral_value(numeral) == value


# --- the rules file ---------------------------------------------------------------------

@pytest.mark.parametrize(
    ("old", "new", "marker", "message"),
    [
        ("    path: num\n", "    path: num\n    colour: red\n", "colour", "unknown key 'colour'"),
        ("pattern: '[（(](?P<num>", "pattern: '[（((?P<num>", None, "bad pattern"),
        ("pattern: '第(?P<num>", "pattern: '第(?P<n>", None, "(?P<num>...)"),
        ("    kind: group\n", "    kind: cluster\n", None, "is not one of"),
        ("contexts: [line_start, sentence_end]", "contexts: [line_start, anywhere]", None, "is not one of"),
        ("  heading_max: 40\n", "  heading_max: forty\n", None, "must be int"),
        ("  max_length: 40\n", "  max_length: 40\n  min_length: 2\n", "min_length", "unknown key 'min_length'"),
        ("kind_under: {item: sub-item", "kind_under: {item: subitem", None, "is not kind"),
    ],
)
def test_load_rules_names_file_and_line(broken_rules, old, new, marker, message):
    rules_dir, path, line = broken_rules(RULES_FILE, old, new, marker)
    with pytest.raises(RuleError) as raised:
        load_rules(rules_dir)
    assert (raised.value.path, raised.value.line) == (str(path), line)
    assert message in raised.value.reason
