"""Records the extraction stages produce. Offsets index the normalized text."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Measure:
    """One numbered unit of the body (guide §2).

    `char_start:char_end` covers the label and the measure's own text, up to
    the next measure's label (children excluded).
    """

    ordinal: int                 # 0-based position in the document, in text order
    parent_ordinal: int | None
    path: str                    # e.g. "二/一/1", "四/一/3/专栏", "五/一是"
    label: str                   # as written, e.g. "（一）", "1.", "一是", "专栏1"
    level: int                   # depth, 1 = top
    kind: str                    # chapter, article, section, group, item, sub-item, enumeration, column
    title: str | None
    char_start: int
    char_end: int


@dataclass
class Target:
    """A quantified commitment (guide §3). `year` and the measure are assigned later."""

    quantity_text: str
    value_min: float
    value_max: float
    comparator: str              # eq, ge, gt, le, approx, range
    unit: str
    per: str | None
    subject: str | None
    char_start: int
    char_end: int
    year: int | None = None


@dataclass
class DateMention:
    """A date expression in the body (guide §5)."""

    kind: str                    # deadline, period, point, recurring
    text: str
    char_start: int
    char_end: int
    year: int | None = None
    month: int | None = None
    day: int | None = None
    year_end: int | None = None


@dataclass
class Agency:
    """One agency named in a responsibility annotation (guide §4)."""

    name: str
    role: str                    # lead, responsible, support
    position: int                # 1-based within its annotation
    annotation: int              # 0-based index of the annotation in the document
    char_start: int
    char_end: int
    name_canonical: str | None = None
    measure: int | None = None   # ordinal of the measure it belongs to when it stands apart (a table row)


@dataclass
class DocumentFields:
    """Document-level fields (guide §1)."""

    title: str | None = None
    doc_type: str = "plan"
    region: str | None = None
    province: str | None = None     # the provincial-level unit the region lies in; 全国 for national
    admin_level: str | None = None
    issuers: list[str] = field(default_factory=list)
    doc_number: str | None = None
    period_start: int | None = None
    period_end: int | None = None
    published_date: str | None = None   # ISO yyyy-mm-dd
    source_url: str | None = None


@dataclass
class SourceDocument:
    """An input file read, decoded and normalized once."""

    source_file: str             # path relative to the raw directory
    source_sha256: str
    text: str                    # normalized body text; every offset indexes this
    metadata: dict[str, str] = field(default_factory=dict)   # front matter / HTML head: title, date, link
    encoding: str = "utf-8"
    warnings: list[tuple[str, str]] = field(default_factory=list)   # (code, message): read, but not cleanly
