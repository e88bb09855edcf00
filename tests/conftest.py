import sys

import pytest

from pipeline.settings import configure_prefect

configure_prefect()  # before any test imports Prefect: no telemetry, state under the project


@pytest.fixture(scope="session", autouse=True)
def stop_prefect_temporary_server():
    """Stop a flow's temporary Prefect server while pytest still captures output.

    Prefect stops it at interpreter exit otherwise, logging to a stream pytest has
    closed by then, which prints a spurious 'Logging error' traceback.
    """
    yield
    if "prefect.server.api.server" in sys.modules:
        from prefect.logging.handlers import APILogWorker
        from prefect.server.api.server import SubprocessASGIServer

        APILogWorker.drain_all(timeout=10)  # send queued run logs while the server still listens
        for server in list(SubprocessASGIServer._instances.values()):
            server.stop()
