"""The pyarrow schema of every output table, in one place.

Every row with offsets satisfies
``documents.text[char_start:char_end] == <surface column>`` where the surface
column is `text` (measures, dates), `quantity_text` (targets) or `name`
(agencies).
"""

from __future__ import annotations

import pyarrow as pa

_VERSIONS = [
    pa.field("pipeline_version", pa.string(), nullable=False, metadata={"doc": "version of the pipeline code that produced the row"}),
    pa.field("rules_version", pa.string(), nullable=False, metadata={"doc": "content hash of rules/ when the row was produced"}),
]


def _f(name: str, type_: pa.DataType, doc: str, nullable: bool = True) -> pa.Field:
    return pa.field(name, type_, nullable=nullable, metadata={"doc": doc})


def _provenance(surface: str) -> list[pa.Field]:
    return [
        _f("char_start", pa.int32(), "start offset into documents.text", nullable=False),
        _f("char_end", pa.int32(), f"end offset into documents.text; text[char_start:char_end] == {surface}", nullable=False),
    ]


_DOC_ID = _f("doc_id", pa.string(), "stable document id: first 16 hex digits of the source file's SHA-256", nullable=False)
_MEASURE_ID = _f("measure_id", pa.string(), "id of the measure the row stands in (null before the first measure and in back matter: `附件：…`)")

DOCUMENTS = pa.schema([
    _DOC_ID,
    _f("source_file", pa.string(), "input path relative to the raw directory", nullable=False),
    _f("source_sha256", pa.string(), "SHA-256 of the input file's bytes", nullable=False),
    _f("title", pa.string(), "the plan's own title"),
    _f("doc_type", pa.string(), "plan or interpretation (an official explainer of a plan)", nullable=False),
    _f("region", pa.string(), "issuing jurisdiction, full name; 全国 for central government"),
    _f("province", pa.string(), "provincial-level unit the region lies in (itself for a province); 全国 for central "
                                "government; the tables' partition"),
    _f("admin_level", pa.string(), "national, provincial, municipal (a 市, 自治州, 地区 or 盟) or district (a 区, 县, 旗, new area)"),
    _f("issuers", pa.list_(pa.string()), "issuing bodies named in the text or header", nullable=False),
    _f("doc_number", pa.string(), "文号 as written"),
    _f("period_start", pa.int16(), "first year of the plan period"),
    _f("period_end", pa.int16(), "last year of the plan period"),
    _f("published_date", pa.date32(), "date the text carries"),
    _f("source_url", pa.string(), "link to the original, when the text gives one"),
    _f("encoding", pa.string(), "detected encoding of the input file", nullable=False),
    _f("n_chars", pa.int32(), "length of the normalized text", nullable=False),
    _f("text", pa.large_string(), "normalized text; every offset in every table indexes it", nullable=False),
    *_VERSIONS,
])

MEASURES = pa.schema([
    _DOC_ID,
    _f("measure_id", pa.string(), "<doc_id>-m<ordinal>", nullable=False),
    _f("parent_id", pa.string(), "measure_id of the enclosing measure; null at the top"),
    _f("ordinal", pa.int32(), "position of the measure in the document, from 0", nullable=False),
    _f("path", pa.string(), "labels from the top joined by /, e.g. 二/一/1", nullable=False),
    _f("label", pa.string(), "the numbering label as written, e.g. （一）", nullable=False),
    _f("level", pa.int8(), "depth in the tree, 1 = top", nullable=False),
    _f("kind", pa.string(), "chapter, article, section, group, item, sub-item, enumeration or column", nullable=False),
    _f("title", pa.string(), "heading phrase; null when longer than 40 characters"),
    _f("text", pa.large_string(), "label and the measure's own text, children excluded", nullable=False),
    *_provenance("text"),
    *_VERSIONS,
])

