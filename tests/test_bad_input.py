"""Bad inputs get an error (or warning) row with a code; every other document is extracted in full."""

from pathlib import Path

import pytest

from pipeline.extract import extract_files
from pipeline.ingest import MAX_BYTES
from pipeline.ruleset import load_ruleset

PROJECT = Path(__file__).resolve().parent.parent
GOOD = PROJECT / "raw" / "shandong-bci-action-plan-2025-2027.txt"
PLAN = "某市产业行动方案\n\n一、总体目标\n\n到2027年，培育30家左右企业。（牵头单位：市科技局）\n"
NAV_PAGE = ("<html><body><nav>首页 政务公开 网站地图</nav><div class='article'><p>一、总体目标</p>"
            "<p>到2027年，培育30家左右企业。</p></div><footer>主办单位：某市人民政府办公室</footer></body></html>")


def _write(raw: Path, name: str, data: bytes | str) -> Path:
    path = raw / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


CASES = [
    # (file name, content, expected (severity, code) or None, whether the document is extracted)
    ("empty.txt", b"", ("error", "empty"), False),
    ("binary.txt", b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 4, ("error", "binary"), False),
    ("gbk.txt", PLAN.encode("gbk"), None, True),
    ("truncated.txt", PLAN.encode("utf-8") + "企业".encode("utf-8")[:-1], ("warning", "truncated_utf8"), True),
    ("page.html", NAV_PAGE, None, True),
    ("prose.txt", "某市关于做好有关工作的通知\n\n请各单位认真贯彻落实，按时报送材料。\n", ("warning", "no_measures"), True),
    ("slides.pptx", b"PK\x03\x04 not supported", ("error", "unsupported_format"), False),
]


@pytest.mark.parametrize(("name", "content", "expected", "extracted"), CASES, ids=[c[0] for c in CASES])
def test_extract_files_isolates_bad_input(tmp_path, name, content, expected, extracted):
    rules = load_ruleset()
    raw = tmp_path / "raw"
    raw.mkdir()
    good = _write(raw, GOOD.name, GOOD.read_bytes())
    bad = _write(raw, name, content)
    alone = extract_files([good], raw, rules)
    both = extract_files([bad, good], raw, rules)

    issues = [(e["severity"], e["error_code"]) for e in both.errors]
    assert issues == ([expected] if expected else [])
    assert all(name in e["source_file"] and e["message"] for e in both.errors)
    files = [d["source_file"] for d in both.tables["documents"]]
    assert (name in files) == extracted
    good_id = alone.tables["documents"][0]["doc_id"]
    for table, rows in alone.tables.items():
        assert [r for r in both.tables[table] if r["doc_id"] == good_id] == rows, table


def test_extract_files_drops_navigation_chrome(tmp_path):
    _write(tmp_path, "page.html", NAV_PAGE)
    rows = extract_files([tmp_path / "page.html"], tmp_path, load_ruleset())
    text = rows.tables["documents"][0]["text"]
    assert "网站地图" not in text and "主办单位" not in text
    assert [m["path"] for m in rows.tables["measures"]] == ["一"]


def test_extract_files_refuses_oversized_text(tmp_path):
    big = tmp_path / "dump.txt"
    with open(big, "wb") as handle:
        handle.truncate(MAX_BYTES + 1)  # sparse: the size is what counts, not the content
    rows = extract_files([big], tmp_path, load_ruleset())
    assert [(e["error_code"], e["severity"]) for e in rows.errors] == [("too_large", "error")]
    assert "MB" in rows.errors[0]["message"]


def test_extract_files_reports_a_file_deleted_during_the_run(tmp_path):
    path = _write(tmp_path, "gone.txt", PLAN)
    path.unlink()  # listed by the plan, gone when its batch runs
    rows = extract_files([path], tmp_path, load_ruleset())
    assert [e["error_code"] for e in rows.errors] == ["missing"]


def test_extract_files_reports_an_unreadable_file(tmp_path, monkeypatch):
    path = _write(tmp_path, "locked.txt", PLAN)
    original = Path.read_bytes

    def read_bytes(self):
        if self == path:  # root ignores file modes, so deny the read itself
            raise PermissionError(13, "Permission denied")
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    rows = extract_files([path], tmp_path, load_ruleset())
    assert [(e["error_code"], e["message"]) for e in rows.errors] == [("unreadable", "cannot read file: Permission denied")]
