"""Exceptions the library raises; the CLI and the flow turn them into messages."""

from __future__ import annotations

from pathlib import Path


class PipelineError(Exception):
    """Base class of every error this package raises on purpose."""


class RuleError(PipelineError):
    """A rules file is malformed: names the file and the line."""

    def __init__(self, path: str | Path, line: int | None, reason: str):
        self.path = str(path)
        self.line = line
        self.reason = reason
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {reason}")

    def __reduce__(self):  # raised in a worker process, re-raised in the flow's
        return type(self), (self.path, self.line, self.reason)


class InputError(PipelineError):
    """One input document cannot be processed; other documents go on.

    `code` is a stable, short identifier stored in the errors table
    (e.g. ``empty``, ``binary``, ``decode``, ``unsupported_format``).
    """

    def __init__(self, path: str | Path, code: str, reason: str, stage: str = "ingest"):
        self.path = str(path)
        self.code = code
        self.reason = reason
        self.stage = stage
        super().__init__(f"{self.path}: {reason} [{code}]")

    def __reduce__(self):
        return type(self), (self.path, self.code, self.reason, self.stage)
