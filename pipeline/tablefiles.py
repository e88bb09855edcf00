"""A published table on disk: one Parquet file, or a directory holding one file per partition.

Readers that take directories (pyarrow, pandas, DuckDB with a glob) read either; these helpers
let the pipeline do the same without importing pyarrow.dataset (and pandas): seconds per run.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq


def table_files(path: Path) -> list[Path]:
    """The Parquet files of a table, in a stable order."""
    return sorted(path.glob("*.parquet")) if path.is_dir() else [path]


def read_table(path: Path, columns: list[str] | None = None) -> pa.Table:
    return pa.concat_tables([pq.ParquetFile(file).read(columns=columns) for file in table_files(path)])


def read_schema(path: Path) -> pa.Schema:
    return pq.read_schema(table_files(path)[0])


def row_groups(path: Path) -> Iterator[pa.Table]:
    """The table one row group at a time: a table of millions of rows never has to fit in memory."""
    for file in table_files(path):
        source = pq.ParquetFile(file)
        for group in range(source.num_row_groups):
            yield source.read_row_group(group)


def num_rows(path: Path) -> int:
    return sum(pq.ParquetFile(file).metadata.num_rows for file in table_files(path))
