"""Prefect flow: raw policy texts → Parquet tables. Orchestration only; the work is in `pipeline`."""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger, runtime, task, unmapped
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from pipeline.rules import RULES_DIR
from pipeline.ruleset import load_ruleset
from pipeline.run import Batch, RunContext, RunSummary, batches, publish_batches, start_run
from pipeline.settings import DEFAULT_BATCH_SIZE
from pipeline.workers import extract_in_pool, shutdown


@task(name="plan", retries=2, retry_delay_seconds=1)  # retries only around file-system I/O
def plan(raw_dir: str, out_dir: str, rules_version: str, full: bool) -> RunContext:
    return start_run(Path(raw_dir), Path(out_dir), rules_version, full=full)


@task(name="extract-batch")
def extract(paths: list[str], index: int, raw_dir: str, rules_dir: str, parts_dir: str, workers: int) -> Batch:
    return extract_in_pool(paths, raw_dir, rules_dir, parts_dir, index, workers)


@task(name="publish", retries=2, retry_delay_seconds=1)
def publish(results: list[Batch], out_dir: str, context: RunContext, flow_run_id: str | None) -> RunSummary:
    return publish_batches(results, Path(out_dir), context, flow_run_id)


@flow(name="extract-policies")
def extract_policies(raw_dir: str = "raw", out_dir: str = "outputs", rules_dir: str = str(RULES_DIR),
                     batch_size: int = DEFAULT_BATCH_SIZE, full: bool = False, workers: int = 1) -> RunSummary:
    """`workers` > 1 extracts in that many processes (with the default thread runner: run it with
    `task_runner=task_runner("local", workers)` so that as many batches are in flight)."""
    logger = get_run_logger()
    rules = load_ruleset(Path(rules_dir))  # a malformed rules file stops the run here, before any work
    context = plan(raw_dir, out_dir, rules.version, full)
    logger.info(context.plan.describe())
    work = batches([str(item.path) for item in context.plan.to_extract], batch_size)
    futures = extract.map(work, index=list(range(len(work))), raw_dir=unmapped(raw_dir), rules_dir=unmapped(rules_dir),
                          parts_dir=unmapped(str(context.parts_dir)), workers=unmapped(workers))
    try:
        results = [future.result() for future in futures]
    finally:
        shutdown()
    summary = publish(results, out_dir, context, str(runtime.flow_run.id))
    create_markdown_artifact(summary.markdown(), key="run-summary", description="documents, rows per table, errors")
    create_table_artifact(summary.documents, key="document-counts",
                          description="rows per table for each document extracted in this run")
    logger.info(summary.describe())
    return summary
