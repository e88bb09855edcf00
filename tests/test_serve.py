"""Serving on a Prefect server: the schedule is checked first, runs go through the server, shutdown is quiet."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.serving import DEPLOYMENT, ChangeDetector, ServingError, serve, server_command, validate_cron

RAW = Path(__file__).resolve().parent.parent / "raw"
PROJECT = RAW.parent


@pytest.mark.parametrize("cron, expected", [
    ("0 6 * * *", "0 6 * * *"),
    ("  30   5 * * 1-5 ", "30 5 * * 1-5"),
    ("*/15 8-18 * * mon-fri", "*/15 8-18 * * mon-fri"),
    ("0 0 1 */3 *", "0 0 1 */3 *"),
    ("5,35 23 * * sun", "5,35 23 * * sun"),
])
def test_validate_cron_accepts_five_field_schedules(cron, expected):
    assert validate_cron(cron) == expected


@pytest.mark.parametrize("cron", [
    "0 6 * *",            # four fields
    "0 0 6 * * *",        # six fields (seconds): croniter takes it, cron does not
    "61 * * * *",         # minute out of range
    "0 24 * * *",         # hour out of range
    "0 6 * 13 *",         # month out of range
    "H 6 * * *",          # hashed expressions: the server refuses them
    "@daily",
    "every day at six",
    "",
])
def test_validate_cron_rejects_malformed_schedules(cron):
    with pytest.raises(ServingError, match="invalid cron schedule .*five fields"):
        validate_cron(cron)


@pytest.mark.parametrize("timezone, ok", [("Asia/Shanghai", True), ("UTC", True), ("Beijing", False),
                                          ("Mars/Olympus", False)])
def test_validate_cron_checks_the_time_zone(timezone, ok):
    if ok:
        assert validate_cron("0 6 * * *", timezone) == "0 6 * * *"
    else:
        with pytest.raises(ServingError, match="unknown time zone"):
            validate_cron("0 6 * * *", timezone)


A = frozenset({("a.txt", 1, 10)})
AB = A | {("b.txt", 2, 20)}
AB_GROWN = A | {("b.txt", 3, 25)}


@pytest.mark.parametrize("observations, fired_at", [
    ([(A, 0.0), (A, 1.0), (A, 2.0)], []),                                 # nothing changes: no run
    ([(AB, 0.0), (AB, 0.5), (AB, 1.0), (AB, 2.0)], [1.0]),                # a new file, once stable for 1 s
    ([(AB, 0.0), (AB_GROWN, 0.5), (AB_GROWN, 1.0), (AB_GROWN, 1.5)], [1.5]),  # still being copied: wait
    ([(AB, 0.0), (A, 0.5), (A, 2.0)], []),                                # came and went: no run
    ([(frozenset(), 0.0), (frozenset(), 1.0)], [1.0]),                    # a removal is a change too
    ([(AB, 0.0), (AB, 1.0), (A, 1.5), (A, 2.5)], [1.0, 2.5]),             # each stable change, once
])
def test_change_detector_fires_once_per_stable_change(observations, fired_at):
    detector, fired = ChangeDetector(A, settle_seconds=1.0), []
    for state, now in observations:
        if detector.observe(state, now):
            detector.mark_handled(state)
            fired.append(now)
    assert fired == fired_at


def test_serve_checks_the_schedule_before_the_server(tmp_path):
    with pytest.raises(ServingError, match="invalid cron schedule"):
        serve("0 6 * *", raw_dir=tmp_path, out_dir=tmp_path / "out", api_url=f"http://127.0.0.1:{_free_port()}/api")


def test_serve_without_a_server_says_how_to_start_one(tmp_path):
    with pytest.raises(ServingError, match=r"no Prefect server answers at .*python -m pipeline server"):
        serve("0 6 * * *", raw_dir=tmp_path, out_dir=tmp_path / "out", api_url=f"http://127.0.0.1:{_free_port()}/api")


# --- end to end on a real server ------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _api(url: str, path: str, body: dict | None = None, attempts: int = 10):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url + path, data=data, headers={"Content-Type": "application/json"},
                                     method="GET" if body is None else "POST")
    for attempt in range(attempts):
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return json.load(response)
        except urllib.error.HTTPError as exc:
            # a busy server (SQLite locked on a loaded machine) answers 503: ask again
            if exc.code != 503 or attempt == attempts - 1:
                raise
            time.sleep(1)


def _wait(what: str, check, timeout: float, processes: dict[str, subprocess.Popen], logs: Path):
    """Poll `check` until it returns something truthy; fail with the processes' stderr on timeout or death."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for name, process in processes.items():
            if process.poll() is not None:
                pytest.fail(f"{name} exited ({process.returncode}) while waiting for {what}:\n"
                            + (logs / f"{name}.err").read_text())
        try:
            result = check()
        except (urllib.error.URLError, OSError, ValueError):
            result = None
        if result:
            return result
        time.sleep(0.5)
    stderr = "\n".join(f"--- {name}\n" + (logs / f"{name}.err").read_text()[-3000:] for name in processes)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}\n{stderr}")


