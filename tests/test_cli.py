"""The command line: errors become one-line messages; every subcommand documents itself."""

import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.cli import build_parser

PROJECT = Path(__file__).resolve().parent.parent


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=PROJECT, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize(
    ("file", "old", "new", "marker"),
    [
        ("numbering.yaml", "  - name: chapter\n", "  - name: chapter\n    colour: red\n", "colour"),
        ("targets.yaml", "clause_breaks: '", "clause_breaks: '(unclosed", "clause_breaks"),
    ],
)
def test_cli_run_stops_on_a_malformed_rules_file_naming_file_and_line(tmp_path, broken_rules, file, old, new, marker):
    rules, path, line = broken_rules(file, old, new, marker)
    out = tmp_path / "out"
    result = run_cli("run", "--raw", str(PROJECT / "raw"), "--out", str(out), "--rules", str(rules))
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: {path}:{line}: ")
    assert "Traceback" not in result.stderr
    assert not out.exists()  # stopped before any work


@pytest.mark.parametrize(
    "command", ["run", "eval", "query", "review", "unknown-agencies", "serve", "server", "schema"])
def test_cli_every_subcommand_has_help(command):
    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.dest == "command")
    sub = subparsers.choices[command]
    assert sub.description
    for action in sub._actions:
        if action.dest != "help":
            assert action.help, f"{command} {action.dest} has no help"


def test_cli_reports_missing_tables(tmp_path):
    result = run_cli("query", "--out", str(tmp_path), "SELECT 1")
    assert result.returncode == 2
    assert result.stderr.startswith("error:") and "Traceback" not in result.stderr
