"""Pieces of a run the flow strings together: planning, batching, publishing, the summary."""

from __future__ import annotations

import datetime as dt
import shutil
import threading
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from . import PIPELINE_VERSION
from .extract import TABLE_NAMES, extract_files
from .incremental import Plan, carries_everything, carry_forward, plan_run
from .ingest import list_inputs
from .publish import SNAPSHOTS, Pieces, TableContent, current_snapshot, publish
from .ruleset import RuleSet
from .schemas import TABLES
from .tablefiles import read_table
from .tables import combine, to_arrow


@dataclass
class RunSummary:
    run_id: str
    out_dir: str
    plan: str
    rows: dict[str, int] = field(default_factory=dict)
    errors: list[dict] = field(default_factory=list)
    documents: list[dict] = field(default_factory=list)   # per-document row counts

    def markdown(self) -> str:
        """The run summary as a markdown artifact: documents, rows per table, errors."""
        lines = [f"# Run {self.run_id}", "", self.plan, "", "| table | rows |", "|---|---:|"]
        lines += [f"| {name} | {count} |" for name, count in self.rows.items()]
        lines += ["", f"## Errors ({len(self.errors)})", ""]
        lines += [f"- {e['severity']} `{e['source_file']}` [{e['error_code']}] {e['message']}" for e in self.errors] or ["none"]
        return "\n".join(lines)

    def describe(self) -> str:
        counts = ", ".join(f"{name} {count}" for name, count in self.rows.items())
        text = f"run {self.run_id}: {self.plan}\ntables in {self.out_dir}: {counts}"
        for error in self.errors:
            text += f"\n  {error['severity']}: {error['source_file']} [{error['error_code']}] {error['message']}"
        return text


@dataclass
class RunContext:
    """What a run knows before extracting: its id, the versions, the plan and the snapshot it builds on."""

    run_id: str
    started_at: dt.datetime
    versions: dict[str, str]
    snapshot: Path | None
    plan: Plan
    parts_dir: Path    # where batches write their rows until publishing


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def start_run(raw_dir: Path, out_dir: Path, rules_version: str, full: bool = False) -> RunContext:
    started_at = now()
    run_id = f"{started_at.strftime('%Y%m%dT%H%M%S')}Z-{uuid.uuid4().hex[:6]}"
    versions = {"pipeline_version": PIPELINE_VERSION, "rules_version": rules_version}
    snapshot = current_snapshot(out_dir)
    plan = plan_run(list_inputs(raw_dir), raw_dir, snapshot, versions, full=full)
    return RunContext(run_id, started_at, versions, snapshot, plan, out_dir / SNAPSHOTS / f".{run_id}.parts")


def batches(items: list[str], size: int) -> list[list[str]]:
    """Documents go to tasks in batches: a task costs milliseconds of overhead."""
    if size < 1:
        raise ValueError("batch size must be at least 1")
    return [items[i:i + size] for i in range(0, len(items), size)]


@dataclass
class Batch:
    """One task's output. Its tables went to Parquet parts in `parts_dir` (see `part_path`):
    what travels back to the flow is small, and the flow never holds a run's rows."""

    index: int
    rows: dict[str, int]
    errors: list[dict]


# Documents whose rows a worker holds at once (about 25 MB of rows); a batch task may hold many more.
DOCS_PER_ROW_GROUP = 50


def part_path(parts_dir: Path, index: int, name: str) -> Path:
    return parts_dir / f"{index:06d}-{name}.parquet"


def extract_batch(paths: list[Path], raw_dir: Path, rules: RuleSet, parts_dir: Path, index: int) -> Batch:
    """Extract batch number `index` and write its rows as Parquet parts, one per table.

    The batch goes to its parts in slices of DOCS_PER_ROW_GROUP documents, one row group each:
    memory holds one slice's rows, whatever the batch size.
    """
    parts_dir.mkdir(parents=True, exist_ok=True)
    counts = dict.fromkeys(TABLE_NAMES, 0)
    errors: list[dict] = []
    with ExitStack() as stack:
        # parts are read once, by the publish task: lz4 writes and reads them twice as fast as zstd
        writers = {name: stack.enter_context(pq.ParquetWriter(part_path(parts_dir, index, name), TABLES[name],
                                                              compression="lz4"))
                   for name in TABLE_NAMES}
        for start in range(0, len(paths), DOCS_PER_ROW_GROUP):
            rows = extract_files(paths[start:start + DOCS_PER_ROW_GROUP], raw_dir, rules)
            for name, table_rows in rows.tables.items():
                writers[name].write_table(to_arrow(name, table_rows))
                counts[name] += len(table_rows)
            errors += rows.errors
    return Batch(index, counts, errors)


def _error_rows(batches: list[Batch], context: RunContext) -> list[dict]:
    sha_by_file = {item.source_file: item.sha256 for item in context.plan.to_extract}
    errors = [{**e, "source_sha256": sha_by_file.get(e["source_file"]), **context.versions}
              for batch in batches for e in batch.errors]
    for item, original in context.plan.duplicates:
        errors.append({"source_file": item.source_file, "severity": "error", "doc_id": None, "stage": "ingest",
                       "error_code": "duplicate", "message": f"same content as {original}; extracted once, under that name",
                       "source_sha256": item.sha256, **context.versions})
    return errors


