
import pytest

from pipeline.agencies import canonicalize, find_agencies, find_table_agencies, find_task_rows, load_rules, split_names
from pipeline.errors import RuleError
from pipeline.rules import RULES_DIR


@pytest.fixture(scope="module")
def rules():
    return load_rules(RULES_DIR)


def rows(text, rules):
    found = find_agencies(text, rules)
    for agency in found:
        assert text[agency.char_start:agency.char_end] == agency.name
    return [(a.name, a.role, a.position, a.annotation) for a in found]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # every row of the guide's table, in other provinces' and ministries' words
        ("推进示范。（牵头单位：省商务厅、省财政厅）",
         [("省商务厅", "lead", 1, 0), ("省财政厅", "lead", 2, 0)]),
        ("建设平台。（牵头单位：省发展改革委，责任单位：省交通运输厅、省自然资源厅）",
         [("省发展改革委", "lead", 1, 0), ("省交通运输厅", "responsible", 2, 0), ("省自然资源厅", "responsible", 3, 0)]),
        ("开展试点。（省住房城乡建设厅、省文化和旅游厅按职责分工负责）",
         [("省住房城乡建设厅", "responsible", 1, 0), ("省文化和旅游厅", "responsible", 2, 0)]),
        ("强化保障。（责任单位：区商务委、各街道办事处）",
         [("区商务委", "responsible", 1, 0), ("各街道办事处", "responsible", 2, 0)]),
        ("优化服务。（市交通委牵头，市公安局配合）",
         [("市交通委", "lead", 1, 0), ("市公安局", "support", 2, 0)]),
        ("完善机制。（牵头部门：市民政局；配合部门：市财政局、市卫健委）",
         [("市民政局", "lead", 1, 0), ("市财政局", "support", 2, 0), ("市卫健委", "support", 3, 0)]),
        ("治理污染。（水利部牵头，自然资源部、农业农村部参与）",
         [("水利部", "lead", 1, 0), ("自然资源部", "support", 2, 0), ("农业农村部", "support", 3, 0)]),
        ("扩大进口。（负责部门：财政部、税务总局；适用范围：全国、各自贸试验区）",
         [("财政部", "responsible", 1, 0), ("税务总局", "responsible", 2, 0)]),
        ("编制规划。（国家能源局会同有关部门负责）",
         [("国家能源局", "lead", 1, 0), ("有关部门", "support", 2, 0)]),
        ("发展农村电商。（商务部指导，供销合作总社参与）",
         [("商务部", "responsible", 1, 0), ("供销合作总社", "support", 2, 0)]),
        ("试点推广。（责任部门：市科委；参与单位：市教委、各区政府）",
         [("市科委", "responsible", 1, 0), ("市教委", "support", 2, 0), ("各区政府", "support", 3, 0)]),
        # a part with neither key nor verb continues the role before it
        ("培养人才。（牵头单位：市教育局，配合单位：市人社局、市财政局，各区、县级市）",
         [("市教育局", "lead", 1, 0), ("市人社局", "support", 2, 0), ("市财政局", "support", 3, 0),
          ("各区", "support", 4, 0), ("县级市", "support", 5, 0)]),
        # half-width brackets and commas, keys separated by spaces only
        ("加强监管(牵头单位:省市场监管局,责任单位:省药监局)",
         [("省市场监管局", "lead", 1, 0), ("省药监局", "responsible", 2, 0)]),
        ("推进应用。（牵头单位：省卫生健康委,责任单位：省医保局）",
         [("省卫生健康委", "lead", 1, 0), ("省医保局", "responsible", 2, 0)]),
        ("做好服务。（牵头单位：市人社局　配合单位：市总工会）",
         [("市人社局", "lead", 1, 0), ("市总工会", "support", 2, 0)]),
        ("推进项目建设【责任单位：区发展改革委、区财政局】",
         [("区发展改革委", "responsible", 1, 0), ("区财政局", "responsible", 2, 0)]),
        # 由 before the list, a nested bracket inside a name
        ("加强督导。（由省教育厅负责）", [("省教育厅", "responsible", 1, 0)]),
        ("落实责任。（各县（市、区）人民政府、省民政厅按职责分工负责）",
         [("各县（市、区）人民政府", "responsible", 1, 0), ("省民政厅", "responsible", 2, 0)]),
        # positions restart in each annotation; several annotations in one measure
        ("一是建设平台（省科技厅负责）；二是培育企业（省工业和信息化厅牵头，省财政厅配合）。",
         [("省科技厅", "responsible", 1, 0), ("省工业和信息化厅", "lead", 1, 1), ("省财政厅", "support", 2, 1)]),
        # a list with neither key nor verb counts only right after a sentence end
        ("完善标准体系。（自治区市场监管局、自治区工业和信息化厅）",
         [("自治区市场监管局", "responsible", 1, 0), ("自治区工业和信息化厅", "responsible", 2, 0)]),
        # lists just before a verb part share its role
        ("建设节点。（自治区科技厅、自治区工业和信息化厅，各盟市行政公署按职责分工负责）",
         [("自治区科技厅", "responsible", 1, 0), ("自治区工业和信息化厅", "responsible", 2, 0),
          ("各盟市行政公署", "responsible", 3, 0)]),
        # keys in 【】, each followed by its list
        ("建设平台。【牵头单位】市大数据局【责任单位】市发展改革委、各区（市、县）人民政府\n",
         [("市大数据局", "lead", 1, 0), ("市发展改革委", "responsible", 2, 0), ("各区（市、县）人民政府", "responsible", 3, 0)]),
        # a table written out line by line: a run of key lines is one annotation
        ("1．示范工程\n主要内容：建设示范线10条。\n完成时限：2027年底前\n牵头部门：交通运输部\n"
         "参与部门：国家铁路局、国家发展改革委\n2．保障工程\n责任单位：各省级人民政府\n",
         [("交通运输部", "lead", 1, 0), ("国家铁路局", "support", 2, 0), ("国家发展改革委", "support", 3, 0),
          ("各省级人民政府", "responsible", 1, 1)]),
        # … but not a key inside a sentence
        ("各地要明确责任单位：由市级部门统筹推进。", []),
        # … nor a web page's footer naming the site's owner
        ("网站地图\n主办单位：佛山市人民政府办公室\n", []),
    ],
)
def test_find_agencies_roles_and_positions(rules, text, expected):
    assert rows(text, rules) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 下同: the first-listed leads in this and every later responsible list
        ("（一）节能。（发展改革委、工业和信息化部等按职责分工负责。列第一位者为牵头单位，下同）"
         "（二）减排。（生态环境部、交通运输部按职责分工负责）",
         [("发展改革委", "lead", 1, 0), ("工业和信息化部", "responsible", 2, 0),
          ("生态环境部", "lead", 1, 1), ("交通运输部", "responsible", 2, 1)]),
        # without 下同 the note holds for its own annotation only
        ("（一）节能。（发展改革委、财政部按职责分工负责，列第一位者为牵头单位）"
         "（二）减排。（生态环境部、交通运输部按职责分工负责）",
         [("发展改革委", "lead", 1, 0), ("财政部", "responsible", 2, 0),
          ("生态环境部", "responsible", 1, 1), ("交通运输部", "responsible", 2, 1)]),
        # the others named as support
        ("（省科技厅、省财政厅、省教育厅按职责分工负责，列第一位的为牵头单位，其他为配合单位）",
         [("省科技厅", "lead", 1, 0), ("省财政厅", "support", 2, 0), ("省教育厅", "support", 3, 0)]),
        # an annotation with its own lead keeps it under 下同
        ("（一）（教育部、科技部按职责分工负责。列第一位者为牵头单位，下同）"
         "（二）（牵头单位：财政部，责任单位：审计署）",
         [("教育部", "lead", 1, 0), ("科技部", "responsible", 2, 0),
          ("财政部", "lead", 1, 1), ("审计署", "responsible", 2, 1)]),
    ],
)
def test_find_agencies_first_listed_lead_convention(rules, text, expected):
    assert rows(text, rules) == expected


