import json
import shutil
from types import SimpleNamespace

import pytest
import regex

from pipeline.dates import find_dates
from pipeline.dates import load_rules as load_date_rules
import pipeline.targets as targets_module
from pipeline.errors import RuleError
from pipeline.measures import load_rules as load_numbering_rules
from pipeline.measures import segment
from pipeline.nlp import get_nlp, get_window_matcher, tokens_and_spans
from pipeline.rules import RULES_DIR
from pipeline.targets import (
    RULES_FILE,
    Exclusion,
    _excluded,
    _grouped,
    _merge_single_patterns,
    alternation,
    _tokens_each,
    assign_years,
    find_targets,
    load_rules,
    parse_number,
)

# Span patterns the shipped rules lack, each a phrase jieba cuts in two unless noted.
EXTRA_SPANS = [
    ("SUBJECT_STOP", "服务于"),
    ("SUBJECT_STOP", "辐射带动"),   # holds 带动, a VERB and SUBJECT_STOP of its own
    ("ACTIVITY", "临床试验"),       # one token
    ("ACTIVITY", "转移转化"),
    ("VERB", "择优授牌"),
    ("METRIC", "经费支出"),         # one token
]


@pytest.fixture(scope="module")
def rules():
    return load_rules(RULES_DIR)


@pytest.fixture(scope="module")
def extended_rules(tmp_path_factory):
    """The shipped rules plus EXTRA_SPANS."""
    root = tmp_path_factory.mktemp("rules")
    shutil.copytree(RULES_DIR, root, dirs_exist_ok=True)
    with (root / "spans" / "targets.jsonl").open("a", encoding="utf-8") as spans:
        for label, phrase in EXTRA_SPANS:
            spans.write(json.dumps({"label": label, "pattern": phrase}, ensure_ascii=False) + "\n")
    return load_rules(root)


@pytest.fixture(scope="module")
def date_rules():
    return load_date_rules(RULES_DIR)


def found(text, rules):
    targets = find_targets(text, rules)
    for t in targets:
        assert text[t.char_start:t.char_end] == t.quantity_text
    return targets


def years_of(text, rules, date_rules, plan_year=None):
    """The year assign_years gives each target of `text`."""
    targets = find_targets(text, rules)
    assign_years(targets, find_dates(text, date_rules), text, segment(text, load_numbering_rules(RULES_DIR)), rules,
                 plan_year)
    return [t.year for t in targets]


def quantities(text, rules):
    return [(t.quantity_text, t.value_min, t.value_max, t.comparator, t.unit, t.per) for t in found(text, rules)]


@pytest.mark.parametrize(
    ("written", "value"),
    [("2.5", 2.5), ("１２", 12), ("两", 2), ("十", 10), ("二十五", 25), ("一百零五", 105), ("百", 100),
     ("三千", 3000), ("一万", 10000), ("一亿五千万", 150_000_000), ("三万亿", 3e12), ("三五", None), ("五十五十", None)],
)
def test_parse_number_reads_arabic_and_chinese_numerals(written, value):
    assert parse_number(written) == value


