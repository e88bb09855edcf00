"""Process-wide settings for Prefect, applied before Prefect is imported.

Offline, Prefect's telemetry fails and logs errors; a clean run prints none.
State (the temporary server's database) lives under the project, not $HOME.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
# the temporary server needs longer than Prefect's default on a loaded 2-core machine
SERVER_START_TIMEOUT_SECONDS = 120

_DEFAULTS = {
    "PREFECT_HOME": str(PROJECT_DIR / ".prefect"),
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_UI_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": str(SERVER_START_TIMEOUT_SECONDS),
}


def configure_prefect() -> None:
    for key, value in _DEFAULTS.items():
        os.environ.setdefault(key, value)
