"""Scoring against gold: matching keys, and accuracy on the matches."""

import pytest

from pipeline.evaluate import score

DOC = {"doc_id": "d1", "source_file": "plan.txt", "title": "T", "doc_type": "plan", "region": None,
       "province": None, "admin_level": None, "issuers": [], "doc_number": None, "period_start": None,
       "period_end": None, "published_date": None, "source_url": None}


def target(path, quantity, year):
    return {"measure_path": path, "quantity_text": quantity, "value_min": 1, "value_max": 1, "comparator": "eq",
            "unit": "家", "per": None, "subject": "企业", "year": year}


@pytest.mark.parametrize(
    ("gold_targets", "got_targets", "tp_fp_fn", "years_right"),
    [
        # a target before the first measure has no path, and scores beside those that have one
        ([target(None, "8家", 2027), target("一", "5家", 2027)], [target(None, "8家", 2027), target("一", "5家", None)],
         (2, 0, 0), 1),
        ([target(None, "8家", 2027)], [target("一", "8家", 2027)], (0, 1, 1), 0),
    ],
)
def test_score_matches_targets_by_path_and_quantity(gold_targets, got_targets, tp_fp_fn, years_right):
    gold = [{"file": "plan.txt", "document": {}, "measures": [], "targets": gold_targets}]
    outputs = {"documents": [DOC], "measures": [], "agencies": [],
               "targets": [{**t, "doc_id": "d1"} for t in got_targets]}
    report = score(gold, outputs)
    assert (report.targets.tp, report.targets.fp, report.targets.fn) == tp_fp_fn
    assert report.acc("target.year").right == years_right