def test_parse_number_reads_years_digit_by_digit():
    assert parse_number("二〇二五", positional=True) == 2025


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("研发两款新型康复设备。", [("两款", 2, 2, "eq", "款", None)]),
        ("每年完成三千例手术。", [("三千例", 3000, 3000, "eq", "例", "年")]),
        ("培育十家龙头企业。", [("十家", 10, 10, "eq", "家", None)]),
        ("新建至少一所职业学院。", [("至少一所", 1, 1, "ge", "所", None)]),
        ("引进一万名技能人才。", [("一万名", 10000, 10000, "eq", "名", None)]),
        ("创建百家绿色工厂、千家绿色园区。", [("百家", 100, 100, "eq", "家", None), ("千家", 1000, 1000, "eq", "家", None)]),
        # a 行动方案 is a document, not a programme's name (百人计划)
        ("每年开展一次行动方案实施情况评估。", [("一次", 1, 1, "eq", "次", "年")]),
    ],
)
def test_find_targets_reads_chinese_numerals(text, expected, rules):
    assert quantities(text, rules) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("打造2至3个产业集聚区。", ("2至3个", 2, 3, "range")),
        ("培育2-3家领军企业。", ("2-3家", 2, 3, "range")),
        ("引育2—3个人才团队。", ("2—3个", 2, 3, "range")),
        ("建设3～5家服务平台。", ("3～5家", 3, 5, "range")),
        ("建设1到2个培养基地。", ("1到2个", 1, 2, "range")),
        ("设立两到三个分中心。", ("两到三个", 2, 3, "range")),
        ("吸引5家以上研发中心落户。", ("5家以上", 5, 5, "ge")),
        ("实施不少于15项攻关任务。", ("不少于15项", 15, 15, "ge")),
        ("服务企业超过200家。", ("超过200家", 200, 200, "gt")),
        ("布局10家左右创新中心。", ("10家左右", 10, 10, "approx")),
        # 突破 bounds a quantity that ends its clause; before the counted thing it is a verb
        ("低空经济规模突破500亿元。", ("突破500亿元", 500e8, 500e8, "gt")),
        ("到2027年，突破20项左右关键核心技术。", ("20项左右", 20, 20, "approx")),
        ("突破约20项关键技术。", ("约20项", 20, 20, "approx")),
        ("审批时限压缩至5个工作日以内。", ("5个工作日以内", 5, 5, "le")),
        ("不良率控制在不超过1%。", ("不超过1%", 1, 1, "le")),
        ("开展1 - 3个月的培训。", ("1 - 3个月", 1, 3, "range")),
        # a measure word that starts like a scale word (千瓦, 千米) after a Chinese numeral
        ("新增光伏装机五千瓦至八千瓦。", ("五千瓦至八千瓦", 5, 8, "range")),
        ("建成三千米至五千米健身步道。", ("三千米至五千米", 3000, 5000, "range")),
    ],
)
def test_find_targets_reads_ranges_and_bounds(text, expected, rules):
    assert [q[:4] for q in quantities(text, rules)] == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("服务患者5万人次。", ("5万人次", 50000, "人次")),
        ("设立100亿元产业基金。", ("100亿元", 10_000_000_000, "元")),
        ("新增装机1.6亿千瓦。", ("1.6亿千瓦", 160_000_000, "千瓦")),
        ("冰雪旅游人次达到2.2亿人次。", ("2.2亿人次", 220_000_000, "人次")),
        ("研发投入强度达到3.5%。", ("3.5%", 3.5, "%")),
        ("覆盖率提高5个百分点。", ("5个百分点", 5, "百分点")),
        ("能耗强度下降到全国平均水平的百分之八十。", ("百分之八十", 80, "%")),
        ("推动一半以上的企业完成改造。", ("一半以上", 50, "%")),
        ("县级集配中心覆盖一半以上的农产品主产县。", ("一半以上", 50, "%")),
        # 次 before 数字 (not 次数), 株
        ("每季度组织1次数字化转型供需对接活动。", ("1次", 1, "次")),
        # a magnitude naming a class is no count (百兆瓦级); what is counted is
        ("到2028年，建成百兆瓦级独立共享储能电站5座。", ("5座", 5, "座")),
        ("保藏工业菌种超过1万株。", ("超过1万株", 10000, "株")),
        ("研发人员全时当量达到12万人年。", ("12万人年", 120000, "人年")),
        ("保存种质资源达到1.5万份。", ("1.5万份", 15000, "份")),
        ("投放人工鱼礁30万空方以上。", ("30万空方以上", 300000, "空方")),
        ("新增重力式深水网箱500口。", ("500口", 500, "口")),
        ("煤电机组平均供电煤耗降至300克标准煤/千瓦时以下。", ("300克标准煤/千瓦时以下", 300, "克标准煤/千瓦时")),
        # a government's own budget, however its purpose is named
        ("县财政统筹安排充电基础设施建设奖补资金500万元。", ("500万元", 5_000_000, "元")),
        ("开行冰雪旅游专列不少于20列次。", ("不少于20列次", 20, "列次")),
        # shares and multiples in words: 千分之 (not a score of 千分), 成, 翻番 (the increase, as 提高1倍)
        ("事故死亡率控制在千分之五以内。", ("千分之五以内", 0.5, "%")),
        ("农产品加工转化率提高两成以上。", ("两成以上", 20, "%")),
        ("七成以上企业实现上云。", ("七成以上", 70, "%")),
        ("地区生产总值较2020年翻一番。", ("翻一番", 1, "倍")),
        ("力争营业收入翻番。", ("翻番", 1, "倍")),
        ("产值实现翻两番。", ("翻两番", 3, "倍")),
        ("算力调度平台接入全区80%以上的算力资源。", ("80%以上", 80, "%")),
        ("全省智能算力规模达到20EFLOPS以上。", ("20EFLOPS以上", 20, "EFLOPS")),
        ("省际出口带宽达到60Tbps。", ("60Tbps", 60, "Tbps")),
        ("数据存储能力达到5000PB。", ("5000PB", 5000, "PB")),
        ("新建室内外冰场500块。", ("500块", 500, "块")),
        ("集聚企业超过1,000家。", ("超过1,000家", 1000, "家")),
        ("智能算力达到2,000.5PFLOPS。", ("2,000.5PFLOPS", 2000.5, "PFLOPS")),
        ("新增机器人4万台（套）。", ("4万台（套）", 40000, "台（套）")),
        ("建成智算集群10万卡。", ("10万卡", 100000, "卡")),
        ("增殖放流水产苗种30亿尾以上。", ("30亿尾以上", 3_000_000_000, "尾")),
        ("船舶运力达到300万载重吨。", ("300万载重吨", 3_000_000, "载重吨")),
        ("粮食产量稳定在1.1亿斤以上。", ("1.1亿斤以上", 110_000_000, "斤")),
        ("开行旅客列车40对。", ("40对", 40, "对")),
        ("人均预期寿命达到81岁以上。", ("81岁以上", 81, "岁")),
        ("个人卫生支出占卫生总费用比重下降到25%以下。", ("25%以下", 25, "%")),
        ("到2025年，全省80%以上的钢铁产能完成超低排放改造。", ("80%以上", 80, "%")),
        ("新增无人机配送订单超过100万单。", ("超过100万单", 1_000_000, "单")),
        ("支持每个设区市建设至少一个人工智能特色产业园区。", ("至少一个", 1, "个")),
        ("引导设立总规模不低于100亿元的产业投资基金。", ("不低于100亿元", 10_000_000_000, "元")),
        ("力争冷链物流领域贷款余额年均增长不低于10%。", ("不低于10%", 10, "%")),
        ("实现重点区域应急响应15分钟内到达。", ("15分钟内", 15, "分钟")),
        ("重大安全事件应急响应时间不超过2小时。", ("不超过2小时", 2, "小时")),
        ("开放共享高清图像达到8000组以上。", ("8000组以上", 8000, "组")),
        ("新增储能电池产能10GWh。", ("10GWh", 10, "GWh")),
        ("新增光伏装机容量2.5GW。", ("2.5GW", 2.5, "GW")),
        ("游客满意度综合指数保持在85分以上。", ("85分以上", 85, "分")),
        ("到2027年，生物医药领域贷款余额达到300亿元。", ("300亿元", 30_000_000_000, "元")),
        ("每年新增涉农贷款不低于50亿元。", ("不低于50亿元", 5_000_000_000, "元")),
        ("全区牛存栏稳定在７５０万头以上。", ("７５０万头以上", 7_500_000, "头")),
        ("推广良种肉牛２万头（只）以上。", ("２万头（只）以上", 20_000, "头（只）")),
        ("每年免疫疫苗３００万剂以上。", ("３００万剂以上", 3_000_000, "剂")),
        ("到2027年，部署卫星150颗。", ("150颗", 150, "颗")),
        ("新增算力资源2万核。", ("2万核", 20_000, "核")),
        ("形成12英寸晶圆月产能3万片。", ("3万片", 30_000, "片")),
        ("提升排涝能力至1000立方米/秒。", ("1000立方米/秒", 1000, "立方米/秒")),
        ("将改造成本控制在600元/平方米以内。", ("600元/平方米以内", 600, "元/平方米")),
        ("工业用地亩均税收达到35万元/亩以上。", ("35万元/亩以上", 350_000, "元/亩")),
        ("到2027年，动力电池产能达到300吉瓦时以上。", ("300吉瓦时以上", 300, "吉瓦时")),
        ("户均配电容量提高到3千伏安。", ("3千伏安", 3, "千伏安")),
        ("改造老旧住宅3幢。", ("3幢", 3, "幢")),
        # a cost brought down is an aim; a year-on-year change in a plan too
        ("社会物流总费用与地区生产总值的比率降至12.5%以下。", ("12.5%以下", 12.5, "%")),
        ("推动口岸物流综合费用降低10%。", ("10%", 10, "%")),
        ("全年上架数据产品，数据交易额同比增长30%。", ("30%", 30, "%")),
        # a share of what is to reach a state is an aim
        ("到2026年，70%以上的县级党政机关建成节约型机关。", ("70%以上", 70, "%")),
        ("力争一半以上的省辖市达到建设要求。", ("一半以上", 50, "%")),
    ],
)
def test_find_targets_folds_scale_words_and_shares(text, expected, rules):
    assert [(q[0], q[1], q[4]) for q in quantities(text, rules)] == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("开展手术3000例/年。", ("3000例/年", "年")),
        ("实现年服务患者超5万人次。", ("超5万人次", "年")),
        ("每年资助培养督导员50名、社工100名。", ("50名", "年")),
        ("产业规模年均增长15%。", ("15%", "年")),
        ("康复设备应用超2万人次/年。", ("超2万人次/年", "年")),
        ("建设20个示范社区。", ("20个", None)),
        ("年飞行架次超过50万架次。", ("超过50万架次", "年")),
        ("全年新增开放公共数据集1000个以上。", ("1000个以上", None)),
        ("建成养殖基地，年出栏牛羊５００万头（只）。", ("５００万头（只）", "年")),
        # a year's volume or capacity
        ("到2027年，年原料交易量达到8000吨以上。", ("8000吨以上", "年")),
        ("工业副产氢年提纯能力达到5万吨以上。", ("5万吨以上", "年")),
        ("形成年产卫星200颗的批量化制造能力。", ("200颗", "年")),
        ("转基因玉米大豆年种植面积达到300万亩。", ("300万亩", "年")),
        ("今年完成改造任务10个。", ("10个", None)),
        ("完成年度重点改造项目10个。", ("10个", None)),
        # a cue opening a clause that counts nothing governs the clauses after it …
        ("每年发布应用场景清单，开放应用场景不少于30个。", ("不少于30个", "年")),
        # … but not a total
        ("每年发布应用场景清单，累计开放应用场景不少于100个。", ("不少于100个", None)),
    ],
)
def test_find_targets_marks_yearly_rates(text, expected, rules):
    assert (quantities(text, rules)[0][0], quantities(text, rules)[0][5]) == expected


