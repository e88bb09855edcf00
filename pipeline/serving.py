"""Operate the flow on a Prefect server: a cron-scheduled deployment, served here, and a watch on raw/.

`serve()` registers `extract-policies/scheduled` on the server and runs Prefect's runner, which polls
the server and executes due runs in child processes. With `watch=True` a thread polls raw/ and, once
a change has been stable for a moment, asks the server for a run of that same deployment: every run,
scheduled, watched or triggered by hand, takes one path and shows on the server, and the runner's
limit of one run at a time keeps two runs from publishing into the same outputs at once. A run over
an unchanged corpus is cheap (the flow is incremental). Files already in raw/ when serving starts
wait for the next scheduled run (or `prefect deployment run extract-policies/scheduled`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .errors import PipelineError
from .ingest import list_inputs
from .rules import RULES_DIR
from .settings import DEFAULT_BATCH_SIZE, PROJECT_DIR, configure_environment

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 4200
DEFAULT_API_URL = f"http://{DEFAULT_HOST}:{DEFAULT_PORT}/api"
FLOW_NAME = "extract-policies"
DEPLOYMENT_NAME = "scheduled"
DEPLOYMENT = f"{FLOW_NAME}/{DEPLOYMENT_NAME}"
RUNNER_POLL_SECONDS = 2.0  # how often the runner asks the server for due runs (Prefect's default is 10 s)


class ServingError(PipelineError):
    """Serving cannot start: a malformed schedule, or no Prefect server to register with."""


def validate_cron(expression: str, timezone: str = "UTC") -> str:
    """Check a five-field cron string and its IANA time zone as the server will, before contacting it."""
    configure_environment()
    from prefect.client.schemas.schedules import CronSchedule
    from pydantic import ValidationError

    expression = " ".join(expression.split())
    if len(expression.split()) != 5:  # croniter also takes a sixth (seconds) field and @daily; cron does not
        raise ServingError(f"invalid cron schedule {expression!r}: {_CRON_HELP}")
    try:
        CronSchedule(cron=expression, timezone=timezone)
    except ValidationError as exc:
        error = exc.errors()[0]
        if error["loc"] == ("timezone",):
            raise ServingError(f"unknown time zone {timezone!r}: use an IANA name such as 'Asia/Shanghai' "
                               "or 'UTC'") from None
        raise ServingError(f"invalid cron schedule {expression!r}: {_CRON_HELP}") from None
    return expression


_CRON_HELP = "expected five fields 'minute hour day-of-month month day-of-week', e.g. '0 6 * * *' (06:00 daily)"


def resolve_api_url(api_url: str | None = None) -> str:
    """The --api-url option, else PREFECT_API_URL, else the local server's default address."""
    return (api_url or os.environ.get("PREFECT_API_URL") or DEFAULT_API_URL).rstrip("/")


def check_server(api_url: str, timeout: float = 3.0) -> None:
    """Fail fast, with the way out, when no Prefect server answers at `api_url`."""
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=timeout) as response:
            healthy = response.status == 200
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ServingError(f"no Prefect server answers at {api_url} ({reason}). {_START_HELP}") from None
    if not healthy:
        raise ServingError(f"the Prefect server at {api_url} is not healthy. {_START_HELP}")


_START_HELP = ("Start one in another terminal with `python -m pipeline server` (state under "
               f"{PROJECT_DIR / '.prefect'}), or point --api-url / PREFECT_API_URL at a running server.")


