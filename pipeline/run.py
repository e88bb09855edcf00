"""Pieces of a run the flow strings together: batching, run ids, publishing, the summary."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from .extract import Rows
from .publish import publish
from .tables import to_arrow


@dataclass
class RunSummary:
    run_id: str
    out_dir: str
    rows: dict[str, int] = field(default_factory=dict)
    errors: list[dict] = field(default_factory=list)

    def describe(self) -> str:
        counts = ", ".join(f"{name} {count}" for name, count in self.rows.items())
        text = f"run {self.run_id}: {counts} → {self.out_dir}"
        for error in self.errors:
            text += f"\n  failed: {error['source_file']} [{error['error_code']}] {error['message']}"
        return text


def new_run_id() -> str:
    now = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return f"{now}-{uuid.uuid4().hex[:6]}"


def batches(items: list[str], size: int) -> list[list[str]]:
    """Documents go to tasks in batches: a task costs milliseconds of overhead."""
    if size < 1:
        raise ValueError("batch size must be at least 1")
    return [items[i:i + size] for i in range(0, len(items), size)]


def publish_rows(rows: Rows, out_dir: Path, run_id: str) -> RunSummary:
    tables = {name: to_arrow(name, table_rows) for name, table_rows in rows.tables.items()}
    tables["errors"] = to_arrow("errors", rows.errors)
    publish(tables, out_dir, run_id)
    return RunSummary(run_id=run_id, out_dir=str(out_dir),
                      rows={name: table.num_rows for name, table in tables.items()}, errors=rows.errors)
