"""End to end: `python -m pipeline run` over raw/ writes every table, consistent with the text, cleanly."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.schemas import TABLES

PROJECT = Path(__file__).resolve().parent.parent
RAW = PROJECT / "raw"
SURFACE = {"measures": "text", "targets": "quantity_text", "dates": "text", "agencies": "name"}


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=PROJECT, capture_output=True,
                          text=True, timeout=600, env={**os.environ, "PYTHONWARNINGS": "ignore::DeprecationWarning"})


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    raw = tmp_path_factory.mktemp("raw")
    for path in RAW.iterdir():
        shutil.copy(path, raw / path.name)
    out = tmp_path_factory.mktemp("outputs")
    first = run_cli("run", "--raw", str(raw), "--out", str(out), "--batch-size", "2")
    return raw, out, first


def test_flow_run_is_clean(outputs):
    _, _, first = outputs
    assert first.returncode == 0, first.stderr
    for noise in ("Traceback", "ERROR", "Logging error", "Warning"):
        assert noise not in first.stderr + first.stdout


def test_flow_writes_every_table_with_its_schema(outputs):
    _, out, _ = outputs
    for name, schema in TABLES.items():
        table = pq.read_table(out / f"{name}.parquet")
        assert table.schema.equals(schema, check_metadata=False), name
    documents = pq.read_table(out / "documents.parquet").to_pylist()
    assert sorted(d["source_file"] for d in documents) == sorted(p.name for p in RAW.iterdir())
    assert pq.read_table(out / "errors.parquet").num_rows == 0


@pytest.mark.parametrize("table", sorted(SURFACE))
def test_flow_rows_point_at_their_surface_text(outputs, table):
    _, out, _ = outputs
    texts = {d["doc_id"]: d["text"] for d in pq.read_table(out / "documents.parquet").to_pylist()}
    rows = pq.read_table(out / f"{table}.parquet").to_pylist()
    assert rows, f"{table} is empty"
    for row in rows:
        assert texts[row["doc_id"]][row["char_start"]:row["char_end"]] == row[SURFACE[table]]


def test_flow_links_rows_to_existing_measures(outputs):
    _, out, _ = outputs
    measures = pq.read_table(out / "measures.parquet").to_pylist()
    ids = {m["measure_id"] for m in measures}
    assert all(m["parent_id"] is None or m["parent_id"] in ids for m in measures)
    for table in ("targets", "dates", "agencies"):
        assert {r["measure_id"] for r in pq.read_table(out / f"{table}.parquet").to_pylist()} - {None} <= ids


def _inodes(out: Path) -> dict[str, int]:
    """The files of the document tables in the current snapshot, by their inode."""
    return {f"{table}/{file.name}": file.stat().st_ino
            for table in ("documents", *SURFACE) for file in (out / "current" / f"{table}.parquet").iterdir()}


def test_flow_rerun_extracts_only_what_changed(outputs):
    raw, out, _ = outputs
    before = {t: pq.read_table(out / f"{t}.parquet") for t in SURFACE}
    files_before = _inodes(out)
    unchanged = run_cli("run", "--raw", str(raw), "--out", str(out))
    assert "nothing to extract: 5 unchanged" in unchanged.stdout
    for table, rows in before.items():
        assert pq.read_table(out / f"{table}.parquet").equals(rows), table
    assert _inodes(out) == files_before   # a new snapshot, its unchanged tables linked, not rewritten

    changed = raw / "jiangsu-bci-action-plan.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n四、附则\n本方案自印发之日起施行。\n", encoding="utf-8")
    (raw / "beijing-bci-action-plan-2024-2030.txt").unlink()
    (raw / "empty.txt").write_bytes(b"")
    rerun = run_cli("run", "--raw", str(raw), "--out", str(out))
    assert "2 to extract (1 new, 1 changed); 3 unchanged, 1 removed" in rerun.stdout
    runs = pq.read_table(out / "runs.parquet").to_pylist()
    assert [(r["new"], r["changed"], r["unchanged"], r["removed"], r["failed"]) for r in runs] == [
        (5, 0, 0, 0, 0), (0, 0, 5, 0, 0), (1, 1, 3, 1, 1)]
    errors = pq.read_table(out / "errors.parquet").to_pylist()
    assert [(e["source_file"], e["error_code"]) for e in errors] == [("empty.txt", "empty")]
    documents = pq.read_table(out / "documents.parquet").column("source_file").to_pylist()
    assert "beijing-bci-action-plan-2024-2030.txt" not in documents and len(documents) == 4