def server_command(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> list[str]:
    return [sys.executable, "-m", "prefect", "server", "start", "--host", host, "--port", str(port)]


def run_server(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> None:
    """Become a Prefect server (the process is replaced): state under the project, no telemetry, no UI."""
    configure_environment()
    command = server_command(host, port)
    os.execv(command[0], command)


def serve(cron: str, raw_dir: Path = Path("raw"), out_dir: Path = Path("outputs"),
          rules_dir: Path = RULES_DIR, batch_size: int = DEFAULT_BATCH_SIZE, api_url: str | None = None,
          timezone: str = "UTC", watch: bool = False, poll_seconds: float = 0.5,
          settle_seconds: float = 1.0) -> None:
    """Register the cron-scheduled deployment on the server and execute its runs until Ctrl-C or SIGTERM.

    Everything that can be checked locally (cron, time zone, raw/, rules) is checked before the
    server is contacted; then a missing server is reported without a traceback. Call it from the
    main thread: it owns the process's signals while it serves.
    """
    previous = signal.signal(signal.SIGTERM, _interrupt)  # until the runner runs, SIGTERM is Ctrl-C
    try:
        cron = validate_cron(cron, timezone)
        raw_dir, out_dir, rules_dir = Path(raw_dir).resolve(), Path(out_dir).resolve(), Path(rules_dir).resolve()
        list_inputs(raw_dir)  # InputError if raw/ does not exist: better now than at 06:00
        _serve(cron, timezone, raw_dir, out_dir, rules_dir, batch_size, resolve_api_url(api_url),
               watch, poll_seconds, settle_seconds)
    except KeyboardInterrupt:
        pass  # stopped while starting up (imports take seconds): nothing registered needs winding down
    finally:
        signal.signal(signal.SIGTERM, previous)


def _interrupt(*_) -> None:
    raise KeyboardInterrupt


def _serve(cron: str, timezone: str, raw_dir: Path, out_dir: Path, rules_dir: Path, batch_size: int, url: str,
           watch: bool, poll_seconds: float, settle_seconds: float) -> None:
    from .ruleset import load_ruleset

    load_ruleset(rules_dir)  # RuleError (file and line) now, not in every scheduled run
    check_server(url)

    from flows.extract_flow import extract_policies  # Prefect reads its settings at import
    from prefect.deployments.runner import EntrypointType
    from prefect.schedules import Cron

    parameters = {"raw_dir": str(raw_dir), "out_dir": str(out_dir), "rules_dir": str(rules_dir),
                  "batch_size": batch_size, "full": False}
    logger = _logger()
    with _api(url):
        deployment = extract_policies.to_deployment(
            name=DEPLOYMENT_NAME, schedule=Cron(cron, timezone=timezone), parameters=parameters,
            description=f"{raw_dir} → {out_dir}, on '{cron}' ({timezone})",
            entrypoint_type=EntrypointType.MODULE_PATH,  # the child imports flows.extract_flow, whatever its cwd
        )
        runner = _runner()
        runner.add_deployment(deployment)
        logger.info("serving %s on '%s' (%s) from %s; raw %s, outputs %s%s", DEPLOYMENT, cron, timezone, url,
                    raw_dir, out_dir, ", watching raw for changes" if watch else "")
        stop = threading.Event()
        watcher = threading.Thread(target=_watch, args=(raw_dir, url, stop, poll_seconds, settle_seconds),
                                   name="watch-raw", daemon=True)
        try:
            if watch:
                watcher.start()
            _run_runner(runner)
        finally:
            stop.set()
            if watcher.is_alive():
                watcher.join(timeout=5)
    logger.info("stopped serving %s", DEPLOYMENT)


@contextlib.contextmanager
def _api(url: str) -> Iterator[None]:
    """Point this thread's Prefect client (and the flow runs it starts) at `url`, whatever was imported first."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: url}):
        yield


def _logger():
    from prefect.logging import get_logger

    return get_logger("pipeline.serving")


def _runner():
    from prefect.runner import Runner

    class QuietRunner(Runner):
        main_task: asyncio.Task  # set by _run_runner before start() installs this handler

        def handle_sigterm(self, *args, **kwargs) -> None:
            """SIGTERM takes Ctrl-C's path: cancel the main task, so the runner pauses the schedule and returns.

            (Prefect's own handler calls sys.exit mid-shutdown and warns of an unawaited coroutine.)
            """
            self.main_task.get_loop().call_soon_threadsafe(self.main_task.cancel)

    runner = QuietRunner(name="pipeline-serve", query_seconds=RUNNER_POLL_SECONDS, limit=1)
    logging.getLogger("prefect.runner").addFilter(_drop_capacity_notices)
    return runner


def _drop_capacity_notices(record: logging.LogRecord) -> bool:
    # With one run at a time, a due run waits for the current one; the runner would say so every poll.
    return record.msg != "%d scheduled runs skipped (at capacity)"


def _run_runner(runner) -> None:
    async def main() -> None:
        runner.main_task = asyncio.current_task()
        await runner.start()  # installs runner.handle_sigterm

    try:
        asyncio.run(main())
    except (KeyboardInterrupt, asyncio.CancelledError):
        pass  # Ctrl-C or SIGTERM: the runner has paused the schedule on its way out


def snapshot(raw_dir: Path) -> frozenset[tuple[str, int, int]]:
    """(path, mtime, size) of every input under raw/: what changes when a file is added, edited or removed."""
    state = set()
    try:
        paths = list_inputs(raw_dir)
    except PipelineError:
        return frozenset()  # raw/ removed or renamed: an empty corpus until it comes back
    for path in paths:
        try:
            stat = path.stat()
        except OSError:
            continue  # removed between listing and stat
        state.add((str(path.relative_to(raw_dir)), stat.st_mtime_ns, stat.st_size))
    return frozenset(state)


@dataclass
class ChangeDetector:
    """Reports a new raw/ state once it has been stable for `settle_seconds` (a copy in progress is not)."""

    handled: frozenset  # the state the last requested run will see
    settle_seconds: float = 1.0
    _pending: frozenset | None = field(default=None, repr=False)
    _since: float = field(default=0.0, repr=False)

    def observe(self, state: frozenset, now: float) -> bool:
        if state == self.handled:
            self._pending = None
            return False
        if state != self._pending:
            self._pending, self._since = state, now
            return False
        return now - self._since >= self.settle_seconds

    def mark_handled(self, state: frozenset) -> None:
        self.handled, self._pending = state, None


def _watch(raw_dir: Path, url: str, stop: threading.Event, poll_seconds: float, settle_seconds: float) -> None:
    from prefect.deployments import run_deployment

    logger = _logger()
    detector = ChangeDetector(snapshot(raw_dir), settle_seconds)  # files already there wait for the cron
    with _api(url):
        while not stop.wait(poll_seconds):
            state = snapshot(raw_dir)
            if not detector.observe(state, time.monotonic()):
                continue
            try:
                flow_run = run_deployment(DEPLOYMENT, timeout=0, as_subflow=False, tags=["watch"])
            except Exception as exc:  # server briefly away: keep watching, retry on the next poll
                logger.warning("raw changed, but the run could not be requested: %s", exc)
                continue
            detector.mark_handled(state)
            logger.info("raw changed (%d files): requested run %s", len(state), flow_run.name)
