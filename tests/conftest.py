import shutil
import sys
from pathlib import Path

import pytest

from pipeline.rules import RULES_DIR
from pipeline.settings import configure_environment

configure_environment()  # before any test imports Prefect: no telemetry, state under the project


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


@pytest.fixture
def broken_rules(tmp_path):
    """A copy of rules/ with one edit: `make(file, old, new, marker=None)` -> (rules_dir, file path, line).

    `line` is the line of `marker` (default: `new`) at or after the edit: where a loader must say
    the problem is.
    """
    def make(file: str, old: str, new: str, marker: str | None = None) -> tuple[Path, Path, int]:
        rules_dir = tmp_path / "rules"
        shutil.copytree(RULES_DIR, rules_dir)
        path = rules_dir / file
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} is not in {file}"
        at = text.index(old)
        text = text[:at] + new + text[at + len(old):]
        path.write_text(text, encoding="utf-8")
        return rules_dir, path, text[:text.index(marker or new, at)].count("\n") + 1

    return make
