"""Task runners for the extraction flow: threads, local processes, or a Dask cluster.

jieba and spaCy hold the GIL, so CPU work scales with processes, not threads.
"""

from __future__ import annotations

from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner

RUNNERS = ("local", "dask")


def task_runner(kind: str = "local", workers: int = 1, address: str | None = None):
    """`local` with 1 worker runs batches in a thread; with more, in that many processes.
    `dask` uses the cluster at `address`, or a LocalCluster of `workers` processes on 127.0.0.1."""
    if kind == "dask":
        from prefect_dask import DaskTaskRunner  # imported only when asked for: dask is slow to import

        if address:
            return DaskTaskRunner(address=address)
        return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1,
                                              "processes": True, "host": "127.0.0.1", "dashboard_address": None})
    if kind != "local":
        raise ValueError(f"unknown runner {kind!r}; choose one of {RUNNERS}")
    return ThreadPoolTaskRunner(max_workers=1) if workers <= 1 else ProcessPoolTaskRunner(max_workers=workers)
