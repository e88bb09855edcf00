"""Pieces of a run the flow strings together: planning, batching, publishing, the summary."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from . import PIPELINE_VERSION
from .extract import extract_files
from .incremental import Plan, carry_forward, plan_run, read_parquet
from .ingest import list_inputs
from .publish import current_snapshot, publish
from .ruleset import RuleSet
from .schemas import DOCUMENT_TABLES, TABLES
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


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def start_run(raw_dir: Path, out_dir: Path, rules_version: str, full: bool = False) -> RunContext:
    started_at = now()
    run_id = f"{started_at.strftime('%Y%m%dT%H%M%S')}Z-{uuid.uuid4().hex[:6]}"
    versions = {"pipeline_version": PIPELINE_VERSION, "rules_version": rules_version}
    snapshot = current_snapshot(out_dir)
    plan = plan_run(list_inputs(raw_dir), raw_dir, snapshot, versions, full=full)
    return RunContext(run_id, started_at, versions, snapshot, plan)


def published_rules_version(out_dir: Path) -> str | None:
    """The rules version of the last published run in `out_dir`, if any."""
    snapshot = current_snapshot(out_dir)
    if snapshot is None or not (snapshot / "runs.parquet").exists():
        return None
    runs = read_parquet(snapshot / "runs.parquet", columns=["started_at", "rules_version"]).to_pylist()
    return max(runs, key=lambda run: run["started_at"])["rules_version"] if runs else None


def batches(items: list[str], size: int) -> list[list[str]]:
    """Documents go to tasks in batches: a task costs milliseconds of overhead."""
    if size < 1:
        raise ValueError("batch size must be at least 1")
    return [items[i:i + size] for i in range(0, len(items), size)]


@dataclass
class Batch:
    """One task's output: Arrow tables (compact, unlike row dicts) and its error rows."""

    tables: dict[str, pa.Table]
    errors: list[dict]


def extract_batch(paths: list[Path], raw_dir: Path, rules: RuleSet) -> Batch:
    """Extract a batch and convert its rows to Arrow before they travel back to the flow."""
    rows = extract_files(paths, raw_dir, rules)
    return Batch({name: to_arrow(name, table_rows) for name, table_rows in rows.tables.items()}, rows.errors)


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

    Tables are built one at a time and each batch's part is released once used,
    so memory holds one table, not all of them.
    """
    errors = _error_rows(batches, context)
    counts = DocumentCounts()

    def tables():
        for name in DOCUMENT_TABLES:
            new = [to_arrow("errors", errors)] if name == "errors" else [batch.tables.pop(name) for batch in batches]
            table = combine(name, [carry_forward(context.snapshot, context.plan, name, TABLES[name]), *new])
            counts.add(name, table)
            yield name, table
        run_row = {"run_id": context.run_id, "flow_run_id": flow_run_id, "started_at": context.started_at,
                   "finished_at": now(), **context.plan.counts, "failed": sum(e["severity"] == "error" for e in errors),
                   **context.versions}
        previous_runs = (read_parquet(context.snapshot / "runs.parquet")
                         if context.snapshot and (context.snapshot / "runs.parquet").exists() else TABLES["runs"].empty_table())
        yield "runs", combine("runs", [previous_runs, pa.Table.from_pylist([run_row], schema=TABLES["runs"])])

    rows = publish(tables(), out_dir, context.run_id)
    return RunSummary(run_id=context.run_id, out_dir=str(out_dir), plan=context.plan.describe(),
                      rows=rows, errors=errors, documents=counts.per_document())


class DocumentCounts:
    """Rows per table for each document, gathered while the tables stream past."""

    COUNTED = ("measures", "targets", "dates", "agencies")

    def __init__(self) -> None:
        self._counts: dict[str, dict[str, int]] = {}
        self._documents: list[dict] = []

    def add(self, name: str, table: pa.Table) -> None:
        if name == "documents":
            self._documents = table.select(["doc_id", "source_file", "title"]).to_pylist()
        elif name in self.COUNTED:
            for row in table.group_by("doc_id").aggregate([("doc_id", "count")]).to_pylist():
                self._counts.setdefault(row["doc_id"], {})[name] = row["doc_id_count"]

    def per_document(self) -> list[dict]:
        """One row per document in source_file order: its title and rows per table."""
        return [{"source_file": d["source_file"], "title": d["title"],
                 **{name: self._counts.get(d["doc_id"], {}).get(name, 0) for name in self.COUNTED}}
                for d in self._documents]
