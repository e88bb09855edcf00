import pytest

from pipeline.normalize import clean_text, normalize, split_front_matter


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("**<div align='center'>某某行动方案</div>**", "某某行动方案"),
        ("### 一、总体目标", "一、总体目标"),
        ("> <https://www.gov.cn/a.htm>", "https://www.gov.cn/a.htm"),
        ("正文。\n\n{% asset_img 1.png %}\n\n下文。", "正文。\n\n下文。"),
        ("<!--more-->\n\n一、", "一、"),
        ("[bookmark: _Hlk164343091]发挥优势。", "发挥优势。"),
        ("甲\n\n***\n\n乙", "甲\n\n乙"),
        ("甲\r\n乙\r丙", "甲\n乙\n丙"),
        ("甲\n\n\n\n\n乙", "甲\n\n乙"),
        ("行末空格　 \n下一行", "行末空格\n下一行"),
        ("零\u200b宽\ufeff字符", "零宽字符"),
        ("（2025—2030年）全角保留：１．", "（2025—2030年）全角保留：１．"),
        ("甲\u2028乙\u2029丙", "甲\n乙\n丙"),
        ("末行空格\t\u3000", "末行空格"),
        ("a < b，c > d，2-3，5*6，x_y", "a < b，c > d，2-3，5*6，x_y"),
    ],
)
def test_clean_text_strips_markup_and_keeps_text(raw, expected):
    assert clean_text(raw) == expected


@pytest.mark.parametrize(
    ("raw", "metadata", "body"),
    [
        ("---\ntitle: 某方案\ndate: 2025-05-16 10:52:46\ncategories:\n  - 政策\n---\n\n正文", {"title": "某方案", "date": "2025-05-16 10:52:46"}, "\n正文"),
        ("---\nlink: https://x.gov.cn/1.html\n---\n正文", {"link": "https://x.gov.cn/1.html"}, "正文"),
        ("正文\n---\ntitle: 不是头\n---\n", {}, "正文\n---\ntitle: 不是头\n---\n"),
        ("---\n: : 不是 YAML [\n---\n正文", {}, "---\n: : 不是 YAML [\n---\n正文"),
    ],
)
def test_split_front_matter_keeps_title_date_link(raw, metadata, body):
    assert split_front_matter(raw) == (metadata, body)


def test_normalize_is_idempotent():
    raw = "---\ntitle: T\n---\n**<div>标题</div>**\n\n### 一、总体\n\n正文。\n"
    _, once = normalize(raw)
    assert normalize(once)[1] == once