@pytest.mark.parametrize(
    "text",
    [
        # eligibility and scope
        "对年满18周岁的申请人提供培训。",
        "加大对35岁以下青年科技人员扶持力度。",
        "对从业人员超过100人的企业开展检查。",
        "小微企业500万元及以下的业务免收费用。",
        # benefits, subsidies and caps granted
        "对入选项目给予50万元资助。",
        "提供最高不超过15万元的创业担保贷款。",
        "对不裁员的企业返还失业保险费的50%。",
        "对年营业收入首次突破10亿元、50亿元的工业企业，分别给予50万元、100万元奖励。",
        "贷款期限最长不超过3年，贷款额度最高不超过300万元。",
        "按合同金额的20%给予支持，单个企业年度支持额度不超过300万元。",
        "按实际支付费用的30%给予补贴；使用国产算力的，补贴比例提高至40%。",
        "工业用地出让底价可按不低于工业用地出让最低价标准的70%执行。",
        "单笔贷款不超过500万元，对贷款给予贴息。",
        "这项工作十分重要，占全年任务的三分之一。",
        # a passage reporting the past, its year in full-width digits
        "２０２４年，全区牛存栏６８５万头、羊存栏４９２０万只。",
        # a subsidy's rate in percentage points
        "对符合条件的项目给予贷款贴息，贴息比例不超过2个百分点。",
        # counts describing the document
        "从5个方面部署了18项重点任务。",
        # phases, heights qualifying a noun, periods set by the rules
        "推进政务云二期建设，实施数据中心四期工程。",
        "开放低空1000米以下空域。",
        "公示期为5个工作日。",
        "打造15分钟社区生活圈。",
        "对营业收入超过1亿元的企业，研发投入年增长20%以上的，按增量的10%给予奖励。",
        "推动公共停车场对新能源汽车给予首次停车2小时内免费等优惠。",
        "对年营业收入超过5000万元的企业，投资规模超过1亿元的项目给予补助。",
        "企业员工超过300人的，可申请认定；在本市连续缴纳社保满6个月。",
        # limits set for buyers, provisioning ratios, classes of magnitude
        "适当提高跨境电商零售进口单次交易限值至8000元、年度交易限值至30000元。",
        "新建新能源项目按照装机容量的15%、时长2小时配置储能。",
        # compensation rates, shares of returns, how long a benefit lasts, conditions of priority support
        "保险补偿比例不超过保费的80%。",
        "基金可按不超过投资额的20%让渡超额收益。",
        "企业投资职业教育的，按投资额的30%抵免该企业当年应缴教育费附加。",
        # a cap on a public fund's share is a setting too
        "市级政府投资基金出资比例最高可达30%。",
        "按每人每月1000元标准给予12个月的就业补贴。",
        "对年营业收入2亿元以上、研发投入占营业收入比重不低于8%的企业，优先支持其承担验证任务。",
        # norms for individuals
        "学生顶岗实习一般为6个月。",
        "每期培训时间为5天。",
        # a class of ships or plants is no count (10万吨级泊位)
        "新建10万吨级集装箱泊位。",
        # names, slogans, drafting
        "认定一批“三首两新”产品，做到机构、编制、人员、经费四个到位。",
        "建设5G基站，推进第二类医疗器械审批。",
        "细化了13条具体举措，8部门联合印发，七部门联合推进。",
        "从两个方面培育重点产品，推进侵入式、非侵入式两种技术路径。",
        "实施“百人计划”和千人计划。",
        # 成 and 番 after a numeral in other words
        "统一成立工作专班，推动建成一成套装备示范线。",
        "实施千分制考核。",
        "贯彻十八届三中全会精神。",
        # 一批, 若干, 首例, 首台（套）, 一是, articles
        "培育一批企业，支持若干项目，实施首例手术，推广首台（套）装备。一是加强领导，打造一支队伍。",
        # years, periods, document numbers, titles
        "根据《2025年推进100个项目的通知》（国发〔2025〕12号），2025年起5年内实施。",
        # history and statistics
        "2015年，全国建成污水处理厂3000座，覆盖率92%。",
        "全国土壤点位超标率16.1%，耕地土壤点位超标率19.4%。",
        "近年来每年减少湿地约510万亩。",
        "断面数量由“十二五”期间的972个增加。",
        "目前，全市已建成起降点42个，开通航线26条，集聚相关企业120余家。",
        # a rank, a count annotating a heading
        "排名前10位的城市，长江流域（108个）。",
        # a bare magnitude names a class of things
        "支持亿元以上项目落地，服务万人以上社区。",
    ],
)
def test_find_targets_excludes_settings_names_and_facts(text, rules):
    assert quantities(text, rules) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a bound on the size of what is counted after it is scope
        ("培育年营业收入超百亿元的核心零部件企业达到十家。", ["十家"]),
        # a distance that defines a measure is part of its name
        ("中心城区公共交通站点500米覆盖率达到100%。", ["100%"]),
        # 任务 as the start of a longer word is no count of the document's tasks
        ("每季度召开1次重点任务调度会。", ["1次"]),
    ],
)
def test_find_targets_keeps_only_the_aim_of_a_clause(text, expected, rules):
    assert [q[0] for q in quantities(text, rules)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("引育10家链主企业、100家专精特新企业和200家创新型中小企业。",
         [("10家", "链主企业"), ("100家", "专精特新企业"), ("200家", "创新型中小企业")]),
        ("完成3款侵入式和5款非侵入式脑机接口产品的研发及注册。",
         [("3款", "侵入式脑机接口产品"), ("5款", "非侵入式脑机接口产品")]),
        ("布局建设10家左右省级企业技术中心、技术创新中心等创新平台。", [("10家左右", "创新平台")]),
        ("培育3-5家有全球影响力的生态型企业。", [("3-5家", "生态型企业")]),
        ("5年内选拔认定教育专家10名、名校长100名。", [("10名", "教育专家"), ("100名", "名校长")]),
        ("重点引进和培养高层次人才达到2000名左右。", [("2000名左右", "高层次人才")]),
        ("城市污水处理率分别达到95%和85%。", [("95%", "城市污水处理率"), ("85%", "城市污水处理率")]),
        ("推动不少于20款产品通过医疗器械注册审批。", [("不少于20款", "产品")]),
        ("企业研发投入强度达到3%。", [("3%", "企业研发投入强度")]),
        ("全省规模以上工业企业研发机构覆盖率达到50%。", [("50%", "规模以上工业企业研发机构覆盖率")]),
        ("七、每年安排专项资金10亿元。", [("10亿元", "专项资金")]),
        ("培养产生100名“大学生创业能手”。", [("100名", "“大学生创业能手”")]),
        # a baseline, a deadline, an average's 年均 are no part of what is counted
        ("农产品产后损失率较2024年降低2个百分点。", [("2个百分点", "农产品产后损失率")]),
        ("每单位产品用汞量在2010年的基础上减少50%。", [("50%", "每单位产品用汞量")]),
        ("实现统一调度；年底前全省在用标准机架达到8万架。", [("8万架", "在用标准机架")]),
        ("二是新设博士后科研工作站30个。", [("30个", "博士后科研工作站")]),
        ("到2027年累计淘汰老旧冷藏车3万辆。", [("3万辆", "老旧冷藏车")]),
        ("力争贷款余额年均增长不低于10%。", [("不低于10%", "贷款余额")]),
        ("实现重点区域应急响应15分钟内到达。", [("15分钟内", "重点区域应急响应")]),
        # a METRIC after X的 keeps X: a share means nothing without it
        ("新能源冷藏车占新增冷藏车的比例达到百分之三十。", [("百分之三十", "新能源冷藏车占新增冷藏车的比例")]),
        # what the counted things go on to do is not part of them
        ("培育2—3家整车企业进入全球销量前十。", [("2—3家", "整车企业")]),
        ("推动10万家企业上云。", [("10万家", "企业")]),
        # a verb ending the window names an activity, unless a conjunction makes it a predicate
        ("完成特殊困难老年人家庭适老化改造200万户。", [("200万户", "特殊困难老年人家庭适老化改造")]),
        ("形成产教融合平台并培养1000人次。", [("1000人次", "培养")]),
        ("新建改建乡镇老年学校不少于5000所。", [("不少于5000所", "乡镇老年学校")]),
        # the capacity of a thing counts the thing
        ("形成年产车载储氢瓶5万只的生产能力。", [("5万只", "车载储氢瓶")]),
        # a government's own budget is an aim, whatever it serves; a copula opens no subject
        ("县财政每年安排1000万元作为茶产业贷款风险补偿资金。", [("1000万元", "茶产业贷款风险补偿资金")]),
        # an aim after its baseline counts what stands before the baseline
        ("海铁联运集装箱量占港口集装箱吞吐量的比重由2025年的8%提高到2030年的15%左右。",
         [("15%左右", "海铁联运集装箱量占港口集装箱吞吐量的比重")]),
        # a clause naming nothing goes on counting the sentence's last subject; a count is no part of it
        ("全市人工智能产业规模突破2000亿元，年均增长20%以上。",
         [("突破2000亿元", "人工智能产业规模"), ("20%以上", "人工智能产业规模")]),
        ("机器人相关企业总数达到300家。", [("300家", "机器人相关企业")]),
        # a verb before a head noun after another verb is part of a compound (上市企业, 改造项目)
        ("新增人工智能领域上市企业10家以上。", [("10家以上", "人工智能领域上市企业")]),
        ("实施智能化改造项目1万个以上。", [("1万个以上", "智能化改造项目")]),
        ("建设服务网点200个。", [("200个", "服务网点")]),
        ("安排新增建设用地指标不少于500亩。", [("不少于500亩", "新增建设用地指标")]),
        ("建设基地5个。", [("5个", "基地")]),
        # verbs jieba keeps whole with what is before them (统筹安排), and more commitment verbs
        ("市级财政每年统筹安排大数据产业发展专项资金不少于3亿元。", [("不少于3亿元", "大数据产业发展专项资金")]),
        ("全省每年发放冰雪消费券不少于1亿元。", [("不少于1亿元", "冰雪消费券")]),
        ("机场新开国际和地区航线10条以上。", [("10条以上", "国际和地区航线")]),
        ("惠及居民60万户。", [("60万户", "居民")]),
        ("修缮历史建筑不少于100处。", [("不少于100处", "历史建筑")]),
        # a share cut or shortened counts what is cut, not the cutting
        ("“一件事”办理时间压减50%以上。", [("50%以上", "“一件事”办理时间")]),
        ("中试服务项目平均周期缩短30%。", [("30%", "中试服务项目平均周期")]),
        # what stands between the counted thing and its quantity is no part of it
        ("重点企业新产品研发周期平均缩短20%。", [("20%", "重点企业新产品研发周期")]),
        ("渔船动态监控覆盖率保持100%。", [("100%", "渔船动态监控覆盖率")]),
        ("项目综合改造成本原则上控制在600元/平方米以内。", [("600元/平方米以内", "项目综合改造成本")]),
        # a list before the verb is who acts
        ("北京、天津、河北分别新建加氢站12座、11座、15座。",
         [("12座", "加氢站"), ("11座", "加氢站"), ("15座", "加氢站")]),
        # a distributive 各 before the count is no part of what is counted
        ("建设省级危重孕产妇救治中心和危重新生儿救治中心各1个。", [("1个", "省级危重孕产妇救治中心和危重新生儿救治中心")]),
        ("每个县培育示范村各3个。", [("3个", "示范村")]),
        # verbs of putting forward, opening and training in a direction govern what follows them
        ("推荐省级县域商业示范乡镇5个。", [("5个", "省级县域商业示范乡镇")]),
        ("引导连锁商贸企业在乡镇开设直营店不少于150家。", [("不少于150家", "直营店")]),
        ("为基层定向培养医学生1000名。", [("1000名", "医学生")]),
    ],
)
def test_find_targets_reads_subjects(text, expected, rules):
    assert [(t.quantity_text, t.subject) for t in found(text, rules)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # modifiers sharing the list's head: the last item as long as the others
        ("到2027年，城市和县城污水处理率分别达到95%和85%。",
         [("95%", "城市污水处理率", "eq"), ("85%", "县城污水处理率", "eq")]),
        ("粮食、蔬菜、水果产地冷藏率分别达到80%、60%、70%。",
         [("80%", "粮食产地冷藏率", "eq"), ("60%", "蔬菜产地冷藏率", "eq"), ("70%", "水果产地冷藏率", "eq")]),
        # a count word ends the items
        ("电子信息、装备制造两大产业集群营业收入分别达到3000亿元、2000亿元以上。",
         [("3000亿元", "电子信息产业集群营业收入", "ge"), ("2000亿元以上", "装备制造产业集群营业收入", "ge")]),
        # items that are whole measures stay as written; a bound written once bounds them all
        ("游客接待量、旅游总收入分别提高不低于10%和12%。",
         [("不低于10%", "游客接待量", "ge"), ("12%", "旅游总收入", "ge")]),
        # no 分别, or not one item per quantity: the list stays one subject
        ("城市和县城污水处理率达到95%。", [("95%", "城市和县城污水处理率", "eq")]),
        ("甲、乙、丙三市绿地率分别达到40%、45%。",
         [("40%", "甲、乙、丙三市绿地率", "eq"), ("45%", "甲、乙、丙三市绿地率", "eq")]),
    ],
)
def test_find_targets_gives_each_quantity_of_a_respectively_list_its_item(text, expected, rules):
    assert [(t.quantity_text, t.subject, t.comparator) for t in found(text, rules)] == expected