def test_find_agencies_ends_a_note_carried_below_at_an_annex(rules):
    first = "（一）节能。（发展改革委、财政部按职责分工负责，列第一位者为牵头单位，下同）\n"
    second = "附件2\n一、减排。（生态环境部、交通运输部按职责分工负责）\n"
    found = find_agencies(first + second, rules, annexes=(len(first),))
    assert [(a.name, a.role) for a in found][2:] == [("生态环境部", "responsible"), ("交通运输部", "responsible")]
    assert [a.role for a in find_agencies(first + second, rules)][2:] == ["lead", "responsible"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 和/及/与 between two whole agencies splits …
        ("（省科技厅和省教育厅按职责分工负责）", ["省科技厅", "省教育厅"]),
        ("（交通运输部及国家铁路局负责）", ["交通运输部", "国家铁路局"]),
        ("（市商务局与各区政府负责）", ["市商务局", "各区政府"]),
        ("（责任单位：省水利厅和沿黄各市州人民政府）", ["省水利厅", "沿黄各市州人民政府"]),
        ("（科技部和教育部负责）", ["科技部", "教育部"]),
        ("（省工业和信息化厅和省财政厅负责）", ["省工业和信息化厅", "省财政厅"]),
        ("（省商务厅、长沙海关按职责分工负责）", ["省商务厅", "长沙海关"]),
        ("（中国铁路南昌局集团有限公司厦门车务段负责）", ["中国铁路南昌局集团有限公司厦门车务段"]),
        # a province's own name starts a branch body as 省 does
        ("（省委金融办和浙江金融监管局按职责分工负责）", ["省委金融办", "浙江金融监管局"]),
        ("（市商务局及广东省分行负责）", ["市商务局", "广东省分行"]),
        # … never inside one official name
        ("（省工业和信息化厅负责）", ["省工业和信息化厅"]),
        ("（市人力资源和社会保障局负责）", ["市人力资源和社会保障局"]),
        ("（省文化和旅游厅负责）", ["省文化和旅游厅"]),
        ("（国家发展和改革委员会负责）", ["国家发展和改革委员会"]),
        ("（市自然资源和规划局负责）", ["市自然资源和规划局"]),
        # 等 ends a list; what follows it in the item is dropped
        ("（省发展改革委、省财政厅等有关部门按职责分工负责）", ["省发展改革委", "省财政厅"]),
        ("（国家发展改革委、科技部等国务院相关部门按职责分工负责）", ["国家发展改革委", "科技部"]),
        # 高等 is no list end; collective actors named as members are rows
        ("（省教育厅、各高等学校负责）", ["省教育厅", "各高等学校"]),
        ("（国务院相关部门、各省级人民政府按职责分工负责）", ["国务院相关部门", "各省级人民政府"]),
        # bare levels share the body of the level after them: one collective name
        ("（责任单位：各市（县）、区人民政府）", ["各市（县）、区人民政府"]),
        ("（市发展改革委、各区、县（市）人民政府按职责分工负责）", ["市发展改革委", "各区、县（市）人民政府"]),
        ("（责任单位：各市、县人民政府，省发展改革委）", ["各市、县人民政府", "省发展改革委"]),
        # levels that are whole names stay apart
        ("（配合单位：市财政局，各区、县级市）", ["市财政局", "各区", "县级市"]),
    ],
)
def test_find_agencies_splits_names(rules, text, expected):
    assert [a.name for a in find_agencies(text, rules)] == expected