def _source_files(out: Path) -> list[str]:
    return sorted(pq.read_table(out / "documents.parquet", columns=["source_file"]).column(0).to_pylist())


def _stop(process: subprocess.Popen, sig: int, timeout: float = 20) -> int:
    process.send_signal(sig)
    return process.wait(timeout=timeout)


def _no_process_left(process: subprocess.Popen) -> bool:
    try:
        os.killpg(process.pid, 0)  # each process leads its own group: this finds its children too
    except ProcessLookupError:
        return True
    return False


def _processes_with_env(marker: str) -> list[int]:
    """Live processes whose environment holds `marker`: flow runs in a session of their own, too (Linux)."""
    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        with contextlib.suppress(OSError):
            if marker.encode() in environ.read_bytes():
                found.append(int(environ.parent.name))
    return found


@pytest.mark.slow  # a real Prefect server (15-20 s to start) and two flow runs: ~60 s; runs in CI like the rest
def test_serve_runs_the_deployment_on_a_real_server(tmp_path):
    raw, out, logs = tmp_path / "raw", tmp_path / "out", tmp_path / "logs"
    raw.mkdir()
    logs.mkdir()
    first, second = sorted(RAW.glob("*.txt"))[:2]
    shutil.copy(first, raw)
    port = _free_port()
    url = f"http://127.0.0.1:{port}/api"
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_API_URL": url,
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1", "PREFECT_UI_ENABLED": "false"}
    processes: dict[str, subprocess.Popen] = {}
    files = contextlib.ExitStack()

    def start(name: str, command: list[str]) -> None:
        stdout = files.enter_context((logs / f"{name}.out").open("w"))
        stderr = files.enter_context((logs / f"{name}.err").open("w"))
        processes[name] = subprocess.Popen(command, env=env, cwd=PROJECT, start_new_session=True,
                                           stdout=stdout, stderr=stderr)

    try:
        start("server", server_command("127.0.0.1", port))
        _wait("the server", lambda: _api(url, "/health") is True, 60, processes, logs)
        start("serve", [sys.executable, "-m", "pipeline", "serve", "--cron", "0 6 * * *", "--raw", str(raw),
                        "--out", str(out), "--api-url", url, "--watch"])
        deployment = _wait("the deployment", lambda: _api(url, f"/deployments/name/{DEPLOYMENT}"), 60,
                           processes, logs)
        assert [s["schedule"]["cron"] for s in deployment["schedules"]] == ["0 6 * * *"]

        # A run requested through the server is executed by the serving runner.
        flow_run = _api(url, f"/deployments/{deployment['id']}/create_flow_run", {})

        # Meanwhile the server's scheduler turns the cron schedule into future runs at 06:00.
        scheduled = _wait("scheduled runs", lambda: _api(url, "/flow_runs/filter", {
            "deployments": {"id": {"any_": [deployment["id"]]}},
            "flow_runs": {"state": {"type": {"any_": ["SCHEDULED"]}}, "tags": {"all_": ["auto-scheduled"]}},
        }), 30, processes, logs)
        assert all(run["expected_start_time"][11:16] == "06:00" for run in scheduled)

        final = _wait("the requested run", lambda: (run := _api(url, f"/flow_runs/{flow_run['id']}"))["state_type"]
                      in {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"} and run, 60, processes, logs)
        assert final["state_type"] == "COMPLETED", final["state"]
        for table in ("documents", "measures", "targets", "dates", "agencies"):
            assert (out / f"{table}.parquet").exists(), table
        assert _source_files(out) == [first.name]

        # Watch: a file dropped into raw/ is extracted within seconds, without a request.
        shutil.copy(second, raw)
        _wait("the dropped file in documents", lambda: _source_files(out) == sorted([first.name, second.name]),
              60, processes, logs)

        assert _stop(processes["serve"], signal.SIGTERM) == 0   # as a service manager stops it
        assert _stop(processes["server"], signal.SIGINT) == 0   # as Ctrl-C stops it
        for name, process in processes.items():
            assert _no_process_left(process), f"{name} left processes behind"
        assert _processes_with_env(f"PREFECT_HOME={env['PREFECT_HOME']}\0") == []
        serve_err, server_err = (logs / "serve.err").read_text(), (logs / "server.err").read_text()
        for bad in ("Traceback", "ERROR", "RuntimeWarning", "telemetry"):
            assert bad not in serve_err, serve_err
            assert bad not in server_err, server_err
    finally:  # whatever failed above, leave nothing running
        for process in processes.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        files.close()