TARGETS = pa.schema([
    _DOC_ID,
    _f("target_id", pa.string(), "<doc_id>-t<ordinal>", nullable=False),
    _MEASURE_ID,
    _f("measure_path", pa.string(), "path of that measure"),
    _f("quantity_text", pa.string(), "the exact surface string, e.g. 不少于15项", nullable=False),
    _f("value_min", pa.float64(), "lower value in base units (万/亿 folded in; ‰ folded into %)", nullable=False),
    _f("value_max", pa.float64(), "upper value in base units; equals value_min for a point value", nullable=False),
    _f("comparator", pa.string(), "eq, ge, gt, le, approx or range", nullable=False),
    _f("unit", pa.string(), "measure word as a base unit: 家 个 项 人次 % /10万 …", nullable=False),
    _f("per", pa.string(), "年 for yearly rates, else null"),
    _f("subject", pa.string(), "what is counted, as written nearby"),
    _f("year", pa.int16(), "deadline year that governs the target, else null"),
    *_provenance("quantity_text"),
    *_VERSIONS,
])

DATES = pa.schema([
    _DOC_ID,
    _f("date_id", pa.string(), "<doc_id>-d<ordinal>", nullable=False),
    _MEASURE_ID,
    _f("kind", pa.string(), "deadline, period, point or recurring", nullable=False),
    _f("year", pa.int16(), "year (start year of a period)"),
    _f("month", pa.int8(), "month, when written"),
    _f("day", pa.int8(), "day, when written"),
    _f("year_end", pa.int16(), "last year of a period"),
    _f("text", pa.string(), "the exact surface string", nullable=False),
    *_provenance("text"),
    *_VERSIONS,
])

AGENCIES = pa.schema([
    _DOC_ID,
    _f("agency_id", pa.string(), "<doc_id>-a<ordinal>", nullable=False),
    _MEASURE_ID,
    _f("measure_path", pa.string(), "path of that measure"),
    _f("annotation", pa.int32(), "index of the responsibility annotation in the document, from 0", nullable=False),
    _f("position", pa.int16(), "1, 2, … within its annotation", nullable=False),
    _f("name", pa.string(), "agency name as written", nullable=False),
    _f("name_canonical", pa.string(), "full official name from rules/agency_aliases.yaml; null when unknown"),
    _f("role", pa.string(), "lead, responsible or support", nullable=False),
    *_provenance("name"),
    *_VERSIONS,
])

ERRORS = pa.schema([
    _f("source_file", pa.string(), "input path relative to the raw directory", nullable=False),
    _f("severity", pa.string(), "error: the input was not extracted; warning: extracted, but check it", nullable=False),
    _f("doc_id", pa.string(), "the document's id when it was extracted despite the problem (warnings)"),
    _f("stage", pa.string(), "where it failed: ingest or extract", nullable=False),
    _f("error_code", pa.string(), "stable code: empty, binary, decode, unsupported_format, corrupt, too_large, "
                                  "missing, unreadable, no_text, duplicate, extract_failed, internal_error; "
                                  "warnings: truncated_utf8, no_measures", nullable=False),
    _f("message", pa.string(), "what is wrong, for people", nullable=False),
    _f("source_sha256", pa.string(), "SHA-256 of the input's bytes, when they could be read"),
    *_VERSIONS,
])

_COUNT = pa.int32()
RUNS = pa.schema([
    _f("run_id", pa.string(), "id of the run; also the snapshot directory name", nullable=False),
    _f("flow_run_id", pa.string(), "Prefect flow run id (null when run outside Prefect)"),
    _f("started_at", pa.timestamp("us", tz="UTC"), "when the run started", nullable=False),
    _f("finished_at", pa.timestamp("us", tz="UTC"), "when its tables were ready to publish", nullable=False),
    _f("new", _COUNT, "input files not seen before", nullable=False),
    _f("changed", _COUNT, "input files whose bytes, rules or pipeline version changed", nullable=False),
    _f("unchanged", _COUNT, "input files carried forward without extraction", nullable=False),
    _f("removed", _COUNT, "files of the previous run no longer in the input", nullable=False),
    _f("failed", _COUNT, "inputs that failed in this run", nullable=False),
    *_VERSIONS,
])

TABLES: dict[str, pa.Schema] = {
    "documents": DOCUMENTS,
    "measures": MEASURES,
    "targets": TARGETS,
    "dates": DATES,
    "agencies": AGENCIES,
    "errors": ERRORS,
    "runs": RUNS,
}
