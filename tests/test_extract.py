"""One document through every stage: which measure each row belongs to."""

import pytest

from pipeline.extract import extract_document
from pipeline.ingest import read_document
from pipeline.ruleset import load_ruleset

PARAGRAPH = "一、重点任务\n（一）完善冷链设施。"
# a paragraph of a realistic length: short lines of one width would read as hard-wrapped text
PREAMBLE = ("为深入贯彻落实国家关于推动制造业高质量发展的决策部署，加快构建现代化产业体系，"
            "推动科技成果转化和产业化，结合本省实际，制定本方案。")


def extracted(tmp_path, text):
    """The tables of `text` saved as a plan and extracted."""
    path = tmp_path / "plan.txt"
    path.write_text(text, encoding="utf-8")
    return extract_document(read_document(path, tmp_path), load_ruleset()).tables


@pytest.mark.parametrize(
    ("body", "paths"),
    [
        # the annotation closing a 一是…三是 run that names no one else covers the paragraph
        (PARAGRAPH + "一是建设冷库；二是更新车辆；三是完善网络。（商务部、交通运输部按职责分工负责）",
         ["一/一", "一/一"]),
        # when the clauses carry their own annotations, each belongs to its clause
        (PARAGRAPH + "一是建设冷库（商务部负责）；二是更新车辆（交通运输部负责）。",
         ["一/一/一是", "一/一/二是"]),
        # an annotation inside an earlier clause stays there
        (PARAGRAPH + "一是建设冷库（商务部负责）；二是更新车辆。（交通运输部负责）",
         ["一/一/一是", "一/一/二是"]),
        # an annotation of a numbered item stays with the item
        (PARAGRAPH + "\n1.建设冷库。（商务部负责）", ["一/一/1"]),
    ],
)
def test_extract_document_places_annotations(tmp_path, body, paths):
    tables = extracted(tmp_path, "关于加快冷链物流发展的实施意见\n" + body + "\n")
    assert [row["measure_path"] for row in tables["agencies"]] == paths


@pytest.mark.parametrize(
    ("body", "quantities"),
    [
        # a measure reviewing the past holds statistics, and so do the measures below it
        ("一、发展基础\n全市累计建成5G基站4.9万个。\n二、发展目标\n到2027年，建成5G基站10万个。", ["10万个"]),
        ("第一章　发展基础和面临形势\n第一节　取得的成效\n（一）建成数据中心30个。\n第二章　主要任务\n建成数据中心50个。",
         ["50个"]),
        # an explainer's background
        ("一、出台背景\n全省已集聚企业200余家。\n二、主要目标\n到2027年，培育企业300家。", ["300家"]),
        # the items of a list of conditions hold thresholds
        ("第五条　申请认定，应当同时具备下列条件：\n（一）孵化场地面积不低于3000平方米；\n（二）在孵企业不少于30家。\n"
         "第六条　到2027年，认定孵化器50家以上。", ["50家以上"]),
        ("第八条　在孵企业满足下列条件之一的，视为毕业企业：\n（一）营业收入累计超过1000万元。\n", []),
        # any other title keeps its targets
        ("一、夯实发展基础\n建成5G基站10万个。", ["10万个"]),
    ],
)
def test_extract_document_keeps_no_targets_in_reviews_or_condition_lists(tmp_path, body, quantities):
    tables = extracted(tmp_path, "数字经济发展规划\n" + body + "\n")
    assert [row["quantity_text"] for row in tables["targets"]] == quantities


@pytest.mark.parametrize(
    ("title", "years"),
    [
        # a year's work plan: its aims are due by the end of that year, a year's volume too, not a recurring aim
        ("江西省2025年数字经济工作要点", [2025, 2027, 2025, None]),
        # a plan of several years sets no year of its own
        ("江西省数字经济发展行动计划（2025—2027年）", [None, 2027, None, None]),
    ],
)
def test_extract_document_gives_a_one_year_plan_its_year(tmp_path, title, years):
    tables = extracted(tmp_path, title + "\n一、重点任务\n1.新增上云企业1万家。\n2.到2027年建成数据中心5个。\n"
                                         "3.数据交易平台年交易额达到40亿元。\n4.每季度召开1次调度会。\n")
    assert [row["year"] for row in tables["targets"]] == years