@pytest.mark.parametrize(
    ("text", "shipped", "extended"),
    [
        # a SUBJECT_STOP phrase ends the noun phrase after the quantity
        ("培育20家龙头企业服务于全省产业。", [("20家", "龙头企业服务于全省产业")], [("20家", "龙头企业")]),
        ("新建10个中心辐射带动周边地区。", [("10个", "中心辐射")], [("10个", "中心")]),
        # after X的, an ACTIVITY on X is not the counted thing
        ("推动5款产品的临床试验。", [("5款", "临床试验")], [("5款", "产品")]),
        ("推动5项成果的转移转化。", [("5项", "转移转化")], [("5项", "成果")]),
        # a VERB governs the phrase before a clause-final quantity, and makes it a commitment
        ("每年择优授牌青年人才工作室100家。", [], [("100家", "青年人才工作室")]),
        # a phrase ending in a METRIC is governed only by a verb that opens it
        ("推动企业增加研发经费支出达到500亿元。", [("500亿元", "经费支出")], [("500亿元", "企业增加研发经费支出")]),
    ],
)
def test_find_targets_reads_subjects_by_span_labels(text, shipped, extended, rules, extended_rules):
    assert [(t.quantity_text, t.subject) for t in found(text, rules)] == shipped
    assert [(t.quantity_text, t.subject) for t in found(text, extended_rules)] == extended


