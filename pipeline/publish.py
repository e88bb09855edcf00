"""Atomic publishing of a run's tables.

Layout of an output directory::

    outputs/
      .snapshots/<run_id>/<table>.parquet   one complete set of tables per run
      current -> .snapshots/<run_id>        switched with one atomic rename
      <table>.parquet -> current/<table>.parquet

A run writes its snapshot completely (each file fsynced) before `current` is
switched with `os.replace`, so a reader opening `<table>.parquet` sees either
the previous run's tables or the new ones, never a mix or half a file; a run
killed at any moment leaves the previous snapshot in place.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

SNAPSHOTS = ".snapshots"
CURRENT = "current"
KEEP_SNAPSHOTS = 2


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@dataclass
class Pieces:
    """A table written piece by piece (one row group each): memory holds one piece at a time."""

    schema: pa.Schema
    pieces: Iterable[pa.Table]


# A table to publish: in memory, in pieces, or an unchanged file of the previous snapshot (linked, not rewritten).
TableContent = pa.Table | Pieces | Path


def write_parquet(content: pa.Table | Pieces, path: Path) -> int:
    """Write a table (fsynced); returns its number of rows."""
    if isinstance(content, pa.Table):
        content = Pieces(content.schema, [content])
    rows = 0
    with pq.ParquetWriter(path, content.schema, compression="zstd") as writer:
        for piece in content.pieces:
            writer.write_table(piece.cast(content.schema))
            rows += piece.num_rows
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())
    return rows


def _link(previous: Path, path: Path) -> int:
    try:
        os.link(previous, path)   # snapshots are never modified, so two can share a file
    except OSError:
        shutil.copy2(previous, path)   # a file system without hard links
    return pq.ParquetFile(path).metadata.num_rows


def publish(tables: Mapping[str, TableContent] | Iterable[tuple[str, TableContent]], out_dir: Path,
            run_id: str) -> dict[str, int]:
    """Write every table of a run and make them current together; returns rows per table.

    `tables` may be a generator of (name, content): each table is written, then
    dropped, before the next is built, so memory holds one table (or one piece) at a time.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    snapshots = out_dir / SNAPSHOTS
    staging = snapshots / f".{run_id}.partial"
    final = snapshots / run_id
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    rows = {}
    for name, content in (tables.items() if isinstance(tables, Mapping) else tables):
        path = staging / f"{name}.parquet"
        rows[name] = _link(content, path) if isinstance(content, Path) else write_parquet(content, path)
        del content
    _fsync_dir(staging)
    staging.rename(final)  # a snapshot directory exists only once complete
    _fsync_dir(snapshots)

    link = out_dir / f".{CURRENT}.{run_id}"
    link.unlink(missing_ok=True)
    link.symlink_to(Path(SNAPSHOTS) / run_id)
    os.replace(link, out_dir / CURRENT)  # the one atomic switch
    for name in rows:
        stable = out_dir / f"{name}.parquet"
        if not stable.is_symlink():
            if stable.exists():
                stable.unlink()  # a plain file from an older layout
            stable.symlink_to(Path(CURRENT) / f"{name}.parquet")
    _fsync_dir(out_dir)
    _prune(snapshots, keep=final)
    return rows


def _prune(snapshots: Path, keep: Path) -> None:
    """Drop old snapshots and leftovers of killed runs, keeping the newest few."""
    complete = sorted((p for p in snapshots.iterdir() if p.is_dir() and not p.name.startswith(".")),
                      key=lambda p: p.stat().st_mtime)
    for old in complete[:-KEEP_SNAPSHOTS]:
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)
    for partial in [*snapshots.glob(".*.partial"), *snapshots.glob(".*.parts")]:
        shutil.rmtree(partial, ignore_errors=True)


def current_snapshot(out_dir: Path) -> Path | None:
    """The directory of the tables readers see now, if any run has published."""
    current = out_dir / CURRENT
    return current.resolve() if current.exists() else None
