"""One document through every extraction stage, into table rows."""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from . import PIPELINE_VERSION
from .agencies import canonicalize, find_agencies
from .dates import find_dates
from .docfields import document_fields
from .errors import InputError, PipelineError
from .ingest import doc_id_for, read_document, source_name
from .measures import segment
from .model import Measure, SourceDocument
from .ruleset import RuleSet
from .targets import assign_years, find_targets


@dataclass
class Rows:
    """Rows for every table, plus the inputs that failed."""

    tables: dict[str, list[dict]] = field(default_factory=lambda: {name: [] for name in TABLE_NAMES})
    errors: list[dict] = field(default_factory=list)

    def extend(self, other: "Rows") -> None:
        for name, rows in other.tables.items():
            self.tables[name].extend(rows)
        self.errors.extend(other.errors)


TABLE_NAMES = ("documents", "measures", "targets", "dates", "agencies")


class _MeasureIndex:
    """Finds the measure a character offset stands in (measures are in text order)."""

    def __init__(self, measures: list[Measure], doc_id: str):
        self._starts = [m.char_start for m in measures]
        self._measures = measures
        self.ids = [f"{doc_id}-m{m.ordinal:04d}" for m in measures]

    def at(self, offset: int) -> Measure | None:
        index = bisect.bisect_right(self._starts, offset) - 1
        return self._measures[index] if index >= 0 else None

    def id_and_path(self, offset: int) -> tuple[str | None, str | None]:
        measure = self.at(offset)
        return (self.ids[measure.ordinal], measure.path) if measure else (None, None)


def _iso_date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def extract_document(doc: SourceDocument, rules: RuleSet) -> Rows:
    """Every table's rows for one document."""
    doc_id = doc_id_for(doc.source_sha256)
    text = doc.text
    versions = {"pipeline_version": PIPELINE_VERSION, "rules_version": rules.version}
    rows = Rows()

    fields = document_fields(doc, rules.documents)
    rows.tables["documents"].append({
        "doc_id": doc_id, "source_file": doc.source_file, "source_sha256": doc.source_sha256,
        "title": fields.title, "doc_type": fields.doc_type, "region": fields.region,
        "admin_level": fields.admin_level, "issuers": list(fields.issuers), "doc_number": fields.doc_number,
        "period_start": fields.period_start, "period_end": fields.period_end,
        "published_date": _iso_date(fields.published_date), "source_url": fields.source_url,
        "encoding": doc.encoding, "n_chars": len(text), "text": text, **versions,
    })

    measures = segment(text, rules.numbering)
    index = _MeasureIndex(measures, doc_id)
    warnings = list(doc.warnings)
    if not measures:
        warnings.append(("no_measures", "no numbered measures found (一、 （一） 1. …): is this a plan?"))
    rows.errors = [{"source_file": doc.source_file, "severity": "warning", "doc_id": doc_id, "stage": "extract",
                    "error_code": code, "message": message} for code, message in warnings]
    for measure in measures:
        rows.tables["measures"].append({
            "doc_id": doc_id, "measure_id": index.ids[measure.ordinal],
            "parent_id": index.ids[measure.parent_ordinal] if measure.parent_ordinal is not None else None,
            "ordinal": measure.ordinal, "path": measure.path, "label": measure.label, "level": measure.level,
            "kind": measure.kind, "title": measure.title, "text": text[measure.char_start:measure.char_end],
            "char_start": measure.char_start, "char_end": measure.char_end, **versions,
        })

    dates = find_dates(text, rules.dates)
    for ordinal, date in enumerate(dates):
        measure_id, _ = index.id_and_path(date.char_start)
        rows.tables["dates"].append({
            "doc_id": doc_id, "date_id": f"{doc_id}-d{ordinal:04d}", "measure_id": measure_id,
            "kind": date.kind, "year": date.year, "month": date.month, "day": date.day,
            "year_end": date.year_end, "text": date.text,
            "char_start": date.char_start, "char_end": date.char_end, **versions,
        })

    targets = find_targets(text, rules.targets)
    assign_years(targets, dates, text, [(m.char_start, m.char_end) for m in measures])
    for ordinal, target in enumerate(targets):
        measure_id, path = index.id_and_path(target.char_start)
        rows.tables["targets"].append({
            "doc_id": doc_id, "target_id": f"{doc_id}-t{ordinal:04d}", "measure_id": measure_id,
            "measure_path": path, "quantity_text": target.quantity_text,
            "value_min": target.value_min, "value_max": target.value_max, "comparator": target.comparator,
            "unit": target.unit, "per": target.per, "subject": target.subject, "year": target.year,
            "char_start": target.char_start, "char_end": target.char_end, **versions,
        })

    agencies = find_agencies(text, rules.agencies)
    canonicalize(agencies, fields.region, rules.agencies)
    for ordinal, agency in enumerate(agencies):
        measure_id, path = index.id_and_path(agency.char_start)
        rows.tables["agencies"].append({
            "doc_id": doc_id, "agency_id": f"{doc_id}-a{ordinal:04d}", "measure_id": measure_id,
            "measure_path": path, "annotation": agency.annotation, "position": agency.position,
            "name": agency.name, "name_canonical": agency.name_canonical, "role": agency.role,
            "char_start": agency.char_start, "char_end": agency.char_end, **versions,
        })
    return rows


def extract_files(paths: list[Path], raw_dir: Path, rules: RuleSet) -> Rows:
    """Extract a batch of files; a bad file becomes an error row, the rest go on."""
    result = Rows()
    for path in paths:
        try:
            doc = read_document(path, raw_dir)
            result.extend(extract_document(doc, rules))
        except InputError as exc:
            result.errors.append(_error(path, raw_dir, exc.stage, exc.code, exc.reason))
        except PipelineError as exc:
            result.errors.append(_error(path, raw_dir, "extract", "extract_failed", str(exc)))
        except Exception as exc:  # noqa: BLE001 - a bug on one document must not lose the others
            result.errors.append(_error(path, raw_dir, "extract", "internal_error", f"{type(exc).__name__}: {exc}"))
    return result


def _error(path: Path, raw_dir: Path, stage: str, code: str, message: str) -> dict:
    return {"source_file": source_name(path, raw_dir), "severity": "error", "doc_id": None, "stage": stage,
            "error_code": code, "message": message}
