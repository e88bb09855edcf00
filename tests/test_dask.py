"""The flow on a Dask LocalCluster (2 worker processes on 127.0.0.1) gives the same tables as the default runner."""

import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.rules import RULES_DIR

RAW = Path(__file__).resolve().parent.parent / "raw"
EXTRACTION_TABLES = ("documents", "measures", "targets", "dates", "agencies")
RUN_COLUMNS = {"run_id", "flow_run_id", "started_at", "finished_at"}   # differ between any two runs


def _rows(out: Path, table: str) -> list[dict]:
    data = pq.read_table(out / f"{table}.parquet")
    rows = data.drop_columns([c for c in data.column_names if c in RUN_COLUMNS]).to_pylist()
    return sorted(rows, key=lambda row: repr(sorted(row.items())))


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    from flows.extract_flow import extract_policies
    from flows.runners import task_runner

    raw = tmp_path_factory.mktemp("raw")
    for path in sorted(RAW.glob("*.txt"))[:3]:
        shutil.copy(path, raw / path.name)
    # both runs read one frozen copy of the rules: the comparison is of runners, not of rule edits
    rules = tmp_path_factory.mktemp("rules") / "rules"
    shutil.copytree(RULES_DIR, rules)
    outs = {}
    for name, runner in (("default", None), ("dask", task_runner("dask", workers=2))):
        out = tmp_path_factory.mktemp(name)
        flow = extract_policies.with_options(task_runner=runner) if runner else extract_policies
        # batch_size 1: three tasks over two workers, so both workers extract
        summary = flow(raw_dir=str(raw), out_dir=str(out), rules_dir=str(rules), batch_size=1)
        outs[name] = (out, summary)
    return outs


def test_dask_runner_extracts_every_document_without_errors(runs):
    out, summary = runs["dask"]
    assert summary.errors == []
    assert pq.read_table(out / "documents.parquet").num_rows == 3


@pytest.mark.parametrize("table", EXTRACTION_TABLES)
def test_dask_runner_tables_equal_default_runner(runs, table):
    dask_rows, default_rows = _rows(runs["dask"][0], table), _rows(runs["default"][0], table)
    assert default_rows, f"{table} is empty: the comparison would prove nothing"
    assert dask_rows == default_rows