@pytest.mark.parametrize(
    "windows",
    [
        ["重点培育科技型企业", "5G基站建设", "（试点）示范项目", "产品的研发及注册"],
        ["利用率提高到", "降至", "龙头企业服务于全省产业"],       # spans, and a phrase jieba cuts when alone
        ["培育企业", " 前导空白", "尾随空白\u3000", "建设 基地"],    # blank ends
        ["跨行\n窗口", "培育企业"],
        ["培育科技型企业"] * 400,                                    # long: one Doc, no quadratic alignment
    ],
)
def test_tokens_each_reads_windows_as_if_alone(windows, extended_rules):
    assert _tokens_each(windows, extended_rules) == [_tokens_each([w], extended_rules)[0] for w in windows]


@pytest.mark.parametrize(
    "text",
    ["利用率提高到", "降至58%", "A  B", " 前导", "尾随 ", "建设\u3000 基地", "a \n b", "x\r\ny", "中\xa0文 ", "\t建设", "  "],
)
def test_tokens_and_spans_reads_a_text_as_nlp_does(text, extended_rules):
    doc = get_nlp(extended_rules.rules_dir)(text)
    expected = ([t.text for t in doc], sorted({(s.start, s.end, s.label_) for s in doc.spans.get("rules", [])}))
    matcher = get_window_matcher(extended_rules.rules_dir)
    ((texts, spans),) = tokens_and_spans(matcher, [text])
    assert (texts, spans) == expected
    assert tokens_and_spans(matcher, ["培育企业", text, "建设基地"])[1] == (texts, spans)


