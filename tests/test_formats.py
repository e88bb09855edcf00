"""Container formats: the tests build the files, then read them back."""

import pytest

from pipeline.errors import InputError
from pipeline.formats import _chinese_number
from pipeline.ingest import read_document


@pytest.mark.parametrize(("number", "expected"), [(1, "一"), (10, "十"), (12, "十二"), (20, "二十"), (21, "二十一")])
def test_chinese_number_renders_list_labels(number, expected):
    assert _chinese_number(number) == expected


def test_read_document_keeps_docx_automatic_numbering(tmp_path):
    import docx

    document = docx.Document()
    document.core_properties.title = "某市产业行动方案"
    document.add_paragraph("某市产业行动方案")
    document.add_paragraph("建设创新平台。", style="List Number")
    document.add_paragraph("到2027年，培育30家左右企业。", style="List Number")
    document.add_paragraph("一、保障措施")  # typed label stays as typed
    path = tmp_path / "plan.docx"
    document.save(path)
    doc = read_document(path, tmp_path)
    assert doc.text.splitlines() == ["某市产业行动方案", "1.建设创新平台。", "2.到2027年，培育30家左右企业。", "一、保障措施"]
    assert doc.metadata["title"] == "某市产业行动方案"


def test_read_document_keeps_docx_tables_in_place_a_row_a_line(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("一、主要目标")
    table = document.add_table(rows=2, cols=3)
    for row, cells in zip(table.rows, (["指标名称", "单位", "2027年"], ["森林覆盖率", "%", "31"])):
        for cell, value in zip(row.cells, cells):
            cell.text = value
    document.add_paragraph("二、重点任务")
    path = tmp_path / "plan.docx"
    document.save(path)
    assert read_document(path, tmp_path).text.splitlines() == [
        "一、主要目标", "指标名称\t单位\t2027年", "森林覆盖率\t%\t31", "二、重点任务"]


@pytest.mark.parametrize(
    ("table", "rows"),
    [
        # cells laid out on lines of their own in the markup: a row is one line, cells cut by tabs
        ("<table>\n<tr>\n  <th>指标名称</th>\n  <th>单位</th>\n</tr>\n<tr>\n  <td>森林\n  覆盖率</td>\n  <td><p>%</p></td>\n</tr>\n</table>",
         ["指标名称\t单位", "森林覆盖率\t%"]),
        ("<table><tbody><tr><td>1</td><td>建设中试平台</td><td>省科技厅</td></tr>"
         "<tr><td>2</td><td>培育服务机构</td><td>省教育厅</td></tr></tbody></table>",
         ["1\t建设中试平台\t省科技厅", "2\t培育服务机构\t省教育厅"]),
    ],
)
def test_read_document_reads_html_table_rows_as_lines(tmp_path, table, rows):
    path = tmp_path / "plan.html"
    path.write_text(f"<html><body><p>一、主要目标</p>{table}<p>二、重点任务</p></body></html>", encoding="utf-8")
    assert read_document(path, tmp_path).text.split("\n\n") == ["一、主要目标", "\n".join(rows), "二、重点任务"]


def test_read_document_reads_pdf_text_layer_without_page_numbers(tmp_path):
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "plan.pdf"
    page = canvas.Canvas(str(path))
    for number, lines in enumerate((["某省行动计划", "一、总体目标", "到2027年，培育30家左右企业。"], ["二、保障措施"]), start=1):
        page.setFont("STSong-Light", 12)
        for row, line in enumerate(lines):
            page.drawString(50, 800 - 20 * row, line)
        page.drawString(280, 40, f"- {number} -")
        page.showPage()
    page.save()
    doc = read_document(path, tmp_path)
    assert doc.text.splitlines() == ["某省行动计划", "一、总体目标", "到2027年，培育30家左右企业。", "二、保障措施"]


@pytest.mark.parametrize("name", ["broken.docx", "broken.pdf"])
def test_read_document_reports_corrupt_containers(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"this is not a real container file")
    with pytest.raises(InputError) as raised:
        read_document(path, tmp_path)
    assert raised.value.code == "corrupt"
