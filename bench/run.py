"""The benchmark: extraction throughput, the naive baseline, the regex floor,
whole-flow wall time, scaling over processes and peak memory, on one synthetic corpus.

    cd /work/main && .venv/bin/python -m bench.run            # writes bench/RESULTS.md

Every figure is measured in this run on this machine; the targets of the "Scale"
issue are printed next to them with pass/fail.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import datetime as dt
import io
import multiprocessing
import os
import platform
import pstats
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from bench.make_corpus import PROJECT, write_corpus

MB = 1024 * 1024
# The floor: one compiled regex pass over every character (numbering-label candidates).
FLOOR_PATTERN = re.compile(r"[一二三四五六七八九十]+、|\d+[.、]")


# --- machine ---------------------------------------------------------------------------------

def machine() -> dict[str, str]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown")
    mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal:"))
    return {"nproc": str(len(os.sched_getaffinity(0))), "cpu": cpu, "ram": f"{mem_kb / MB:.1f} GiB",
            "python": platform.python_version(), "os": platform.platform()}


# --- memory of a process tree, polled from /proc -----------------------------------------------

def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry.name}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    return children


def _tree(root: int) -> list[int]:
    children, pids, stack = _children_map(), [], [root]
    while stack:
        pid = stack.pop()
        pids.append(pid)
        stack.extend(children.get(pid, []))
    return pids


_PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024
_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_s(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICKS
    except (OSError, IndexError, ValueError):
        return 0.0


def _role(pid: int, root: int) -> str:
    if pid == root:
        return "flow process"
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return "other"
    if "uvicorn" in cmdline or "prefect.server" in cmdline:
        return "Prefect servers"
    if "multiprocessing" in cmdline or "spawn_main" in cmdline or "distributed" in cmdline:
        return "workers"
    return "other"


def _rss_kb(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * _PAGE_KB
    except (OSError, IndexError, ValueError):
        return 0


def _pss_kb(pid: int) -> int:
    """Proportional set size: shared pages split among the processes that map them. Costly to read
    (the kernel walks the page tables: ~15 ms for a 3 GB process), so it is sampled less often."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class TreeMemory(threading.Thread):
    """Polls a process and all its descendants; keeps the peak of the summed RSS (every `interval`)
    and of the summed PSS (every `pss_every` polls), cheaply enough not to slow what it measures."""

    def __init__(self, root: int, interval: float = 0.2, pss_every: int = 10):
        super().__init__(daemon=True)
        self.root, self.interval, self.pss_every = root, interval, pss_every
        self.peak_rss_kb = self.peak_pss_kb = self.peak_processes = 0
        self._cpu: dict[int, tuple[str, float]] = {}   # pid → (role, CPU seconds when last seen)
        self._done = threading.Event()

    def cpu_by_role(self) -> dict[str, float]:
        """CPU seconds per kind of process, as last seen (a process's final ≤ 0.2 s can be missed)."""
        roles: dict[str, float] = {}
        for role, seconds in self._cpu.values():
            roles[role] = roles.get(role, 0.0) + seconds
        return roles

    def run(self) -> None:
        polls = 0
        while not self._done.is_set():
            pids = _tree(self.root)
            for pid in pids:
                role = self._cpu[pid][0] if pid in self._cpu else _role(pid, self.root)
                self._cpu[pid] = (role, _cpu_s(pid))
            self.peak_rss_kb = max(self.peak_rss_kb, sum(map(_rss_kb, pids)))
            if polls % self.pss_every == 0:
                self.peak_pss_kb = max(self.peak_pss_kb, sum(map(_pss_kb, pids)))
            self.peak_processes = max(self.peak_processes, len(pids))
            polls += 1
            self._done.wait(self.interval)

    def stop(self) -> None:
        self._done.set()
        self.join()


@dataclass
class FlowRun:
    label: str
    command: list[str]
    wall_s: float
    peak_rss_mb: float
    peak_pss_mb: float
    processes: int
    summary: str
    phases: dict[str, float] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)


