"""Reading input files: bytes → decoded, normalized `SourceDocument`.

Formats are chosen by file suffix: `.txt`/`.md` (with optional YAML front
matter), `.html`/`.htm` (body text through a real HTML parser), `.docx`
(paragraphs with list numbering written out) and `.pdf` (the text layer).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from charset_normalizer import from_bytes

from .errors import InputError
from .model import SourceDocument
from .formats import docx_to_text, html_to_text, pdf_to_text
from .normalize import normalize

TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".shtml"})
# Far above any policy text (the 140k-character five-year plan is 0.14 MB): a bigger file is a dump.
MAX_BYTES = 20_000_000
BINARY_READERS = {".docx": docx_to_text, ".pdf": pdf_to_text}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | frozenset(BINARY_READERS)

def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def doc_id_for(source_sha256: str) -> str:
    """Stable id from content: the same bytes always give the same id."""
    return source_sha256[:16]


def decode(data: bytes, path: Path) -> tuple[str, str, list[tuple[str, str]]]:
    """Decode bytes, detecting the encoding; returns (text, encoding, warnings)."""
    if not data.strip():
        raise InputError(path, "empty", "file is empty")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(path, "binary", "file looks binary (contains NUL bytes), not text")
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError as exc:
        if exc.end == len(data) and exc.reason == "unexpected end of data":
            # a download cut short: keep the text, drop the half character, and say so
            return data[:exc.start].decode("utf-8", errors="strict"), "utf-8", [(
                "truncated_utf8", f"file ends inside a UTF-8 character (cut short?); the last {len(data) - exc.start} "
                                  "byte(s) were dropped")]
        # not UTF-8: let the detector choose (GB18030/GBK are common on government sites)
    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise InputError(path, "decode", "cannot detect the text encoding (not UTF-8, GB18030/GBK or another known encoding)")
    encoding = "gb18030" if best.encoding in {"gb2312", "gbk", "gb18030"} else best.encoding
    try:
        return data.decode(encoding), encoding, []
    except UnicodeDecodeError as exc:
        raise InputError(path, "decode", f"bytes are not valid {encoding}: {exc.reason} at byte {exc.start}") from exc


def _read_container(reader, data: bytes, path: Path) -> tuple[dict[str, str], str]:
    if not data.strip():
        raise InputError(path, "empty", "file is empty")
    try:
        return reader(data)
    except Exception as exc:  # noqa: BLE001 - parsers raise many types on corrupt files
        raise InputError(path, "corrupt", f"cannot parse {path.suffix} file: {type(exc).__name__}: {exc}") from exc


def read_document(path: Path, raw_dir: Path | None = None) -> SourceDocument:
    """Read one input file. Raises InputError with a code when it cannot be used."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise InputError(path, "unsupported_format", f"unsupported file type {suffix or '(none)'!r}")
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError(path, "too_large", f"file is {size / 1e6:.1f} MB; a policy text is far smaller "
                                               f"(limit {MAX_BYTES / 1e6:.0f} MB): is it a dump or an archive?")
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError(path, "missing", "file disappeared before it could be read") from exc
    except OSError as exc:
        raise InputError(path, "unreadable", f"cannot read file: {exc.strerror}") from exc
    warnings: list[tuple[str, str]] = []
    if suffix in BINARY_READERS:
        encoding = "binary"
        metadata, body = _read_container(BINARY_READERS[suffix], data, path)
    else:
        text, encoding, warnings = decode(data, path)
        metadata, body = html_to_text(text) if suffix in HTML_SUFFIXES else normalize(text)
    if not body.strip():
        raise InputError(path, "no_text", "no text left after removing markup")
    source_file = source_name(path, raw_dir)
    return SourceDocument(
        source_file=source_file,
        source_sha256=sha256_hex(data),
        text=body,
        metadata=metadata,
        encoding=encoding,
        warnings=warnings,
    )


def source_name(path: Path, raw_dir: Path | None) -> str:
    """How tables name an input: its path relative to the raw directory (else as given)."""
    if raw_dir is None:
        return path.name
    try:
        return path.relative_to(raw_dir).as_posix()
    except ValueError:
        return path.as_posix()


def list_inputs(raw_dir: Path) -> list[Path]:
    """Every visible file under `raw_dir`, in a stable order (unsupported ones included: they get error rows)."""
    if not raw_dir.is_dir():
        raise InputError(raw_dir, "no_input_dir", "input directory does not exist")
    return sorted(
        path for path in raw_dir.rglob("*")
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(raw_dir).parts)
    )
