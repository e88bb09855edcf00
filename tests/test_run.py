"""A run's pieces without Prefect: batches extracted into parts, then published with the summary."""

from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq

from pipeline.ruleset import load_ruleset
from pipeline.run import batches, extract_batch, publish_batches, start_run

RAW = Path(__file__).resolve().parent.parent / "raw"


def _run(out: Path):
    rules = load_ruleset()
    context = start_run(RAW, out, rules.version)
    work = batches([str(item.path) for item in context.plan.to_extract], 2)
    results = [extract_batch([Path(p) for p in paths], RAW, rules, context.parts_dir, i) for i, paths in enumerate(work)]
    return context, publish_batches(results, out, context)


def test_publish_batches_counts_rows_of_the_documents_extracted_in_the_run(tmp_path):
    context, first = _run(tmp_path)
    targets = Counter(pq.read_table(tmp_path / "targets.parquet", columns=["doc_id"])["doc_id"].to_pylist())
    doc_ids = {d["source_file"]: d["doc_id"] for d in pq.read_table(tmp_path / "documents.parquet").to_pylist()}
    assert {d["source_file"]: d["targets"] for d in first.documents} == {f: targets[i] for f, i in doc_ids.items()}
    assert not context.parts_dir.exists()   # parts are gone once published
    _, unchanged = _run(tmp_path)
    assert unchanged.documents == []
    assert unchanged.rows == first.rows | {"runs": 2}