def test_extract_document_takes_a_measures_deadline_from_its_task_table_row(tmp_path):
    tables = extracted(tmp_path, "关于加快中试平台建设的行动方案\n" + PREAMBLE + "\n一、重点任务\n（一）建设中试平台。建成中试平台10个。\n"
                                 "（二）培育服务机构。到2026年培育服务机构20家。\n附件\n"
                                 "序号　重点任务　牵头单位　配合单位　完成时限\n"
                                 "1　建设中试平台　省科技厅　省财政厅　2028年底前\n2　培育服务机构　省教育厅　—　2027年底前\n")
    assert [(row["quantity_text"], row["year"]) for row in tables["targets"]] == [("10个", 2028), ("20家", 2026)]


def test_extract_document_places_a_task_table_row_on_its_measure(tmp_path):
    tables = extracted(tmp_path, "关于加快中试平台建设的行动方案\n一、重点任务\n（一）建设中试平台。到2027年建成10个。\n"
                                 "（二）培育服务机构。\n附件\n序号　重点任务　牵头单位　配合单位\n"
                                 "1　建设中试平台　省科技厅　省财政厅\n2　培育服务机构　省教育厅　—\n")
    assert [(a["measure_path"], a["name"], a["role"]) for a in tables["agencies"]] == [
        ("一/一", "省科技厅", "lead"), ("一/一", "省财政厅", "support"), ("一/二", "省教育厅", "lead")]


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        # in an indicator table's rows the table's reading wins: a baseline with its unit is no target
        ("指标名称　2025年　2030年\n研发投入强度　2.5%　3%以上\n", [("1.5个百分点", None), ("3%以上", 2030)]),
        # a table in a review of the past holds no targets
        ("二、发展基础\n指标名称　2020年　2025年目标\n研发投入强度　2.1%　2.8%\n", [("1.5个百分点", None)]),
        # cells run together are prose to the scanner
        ("主要指标：研发投入强度2025年2.5%，2030年3%以上。\n", [("1.5个百分点", None), ("2.5%", None), ("3%以上", 2030)]),
    ],
)
def test_extract_document_reads_indicator_tables_by_their_columns(tmp_path, table, expected):
    tables = extracted(tmp_path, "科技创新发展规划\n" + PREAMBLE + "\n一、主要目标\n研发投入强度提高1.5个百分点。\n" + table
                       + "二、重点任务\n")
    assert [(row["quantity_text"], row["year"]) for row in tables["targets"]] == expected


@pytest.mark.parametrize(
    ("title", "quantities"),
    [
        # a passage opened by a year before the plan's reports the past; by the plan's own year, aims
        ("雨花区2027年智能制造工作方案", ["30家"]),
        # a plan whose year is not known: any year-opened passage reports the past
        ("雨花区智能制造工作方案", []),
    ],
)
def test_extract_document_reads_year_opened_passages_against_the_plans_year(tmp_path, title, quantities):
    body = ("一、工作目标\n　　2026年，全区智能制造装备产业产值达到320亿元。"
            "2027年，全区新增市级以上智能制造示范企业30家。\n")
    tables = extracted(tmp_path, title + "\n" + body)
    assert [row["quantity_text"] for row in tables["targets"]] == quantities


def test_extract_document_reads_a_clause_on_an_earlier_year_of_the_whole_jurisdiction_as_the_past(tmp_path):
    tables = extracted(tmp_path, "雨花区2027年智能制造工作方案\n一、工作目标\n　　我区是装备制造大区，"
                                 "2026年全区智能制造装备产业产值达到320亿元，规上企业120家。全区新增示范企业30家。\n")
    assert [row["quantity_text"] for row in tables["targets"]] == ["30家"]


def test_extract_document_places_no_target_of_back_matter_on_a_measure(tmp_path):
    tables = extracted(tmp_path, "榆林市煤化工产业转型实施方案\n" + PREAMBLE + "\n一、主要任务\n建成示范项目5个。\n"
                                 "附件：重点项目表\n序号　项目名称　建设内容　总投资（万元）　建设期限\n"
                                 "1　煤制烯烃项目　新建生产线2条　120000　2026—2028年\n")
    assert [(row["quantity_text"], row["measure_path"]) for row in tables["targets"]] == [
        ("5个", "一"), ("2条", None), ("120000", None)]
