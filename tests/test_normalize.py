import pytest

from pipeline.normalize import clean_text, normalize, split_front_matter


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("**<div align='center'>某某行动方案</div>**", "某某行动方案"),
        ("### 一、总体目标", "一、总体目标"),
        # markdown list items; a page number `- 1 -` is no list item (unwrapping drops it)
        ("- 开工建造货船2艘\n* 改造船舶3艘", "开工建造货船2艘\n改造船舶3艘"),
        ("- 1 -", "- 1 -"),
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
        # a markdown pipe table: rows of tab-separated cells, no delimiter row
        ("| 指标 | 单位 | 2026年 |\n|:---|---|---:|\n| 森林覆盖率 | % | **31** |\n\n正文",
         "指标\t单位\t2026年\n森林覆盖率\t%\t31\n\n正文"),
        ("|指标|2026年|\n|---|---|\n|研发投入强度（%）|3|", "指标\t2026年\n研发投入强度（%）\t3"),
        # a bar in running text is no table
        ("甲|乙，丙 | 丁", "甲|乙，丙 | 丁"),
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


PARAGRAPH = ("　　氢能是未来国家能源体系的重要组成部分，是用能终端实现绿色低碳转型的重要载体，也是战略性新兴产业的"
             "重点发展方向。到2026年，建成加氢站100座以上。（省发展改革委、省能源局按职责分工负责）")


def hard_wrapped(text: str, width: int = 24) -> str:
    return "\n".join(text[i:i + width] for i in range(0, len(text), width))


def printed_wrapped(text: str, cells: int = 48) -> str:
    """Wrapped as a page wraps it: by what a line fills, a Chinese character two cells, a digit one."""
    lines, line, used = [], "", 0
    for ch in text:
        width = 1 if ch.isascii() else 2
        if used + width > cells:
            lines.append(line)
            line, used = "", 0
        line, used = line + ch, used + width
    return "\n".join([*lines, line])


DIGITS = ("推广燃料电池汽车10000辆、20000辆、30000辆，坚持创新驱动发展战略，加快建设现代化产业体系，全面提升自主创新能力。"
          * 4 + "力争建成示范区。")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # lines filling the width join the next unless it is indented (a new paragraph)
        (hard_wrapped(PARAGRAPH) + "\n" + hard_wrapped(PARAGRAPH), PARAGRAPH + "\n" + PARAGRAPH),
        # a paragraph's short last line ends it, indented or not (a PDF's text layer drops indents)
        (hard_wrapped(PARAGRAPH[:-6]) + "\n" + hard_wrapped(PARAGRAPH).replace("　", ""),
         PARAGRAPH[:-6] + "\n" + PARAGRAPH.replace("　", "")),
        # a line of digits holds more characters in the same width: a line is full by either measure
        (printed_wrapped(DIGITS) + "\n一、总体要求", DIGITS + "\n一、总体要求"),
        # page numbers go, and a running header: a line seen before, after a page number
        ("氢能行动方案\n" + hard_wrapped(PARAGRAPH[:72]) + "\n— 2 —\n氢能行动方案\n" + hard_wrapped(PARAGRAPH[72:]),
         "氢能行动方案\n" + PARAGRAPH),
        # a paragraph per line is left as it is
        ("一、总体要求\n氢能是重要组成部分。\n到2026年，建成加氢站100座以上。\n",
         "一、总体要求\n氢能是重要组成部分。\n到2026年，建成加氢站100座以上。"),
    ],
)
def test_clean_text_unwraps_hard_wrapped_text(raw, expected):
    assert clean_text(raw) == expected