@pytest.mark.parametrize(
    "text",
    [
        "在中央科技委领导下，强化部门协同，统筹推进各项工作。",
        "鼓励政府和社会资本合作（PPP）模式。",
        "山东省科学技术厅（以下简称省科技厅）负责组织实施。",
        "制定本行动计划（2025—2030年）。",
        "5年内市、区（县级市）两级重点引进人才。",
        "加强协作（完成时限：2025年底前）。",
        "支持企业（由企业自行负责）开展研发。",
        "推进试点（省科技厅、省教育厅）工作。",   # a bare list inside a sentence
        "完善制度。（二）加强监管。",
    ],
)
def test_find_agencies_ignores_other_parentheses(rules, text):
    assert find_agencies(text, rules) == []


@pytest.mark.parametrize(
    ("text", "region", "expected"),
    [
        ("（省科技厅、省发展改革委负责）", "山东省", ["山东省科学技术厅", "山东省发展和改革委员会"]),
        ("（省委组织部、省税务局负责）", "浙江省", ["中共浙江省委组织部", "国家税务总局浙江省税务局"]),
        ("（市发展改革委、团市委负责）", "成都市", ["成都市发展和改革委员会", "共青团成都市委员会"]),
        ("（自治区发展改革委负责）", "广西壮族自治区", ["广西壮族自治区发展和改革委员会"]),
        ("（江苏证监局、人民银行江苏省分行负责）", "江苏省",
         ["中国证券监督管理委员会江苏监管局", "中国人民银行江苏省分行"]),
        ("（湖北省科技厅负责）", "湖北省", ["湖北省科学技术厅"]),
        ("（工信部、国家药监局负责）", "全国", ["中华人民共和国工业和信息化部", "国家药品监督管理局"]),
        ("（工业和信息化部负责）", "四川省", ["中华人民共和国工业和信息化部"]),
        # a province's body in a city plan, an unknown region, a body without entry
        ("（省科技厅负责）", "广州市", [None]),
        ("（省科技厅负责）", None, [None]),
        ("（市城市更新局负责）", "深圳市", [None]),
    ],
)
def test_canonicalize_fills_official_names(rules, text, region, expected):
    found = find_agencies(text, rules)
    canonicalize(found, region, rules)
    assert [a.name_canonical for a in found] == expected


