"""Extraction in worker processes.

jieba and spaCy hold the GIL, so threads cannot use a second core. Batches
are extracted in a pool of spawned processes (fork is unsafe in a process
running Prefect's threads); each worker loads the rules and the spaCy
pipeline once, then serves many batches.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from .ruleset import check_tokenizer_rules, load_ruleset
from .run import Batch, extract_batch

_pools: dict[tuple[int, str], ProcessPoolExecutor] = {}


def _warm_up(rules_dir: str) -> None:
    load_ruleset(Path(rules_dir))
    check_tokenizer_rules(Path(rules_dir))


def _extract(paths: list[str], raw_dir: str, rules_dir: str) -> Batch:
    return extract_batch([Path(p) for p in paths], Path(raw_dir), load_ruleset(Path(rules_dir)))


def pool(workers: int, rules_dir: str) -> ProcessPoolExecutor:
    """The process pool of this size for these rules, started on first use."""
    key = (workers, rules_dir)
    if key not in _pools:
        _pools[key] = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                                          initializer=_warm_up, initargs=(rules_dir,))
    return _pools[key]


def extract_in_pool(paths: list[str], raw_dir: str, rules_dir: str, workers: int) -> Batch:
    """Extract one batch: in this process for one worker, else in the pool."""
    if workers <= 1:
        return _extract(paths, raw_dir, rules_dir)
    return pool(workers, rules_dir).submit(_extract, paths, raw_dir, rules_dir).result()


def shutdown() -> None:
    while _pools:
        _pools.popitem()[1].shutdown()