# Prefect's log lines that mark the phases of a run, by their wall-clock stamp.
_STAMP = re.compile(r"^(\d\d):(\d\d):(\d\d\.\d+) \| \w+ +\| (.*)$")
_MARKS = (("flow started", re.compile(r"Beginning flow run")),
          ("planned", re.compile(r"Task run 'plan-.*Finished")),
          ("extracted", re.compile(r"Task run 'extract-batch-.*Finished")),
          ("published", re.compile(r"Task run 'publish-.*Finished")),
          ("flow finished", re.compile(r"Flow run .* - Finished in state")))


def phases(log: str, started: float, ended: float) -> dict[str, float]:
    """Seconds spent in each phase: start-up until the flow begins, planning, extraction (until the
    last batch is back), publishing, artifacts and the end of the flow, and shutting down."""
    stamps: dict[str, float] = {}
    for line in log.splitlines():
        match = _STAMP.match(line)
        if not match:
            continue
        seconds = int(match[1]) * 3600 + int(match[2]) * 60 + float(match[3])
        for name, pattern in _MARKS:
            if pattern.search(match[4]):
                stamps[name] = seconds if name == "extracted" else stamps.get(name, seconds)
    if "flow started" not in stamps or "flow finished" not in stamps:
        return {}
    for previous, (name, _) in zip(_MARKS, _MARKS[1:]):
        stamps.setdefault(name, stamps[previous[0]])   # nothing extracted: a phase of zero seconds
    wall_start = started % 86400   # local-time stamps, compared on the clock of the day
    marks = [wall_start, *(stamps[name] for name, _ in _MARKS), ended % 86400]
    names = ["start-up (Prefect, imports, rules)", "plan", "extraction", "publish (Parquet)",
             "artifacts and flow end", "shut-down"]
    return {name: max(0.0, (b - a) % 86400) for name, a, b in zip(names, marks, marks[1:])}


