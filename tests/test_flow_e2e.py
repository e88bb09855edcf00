"""End to end: the Prefect flow over raw/ writes every table, consistent with the text."""

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.schemas import TABLES

RAW = Path(__file__).resolve().parent.parent / "raw"
SURFACE = {"measures": "text", "targets": "quantity_text", "dates": "text", "agencies": "name"}


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    from flows.extract_flow import extract_policies

    out = tmp_path_factory.mktemp("outputs")
    summary = extract_policies(raw_dir=str(RAW), out_dir=str(out), batch_size=2)
    return out, summary


def test_flow_writes_every_table_with_its_schema(outputs):
    out, summary = outputs
    for name, schema in TABLES.items():
        table = pq.read_table(out / f"{name}.parquet")
        assert table.schema.equals(schema, check_metadata=False), name
    assert summary.errors == []
    documents = pq.read_table(out / "documents.parquet").to_pylist()
    assert sorted(d["source_file"] for d in documents) == sorted(p.name for p in RAW.iterdir())


@pytest.mark.parametrize("table", sorted(SURFACE))
def test_flow_rows_point_at_their_surface_text(outputs, table):
    out, _ = outputs
    texts = {d["doc_id"]: d["text"] for d in pq.read_table(out / "documents.parquet").to_pylist()}
    rows = pq.read_table(out / f"{table}.parquet").to_pylist()
    assert rows, f"{table} is empty"
    for row in rows:
        assert texts[row["doc_id"]][row["char_start"]:row["char_end"]] == row[SURFACE[table]]


def test_flow_links_rows_to_existing_measures(outputs):
    out, _ = outputs
    measures = pq.read_table(out / "measures.parquet").to_pylist()
    ids = {m["measure_id"] for m in measures}
    assert all(m["parent_id"] is None or m["parent_id"] in ids for m in measures)
    for table in ("targets", "dates", "agencies"):
        assert {r["measure_id"] for r in pq.read_table(out / f"{table}.parquet").to_pylist()} - {None} <= ids