@pytest.mark.parametrize(
    ("text", "docs"),
    [
        ("建设10家工厂。", 0),                                           # no window needs tokens
        ("重点培育具有国际竞争力的科技型企业50家，新增高新技术企业100家。", 1),  # windows after, and before an empty one
        ("培育企业5家、建设基地3个通过验收。", 2),                        # 通过验收 reads empty: its window before comes later
    ],
)
def test_find_targets_tokenizes_a_second_doc_only_where_tokens_after_read_empty(text, docs, rules, monkeypatch):
    calls = []
    tokens_each = targets_module._tokens_each
    monkeypatch.setattr(targets_module, "_tokens_each", lambda windows, r: calls.append(windows) or tokens_each(windows, r))
    find_targets(text, rules)
    assert len(calls) == docs


def _exclusion(**conditions):
    fields = {**{name: None for name, f in Exclusion.__dataclass_fields__.items() if f.init},
              "reason": "test", "unless_commitment": False}
    return Exclusion(**{**fields, **conditions})


@pytest.mark.parametrize(
    ("exclusions", "merged"),
    [
        ([_exclusion(left=regex.compile("第$")), _exclusion(left=regex.compile("前$"))], 1),
        ([_exclusion(left=regex.compile("第$")), _exclusion(right=regex.compile("^前"))], 2),            # other field
        ([_exclusion(left=regex.compile("第$")), _exclusion(left=regex.compile("(前)$"))], 2),           # a group
        ([_exclusion(left=regex.compile("第$")), _exclusion(left=regex.compile("(?i)q$"))], 2),          # a global flag
        ([_exclusion(left=regex.compile("第$")), _exclusion(left=regex.compile("前$"), units=frozenset())], 2),
        ([_exclusion(left=regex.compile("第$")), _exclusion(left=regex.compile("前$"), unless_commitment=True)], 2),
    ],
)
def test_merge_single_patterns_merges_only_lone_plain_patterns_of_one_field(exclusions, merged):
    assert len(_merge_single_patterns(exclusions)) == merged


@pytest.mark.parametrize(("left", "fires"), [("排名第", True), ("前", True), ("之后", True), ("之中", False)])
def test_merge_single_patterns_fires_where_a_member_fires(left, fires):
    (merged,) = _merge_single_patterns([_exclusion(left=regex.compile("第$")), _exclusion(left=regex.compile("^前|后$"))])
    assert bool(merged.left.search(left)) == fires


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("万人次以上", "万人次"),       # the longest word of a first character wins
        ("万人才", "万"),               # a guard sends the match on to a shorter word
        ("万元", "万元"),
        ("个百分点", "个百分点"),
        ("a+b", "a+"),                  # characters regex reads as syntax are written out
        ("其他", ""),                   # the empty word matches where no other does
    ],
)
def test_alternation_matches_what_a_flat_longest_first_alternation_matches(text, expected):
    words = {"万人次": None, "万人": "才", "万元": None, "万": None, "个百分点": None, "个": "体", "a+": None, "": None}
    flat = "|".join(regex.escape(w) + (f"(?!{g})" if g else "") for w, g in sorted(words.items(), key=lambda kv: -len(kv[0])))
    assert regex.match(alternation(words), text).group() == regex.match(flat, text).group() == expected


@pytest.mark.parametrize(
    ("left", "right", "fires"),
    [
        ("排名第", "位", True),       # the first exclusion's tests hold
        ("前", "名", True),           # the second's
        ("排名第", "名", False),      # the first's left and the second's right: neither fires
        ("其中", "项", True),         # the one kept apart (a group in its pattern)
        ("之后", "位", False),
    ],
)
def test_excluded_fires_where_an_exclusion_of_a_group_fires(left, right, fires):
    groups = _grouped([_exclusion(left=regex.compile("第$"), right=regex.compile("^位")),
                       _exclusion(left=regex.compile("^前"), right=regex.compile("^名")),
                       _exclusion(left=regex.compile("(其)中$"), right=regex.compile("^项"))], {})
    assert [len(g.exclusions) for g in groups] == [2, 1]
    assert _excluded(SimpleNamespace(left=left, right=right), groups, rules=None) == fires


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ({"label": "VERB", "pattern": [{"ORTH": "培育"}]}, "must be phrases"),
        ({"label": "SUBJECT_STOP", "pattern": [{"TEXT": {"REGEX": "^赴"}}]}, "must be phrases"),
    ],
)
def test_load_rules_names_the_span_line_the_regex_side_cannot_use(tmp_path, line, message):
    shutil.copytree(RULES_DIR, tmp_path, dirs_exist_ok=True)
    spans = tmp_path / "spans" / "targets.jsonl"
    lines = spans.read_text(encoding="utf-8").splitlines()
    lines.insert(2, json.dumps(line, ensure_ascii=False))
    spans.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(RuleError) as raised:
        load_rules(tmp_path)
    assert (raised.value.line, message in raised.value.reason, "targets.jsonl" in str(raised.value)) == (3, True, True)


