"""Rows into Arrow tables with the declared schemas, in a deterministic order."""

from __future__ import annotations

import pyarrow as pa

from .schemas import TABLES

# Sort keys make re-runs on the same inputs byte-for-byte comparable.
_ORDER = {
    "documents": ("source_file",),
    "measures": ("doc_id", "ordinal"),
    "targets": ("doc_id", "char_start", "char_end"),
    "dates": ("doc_id", "char_start", "char_end"),
    "agencies": ("doc_id", "char_start", "annotation", "position"),
    "errors": ("source_file", "stage"),
}


def to_arrow(name: str, rows: list[dict]) -> pa.Table:
    schema = TABLES[name]
    ordered = sorted(rows, key=lambda row: tuple(row[key] for key in _ORDER[name]))
    return pa.Table.from_pylist(ordered, schema=schema)
