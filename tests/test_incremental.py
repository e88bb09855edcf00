"""Incremental planning and crash-safe publishing, without the extraction stages."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.incremental import plan_run
from pipeline.ingest import doc_id_for, list_inputs
from pipeline.publish import current_snapshot, publish
from pipeline.schemas import DOCUMENTS, ERRORS

VERSIONS = {"pipeline_version": "1", "rules_version": "r1"}


def _snapshot_with(tmp_path: Path, files: dict[str, bytes], versions=VERSIONS) -> Path:
    """Publish a documents table as if a previous run had extracted `files`."""
    from pipeline.ingest import sha256_hex

    rows = [{"doc_id": doc_id_for(sha256_hex(data)), "source_file": name, "source_sha256": sha256_hex(data),
             "doc_type": "plan", "issuers": [], "encoding": "utf-8", "n_chars": len(data), "text": "x", **versions}
            for name, data in files.items()]
    out = tmp_path / "out"
    publish({"documents": pa.Table.from_pylist(rows, schema=DOCUMENTS)}, out, "previous")
    return current_snapshot(out)


@pytest.mark.parametrize(
    ("before", "now", "versions", "expected"),
    [
        ({"a.txt": b"A", "b.txt": b"B"}, {"a.txt": b"A", "b.txt": b"B"}, VERSIONS,
         {"new": 0, "changed": 0, "unchanged": 2, "removed": 0}),
        ({"a.txt": b"A", "b.txt": b"B"}, {"a.txt": b"A2", "b.txt": b"B"}, VERSIONS,
         {"new": 0, "changed": 1, "unchanged": 1, "removed": 0}),
        ({"a.txt": b"A", "b.txt": b"B"}, {"a.txt": b"A", "c.txt": b"C"}, VERSIONS,
         {"new": 1, "changed": 0, "unchanged": 1, "removed": 1}),
        ({"a.txt": b"A"}, {"a.txt": b"A"}, {"pipeline_version": "1", "rules_version": "r2"},
         {"new": 0, "changed": 1, "unchanged": 0, "removed": 0}),
    ],
)
def test_plan_run_extracts_only_what_changed(tmp_path, before, now, versions, expected):
    snapshot = _snapshot_with(tmp_path, before)
    raw = tmp_path / "raw"
    raw.mkdir()
    for name, data in now.items():
        (raw / name).write_bytes(data)
    plan = plan_run(list_inputs(raw), raw, snapshot, versions)
    assert plan.counts == expected
    assert len(plan.to_extract) == expected["new"] + expected["changed"]


@pytest.mark.parametrize(("error_code", "retried"), [("decode", False), ("internal_error", True)])
def test_plan_run_retries_an_unchanged_failure_only_when_it_was_a_bug(tmp_path, error_code, retried):
    from pipeline.ingest import sha256_hex

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_bytes(b"A")
    error = {"source_file": "a.txt", "severity": "error", "stage": "extract", "error_code": error_code,
             "message": "x", "source_sha256": sha256_hex(b"A"), **VERSIONS}
    publish({"documents": DOCUMENTS.empty_table(), "errors": pa.Table.from_pylist([error], schema=ERRORS)},
            tmp_path / "out", "previous")
    plan = plan_run(list_inputs(raw), raw, current_snapshot(tmp_path / "out"), VERSIONS)
    assert ([item.source_file for item in plan.to_extract], plan.carried_error_files) == \
        ((["a.txt"], []) if retried else ([], ["a.txt"]))


def test_plan_run_reports_duplicate_content_once(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_bytes(b"same")
    (raw / "b.txt").write_bytes(b"same")
    plan = plan_run(list_inputs(raw), raw, None, VERSIONS)
    assert [item.source_file for item in plan.to_extract] == ["a.txt"]
    assert [(item.source_file, original) for item, original in plan.duplicates] == [("b.txt", "a.txt")]


_PUBLISHER = """
import sys, pyarrow as pa
from pathlib import Path
from pipeline.publish import publish
out = Path(sys.argv[1])
n = 0
while True:
    n += 1
    big = pa.table({"run": [n] * 200_000, "payload": ["x" * 20] * 200_000})
    publish({"documents": big, "measures": pa.table({"run": [n] * 1000})}, out, f"run{n:05d}")
"""


def test_publish_killed_at_any_moment_leaves_consistent_tables(tmp_path):
    out = tmp_path / "out"
    publish({"documents": pa.table({"run": [0]}), "measures": pa.table({"run": [0]})}, out, "run00000")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    for delay in (0.3, 0.55, 0.8, 1.1, 1.45):
        process = subprocess.Popen([sys.executable, "-c", _PUBLISHER, str(out)], env=env)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        snapshot = current_snapshot(out)
        documents = pq.read_table(snapshot / "documents.parquet").column("run").to_pylist()
        measures = pq.read_table(snapshot / "measures.parquet").column("run").to_pylist()
        assert len(set(documents)) == 1 and set(documents) == set(measures)
        assert pq.read_table(out / "documents.parquet").num_rows in (1, 200_000)