def publish_batches(batches: list[Batch], out_dir: Path, context: RunContext, flow_run_id: str | None = None) -> RunSummary:
    """Merge new rows with the carried-forward ones and publish every table at once.

    Each table streams to its files: the previous snapshot's rows row group by row
    group, then the batches' parts in batch order, so memory holds a piece per table
    being written (two at a time), not the run. Tables with rows per document are
    partitioned by the document's province (`<table>.parquet/<province>.parquet`).
    A table nothing touched is linked from the previous snapshot.
    """
    errors = _error_rows(batches, context)
    counts = DocumentCounts()
    in_order = sorted(batches, key=lambda batch: batch.index)   # the same inputs give the same files
    new_parts = {name: [part_path(context.parts_dir, batch.index, name) for batch in in_order] for name in TABLE_NAMES}
    provinces = Provinces(context, new_parts["documents"])

    def document_table(name: str) -> TableContent:
        previous = context.snapshot / f"{name}.parquet" if context.snapshot else None
        if previous and previous.exists() and carries_everything(context.plan):
            return previous
        carried = carry_forward(context.snapshot, context.plan, name, TABLES[name])
        new = map(counts.seen(name), map(read_table, new_parts[name]))
        return Pieces(TABLES[name], chain(carried, new), partition=provinces.of_rows)

    def tables() -> Iterator[tuple[str, TableContent]]:
        for name in TABLE_NAMES:
            yield name, document_table(name)
        carried_errors = carry_forward(context.snapshot, context.plan, "errors", TABLES["errors"])
        yield "errors", combine("errors", [*carried_errors, to_arrow("errors", errors)])
        run_row = {"run_id": context.run_id, "flow_run_id": flow_run_id, "started_at": context.started_at,
                   "finished_at": now(), **context.plan.counts, "failed": sum(e["severity"] == "error" for e in errors),
                   **context.versions}
        previous_runs = (read_table(context.snapshot / "runs.parquet")
                         if context.snapshot and (context.snapshot / "runs.parquet").exists() else TABLES["runs"].empty_table())
        yield "runs", combine("runs", [previous_runs, pa.Table.from_pylist([run_row], schema=TABLES["runs"])])

    rows = publish(tables(), out_dir, context.run_id)
    shutil.rmtree(context.parts_dir, ignore_errors=True)  # kept until now: a retried publish reads them again
    return RunSummary(run_id=context.run_id, out_dir=str(out_dir), plan=context.plan.describe(),
                      rows=rows, errors=errors, documents=counts.per_document())


class DocumentCounts:
    """Rows per table for each document this run extracted, gathered while the tables stream past."""

    COUNTED = ("measures", "targets", "dates", "agencies")

    def __init__(self) -> None:
        self._counts: dict[str, dict[str, int]] = {}
        self._documents: list[dict] = []
        self._lock = threading.Lock()    # tables are written, and so counted, at the same time

    def add(self, name: str, table: pa.Table) -> None:
        with self._lock:
            self._add(name, table)

    def _add(self, name: str, table: pa.Table) -> None:
        if name == "documents":
            self._documents += table.select(["doc_id", "source_file", "title"]).to_pylist()
        elif name in self.COUNTED and table.num_rows:
            for row in table.group_by("doc_id").aggregate([("doc_id", "count")]).to_pylist():
                per_table = self._counts.setdefault(row["doc_id"], {})
                per_table[name] = per_table.get(name, 0) + row["doc_id_count"]

    def seen(self, name: str):
        """A pass-through for the pieces of table `name` that counts them on the way."""
        def count(piece: pa.Table) -> pa.Table:
            self.add(name, piece)
            return piece
        return count

    def per_document(self) -> list[dict]:
        """One row per document in source_file order: its title and rows per table."""
        return [{"source_file": d["source_file"], "title": d["title"],
                 **{name: self._counts.get(d["doc_id"], {}).get(name, 0) for name in self.COUNTED}}
                for d in sorted(self._documents, key=lambda d: d["source_file"])]


class Provinces:
    """Each document's province, the partition of its rows, read before any table is written (so
    that tables can be written at the same time): from the documents this run extracted and the
    previous snapshot's documents it carries forward."""

    def __init__(self, context: RunContext, documents_parts: list[Path]) -> None:
        columns = ["doc_id", "province"]
        previous = context.snapshot / "documents.parquet" if context.snapshot else None
        carried = context.plan.carried_doc_ids and previous and previous.exists()
        pieces = [read_table(previous, columns)] if carried else []
        pieces += [read_table(part, columns) for part in documents_parts]
        self._of_doc: dict[str, str | None] = {}
        for piece in pieces:
            self._of_doc.update(zip(piece["doc_id"].to_pylist(), piece["province"].to_pylist()))

    def of_rows(self, table: pa.Table) -> list[str | None]:
        return [self._of_doc[doc_id] for doc_id in table["doc_id"].to_pylist()]
