"""Incremental runs: decide which inputs need extracting, carry the rest forward.

A document is extracted again only when its bytes, the rules or the pipeline
version changed since the snapshot readers see now. Files that failed before
and have not changed keep their error row without being retried, unless the
failure was a bug (`internal_error`): a fix may land without a version change.
A removed file's rows are not carried forward, so they disappear.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from .ingest import doc_id_for, source_name
from .tablefiles import read_table, row_groups

_HASH_CHUNK = 1 << 20


@dataclass
class InputFile:
    path: Path
    source_file: str
    sha256: str | None       # None when the file could not be read while planning


@dataclass
class Plan:
    to_extract: list[InputFile] = field(default_factory=list)
    carried_doc_ids: list[str] = field(default_factory=list)
    carried_error_files: list[str] = field(default_factory=list)
    duplicates: list[tuple[InputFile, str]] = field(default_factory=list)   # (file, the file it repeats)
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(("new", "changed", "unchanged", "removed"), 0))

    def describe(self) -> str:
        c = self.counts
        if not self.to_extract:
            return f"nothing to extract: {c['unchanged']} unchanged, {c['removed']} removed"
        return (f"{len(self.to_extract)} to extract ({c['new']} new, {c['changed']} changed); "
                f"{c['unchanged']} unchanged, {c['removed']} removed")


def file_sha256(path: Path) -> str | None:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(_HASH_CHUNK):
                digest.update(chunk)
    except OSError:
        return None  # extraction will report why, with an error row
    return digest.hexdigest()


def _read_previous(snapshot: Path | None, versions: dict[str, str]) -> tuple[dict[str, tuple[str, bool]], dict[str, str | None]]:
    """source_file → (sha256, produced with the current versions) for documents and for failed inputs."""
    if snapshot is None or not (snapshot / "documents.parquet").exists():
        return {}, {}
    docs = read_table(snapshot / "documents.parquet",
                        columns=["source_file", "source_sha256", "pipeline_version", "rules_version"]).to_pylist()
    previous = {
        d["source_file"]: (d["source_sha256"], d["pipeline_version"] == versions["pipeline_version"]
                           and d["rules_version"] == versions["rules_version"])
        for d in docs
    }
    errors: dict[str, str | None] = {}
    if (snapshot / "errors.parquet").exists():
        for e in read_table(snapshot / "errors.parquet").to_pylist():
            same_versions = e.get("pipeline_version") == versions["pipeline_version"] and e.get("rules_version") == versions["rules_version"]
            if (same_versions and e.get("severity") == "error" and e.get("source_sha256")
                    and e.get("error_code") != "internal_error"):
                errors[e["source_file"]] = e["source_sha256"]
    return previous, errors


def plan_run(paths: list[Path], raw_dir: Path, snapshot: Path | None, versions: dict[str, str], full: bool = False) -> Plan:
    previous, previous_errors = ({}, {}) if full else _read_previous(snapshot, versions)
    plan = Plan()
    seen = set()
    first_with_sha: dict[str, str] = {}
    for path in paths:
        source_file = source_name(path, raw_dir)
        seen.add(source_file)
        sha = file_sha256(path)
        item = InputFile(path, source_file, sha)
        if sha is not None:
            if sha in first_with_sha:
                # The same bytes under another name would share its doc_id: keep the first only.
                plan.duplicates.append((item, first_with_sha[sha]))
                continue
            first_with_sha[sha] = source_file
        if source_file in previous:
            old_sha, same_versions = previous[source_file]
            if sha is not None and sha == old_sha and same_versions:
                plan.counts["unchanged"] += 1
                plan.carried_doc_ids.append(doc_id_for(sha))
                continue
            plan.counts["changed"] += 1
        elif source_file in previous_errors:
            if sha is not None and sha == previous_errors[source_file]:
                plan.counts["unchanged"] += 1
                plan.carried_error_files.append(source_file)
                continue
            plan.counts["changed"] += 1
        else:
            plan.counts["new"] += 1
        plan.to_extract.append(item)
    plan.counts["removed"] = len((set(previous) | set(previous_errors)) - seen)
    return plan


def carry_forward(snapshot: Path | None, plan: Plan, name: str, schema: pa.Schema) -> Iterator[pa.Table]:
    """The previous snapshot's rows of table `name` for unchanged documents (and unchanged failures),
    one row group at a time: a table of millions of rows never has to fit in memory."""
    path = snapshot / f"{name}.parquet" if snapshot else None
    if not (plan.carried_doc_ids or plan.carried_error_files) or path is None or not path.exists():
        return
    doc_ids = pa.array(plan.carried_doc_ids, pa.string())
    error_files = pa.array(plan.carried_error_files, pa.string())
    for table in row_groups(path):
        mask = pc.is_in(table["doc_id"], value_set=doc_ids)
        if name == "errors":  # failures have no doc_id: they are carried by file name
            failed = pc.is_in(table["source_file"], value_set=error_files)
            mask = pc.or_(pc.fill_null(mask, False), pc.and_(failed, pc.equal(table["severity"], "error")))
        kept = table.filter(mask)
        if kept.num_rows:
            yield kept.cast(schema)


def carries_everything(plan: Plan) -> bool:
    """Whether the previous snapshot's document tables stay as they are: nothing new, changed or removed."""
    return not plan.to_extract and not plan.counts["removed"]
