
import pytest

from pipeline.docfields import document_fields, load_rules
from pipeline.errors import RuleError
from pipeline.model import SourceDocument
from pipeline.rules import RULES_DIR


@pytest.fixture(scope="module")
def rules():
    return load_rules(RULES_DIR)


def fields(rules, text, **metadata):
    return document_fields(SourceDocument("doc.txt", "0" * 64, text, metadata), rules)


BODY = "一、总体要求\n到2027年，建成5个平台。\n"


@pytest.mark.parametrize(
    ("text", "metadata", "title"),
    [
        # a header title, and a period line under it appended
        ("浙江省低空经济发展行动计划\n（2024—2027年）\n\n为加快发展，制定本计划。\n" + BODY, {},
         "浙江省低空经济发展行动计划（2024—2027年）"),
        ("湖南省算力基础设施建设方案\n(2024-2026)\n" + BODY, {}, "湖南省算力基础设施建设方案(2024-2026)"),
        # the header beats a front-matter title
        ("教育部 财政部关于实施县域高中振兴计划的意见\n教发〔2024〕3号\n" + BODY, {"title": "两部门关于县中振兴的意见"},
         "教育部 财政部关于实施县域高中振兴计划的意见"),
        # a cover notice in the header or the front matter gives the plan's own title
        ("国务院关于印发新一代人工智能发展规划的通知\n\n国发〔2017〕35号\n" + BODY, {}, "新一代人工智能发展规划"),
        (BODY, {"title": "关于印发《成都市数字经济发展规划（2025—2030年）》的通知"}, "成都市数字经济发展规划（2025—2030年）"),
        # an explainer label; a web page title with its site name
        (BODY, {"title": "一图读懂：《河南省氢能产业发展行动方案》"}, "河南省氢能产业发展行动方案"),
        (BODY, {"title": "天津市数据要素市场化配置改革方案_天津市人民政府"}, "天津市数据要素市场化配置改革方案"),
        # an issuer line above the title
        ("江西省人民政府办公厅\n关于促进民营经济发展的若干措施\n" + BODY, {}, "关于促进民营经济发展的若干措施"),
        # a title broken over two header lines; an explainer named after the plan
        ("山东省人民政府办公厅关于印发山东省\n数字经济发展规划的通知\n" + BODY, {}, "山东省数字经济发展规划"),
        ("中共西安市委办公厅 西安市人民政府办公厅印发《西安市关于加快建设西部人才高地的实施意见》的通知\n" + BODY, {},
         "西安市关于加快建设西部人才高地的实施意见"),
        ("《贵州省大数据发展规划》政策解读\n" + BODY, {}, "贵州省大数据发展规划"),
        # a notice's title broken over three lines; a notice naming the plan without its period, the
        # plan's own heading below with it
        ("江苏省人民政府办公厅关于印发江苏省\n工业母机产业创新发展行动计划\n（2026—2028年）的通知\n" + BODY, {},
         "江苏省工业母机产业创新发展行动计划（2026—2028年）"),
        ("潍坊市人民政府办公室关于印发潍坊市预制菜产业发展实施方案的通知\n潍政办字〔2027〕58号\n"
         "潍坊市预制菜产业发展实施方案\n（2028—2030年）\n" + BODY, {}, "潍坊市预制菜产业发展实施方案（2028—2030年）"),
        # a web page's breadcrumb and source bar above the title are skipped
        ("当前位置：首页 > 政务公开 > 政策文件\n来源：市政府办公室　　发布时间：2027-06-18　　【字体：大 中 小】\n"
         "石嘴山市新型储能产业高质量发展实施方案（2027—2029年）\n" + BODY, {},
         "石嘴山市新型储能产业高质量发展实施方案（2027—2029年）"),
        # nothing else: the first line
        ("到2030年建成一批平台。\n二、任务\n", {}, "到2030年建成一批平台。"),
    ],
)
def test_document_fields_title(rules, text, metadata, title):
    assert fields(rules, text, **metadata).title == title


@pytest.mark.parametrize(
    ("text", "metadata", "doc_type"),
    [
        (BODY, {"title": "图解：《湖北省机器人产业发展行动计划》"}, "interpretation"),
        (BODY, {"title": "《贵州省大数据发展规划》政策解读"}, "interpretation"),
        ("《贵州省大数据发展规划》政策解读\n" + BODY, {}, "interpretation"),
        ("贵州省大数据发展规划\n" + BODY, {}, "plan"),
    ],
)
def test_document_fields_doc_type(rules, text, metadata, doc_type):
    assert fields(rules, text, **metadata).doc_type == doc_type


