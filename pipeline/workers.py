"""Extraction in worker processes.

jieba and spaCy hold the GIL, so threads cannot use a second core. Batches
are extracted in a pool of spawned processes (fork is unsafe in a process
running Prefect's threads); each worker loads the rules and the spaCy
pipeline once, then serves many batches. The flow process itself never
loads spaCy or jieba when it has workers: it only plans and publishes.
"""

from __future__ import annotations

import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from .ruleset import check_tokenizer_rules, load_ruleset
from .run import Batch, extract_batch

_pools: dict[tuple[int, str], ProcessPoolExecutor] = {}
_pools_lock = threading.Lock()   # batch tasks run in threads: one pool, however many ask at once


def _extract(paths: list[str], raw_dir: str, rules_dir: str, parts_dir: str, index: int) -> Batch:
    rules = load_ruleset(Path(rules_dir))
    check_tokenizer_rules(Path(rules_dir))  # once per process (cached): a pattern spaCy rejects fails the batch
    return extract_batch([Path(p) for p in paths], Path(raw_dir), rules, Path(parts_dir), index)


def pool(workers: int, rules_dir: str) -> ProcessPoolExecutor:
    """The process pool of this size for these rules, started on first use."""
    key = (workers, rules_dir)
    with _pools_lock:
        if key not in _pools:
            _pools[key] = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
        return _pools[key]


def extract_in_pool(paths: list[str], raw_dir: str, rules_dir: str, parts_dir: str, index: int, workers: int) -> Batch:
    """Extract batch number `index`: in this process for one worker, else in the pool."""
    if workers <= 1:
        return _extract(paths, raw_dir, rules_dir, parts_dir, index)
    return pool(workers, rules_dir).submit(_extract, paths, raw_dir, rules_dir, parts_dir, index).result()


def shutdown() -> None:
    with _pools_lock:
        while _pools:
            _pools.popitem()[1].shutdown()