@pytest.mark.parametrize(
    ("text", "years"),
    [
        # a deadline before the target in the same line
        ("到2027年，建设不少于2个集聚区。到2030年，培育2至3家企业。", [2027, 2030]),
        # a deadline later in the same sentence
        ("培育10家链主企业，到2030年全部完成。", [2030]),
        # a deadline only in a later sentence does not govern
        ("构建不少于2万例的数据集。到2030年，建设3-5家平台。", [None, 2030]),
        # a period is no deadline
        ("2012年起5年内，重点引进100名人才。", [None]),
        # nor does a deadline on an earlier line
        ("到2027年，突破关键技术。\n培育30家企业。", [None]),
        # nor one in another measure of the same line
        ("1.到2027年，突破关键技术。2.培育30家企业。", [None]),
        ("“十四五”期间，2025年底前建成5个中心。", [2025]),
        # a lead-in ending in a colon sets the deadline of the measures below it, and of theirs
        ("第一条 到2026年，实现以下目标：\n①集聚企业200家左右。\n②建设起降点不少于150个。", [2026, 2026]),
        ("（一）发展目标。到2027年，主要目标如下：\n1.产业规模\n（1）培育龙头企业5家。", [2027]),
        # a measure's own deadline wins over its lead-in's
        ("一、到2027年，目标如下：\n1.到2030年，建成10个中心。", [2030]),
        # a lead-in line in the same measure sets the deadline of the lines below it
        ("（2）发展目标。到2027年，具体实现以下目标：\n- 产值突破300亿元。\n- 培育龙头企业十家。", [2027, 2027]),
        # a bare year opening the clause is its milestone; a baseline year is not
        ("2024年建成示范基地1.5万亩，2025年累计达到3.5万亩，到2026年累计达到5万亩。", [2024, 2025, 2026]),
        ("到2027年，能耗比2020年下降10%。", [2027]),
        # a lead-in without a colon sets none
        ("一、到2027年，产业规模壮大。\n1.培育30家企业。", [None]),
        # a labelled deadline line governs its measure (a table written out line by line)
        ("1．示范工程\n主要内容：建设示范线10条。\n完成时限：2027年底前\n2．保障工程\n主要内容：培育企业5家。\n",
         [2027, None]),
        ("1．示范工程\n主要内容：到2026年建设示范线10条。\n完成时间：2028年6月底前\n", [2026]),
    ],
)
def test_assign_years_takes_the_governing_deadline(text, years, rules, date_rules):
    assert years_of(text, rules, date_rules) == years


@pytest.mark.parametrize(
    ("text", "years"),
    [
        # a one-year plan's aims are due by its end; its own deadlines and recurring aims keep theirs
        ("1.全年新增数据集1000个。2.9月底前建成平台3个。3.到2027年培育企业50家。", [2025, 2025, 2027]),
        ("1.每季度召开调度会1次。2.每年组织应急演练不少于2次。3.安装率达到100%。", [None, None, 2025]),
    ],
)
def test_assign_years_gives_a_one_year_plan_its_year(text, years, rules, date_rules):
    assert years_of(text, rules, date_rules, plan_year=2025) == years


@pytest.mark.parametrize(
    ("old", "new", "marker", "message"),
    [
        ("  - {surface: 个工作日}", "  - {surface: 个工作日, plural: true}", "plural", "unknown key 'plural'"),
        ("    left: '(?:第|前|后)$'", "    left: '(?:第|前|后$'", "(?:第|前|后$", "bad pattern"),
        ("    不少于: ge", "    不少于: atleast", "atleast", "not one of"),
        ("    numeral: chinese\n    units: [届]", "    numeral: roman\n    units: [届]", "roman", "not one of"),
        ("  - reason: ordinal", "  - reson: ordinal", "reson", "unknown key 'reson'"),
        ("scales: {万亿", "scales: {十亿: 0, 万亿", "十亿", "positive whole number"),
    ],
)
def test_load_rules_names_file_and_line_of_a_bad_rule(broken_rules, old, new, marker, message):
    rules_dir, path, line = broken_rules(RULES_FILE, old, new, marker)
    with pytest.raises(RuleError) as raised:
        load_rules(rules_dir)
    assert (raised.value.path, raised.value.line) == (str(path), line)
    assert message in raised.value.reason


def test_tokens_and_spans_drops_a_token_pattern_span_across_texts(tmp_path):
    shutil.copytree(RULES_DIR, tmp_path, dirs_exist_ok=True)
    with (tmp_path / "spans" / "targets.jsonl").open("a", encoding="utf-8") as spans:
        spans.write(json.dumps({"label": "PAIR", "pattern": [{"ORTH": "企业"}, {}, {"ORTH": "建设"}]}) + "\n")
    matcher = get_window_matcher(tmp_path)
    texts = ["培育企业", "建设基地"]
    assert tokens_and_spans(matcher, texts) == [tokens_and_spans(matcher, [text])[0] for text in texts]
    assert (0, 3, "PAIR") in tokens_and_spans(matcher, ["企业x建设"])[0][1]   # token patterns still match


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a rate per 100,000 keeps its denominator as the unit (like 台/万人)
        ("孕产妇死亡率控制在9/10万以下。", ("9/10万以下", 9, "le", "/10万")),
        ("结核病报告发病率降至40/10万以下。", ("40/10万以下", 40, "le", "/10万")),
        ("孕产妇死亡率控制在8/十万以下。", ("8/十万以下", 8, "le", "/10万")),
        # racks of a data centre
        ("全市数据中心标准机架规模达到12万标准机架。", ("12万标准机架", 120_000, "eq", "标准机架")),
        ("在用算力中心规模达到3万机架。", ("3万机架", 30_000, "eq", "机架")),
        # ‰ folds into % (as 千分之五 does)
        ("婴儿死亡率控制在4.5‰。", ("4.5‰", 0.45, "eq", "%")),
        ("5岁以下儿童死亡率控制在6.0‰以下。", ("6.0‰以下", 0.6, "le", "%")),
        ("出生缺陷发生率不高于12‰。", ("不高于12‰", 1.2, "le", "%")),
    ],
)
def test_find_targets_reads_rates_racks_and_permille(text, expected, rules):
    assert [(q[0], q[1], q[3], q[4]) for q in quantities(text, rules)] == [expected]


