import pytest

from pipeline.errors import InputError
from pipeline.ingest import doc_id_for, list_inputs, read_document

PLAN = "江苏省某某产业行动方案\n\n一、总体目标\n\n到2027年，建设不少于2个产业集聚区。\n"


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("gbk", b""), ("gb18030", b"")],
)
def test_read_document_detects_encoding(tmp_path, encoding, bom):
    path = tmp_path / "plan.txt"
    path.write_bytes(bom + PLAN.encode(encoding))
    doc = read_document(path, tmp_path)
    assert doc.text == PLAN.strip()
    assert doc.source_file == "plan.txt"


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b" \n\n ", "empty"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("plan.xlsx", b"PK\x03\x04", "unsupported_format"),
        ("only-markup.md", b"<!--more-->\n{% asset_img 1.png %}\n", "no_text"),
    ],
)
def test_read_document_rejects_bad_input_with_code(tmp_path, name, data, code):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError) as raised:
        read_document(path, tmp_path)
    assert raised.value.code == code
    assert name in str(raised.value)


def test_read_document_reads_html_body_without_chrome(tmp_path):
    html = """<html><head><title>某市行动计划</title>
    <meta name="PubDate" content="2025-03-01"><link rel="canonical" href="https://x.gov.cn/a.html"></head>
    <body><nav>首页 | 政务公开</nav><div id="zoom"><p>一、总体要求</p><p>（一）建设平台。建成5个中心。</p></div>
    <script>var x = 1;</script><footer>版权所有</footer></body></html>"""
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    doc = read_document(path, tmp_path)
    assert doc.text == "一、总体要求\n\n（一）建设平台。建成5个中心。"
    assert doc.metadata == {"title": "某市行动计划", "date": "2025-03-01", "link": "https://x.gov.cn/a.html"}


def test_doc_id_is_stable_and_content_based(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(PLAN, encoding="utf-8")
    b.write_text(PLAN, encoding="utf-8")
    first, second = read_document(a, tmp_path), read_document(b, tmp_path)
    assert doc_id_for(first.source_sha256) == doc_id_for(second.source_sha256)
    assert len(doc_id_for(first.source_sha256)) == 16


def test_list_inputs_skips_hidden_files_in_order(tmp_path):
    for name in ("b.txt", "a.md", ".hidden.txt", "sub/c.html"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert [p.relative_to(tmp_path).as_posix() for p in list_inputs(tmp_path)] == ["a.md", "b.txt", "sub/c.html"]
