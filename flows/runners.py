"""Task runners for the extraction flow: threads feeding local worker processes, or a Dask cluster.

jieba and spaCy hold the GIL: with `local`, batch tasks run in threads that hand
the CPU work to `pipeline.workers`' process pool (the flow's `workers` parameter).
"""

from __future__ import annotations

from prefect.task_runners import ThreadPoolTaskRunner

RUNNERS = ("local", "dask")


def task_runner(kind: str = "local", workers: int = 1, address: str | None = None):
    """`local`: as many batch tasks in flight as there are worker processes.
    `dask`: the cluster at `address`, or a LocalCluster of `workers` processes on 127.0.0.1."""
    if kind == "dask":
        from prefect_dask import DaskTaskRunner  # imported only when asked for: dask is slow to import

        if address:
            return DaskTaskRunner(address=address)
        return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1,
                                              "processes": True, "host": "127.0.0.1", "dashboard_address": None})
    if kind != "local":
        raise ValueError(f"unknown runner {kind!r}; choose one of {RUNNERS}")
    return ThreadPoolTaskRunner(max_workers=max(1, workers))
