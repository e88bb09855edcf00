"""One document through every stage: which measure each row belongs to."""

import pytest

from pipeline.extract import extract_document
from pipeline.ingest import read_document
from pipeline.ruleset import load_ruleset

PARAGRAPH = "一、重点任务\n（一）完善冷链设施。"


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
    path = tmp_path / "plan.txt"
    path.write_text("关于加快冷链物流发展的实施意见\n" + body + "\n", encoding="utf-8")
    rows = extract_document(read_document(path, tmp_path), load_ruleset())
    assert [row["measure_path"] for row in rows.tables["agencies"]] == paths
