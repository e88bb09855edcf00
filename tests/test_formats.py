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
