import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.publish import SNAPSHOTS, current_snapshot, publish


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