@pytest.mark.parametrize(
    ("text", "region", "admin_level"),
    [
        ("浙江省低空经济发展行动计划\n" + BODY, "浙江省", "provincial"),
        ("加快广西人工智能产业发展行动方案\n" + BODY, "广西壮族自治区", "provincial"),
        # an autonomous region is no district
        ("西藏自治区人民政府办公厅关于印发西藏自治区数字乡村建设三年行动方案的通知\n" + BODY, "西藏自治区", "provincial"),
        ("天津市关于促进消费的若干措施\n" + BODY, "天津市", "provincial"),
        ("杭州市人民政府关于推进数字贸易发展的实施意见\n" + BODY, "杭州市", "municipal"),
        ("吉林市新能源汽车产业行动方案\n" + BODY, "吉林市", "municipal"),
        ("杭州市西湖区人民政府关于支持科技企业发展的若干政策\n" + BODY, "杭州市西湖区", "district"),
        ("浦东新区促进文化创意产业发展行动方案\n" + BODY, "浦东新区", "district"),
        # a district whose name ends like an area word (山区, 城区)
        ("深圳市南山区人民政府关于加快推进低空经济高质量发展的实施意见\n" + BODY, "深圳市南山区", "district"),
        ("北京市东城区关于促进文化消费的若干措施\n" + BODY, "北京市东城区", "district"),
        ("国务院办公厅关于加快发展银发经济的意见\n" + BODY, "全国", "national"),
        ("国家发展改革委 国家能源局关于加快构建新型电力系统的指导意见\n" + BODY, "全国", "national"),
        # no region in title or issuers: the region the body names most
        ("关于推进人才工程的实施意见\n支持西安高校建设。西安市财政给予补助。" + BODY, "西安市", "municipal"),
        ("关于推进人才工程的实施意见\n" + BODY, None, None),
        # the longest name counts: 吉林市 is the city, 吉林 alone the province
        ("关于推进人才工程的实施意见\n支持吉林市高校建设。吉林市财政给予补助。" + BODY, "吉林市", "municipal"),
        ("关于推进人才工程的实施意见\n支持吉林高校建设。吉林省财政给予补助。" + BODY, "吉林省", "provincial"),
        # 朝阳区 is a district of Beijing, not a mention of the city 朝阳
        ("关于推进人才工程的实施意见\n支持朝阳区高校建设。朝阳区财政给予补助。北京市统筹。" + BODY, None, None),
    ],
)
def test_document_fields_region(rules, text, region, admin_level):
    result = fields(rules, text)
    assert (result.region, result.admin_level) == (region, admin_level)


@pytest.mark.parametrize(
    ("text", "province"),
    [
        ("浙江省低空经济发展行动计划\n" + BODY, "浙江省"),
        ("杭州市人民政府关于推进数字贸易发展的实施意见\n" + BODY, "浙江省"),
        ("杭州市西湖区人民政府关于支持科技企业发展的若干政策\n" + BODY, "浙江省"),
        ("北京市海淀区促进人工智能发展的若干措施\n" + BODY, "北京市"),
        ("吉林市新能源汽车产业行动方案\n" + BODY, "吉林省"),
        ("国务院办公厅关于加快发展银发经济的意见\n" + BODY, "全国"),
        # a district named without its city, and no other place named: unknown
        ("浦东新区促进文化创意产业发展行动方案\n" + BODY, None),
        ("关于推进人才工程的实施意见\n" + BODY, None),
    ],
)
def test_document_fields_province(rules, text, province):
    assert fields(rules, text).province == province