@pytest.mark.parametrize(
    ("aliases", "expected"),
    [
        # `海淀区委` reads as 海淀 + 区委 and as 海淀区 + 委: the alias listed first wins
        ("  '{prefix}区委': '甲'\n  '{prefix}委': '乙'\n", "甲"),
        ("  '{prefix}委': '乙'\n  '{prefix}区委': '甲'\n", "乙"),
    ],
)
def test_canonicalize_takes_the_first_listed_alias(broken_rules, aliases, expected):
    old = "  '{prefix}发展改革委'"
    rules_dir, _, _ = broken_rules("agency_aliases.yaml", old, aliases + old)
    rules = load_rules(rules_dir)
    found = find_agencies("（海淀区委负责）", rules)
    canonicalize(found, "海淀区", rules)
    assert [a.name_canonical for a in found] == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("四川省经济和信息化厅、省发展改革委、文化和旅游厅、省药监局等8部门",
         ["四川省经济和信息化厅", "省发展改革委", "文化和旅游厅", "省药监局"]),
        ("财政部和税务总局", ["财政部", "税务总局"]),
        ("工业和信息化部", ["工业和信息化部"]),
        # separators inside brackets, nested or left open, do not cut
        ("各县（市、区）人民政府、省民政厅", ["各县（市、区）人民政府", "省民政厅"]),
        ("省科技厅、市（州（县）、区）人民政府", ["省科技厅", "市（州（县）、区）人民政府"]),
        ("省科技厅、各县（市、区人民政府", ["省科技厅", "各县（市、区人民政府"]),
    ],
)
def test_split_names_cuts_plain_lists(rules, text, expected):
    assert split_names(text, rules) == expected


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        ("agencies.yaml", "list_end:", "list_ends:", "unknown key 'list_ends'"),
        ("agencies.yaml", "  - '(?P<responsible>.+?)指导'", "  - '(?P<responsible>.+?指导'", "bad pattern"),
        ("agencies.yaml", "  - '(?P<responsible>.+?)指导'", "  - '(?P<boss>.+?)指导'", "named groups must be roles"),
        ("agencies.yaml", "effect: same_below}", "effect: same_above}", "is not one of"),
        ("agencies.yaml", "key_brackets: {'【': '；'", "key_brackets: {'【': '；；'", "one character to one"),
        ("agency_aliases.yaml", "  '{prefix}科技厅': '{region}科学技术厅'", "  '科技厅': '{region}科学技术厅'",
         "must hold {prefix} exactly once"),
        ("agency_aliases.yaml", "  '{prefix}科技厅': '{region}科学技术厅'", "  '{prefix}科技厅': '{province}科学技术厅'",
         "unknown placeholder"),
    ],
)
def test_load_rules_bad_file_names_line(broken_rules, file, old, new, message):
    rules_dir, path, line = broken_rules(file, old, new)
    with pytest.raises(RuleError) as raised:
        load_rules(rules_dir)
    assert (raised.value.path, raised.value.line) == (str(path), line)
    assert message in raised.value.reason


TABLE = ("附件\n重点任务分工表\n序号　重点任务　牵头单位　配合单位　完成时限\n"
         "1　建设中试平台　省科技厅、省发展改革委　省经信厅，各市州人民政府　2028年底前\n"
         "2　培育服务机构　省科技厅　—　持续推进\n"
         "3　不在正文的任务　省财政厅　省审计厅　2027年底前\n")


@pytest.mark.parametrize(
    ("titles", "expected"),
    [
        # each row whose task names one measure is an annotation of it, lead cells first
        (["建设中试平台", "培育服务机构"],
         [("省科技厅", "lead", 1, 5, 0), ("省发展改革委", "lead", 2, 5, 0), ("省经信厅", "support", 3, 5, 0),
          ("各市州人民政府", "support", 4, 5, 0), ("省科技厅", "lead", 1, 6, 1)]),
        # a task no measure is titled with, or two measures are, gives nothing
        (["建设中试平台", "建设中试平台", "培育服务机构"], [("省科技厅", "lead", 1, 5, 2)]),
        ([], []),
    ],
)
def test_find_table_agencies_reads_a_task_division_table(rules, titles, expected):
    found = find_table_agencies(TABLE, find_task_rows(TABLE, titles, rules), rules, first_index=5)
    for agency in found:
        assert TABLE[agency.char_start:agency.char_end] == agency.name
    assert [(a.name, a.role, a.position, a.annotation, a.measure) for a in found] == expected


@pytest.mark.parametrize(
    "text",
    [
        "二、重点任务\n（一）建设中试平台。\n",                        # a heading naming tasks is no header
        "序号　重点任务　完成时限\n1　建设中试平台　2028年底前\n",     # no role column
    ],
)
def test_find_task_rows_needs_a_header_with_task_and_role_columns(rules, text):
    assert find_task_rows(text, ["建设中试平台"], rules) == []


def test_find_task_rows_gives_each_row_its_deadline_cell(rules):
    rows = find_task_rows(TABLE, ["建设中试平台", "培育服务机构"], rules)
    assert [(row.measure, TABLE[row.deadline.start:row.deadline.end]) for row in rows] == [
        (0, "2028年底前"), (1, "持续推进")]
