import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.publish import SNAPSHOTS, Pieces, current_snapshot, publish


def _tables(value: int) -> dict[str, pa.Table]:
    return {"a": pa.table({"x": [value]}), "b": pa.table({"y": [value, value]})}


def test_publish_switches_all_tables_together(tmp_path):
    publish(_tables(1), tmp_path, "run1")
    publish(_tables(2), tmp_path, "run2")
    assert pq.read_table(tmp_path / "a.parquet").column("x").to_pylist() == [2]
    assert pq.read_table(tmp_path / "b.parquet").column("y").to_pylist() == [2, 2]
    assert current_snapshot(tmp_path).name == "run2"


def test_publish_keeps_previous_tables_when_a_run_dies_before_switching(tmp_path):
    publish(_tables(1), tmp_path, "run1")
    partial = tmp_path / SNAPSHOTS / ".run2.partial"
    partial.mkdir()
    (partial / "a.parquet").write_bytes(b"PAR1 half a file")
    assert pq.read_table(tmp_path / "a.parquet").column("x").to_pylist() == [1]
    publish(_tables(3), tmp_path, "run3")
    assert not partial.exists()
    assert pq.read_table(tmp_path / "a.parquet").column("x").to_pylist() == [3]


def test_publish_prunes_old_snapshots(tmp_path):
    for run in ("run1", "run2", "run3", "run4"):
        publish(_tables(1), tmp_path, run)
    kept = sorted(p.name for p in (tmp_path / SNAPSHOTS).iterdir())
    assert kept == ["run3", "run4"]


def test_publish_writes_a_table_given_in_pieces(tmp_path):
    schema = pa.schema([("x", pa.int64())])
    pieces = (pa.table({"x": [i, i + 1]}, schema=schema) for i in (0, 2, 4))
    rows = publish({"a": Pieces(schema, pieces)}, tmp_path, "run1")
    assert rows == {"a": 6}
    assert pq.read_table(tmp_path / "a.parquet").column("x").to_pylist() == [0, 1, 2, 3, 4, 5]
    assert pq.ParquetFile(tmp_path / "a.parquet").num_row_groups == 3   # one piece in memory at a time


def test_publish_links_an_unchanged_table_instead_of_rewriting_it(tmp_path):
    publish(_tables(1), tmp_path, "run1")
    previous = current_snapshot(tmp_path) / "a.parquet"
    rows = publish({"a": previous, "b": pa.table({"y": [5]})}, tmp_path, "run2")
    assert rows == {"a": 1, "b": 1}
    assert (tmp_path / "a.parquet").resolve().stat().st_ino == previous.stat().st_ino
    assert pq.read_table(tmp_path / "a.parquet").column("x").to_pylist() == [1]


@pytest.mark.parametrize(
    ("rows", "files"),
    [
        ([("a", "山东省"), ("b", "北京市"), ("c", "山东省")], ["北京市.parquet", "山东省.parquet"]),
        ([("a", None), ("b", "全国")], ["unknown.parquet", "全国.parquet"]),
        ([], ["empty.parquet"]),
    ],
)
def test_publish_partitions_a_table_into_one_file_per_key(tmp_path, rows, files):
    schema = pa.schema([("doc", pa.string()), ("province", pa.string())])
    pieces = [pa.Table.from_pylist([dict(zip(schema.names, row)) for row in rows[i:i + 2]], schema=schema)
              for i in range(0, max(len(rows), 1), 2)]
    counts = publish({"t": Pieces(schema, pieces, partition=lambda piece: piece["province"].to_pylist())},
                     tmp_path, "run1")
    assert counts == {"t": len(rows)}
    assert sorted(p.name for p in (tmp_path / "t.parquet").iterdir()) == sorted(files)
    table = pq.read_table(tmp_path / "t.parquet")   # the stable link to a directory reads as one table
    assert table.schema == schema
    assert sorted(table["doc"].to_pylist()) == [doc for doc, _ in rows]