# prefecture-level units that are not 市 (自治州, 地区, 盟) are municipal, in their province;
# a 旗 or an autonomous county is a county, also under them
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("恩施土家族苗族自治州人民政府办公室关于印发恩施州富硒茶产业三年行动方案的通知\n" + BODY,
         ("恩施土家族苗族自治州", "municipal", "湖北省")),
        ("恩施州富硒茶产业三年行动方案\n" + BODY, ("恩施土家族苗族自治州", "municipal", "湖北省")),
        ("延边州人民政府关于促进边境贸易的若干措施\n" + BODY, ("延边朝鲜族自治州", "municipal", "吉林省")),
        ("黔东南州乡村旅游发展实施方案\n" + BODY, ("黔东南苗族侗族自治州", "municipal", "贵州省")),
        ("巴州现代农业发展行动计划\n" + BODY, ("巴音郭楞蒙古自治州", "municipal", "新疆维吾尔自治区")),
        ("喀什地区行政公署关于加快发展外贸的实施意见\n" + BODY, ("喀什地区", "municipal", "新疆维吾尔自治区")),
        ("大兴安岭地区林下经济发展规划\n" + BODY, ("大兴安岭地区", "municipal", "黑龙江省")),
        ("锡林郭勒盟行政公署关于推进草原生态保护的意见\n" + BODY, ("锡林郭勒盟", "municipal", "内蒙古自治区")),
        # 海南州 (Qinghai) is not the province 海南
        ("海南州生态畜牧业发展方案\n" + BODY, ("海南藏族自治州", "municipal", "青海省")),
        # counties under them, 旗 and autonomous counties
        ("恩施州来凤县人民政府关于推进茶旅融合的实施意见\n" + BODY, ("恩施州来凤县", "district", "湖北省")),
        ("喀什地区疏附县人民政府关于发展庭院经济的意见\n" + BODY, ("喀什地区疏附县", "district", "新疆维吾尔自治区")),
        ("锡林郭勒盟阿巴嘎旗人民政府关于发展畜牧业的意见\n" + BODY, ("锡林郭勒盟阿巴嘎旗", "district", "内蒙古自治区")),
        ("宜昌市长阳土家族自治县人民政府关于发展柑橘产业的意见\n" + BODY, ("宜昌市长阳土家族自治县", "district", "湖北省")),
        ("鄂伦春自治旗人民政府关于发展林下经济的意见\n" + BODY, ("鄂伦春自治旗", "district", None)),
        # the body names the unit by its short form
        ("关于推进茶产业发展的实施意见\n支持恩施州茶企上市。恩施州财政给予补助。" + BODY,
         ("恩施土家族苗族自治州", "municipal", "湖北省")),
    ],
)
def test_document_fields_region_of_autonomous_prefectures_leagues_and_counties(rules, text, expected):
    result = fields(rules, text)
    assert (result.region, result.admin_level, result.province) == expected


@pytest.mark.parametrize(
    ("text", "issuers"),
    [
        ("上海市人民政府关于推进数字化转型的意见\n" + BODY, ["上海市人民政府"]),
        ("工业和信息化部 国家发展改革委 财政部关于推动未来产业发展的实施意见\n" + BODY,
         ["工业和信息化部", "国家发展改革委", "财政部"]),
        ("科技部、教育部关于加强科研诚信建设的意见\n" + BODY, ["科技部", "教育部"]),
        ("湖南省数字经济发展规划\n" + BODY, []),
        ("七部门关于推动产业发展的实施意见\n" + BODY, []),
        ("江西省人民政府办公厅\n关于促进民营经济发展的若干措施\n" + BODY, ["江西省人民政府办公厅"]),
        ("山东省人民政府办公厅关于印发山东省\n数字经济发展规划的通知\n" + BODY, ["山东省人民政府办公厅"]),
        # failing a header, the signature: bodies on lines of their own above the date, before an annex
        ("七部门关于推动产业发展的指导意见\n" + BODY + "工业和信息化部\n国家发展改革委\n科技部\n民政部\n财政部\n"
         "国家卫生健康委\n国家医保局\n2025年10月15日\n\n附件\n\n重点工程\n1．攻关工程\n",
         ["工业和信息化部", "国家发展改革委", "科技部", "民政部", "财政部", "国家卫生健康委", "国家医保局"]),
        ("关于推动产业发展的意见\n" + BODY + "请认真贯彻落实。\n湖北省人民政府\n2023年12月5日\n", ["湖北省人民政府"]),
        ("关于推动产业发展的意见\n" + BODY + "请认真贯彻落实。\n2023年12月5日\n", []),
    ],
)
def test_document_fields_issuers(rules, text, issuers):
    assert fields(rules, text).issuers == issuers


def test_document_fields_issuers_of_explainer(rules):
    text = ("一、出台背景\n为加快发展，福建省工业和信息化厅、省发展改革委和省科技厅等3部门联合印发《福建省行动方案》。\n")
    result = fields(rules, text, title="解读：《福建省人工智能产业行动方案》")
    assert result.issuers == ["福建省工业和信息化厅", "省发展改革委", "省科技厅"]
    assert (result.region, result.doc_type) == ("福建省", "interpretation")


