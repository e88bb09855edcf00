"""Prefect's temporary API server, started before anything else so that its start-up overlaps ours.

With no PREFECT_API_URL, Prefect starts a temporary server on the flow's first API call and waits
for it: on a 2-core machine that is 6-12 s spent after the run's own imports (~4 s). Starting the
same server (Prefect's own command for it: uvicorn over `create_app` in ephemeral mode) as the first
thing a run does lets both start-ups share the two cores. The server stops when the process exits,
after Prefect has sent its last logs.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from .errors import PipelineError

_POLL_SECONDS = 0.1


class ServerStartError(PipelineError):
    """The temporary Prefect server did not come up."""


class TemporaryServer:
    """A Prefect API server on a free local port, for the lifetime of this process."""

    def __init__(self, log_path: Path):
        self.port = _free_port()
        self.log_path = log_path
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(log_path, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "--factory", "prefect.server.api.server:create_app",
                 "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "error", "--lifespan", "on"],
                # the settings Prefect's own temporary server runs with: no UI, ephemeral services only
                env={**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1",
                     "PREFECT__SERVER_FINAL": "1"},
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        atexit.register(self.stop)   # runs after Prefect's services drained their queues into it

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerStartError(f"the temporary Prefect server exited with code {self.process.returncode}; "
                                       f"its output is in {self.log_path}")
            with contextlib.suppress(urllib.error.URLError, OSError):
                with urllib.request.urlopen(f"{self.api_url}/health", timeout=2) as response:
                    if response.status == 200:
                        return
            time.sleep(_POLL_SECONDS)
        self.stop()
        raise ServerStartError(f"the temporary Prefect server did not answer within {timeout:.0f} s; "
                               f"its output is in {self.log_path}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_temporary_server() -> TemporaryServer | None:
    """Start a temporary server and point Prefect at it, unless PREFECT_API_URL names a server already.
    Call before importing Prefect; `wait_ready` before the first flow run."""
    if os.environ.get("PREFECT_API_URL"):
        return None
    server = TemporaryServer(Path(os.environ["PREFECT_HOME"]) / "temporary-server.log")
    os.environ["PREFECT_API_URL"] = server.api_url
    return server