def run_flow(label: str, raw: Path, out: Path, workers: int, extra: tuple[str, ...] = (),
             api_url: str | None = None) -> FlowRun:
    """One `python -m pipeline run`; with `api_url`, against that Prefect server instead of a temporary one."""
    command = [sys.executable, "-m", "pipeline", "run", "--raw", str(raw), "--out", str(out),
               "--workers", str(workers), *extra]
    print(f"[flow] {label}: {' '.join(command)}", flush=True)
    env = {**os.environ, "PREFECT_API_URL": api_url} if api_url else None
    started, clock = time.perf_counter(), _local_clock()
    proc = subprocess.Popen(command, cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    memory = TreeMemory(proc.pid)
    memory.start()
    stdout, stderr = proc.communicate()
    wall = time.perf_counter() - started
    memory.stop()
    split = phases(stderr + stdout, clock, clock + wall)
    if proc.returncode != 0:
        raise SystemExit(f"flow run failed ({proc.returncode}):\n{stderr[-4000:]}")
    summary = "\n".join(line for line in stdout.splitlines() if line.startswith(("run ", "tables in ")))
    print(f"[flow] {label}: {wall:.1f} s, peak tree RSS {memory.peak_rss_kb / 1024:.0f} MB\n{summary}", flush=True)
    return FlowRun(label, command, wall, memory.peak_rss_kb / 1024, memory.peak_pss_kb / 1024,
                   memory.peak_processes, summary, split, memory.cpu_by_role())


@contextlib.contextmanager
def prefect_server(log: Path):
    """A running `python -m pipeline server` (as scheduled runs have), outside the measured process tree."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with open(log, "wb") as output:
        server = subprocess.Popen([sys.executable, "-m", "pipeline", "server", "--port", str(port)], cwd=PROJECT,
                                  stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/api"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=2):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"the Prefect server did not start; see {log}") from None
                time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def _local_clock() -> float:
    """Seconds since local midnight, the clock Prefect's log stamps use."""
    now = dt.datetime.now()
    return now.hour * 3600 + now.minute * 60 + now.second + now.microsecond / 1e6


# --- in-process measurements -------------------------------------------------------------------

@dataclass
class Throughput:
    docs: int
    chars: int
    seconds: float
    note: str = ""
    cpu_s: float | None = None     # CPU seconds the work used: below `seconds` × processes, it waited for a core
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.chars / self.seconds


def read_all(paths: list[Path], raw: Path):
    from pipeline.ingest import read_document

    started = time.perf_counter()
    docs = [read_document(path, raw) for path in paths]
    seconds = time.perf_counter() - started
    return docs, Throughput(len(docs), sum(len(d.text) for d in docs), seconds)


def extract_all(docs, rules) -> Throughput:
    from pipeline.extract import extract_document

    counts: dict[str, int] = {}
    failures = 0
    cpu = time.process_time()
    started = time.perf_counter()
    for doc in docs:
        try:
            rows = extract_document(doc, rules)
        except Exception:  # noqa: BLE001 - counted and reported, the timing goes on
            failures += 1
            continue
        for name, table in rows.tables.items():
            counts[name] = counts.get(name, 0) + len(table)
    seconds = time.perf_counter() - started
    note = f"{failures} documents raised" if failures else ""
    return Throughput(len(docs), sum(len(d.text) for d in docs), seconds, note, cpu_s=time.process_time() - cpu,
                      counts=counts)


def naive(docs, rules, rules_path: Path) -> tuple[Throughput, Throughput, float]:
    """spaCy+jieba over every character, then the same rules; and the pipeline alone on the
    same docs, in a loop of its own as it runs in production (inside the naive loop, spaCy's
    pass over each document evicts the rules' code and data from the CPU caches)."""
    from pipeline.extract import extract_document
    from pipeline.nlp import get_nlp

    nlp = get_nlp(rules_path)
    nlp_s = rules_inside_s = 0.0
    for doc in docs:
        started = time.perf_counter()
        nlp(doc.text)
        middle = time.perf_counter()
        extract_document(doc, rules)
        rules_inside_s += time.perf_counter() - middle
        nlp_s += middle - started
    started = time.perf_counter()
    for doc in docs:
        extract_document(doc, rules)
    rules_s = time.perf_counter() - started
    chars = sum(len(d.text) for d in docs)
    return Throughput(len(docs), chars, nlp_s + rules_inside_s), Throughput(len(docs), chars, rules_s), rules_inside_s


def regex_floor(docs) -> Throughput:
    started = time.perf_counter()
    matches = sum(1 for doc in docs for _ in FLOOR_PATTERN.finditer(doc.text))
    seconds = time.perf_counter() - started
    return Throughput(len(docs), sum(len(d.text) for d in docs), seconds, f"{matches:,} matches")


# Fork-inherited state of the scaling pool: the documents and rules are loaded once, in the parent.
_SHARED: dict = {}


def _extract_range(bounds: tuple[int, int]) -> float:
    """Extract a slice of the shared documents; returns the CPU seconds it took."""
    from pipeline.extract import extract_document

    docs, rules = _SHARED["docs"], _SHARED["rules"]
    cpu = time.process_time()
    for doc in docs[bounds[0]:bounds[1]]:
        try:
            extract_document(doc, rules)
        except Exception:  # noqa: BLE001 - counted by extract_all already
            pass
    return time.process_time() - cpu


def scaling(docs, rules, processes: int, chunk: int = 50) -> Throughput:
    """Extraction over the same documents in a pool of `processes` forked workers."""
    _SHARED.update(docs=docs, rules=rules)
    ranges = [(i, i + chunk) for i in range(0, len(docs), chunk)]
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        pool.map(_extract_range, ranges[:processes])   # warm-up: workers exist and have run once
        started = time.perf_counter()
        cpu = sum(pool.imap_unordered(_extract_range, ranges))
        seconds = time.perf_counter() - started
    return Throughput(len(docs), sum(len(d.text) for d in docs), seconds, cpu_s=cpu)


def stage_times(docs, rules) -> dict[str, float]:
    """Seconds per extraction stage over `docs`, calling the stages as extract_document does;
    empty if their signatures have changed (then read the profile instead)."""
    from pipeline.dates import find_dates
    from pipeline.docfields import document_fields
    from pipeline.agencies import find_task_rows
    from pipeline.extract import document_agencies, document_targets
    from pipeline.measures import segment

    times = dict.fromkeys(("document fields", "measures (segment)", "dates", "targets", "agencies"), 0.0)
    try:
        for doc in docs:
            text = doc.text
            t0 = time.perf_counter()
            fields = document_fields(doc, rules.documents)
            t1 = time.perf_counter()
            measures = segment(text, rules.numbering)
            t2 = time.perf_counter()
            dates = find_dates(text, rules.dates)
            t3 = time.perf_counter()
            task_rows = find_task_rows(text, [m.title for m in measures], rules.agencies)   # counted with agencies
            t3_rows = time.perf_counter()
            document_targets(text, measures, dates, fields, task_rows, rules)
            t4 = time.perf_counter()
            document_agencies(text, fields, task_rows, rules)
            t5 = time.perf_counter()
            for name, seconds in zip(times, (t1 - t0, t2 - t1, t3 - t2, t4 - t3_rows, t5 - t4 + t3_rows - t3)):
                times[name] += seconds
    except (TypeError, AttributeError):
        return {}
    return times


def profile(docs, rules, top: int = 25) -> str:
    from pipeline.extract import extract_document

    profiler = cProfile.Profile()
    profiler.enable()
    for doc in docs:
        try:
            extract_document(doc, rules)
        except Exception:  # noqa: BLE001
            pass
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("cumulative").print_stats(top)
    out.write("\n--- by own time (tottime) ---\n")
    stats.sort_stats("tottime").print_stats(top)
    text = out.getvalue()
    return text[text.find("   ncalls"):] if "   ncalls" in text else text


def wait_idle(minutes: float, threshold: float = 0.5) -> None:
    deadline = time.monotonic() + minutes * 60
    while os.getloadavg()[0] >= threshold and time.monotonic() < deadline:
        time.sleep(15)


# --- report ------------------------------------------------------------------------------------

def verdict(ok: bool) -> str:
    return "**pass**" if ok else "**FAIL**"


def report(args, info, corpus, ingest, extract, floor, naive_all, naive_rules, rules_inside_s, one, two, flows, prof,
           load_s, stages) -> str:
    big, small = args.n, args.small
    per_core = extract.rate
    speedup_naive = naive_all.seconds / naive_rules.seconds
    two_vs_one = one.seconds / two.seconds
    lines = [
        "# Benchmark results",
        "",
        f"Command: `cd /work/main && .venv/bin/python -m bench.run {' '.join(sys.argv[1:])}`".rstrip() + " "
        f"(corpus: `bench/make_corpus.py`, seed {args.seed}).",
        "",
        f"Date: {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC. Machine: {info['nproc']} cores "
        f"({info['cpu']}), {info['ram']} RAM, Python {info['python']}, {info['os']}; {info['load']} "
        "(other work on the machine slows every figure). Code: " + info["versions"] + ".",
        "",
        f"Corpus: {big:,} synthetic plans, {corpus[big]['chars']:,} characters of normalized text "
        f"({corpus[big]['chars'] / big:,.0f} per document); the {small:,}-document corpus is its first {small:,} files "
        f"({corpus[small]['chars']:,} characters).",
        "",
        "## Against the targets",
        "",
        "| target | measured | |",
        "|---|---|---|",
        f"| extraction ≥ 2M chars/s per core | {per_core / 1e6:.2f}M chars/s (one process, {extract.docs:,} docs) "
        f"| {verdict(per_core >= 2e6)} |",
        f"| extraction ≥ 6× the naive baseline | {speedup_naive:.1f}× (same {naive_all.docs} docs) "
        f"| {verdict(speedup_naive >= 6)} |",
    ]
    if flows:
        fresh, rerun, fresh_small = flows["fresh"], flows["rerun"], flows["small"]
        ratio = fresh.peak_rss_mb / fresh_small.peak_rss_mb
        lines += [
            f"| {big:,} docs through the whole flow on 2 cores ≤ 45 s | {fresh.wall_s:.1f} s | {verdict(fresh.wall_s <= 45)} |",
            f"| unchanged re-run ≤ 10 s incl. Prefect start-up | {rerun.wall_s:.1f} s"
            + ("" if "nothing to extract" in rerun.summary else " (**not unchanged**: the plan re-extracted, see below)")
            + f" | {verdict(rerun.wall_s <= 10)} |",
            f"| the same against a running Prefect server (how scheduled runs go) | {flows['served'].wall_s:.1f} s "
            f"| {verdict(flows['served'].wall_s <= 10)} |",
            f"| (the first run on a new machine: Prefect creates its database) | +{flows['cold'].wall_s - flows['warm'].wall_s:.1f} s "
            f"({flows['cold'].wall_s:.1f} s vs {flows['warm'].wall_s:.1f} s on raw/) | reference |",
        ]
    lines += [f"| two processes ≥ 1.7× one | {two_vs_one:.2f}× | {verdict(two_vs_one >= 1.7)} |"]
    if flows:
        lines += [
            f"| peak RSS ≤ 1 GB | {fresh.peak_rss_mb:,.0f} MB at {big:,} docs (process tree, summed RSS; "
            f"{fresh.peak_pss_mb:,.0f} MB summed PSS) | {verdict(fresh.peak_rss_mb <= 1024)} |",
            f"| peak RSS about the same at {small:,} and {big:,} (taken as ≤ 1.25×) | {fresh_small.peak_rss_mb:,.0f} MB → "
            f"{fresh.peak_rss_mb:,.0f} MB ({ratio:.2f}×) | {verdict(ratio <= 1.25)} |",
        ]
    lines += [
        "",
        "## In one process (no Prefect, no Parquet)",
        "",
        "| stage | docs | characters | seconds | chars/s |",
        "|---|---:|---:|---:|---:|",
        f"| load_ruleset (once, incl. spaCy/jieba set-up) | | | {load_s:.2f} | |",
        f"| read_document (decode + normalize) | {ingest.docs:,} | {ingest.chars:,} | {ingest.seconds:.2f} | {ingest.rate / 1e6:.2f}M |",
        f"| (a) extract_document over pre-read documents | {extract.docs:,} | {extract.chars:,} | {extract.seconds:.2f} | {extract.rate / 1e6:.2f}M |",
        f"| (a) per CPU second ({extract.cpu_s:.1f} CPU s: {extract.cpu_s / extract.seconds:.0%} of wall) | | | | {extract.chars / extract.cpu_s / 1e6:.2f}M |",
        f"| (b) naive: nlp(text) + the same rules | {naive_all.docs:,} | {naive_all.chars:,} | {naive_all.seconds:.2f} | {naive_all.rate / 1e6:.3f}M |",
        f"| (b′) the pipeline alone on those {naive_all.docs} docs | {naive_rules.docs:,} | {naive_rules.chars:,} | {naive_rules.seconds:.2f} | {naive_rules.rate / 1e6:.2f}M |",
        f"| (c) floor: one regex pass `{FLOOR_PATTERN.pattern}` | {floor.docs:,} | {floor.chars:,} | {floor.seconds:.2f} | {floor.rate / 1e6:.1f}M |",
        "",
        f"(b) runs on an evenly spaced sample of {naive_all.docs} of the {big:,} documents: spaCy+jieba over all "
        f"{big:,} would take about {naive_all.seconds / naive_all.docs * big / 60:.0f} min. The ratio compares (b) with "
        f"(b′) on the same documents. Inside (b)'s loop the rules took {rules_inside_s:.2f} s: spaCy's pass over "
        "each document evicts their code and data from the CPU caches, a cost the pipeline alone does not pay.",
        "Rows from (a): " + ", ".join(f"{name} {count:,}" for name, count in extract.counts.items())
        + (f"; {extract.note}" if extract.note else "") + f". Regex floor: {floor.note}.",
        "",
        "## Scaling: extraction in forked processes over the same pre-read documents",
        "",
        "| processes | wall s | chars/s | speed-up | CPU s in the workers | CPU share of wall × processes |",
        "|---:|---:|---:|---:|---:|---:|",
        f"| 1 | {one.seconds:.2f} | {one.rate / 1e6:.2f}M | 1.00× | {one.cpu_s:.1f} | {one.cpu_s / one.seconds:.0%} |",
        f"| 2 | {two.seconds:.2f} | {two.rate / 1e6:.2f}M | {two_vs_one:.2f}× | {two.cpu_s:.1f} | {two.cpu_s / two.seconds / 2:.0%} |",
        "",
        "A CPU share well below 100 % means the workers waited for a core: other processes were running.",
    ]
    if flows:
        lines += [
            "",
            "## Whole flow (`python -m pipeline run` as a subprocess, Prefect start-up included)",
            "",
            "| run | wall s | docs/s | peak RSS (sum over tree) | peak PSS | processes |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        from pipeline.ingest import list_inputs

        raw_docs = len(list_inputs(PROJECT / "raw"))
        for key, run in flows.items():
            docs = {"small": small, "cold": raw_docs, "warm": raw_docs}.get(key, big)
            lines.append(f"| {run.label} | {run.wall_s:.1f} | {docs / run.wall_s:,.0f} | {run.peak_rss_mb:,.0f} MB "
                         f"| {run.peak_pss_mb:,.0f} MB | {run.processes} |")
        split = [run for run in flows.values() if run.phases]
        if split:
            names = list(split[0].phases)
            lines += ["", "Where the wall time goes (seconds, from the stamps of Prefect's log lines):", "",
                      "| run | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
            lines += [f"| {run.label} | " + " | ".join(f"{run.phases[n]:.1f}" for n in names) + " |" for run in split]
        roles = ["flow process", "workers", "Prefect servers", "other"]
        lines += ["", "CPU seconds by process (polled from /proc/<pid>/stat):", "",
                  "| run | " + " | ".join(roles) + " | total | of wall × 2 cores |", "|---|" + "---:|" * (len(roles) + 2)]
        for run in flows.values():
            total = sum(run.cpu.values())
            lines.append(f"| {run.label} | " + " | ".join(f"{run.cpu.get(r, 0):.1f}" for r in roles)
                         + f" | {total:.1f} | {total / run.wall_s / 2:.0%} |")
        lines += ["", f"Flow speed-up, 1 → 2 workers on {big:,} docs: {flows['one'].wall_s / fresh.wall_s:.2f}× "
                  "(wall time, start-up and publishing included)."]
        lines += ["", "Commands (`<tmp>` a fresh temporary directory):", ""]
        lines += [f"- {run.label}: `{' '.join(_short(run.command))}`" for run in flows.values()]
        lines += ["", "Memory is polled from /proc over the command's process and all its descendants "
                  "(Prefect's temporary servers and the worker processes included): RSS every 0.2 s, counting shared "
                  "pages once per process; PSS, which splits them, every 2 s.", ""]
        lines += ["Summaries printed by the runs:", "", "```"]
        lines += [f"{run.label}: {run.summary}" for run in flows.values()] + ["```"]
    if stages:
        chars = corpus[small]["chars"]
        total = sum(stages.values())
        lines += ["", f"## Extraction stages over the {small:,}-document corpus (timed directly, no profiler)", "",
                  "| stage | seconds | share | chars/s if it were the only stage |", "|---|---:|---:|---:|"]
        lines += [f"| {name} | {seconds:.2f} | {seconds / total:.0%} | {chars / seconds / 1e6:.1f}M |"
                  for name, seconds in sorted(stages.items(), key=lambda item: -item[1])]
        lines += [f"| all stages | {total:.2f} | 100% | {chars / total / 1e6:.2f}M |",
                  "", "extract_document adds the building of the row dicts on top of these stages."]
    if prof:
        lines += ["", f"## Profile: extract_document over the {small:,}-document corpus (cProfile)", "", "```", prof.rstrip(), "```"]
    return "\n".join(lines) + "\n"


def _short(command: list[str]) -> list[str]:
    return [".venv/bin/python" if part == sys.executable else
            "<tmp>" + part[part.rfind("/"):] if part.startswith(tempfile.gettempdir()) else
            os.path.relpath(part, PROJECT) if part.startswith(str(PROJECT)) else part for part in command]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="documents in the main corpus (default 10000)")
    parser.add_argument("--small", type=int, default=1_000, help="documents in the small corpus (default 1000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--naive-sample", type=int, default=200, help="documents for the spaCy baseline (default 200)")
    parser.add_argument("--skip-flow", action="store_true", help="in-process figures only (no Prefect runs)")
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--results", type=Path, default=PROJECT / "bench" / "RESULTS.md")
    parser.add_argument("--wait-idle", type=float, default=0, metavar="MINUTES",
                        help="first wait up to this long for the 1-minute load average to drop below 0.5")
    args = parser.parse_args(argv)
    wait_idle(args.wait_idle)

    work = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        return run(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(args: argparse.Namespace, work: Path) -> int:
    from pipeline.rules import RULES_DIR
    from pipeline.ruleset import load_ruleset

    # One frozen copy of the rules for every measurement: edits to rules/ during the run would
    # change the rules version and turn the unchanged re-run into a full one.
    load_before = os.getloadavg()
    rules_path = work / "rules"
    shutil.copytree(RULES_DIR, rules_path)
    corpus_dir = {n: PROJECT / "bench" / "corpus" / f"N{n}" for n in (args.small, args.n)}
    paths = {n: write_corpus(n, corpus_dir[n], args.seed) for n in corpus_dir}
    info = machine()

    started = time.perf_counter()
    rules = load_ruleset(rules_path)
    load_s = time.perf_counter() - started

    docs, ingest = read_all(paths[args.n], corpus_dir[args.n])
    corpus = {args.n: {"chars": ingest.chars},
              args.small: {"chars": sum(len(d.text) for d in docs[:args.small])}}
    print(f"[read] {ingest.docs:,} docs, {ingest.chars:,} chars in {ingest.seconds:.1f} s", flush=True)
    extract_all(docs[:20], rules)   # warm-up: lazily built caches
    floor = regex_floor(docs)
    extract = extract_all(docs, rules)
    print(f"[a] extraction {extract.rate / 1e6:.2f}M chars/s {extract.counts} {extract.note}", flush=True)
    step = max(1, len(docs) // args.naive_sample)
    naive_all, naive_rules, rules_inside_s = naive(docs[::step][:args.naive_sample], rules, rules_path)
    print(f"[b] naive {naive_all.rate / 1e6:.3f}M chars/s ({naive_all.seconds / naive_rules.seconds:.1f}× slower)", flush=True)
    one = scaling(docs, rules, 1)
    two = scaling(docs, rules, 2)
    print(f"[scaling] 1: {one.seconds:.1f} s, 2: {two.seconds:.1f} s ({one.seconds / two.seconds:.2f}×)", flush=True)
    stages = stage_times(docs[:args.small], rules)
    prof = "" if args.no_profile else profile(docs[:args.small], rules)
    _SHARED.clear()
    del docs

    flows: dict[str, FlowRun] = {}
    if not args.skip_flow:
        rules_arg = ("--rules", str(rules_path))
        big, small = corpus_dir[args.n], corpus_dir[args.small]
        # Prefect's database of this benchmark alone: its first run creates it, as on a new machine,
        # and is measured as such; every later run finds it, as every run after the first does.
        os.environ["PREFECT_HOME"] = str(work / "prefect")
        raw = PROJECT / "raw"
        flows["cold"] = run_flow("raw/, first run: Prefect creates its database", raw, work / "out_cold", 2, rules_arg)
        flows["warm"] = run_flow("raw/, the same on the existing database", raw, work / "out_warm", 2, rules_arg)
        flows["fresh"] = run_flow(f"{args.n:,} docs, 2 workers, fresh", big, work / "out", 2, rules_arg)
        flows["rerun"] = run_flow(f"{args.n:,} docs, 2 workers, unchanged re-run", big, work / "out", 2, rules_arg)
        with prefect_server(work / "server.log") as url:
            flows["served"] = run_flow(f"{args.n:,} docs, 2 workers, unchanged re-run, Prefect server running", big,
                                       work / "out", 2, rules_arg, api_url=url)
        flows["one"] = run_flow(f"{args.n:,} docs, 1 worker, fresh", big, work / "out_one", 1, rules_arg)
        flows["small"] = run_flow(f"{args.small:,} docs, 2 workers, fresh", small, work / "out_small", 2, rules_arg)

    info["load"] = f"load average {load_before[0]:.2f} at the start, {os.getloadavg()[0]:.2f} at the end"
    from pipeline import PIPELINE_VERSION

    info["versions"] = f"pipeline {PIPELINE_VERSION}, rules {rules.version}"
    text = report(args, info, corpus, ingest, extract, floor, naive_all, naive_rules, rules_inside_s, one, two, flows, prof, load_s,
                  stages)
    args.results.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