@pytest.mark.parametrize(
    ("text", "doc_number"),
    [
        ("关于推动产业发展的实施意见\n工信部联科〔2025〕164号\n" + BODY, "工信部联科〔2025〕164号"),
        ("关于加快发展的通知\n\n  粤府办[2023]5号\n" + BODY, "粤府办[2023]5号"),
        ("关于加快发展的通知\n发文字号：京政发〔2022〕第12号\n" + BODY, "京政发〔2022〕第12号"),
        # a number cited inside a sentence names another document
        ("江苏省行动方案\n为落实《实施意见》（工信部联科〔2025〕164号），制定本方案。\n" + BODY, None),
    ],
)
def test_document_fields_doc_number(rules, text, doc_number):
    assert fields(rules, text).doc_number == doc_number


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("浙江省低空经济发展行动计划（2024—2027年）\n" + BODY, (2024, 2027)),
        ("加快北京市机器人产业发展行动方案\n（2025-2028）\n" + BODY, (2025, 2028)),
        ("“十四五”数字经济发展规划\n" + BODY, (2021, 2025)),
        ("上海市关于支持临港发展的若干意见\n本意见实施期限为2019年至2021年。\n" + BODY, (2019, 2021)),
        ("关于推进人才工程的实施意见\n1.目标。2015年起三年内，引进人才。\n", (2015, 2017)),
        ("关于推进低空经济发展的实施意见\n" + BODY + "\n本意见自2024年9月1日起施行，有效期至2026年12月31日。", (2024, 2026)),
        ("关于推进低空经济发展的若干措施\n" + BODY + "\n本措施自2025年1月1日起实施，有效期3年。", (2025, 2027)),
        ("关于推进低空经济发展的若干措施\n" + BODY + "\n本措施自2024年7月1日起施行，有效期3年。", (2024, 2027)),
        ("江西省2025年数字经济工作要点\n" + BODY, (2025, 2025)),
        ("沂水县2025年安全生产治本攻坚工作方案\n" + BODY, (2025, 2025)),
        ("江苏省脑机接口产业行动方案\n" + BODY, (None, None)),
    ],
)
def test_document_fields_period(rules, text, period):
    result = fields(rules, text)
    assert (result.period_start, result.period_end) == period


@pytest.mark.parametrize(
    ("text", "metadata", "date"),
    [
        (BODY, {"date": "2025-05-16 10:52:46"}, "2025-05-16"),
        ("国务院关于印发规划的通知\n国发〔2016〕65号\n国务院\n2016年11月24日（此件有删改）\n" + BODY, {}, "2016-11-24"),
        ("关于加快发展的意见\n" + BODY + "湖北省人民政府\n二〇二三年十二月五日\n", {}, "2023-12-05"),
        ("关于加快发展的意见\n发布日期：2024年3月1日\n" + BODY, {}, "2024-03-01"),
        ("关于加快发展的意见\n" + "2020年9月11日，召开会议。\n" + BODY, {}, None),
        # the last lines are read past blank and space-only lines; a date line in the middle is not
        ("关于加快发展的意见\n" + BODY * 8 + "湖北省人民政府\n\n2023年12月5日\n\n  \n", {}, "2023-12-05"),
        ("关于加快发展的意见\n" + BODY * 6 + "2023年12月5日\n" + BODY * 7, {}, None),
        ("2023年12月5日", {}, "2023-12-05"),
        # the last lines of the body are those before an annex
        ("关于加快发展的意见\n" + BODY + "湖北省人民政府\n2023年12月5日\n附件2\n" + BODY * 4, {}, "2023-12-05"),
    ],
)
def test_document_fields_published_date(rules, text, metadata, date):
    assert fields(rules, text, **metadata).published_date == date


@pytest.mark.parametrize(
    ("text", "metadata", "url"),
    [
        (BODY, {"link": "https://www.gov.cn/a.htm"}, "https://www.gov.cn/a.htm"),
        (BODY + "\n原文链接\n\nhttp://kjt.example.gov.cn/art/1.html\n", {}, "http://kjt.example.gov.cn/art/1.html"),
        (BODY + "原文链接：https://jxt.example.gov.cn/x.shtml", {}, "https://jxt.example.gov.cn/x.shtml"),
        (BODY, {}, None),
    ],
)
def test_document_fields_source_url(rules, text, metadata, url):
    assert fields(rules, text, **metadata).source_url == url


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("interpretation:", "interpretations:", "unknown key 'interpretations'"),
        ("  separators: '[ \\t\\u3000]+'", "  separators: '[ \\t\\u3000+'", "bad pattern"),
        ("    - {name: 海南省, short: 海南,", "    - {name: 海南省, short: 南海,", "must begin"),
        ("    十四五: 2021", "    十四五: '2021'", "must be a year"),
        ("        恩施土家族苗族自治州: [恩施州]", "        恩施土家族苗族自治州: [施州]", "must list short forms"),
        ("        恩施土家族苗族自治州: [恩施州]", "        恩施土家族苗族自治州: 恩施州", "must list short forms"),
        ("        海南藏族自治州: [海南州]", "        海南藏族自治州: [海南]", "already names 海南省"),
    ],
)
def test_load_rules_bad_file_names_line(broken_rules, old, new, message):
    rules_dir, path, line = broken_rules("documents.yaml", old, new)
    with pytest.raises(RuleError) as raised:
        load_rules(rules_dir)
    assert (raised.value.path, raised.value.line) == (str(path), line)
    assert message in raised.value.reason
