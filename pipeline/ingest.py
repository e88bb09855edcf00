"""Reading input files: bytes → decoded, normalized `SourceDocument`.

Formats are chosen by file suffix: `.txt`/`.md` (with optional YAML front
matter) and `.html`/`.htm` (body text through a real HTML parser).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from bs4 import BeautifulSoup
from charset_normalizer import from_bytes

from .errors import InputError
from .model import SourceDocument
from .normalize import clean_text, normalize

TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".shtml"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES

# Page chrome that is never part of the policy text.
_HTML_CHROME = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "template")
_HTML_BLOCKS = ("p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "table", "pre")
_HTML_DATE_META = ("pubdate", "publishdate", "firstpublishedtime", "article:published_time", "date", "dc.date")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def doc_id_for(source_sha256: str) -> str:
    """Stable id from content: the same bytes always give the same id."""
    return source_sha256[:16]


def decode(data: bytes, path: Path) -> tuple[str, str]:
    """Decode bytes, detecting the encoding; returns (text, encoding)."""
    if not data.strip():
        raise InputError(path, "empty", "file is empty")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(path, "binary", "file looks binary (contains NUL bytes), not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass  # not UTF-8: let the detector choose (GB18030/GBK are common on government sites)
    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise InputError(path, "decode", "cannot detect the text encoding (not UTF-8, GB18030/GBK or another known encoding)")
    encoding = "gb18030" if best.encoding in {"gb2312", "gbk", "gb18030"} else best.encoding
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError as exc:
        raise InputError(path, "decode", f"bytes are not valid {encoding}: {exc.reason} at byte {exc.start}") from exc


def html_to_text(html: str) -> tuple[dict[str, str], str]:
    """Body text of an HTML page (one line per block element) and its metadata."""
    soup = BeautifulSoup(html, "html.parser")
    metadata: dict[str, str] = {}
    if soup.title and soup.title.string:
        metadata["title"] = soup.title.string.strip()
    for meta in soup.find_all("meta"):
        name = (meta.get("name") or meta.get("property") or "").lower()
        if name in _HTML_DATE_META and meta.get("content") and "date" not in metadata:
            metadata["date"] = meta["content"].strip()
        if name == "og:url" and meta.get("content"):
            metadata.setdefault("link", meta["content"].strip())
    canonical = soup.find("link", rel="canonical")
    if canonical and canonical.get("href"):
        metadata.setdefault("link", canonical["href"].strip())
    for tag in soup.find_all(_HTML_CHROME):
        tag.decompose()
    body = soup.body or soup
    for tag in body.find_all(_HTML_BLOCKS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    return metadata, clean_text(body.get_text())


def read_document(path: Path, raw_dir: Path | None = None) -> SourceDocument:
    """Read one input file. Raises InputError with a code when it cannot be used."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise InputError(path, "unsupported_format", f"unsupported file type {suffix or '(none)'!r}")
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError(path, "missing", "file disappeared before it could be read") from exc
    except OSError as exc:
        raise InputError(path, "unreadable", f"cannot read file: {exc.strerror}") from exc
    text, encoding = decode(data, path)
    metadata, body = html_to_text(text) if suffix in HTML_SUFFIXES else normalize(text)
    if not body.strip():
        raise InputError(path, "no_text", "no text left after removing markup")
    source_file = path.relative_to(raw_dir).as_posix() if raw_dir else path.name
    return SourceDocument(
        source_file=source_file,
        source_sha256=sha256_hex(data),
        text=body,
        metadata=metadata,
        encoding=encoding,
    )


def list_inputs(raw_dir: Path) -> list[Path]:
    """Every visible file under `raw_dir`, in a stable order (unsupported ones included: they get error rows)."""
    if not raw_dir.is_dir():
        raise InputError(raw_dir, "no_input_dir", "input directory does not exist")
    return sorted(
        path for path in raw_dir.rglob("*")
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(raw_dir).parts)
    )
