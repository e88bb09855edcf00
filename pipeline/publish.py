"""Atomic publishing of a run's tables.

Layout of an output directory::

    outputs/
      .snapshots/<run_id>/<table>.parquet   one complete set of tables per run: a file, or a
                                            directory of one file per partition (<key>.parquet)
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
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .tablefiles import num_rows, table_files

SNAPSHOTS = ".snapshots"
CURRENT = "current"
KEEP_SNAPSHOTS = 2


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# A partitioned table's rows gather per partition into row groups of about this size: memory holds
# at most this much per partition, however many rows the table has.
PARTITION_BUFFER_BYTES = 2 << 20
UNKNOWN_PARTITION = "unknown"   # rows whose partition key is null (not "_unknown": readers skip _files)
EMPTY_PARTITION = "empty"       # a partitioned table without rows still has one file, for its schema


@dataclass
class Pieces:
    """A table written piece by piece: memory holds one piece at a time.

    With `partition` (each row's key, from a piece) the table is a directory of one file per
    key, `<key>.parquet`; without, one file with a row group per piece.
    """

    schema: pa.Schema
    pieces: Iterable[pa.Table]
    partition: Callable[[pa.Table], list[str | None]] | None = None


# Tables written at the same time: Parquet encoding and compression run outside the GIL, so two
# threads use two cores; memory holds the pieces of both.
PUBLISH_THREADS = 2

# A table to publish: in memory, in pieces, or an unchanged file of the previous snapshot (linked, not rewritten).
TableContent = pa.Table | Pieces | Path


def write_parquet(content: pa.Table | Pieces, path: Path, compression: str = "zstd") -> int:
    """Write a table (fsynced); returns its number of rows."""
    if isinstance(content, pa.Table):
        content = Pieces(content.schema, [content])
    if content.partition is not None:
        return _write_partitioned(content, path)
    rows = 0
    with pq.ParquetWriter(path, content.schema, compression=compression) as writer:
        for piece in content.pieces:
            writer.write_table(piece.cast(content.schema))
            rows += piece.num_rows
    _fsync_file(path)
    return rows


def _write_partitioned(content: Pieces, directory: Path) -> int:
    directory.mkdir()
    writers: dict[str, pq.ParquetWriter] = {}
    buffers: dict[str, list[pa.Table]] = {}
    buffered: dict[str, int] = {}
    rows = 0

    def flush(key: str) -> None:
        if key not in writers:
            writers[key] = pq.ParquetWriter(directory / f"{key}.parquet", content.schema, compression="zstd")
        writers[key].write_table(pa.concat_tables(buffers.pop(key)))
        del buffered[key]

    try:
        for piece in content.pieces:
            piece = piece.cast(content.schema)
            rows_of: dict[str, list[int]] = {}
            for row, key in enumerate(content.partition(piece)):
                rows_of.setdefault(key or UNKNOWN_PARTITION, []).append(row)
            for key in sorted(rows_of):
                part = piece if len(rows_of) == 1 else piece.take(pa.array(rows_of[key], pa.int64()))
                buffers.setdefault(key, []).append(part)
                buffered[key] = buffered.get(key, 0) + part.nbytes
                if buffered[key] >= PARTITION_BUFFER_BYTES:
                    flush(key)
            rows += piece.num_rows
        for key in sorted(buffers):
            flush(key)
    finally:
        for writer in writers.values():
            writer.close()
    if not writers:
        pq.write_table(content.schema.empty_table(), directory / f"{EMPTY_PARTITION}.parquet")
    for file in table_files(directory):
        _fsync_file(file)
    _fsync_dir(directory)
    return rows


def _fsync_file(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _link(previous: Path, path: Path) -> int:
    """Put a table of the previous snapshot into this one without copying: snapshots are never
    modified, so two can share a file."""
    if previous.is_dir():
        path.mkdir()
        for file in table_files(previous):
            _link_file(file, path / file.name)
    else:
        _link_file(previous, path)
    return num_rows(path)


def _link_file(previous: Path, path: Path) -> None:
    try:
        os.link(previous, path)
    except OSError:
        shutil.copy2(previous, path)   # a file system without hard links


def publish(tables: Mapping[str, TableContent] | Iterable[tuple[str, TableContent]], out_dir: Path,
            run_id: str) -> dict[str, int]:
    """Write every table of a run and make them current together; returns rows per table.

    Tables are written by PUBLISH_THREADS threads at once: Arrow decodes, encodes and
    compresses without holding the GIL. Pass tables as `Pieces` (read as they are written)
    for memory to hold a few pieces, not whole tables.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    snapshots = out_dir / SNAPSHOTS
    staging = snapshots / f".{run_id}.partial"
    final = snapshots / run_id
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    with ThreadPoolExecutor(PUBLISH_THREADS) as writers:
        written = {name: writers.submit(_write, content, staging / f"{name}.parquet")
                   for name, content in (tables.items() if isinstance(tables, Mapping) else tables)}
        rows = {name: future.result() for name, future in written.items()}
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


def _write(content: TableContent, path: Path) -> int:
    return _link(content, path) if isinstance(content, Path) else write_parquet(content, path)


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
