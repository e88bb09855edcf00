"""jieba's words, faster: the same words as jieba.cut, user dictionary included."""

from pathlib import Path

import jieba
import pytest

from pipeline.nlp import get_window_matcher

ROOT = Path(__file__).resolve().parent.parent
# every line of the seeds and the variant plans: prose, tables, numbers, Latin, blanks
LINES = sorted({line for path in [*(ROOT / "raw").glob("*.txt"), *(ROOT / "tests" / "variants").glob("*.txt")]
                for line in path.read_text(encoding="utf-8").splitlines()})


@pytest.fixture(scope="module")
def cut():
    return get_window_matcher().cut      # built after the user dictionary is loaded


@pytest.mark.parametrize(
    "text",
    [
        "由省发展改革委牵头，培育30家左右链主企业",   # user dictionary words
        "不少于15项，超5万人次/年",
        "研发投入强度达到3.5%，PM2.5浓度下降",     # Latin and digits between Han
        "　　坚持创新驱动 ， 2025—2027年\t重点任务",  # blanks of every kind
        "浙江湖州安吉县竹产业",                      # unknown run: jieba's HMM
        "",
        "一",
    ],
)
def test_cut_gives_jiebas_words(cut, text):
    assert list(cut(text)) == list(jieba.cut(text))


def test_cut_gives_jiebas_words_on_every_line_of_the_plans(cut):
    differ = [line for line in LINES if list(cut(line)) != list(jieba.cut(line))]
    assert differ == []
