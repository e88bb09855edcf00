"""Process-wide settings, applied before Prefect and pyarrow are imported, and the run defaults.

Offline, Prefect's telemetry fails and logs errors; a clean run prints none.
State (the temporary server's database) lives under the project, not $HOME.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
# Documents per batch task: a task costs the flow and the Prefect server milliseconds of CPU in
# bookkeeping, taken from the workers' cores; a batch of 200 plans (~1M characters) is about half a
# second of extraction. Worker memory does not grow with it (see run.DOCS_PER_ROW_GROUP).
DEFAULT_BATCH_SIZE = 200
# the temporary server needs longer than Prefect's default on a loaded 2-core machine
SERVER_START_TIMEOUT_SECONDS = 120

_DEFAULTS = {
    "PREFECT_HOME": str(PROJECT_DIR / ".prefect"),
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_UI_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": str(SERVER_START_TIMEOUT_SECONDS),
    # Arrow's buffers from the C library's allocator, which hands freed memory back: with Arrow's
    # default (jemalloc) each process holds 25-50 MB more at its peak. Inherited by the workers.
    "ARROW_DEFAULT_MEMORY_POOL": "system",
}


def configure_environment() -> None:
    for key, value in _DEFAULTS.items():
        os.environ.setdefault(key, value)
