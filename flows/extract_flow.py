"""Prefect flow: raw policy texts → Parquet tables. Orchestration only; the work is in `pipeline`."""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger, task, unmapped

from pipeline.extract import Rows, extract_files
from pipeline.ingest import list_inputs
from pipeline.run import RunSummary, publish_rows, new_run_id, batches
from pipeline.ruleset import load_ruleset
from pipeline.rules import RULES_DIR


@task(name="extract-batch")
def extract_batch(paths: list[str], raw_dir: str, rules_dir: str) -> Rows:
    return extract_files([Path(p) for p in paths], Path(raw_dir), load_ruleset(Path(rules_dir)))


@task(name="publish", retries=2, retry_delay_seconds=1)  # retries only here: file-system I/O
def publish(rows: Rows, out_dir: str, run_id: str) -> RunSummary:
    return publish_rows(rows, Path(out_dir), run_id)


@flow(name="extract-policies", log_prints=True)
def extract_policies(raw_dir: str = "raw", out_dir: str = "outputs", rules_dir: str = str(RULES_DIR),
                     batch_size: int = 50) -> RunSummary:
    logger = get_run_logger()
    load_ruleset(Path(rules_dir))  # a malformed rules file stops the run here, before any work
    paths = [str(p) for p in list_inputs(Path(raw_dir))]
    logger.info("%d input files in %s, %d per batch", len(paths), raw_dir, batch_size)
    futures = extract_batch.map(batches(paths, batch_size), raw_dir=unmapped(raw_dir), rules_dir=unmapped(rules_dir))
    rows = Rows()
    for future in futures:
        rows.extend(future.result())
    summary = publish(rows, out_dir, new_run_id())
    logger.info(summary.describe())
    return summary