@pytest.mark.parametrize(("written", "expected"), [("‰", (0.1, "%")), ("%", (1, "%")), ("万标准机架", (10_000, "标准机架"))])
def test_indicator_unit_folds_permille_as_the_prose_does(written, expected, rules):
    from pipeline.indicators import _unit
    assert _unit(written, rules) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # storage power/energy: two quantities of one subject, the slash is no per
        ("新型储能装机规模达到100万千瓦/200万千瓦时。",
         [("100万千瓦", 1_000_000, "千瓦", "新型储能装机规模"), ("200万千瓦时", 2_000_000, "千瓦时", "新型储能装机规模")]),
        ("建成新型储能电站50MW/100MWh。", [("50MW", 50, "MW", "新型储能电站"), ("100MWh", 100, "MWh", "新型储能电站")]),
        ("新增储能装机200万千瓦/400万千瓦时以上。",
         [("200万千瓦", 2_000_000, "千瓦", "储能装机"), ("400万千瓦时以上", 4_000_000, "千瓦时", "储能装机")]),
    ],
)
def test_find_targets_reads_a_power_and_energy_pair(text, expected, rules):
    assert [(t.quantity_text, t.value_min, t.unit, t.subject) for t in found(text, rules)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a bound before the verb governing the quantity bounds it; quantity_text is the number
        ("建成省级区域医疗中心6个，每个市（州）至少有1所三级甲等综合医院。", [("6个", "eq"), ("1所", "ge")]),
        ("每个县（市、区）至少设立1个心理健康服务站。", [("1个", "ge")]),
        ("推动每个乡镇至少建成1个共同配送站点。", [("1个", "ge")]),
        ("每个乡镇（街道）每年至少组织综合应急演练2次。", [("2次", "ge")]),
        # only the first number after it
        ("至少建成2个中心和5个站点。", [("2个", "ge"), ("5个", "eq")]),
        ("至少建成2个中心，培育5家企业。", [("2个", "ge"), ("5家", "eq")]),
        # it keeps nothing an exclusion drops (a duty of a company: no commitment)
        ("燃气经营企业对居民用户每年至少入户安检1次。", []),
    ],
)
def test_find_targets_reads_a_bound_apart_from_its_number(text, expected, rules):
    assert [(q[0], q[3]) for q in quantities(text, rules)] == expected


@pytest.mark.parametrize(
    "text",
    [
        # a fee set per person and a co-payment are settings
        "家庭医生签约服务费按每人每年120元标准收取。",
        "按每吨200元的标准收取处理费。",
        "签约居民个人负担不超过20元。",
        "患者个人自付部分不超过500元。",
        # two conditions joined by 且/或 before 的 are scope, the first too
        "对年用电量超过1亿千瓦时且绿电使用比例不低于60%的数据中心，优先配置新能源指标。",
        "对营业收入超过1亿元或从业人员超过300人的企业，优先推荐申报。",
        # a scope 能够 follows is still scope unless the state is a capability reached
        "年产值超10亿元的企业能够享受政策。",
    ],
)
def test_find_targets_excludes_fees_copayments_and_joined_conditions(text, rules):
    assert quantities(text, rules) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a share of a co-payment brought to a level is an aim
        ("住院费用个人自付比例降至30%以下。", [("30%以下", "住院费用个人自付比例")]),
        ("新建和改扩建存栏肉牛100头以上或肉羊500只以上的标准化养殖场100个。", [("100个", "标准化养殖场")]),
        # shares of several groups reaching a state (能够提供…) are aims, each of its group
        ("95%以上的乡镇卫生院和85%以上的村卫生室能够提供中医药服务。",
         [("95%以上", "乡镇卫生院"), ("85%以上", "村卫生室")]),
        ("力争80%以上的乡镇卫生院、60%以上的村卫生室达到服务能力标准。",
         [("80%以上", "乡镇卫生院"), ("60%以上", "村卫生室")]),
        # a jurisdiction opening the subject is no part of it
        ("到2028年，全州茶叶综合产值突破1000亿元。", [("突破1000亿元", "茶叶综合产值")]),
        ("全旗新建高标准农田5万亩。", [("5万亩", "高标准农田")]),
        ("全地区森林覆盖率达到45%。", [("45%", "森林覆盖率")]),
        ("全盟牧区草原综合植被盖度达到45%。", [("45%", "牧区草原综合植被盖度")]),
        # … but 全州县 is a county's name
        ("全州县农村自来水普及率达到95%。", [("95%", "全州县农村自来水普及率")]),
    ],
)
def test_find_targets_reads_shares_and_subjects_of_a_jurisdiction(text, expected, rules):
    assert [(t.quantity_text, t.subject) for t in found(text, rules)] == expected


@pytest.mark.parametrize(
    ("text", "per"),
    [
        # a 年 inside a share's name makes no yearly rate
        ("协议电量占数据中心年用电量的比例不低于50%。", None),
        ("可再生能源消费量占全市年能源消费总量的比重达到30%。", None),
        ("数据中心年用电量达到50亿千瓦时。", "年"),
    ],
)
def test_find_targets_reads_no_rate_from_a_share_of_a_yearly_volume(text, per, rules):
    assert quantities(text, rules)[0][5] == per


@pytest.mark.parametrize(
    ("text", "years"),
    [
        # a 完成时限 inside the measure's annotation governs it, before the one-year default
        ("4.建设县级物流配送中心3个。（牵头单位：市商务局；责任单位：市邮政管理局，完成时限：2028年6月底前）", [2028]),
        ("4.建设县级物流配送中心3个（完成时间：2026年底前）。", [2026]),
        ("4.建设县级物流配送中心3个。（责任单位：市商务局，完成时限：持续推进）", [2025]),
        # its own deadline still wins
        ("4.到2026年建设中心3个。（责任单位：市商务局，完成时限：2028年6月底前）", [2026]),
    ],
)
def test_assign_years_reads_the_deadline_of_an_annotation(text, years, rules, date_rules):
    assert years_of(text, rules, date_rules, plan_year=2025) == years
