"""A run's pieces without Prefect: batches extracted into parts, then published with the summary."""

from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.publish import UNKNOWN_PARTITION

from pipeline.ruleset import load_ruleset
from pipeline.run import batches, extract_batch, publish_batches, start_run

RAW = Path(__file__).resolve().parent.parent / "raw"


def _run(out: Path, raw: Path = RAW):
    rules = load_ruleset()
    context = start_run(raw, out, rules.version)
    work = batches([str(item.path) for item in context.plan.to_extract], 2)
    results = [extract_batch([Path(p) for p in paths], raw, rules, context.parts_dir, i) for i, paths in enumerate(work)]
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


@pytest.mark.parametrize("table", ["measures", "targets", "dates", "agencies"])
def test_publish_batches_partitions_carried_and_new_rows_by_their_documents_province(tmp_path, table):
    raw = tmp_path / "raw"
    raw.mkdir()
    for source in sorted(RAW.glob("*.txt")):
        (raw / source.name).write_bytes(source.read_bytes())
    _run(tmp_path / "out", raw)
    changed = sorted(raw.glob("*.txt"))[0]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    context, _ = _run(tmp_path / "out", raw)
    assert context.plan.carried_doc_ids and context.plan.to_extract   # both kinds of rows in this run
    documents = pq.read_table(tmp_path / "out" / "documents.parquet").to_pylist()
    province = {d["doc_id"]: d["province"] or UNKNOWN_PARTITION for d in documents}
    files = sorted((tmp_path / "out" / f"{table}.parquet").glob("*.parquet"))
    assert len(files) > 1
    for file in files:
        doc_ids = set(pq.read_table(file, columns=["doc_id"])["doc_id"].to_pylist())
        assert {province[d] for d in doc_ids} == {file.stem}, file.name
