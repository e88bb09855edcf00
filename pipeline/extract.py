"""One document through every extraction stage, into table rows."""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field
from itertools import takewhile
from pathlib import Path

from . import PIPELINE_VERSION
from .agencies import TaskRow, canonicalize, find_agencies, find_table_agencies, find_task_rows
from .dates import find_dates
from .docfields import document_fields
from .errors import InputError, PipelineError
from .indicators import find_indicator_targets
from .ingest import doc_id_for, read_document, source_name
from .measures import segment
from .model import Agency, DateMention, DocumentFields, Measure, SourceDocument, Target
from .ruleset import RuleSet
from .targets import assign_years, find_targets, outside_reviews_and_conditions


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
        self._measures = measures
        self._starts = [m.char_start for m in measures]
        self.ids = _row_ids(f"{doc_id}-m", len(measures))
        # entry i: the measure before the i-th start; entry 0: text before the first measure
        self._id_path = [(None, None), *zip(self.ids, (m.path for m in measures))]

    def places(self, found: list) -> list[tuple[str | None, str | None]]:
        """Measure id and path of each extracted item, by its char_start; none past the end of
        the measure before it (back matter: `附件：重点项目表`)."""
        starts, id_path, measures = self._starts, self._id_path, self._measures
        entries = [bisect.bisect_right(starts, item.char_start) for item in found]
        return [id_path[k] if k and item.char_start < measures[k - 1].char_end else id_path[0]
                for k, item in zip(entries, found)]

    def annotation_places(self, agencies: list) -> list[tuple[str | None, str | None]]:
        """As `places`, except that an annotation closing the last clause of a 一是…二是…
        run, when no other clause of the run is annotated, names who carries the whole
        paragraph: it belongs to the run's parent; and a table row's belongs to its measure."""
        measures, starts, id_path = self._measures, self._starts, self._id_path
        entries = [a.measure + 1 if a.measure is not None else bisect.bisect_right(starts, a.char_start)
                   for a in agencies]
        annotated = set(entries)
        for k, entry in enumerate(entries):
            measure = measures[entry - 1] if entry else None
            if measure is None or measure.kind != "enumeration" or measure.parent_ordinal is None:
                continue
            parent = measures[measure.parent_ordinal]
            run = [m.ordinal for m in takewhile(lambda m: m.level > parent.level, measures[parent.ordinal + 1:])
                   if m.parent_ordinal == parent.ordinal and m.kind == "enumeration"]
            if run[-1] == measure.ordinal and annotated.isdisjoint(o + 1 for o in run[:-1]):
                entries[k] = measure.parent_ordinal + 1
        return [id_path[entry] for entry in entries]


_ORDINALS = tuple(f"{i:04d}" for i in range(10_000))   # formatted once: a run makes millions of ids


def _row_ids(prefix: str, n: int) -> list[str]:
    """`prefix0000`, `prefix0001`, … (more digits past 9999)."""
    return [prefix + ordinal for ordinal in _ORDINALS[:n]] + [f"{prefix}{i}" for i in range(len(_ORDINALS), n)]


def _iso_date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def extract_document(doc: SourceDocument, rules: RuleSet) -> Rows:
    """Every table's rows for one document."""
    doc_id = doc_id_for(doc.source_sha256)
    text = doc.text
    rules_version = rules.version
    rows = Rows()

    fields = document_fields(doc, rules.documents)
    rows.tables["documents"].append({
        "doc_id": doc_id, "source_file": doc.source_file, "source_sha256": doc.source_sha256,
        "title": fields.title, "doc_type": fields.doc_type, "region": fields.region, "province": fields.province,
        "admin_level": fields.admin_level, "issuers": list(fields.issuers), "doc_number": fields.doc_number,
        "period_start": fields.period_start, "period_end": fields.period_end,
        "published_date": _iso_date(fields.published_date), "source_url": fields.source_url,
        "encoding": doc.encoding, "n_chars": len(text), "text": text,
        "pipeline_version": PIPELINE_VERSION, "rules_version": rules_version,
    })

    measures = segment(text, rules.numbering)
    index = _MeasureIndex(measures, doc_id)
    warnings = list(doc.warnings)
    if not measures:
        warnings.append(("no_measures", "no numbered measures found (一、 （一） 1. …): is this a plan?"))
    rows.errors = [{"source_file": doc.source_file, "severity": "warning", "doc_id": doc_id, "stage": "extract",
                    "error_code": code, "message": message} for code, message in warnings]
    ids = index.ids
    rows.tables["measures"] = [{
        "doc_id": doc_id, "measure_id": ids[m.ordinal],
        "parent_id": ids[m.parent_ordinal] if m.parent_ordinal is not None else None,
        "ordinal": m.ordinal, "path": m.path, "label": m.label, "level": m.level,
        "kind": m.kind, "title": m.title, "text": text[m.char_start:m.char_end],
        "char_start": m.char_start, "char_end": m.char_end,
        "pipeline_version": PIPELINE_VERSION, "rules_version": rules_version,
    } for m in measures]

    dates = find_dates(text, rules.dates)
    rows.tables["dates"] = [{
        "doc_id": doc_id, "date_id": row_id, "measure_id": measure_id,
        "kind": d.kind, "year": d.year, "month": d.month, "day": d.day,
        "year_end": d.year_end, "text": d.text, "char_start": d.char_start, "char_end": d.char_end,
        "pipeline_version": PIPELINE_VERSION, "rules_version": rules_version,
    } for row_id, d, (measure_id, _) in zip(_row_ids(f"{doc_id}-d", len(dates)), dates, index.places(dates))]

    task_rows = find_task_rows(text, [m.title for m in measures], rules.agencies)
    targets = document_targets(text, measures, dates, fields, task_rows, rules)
    rows.tables["targets"] = [{
        "doc_id": doc_id, "target_id": row_id, "measure_id": measure_id,
        "measure_path": path, "quantity_text": t.quantity_text,
        "value_min": t.value_min, "value_max": t.value_max, "comparator": t.comparator,
        "unit": t.unit, "per": t.per, "subject": t.subject, "year": t.year,
        "char_start": t.char_start, "char_end": t.char_end,
        "pipeline_version": PIPELINE_VERSION, "rules_version": rules_version,
    } for row_id, t, (measure_id, path) in zip(_row_ids(f"{doc_id}-t", len(targets)), targets, index.places(targets))]

    agencies = document_agencies(text, fields, task_rows, rules)
    rows.tables["agencies"] = [{
        "doc_id": doc_id, "agency_id": row_id, "measure_id": measure_id,
        "measure_path": path, "annotation": a.annotation, "position": a.position,
        "name": a.name, "name_canonical": a.name_canonical, "role": a.role,
        "char_start": a.char_start, "char_end": a.char_end,
        "pipeline_version": PIPELINE_VERSION, "rules_version": rules_version,
    } for row_id, a, (measure_id, path) in zip(_row_ids(f"{doc_id}-a", len(agencies)), agencies,
                                                 index.annotation_places(agencies))]
    return rows


def document_targets(text: str, measures: list[Measure], dates: list[DateMention], fields: DocumentFields,
                     task_rows: list[TaskRow], rules: RuleSet) -> list[Target]:
    """The targets outside reviews and condition lists, each with the deadline that governs it
    (failing one in the text, its measure's in a task table); in an indicator table's rows, the
    table's targets, with their columns' years."""
    present_year = fields.period_start or (int(fields.published_date[:4]) if fields.published_date else None)
    targets = outside_reviews_and_conditions(find_targets(text, rules.targets, present_year), measures, text,
                                             rules.targets)
    one_year = fields.period_start == fields.period_end and fields.period_start   # a year's work plan
    assign_years(targets, dates, text, measures, rules.targets, one_year or None, _row_deadlines(task_rows, dates))
    table_targets, rows = find_indicator_targets(text, rules.indicators)
    if not rows:
        return targets
    table_targets = outside_reviews_and_conditions(table_targets, measures, text, rules.targets)  # 完成情况 tables
    return sorted([t for t in targets if not any(a <= t.char_start < b for a, b in rows)] + table_targets,
                  key=lambda t: (t.char_start, t.char_end))


def _row_deadlines(task_rows: list[TaskRow], dates: list[DateMention]) -> dict[int, int]:
    """Measure ordinal → the year of the deadline in its task-table row's deadline cell."""
    deadlines = [d for d in dates if d.kind == "deadline"]
    starts = [d.char_start for d in deadlines]
    years = {}
    for row in task_rows:
        if row.deadline is not None:
            k = bisect.bisect_left(starts, row.deadline.start)
            if k < len(deadlines) and deadlines[k].char_end <= row.deadline.end:
                years[row.measure] = deadlines[k].year
    return years


def document_agencies(text: str, fields: DocumentFields, task_rows: list[TaskRow], rules: RuleSet) -> list[Agency]:
    """The agencies of the annotations (a `下同` ending at an annex) and of task-division
    tables, with their canonical names."""
    annexes = tuple(m.start() for m in rules.numbering.appendix_start.finditer(text))
    agencies = find_agencies(text, rules.agencies, annexes)
    agencies += find_table_agencies(text, task_rows, rules.agencies,
                                    first_index=max((a.annotation for a in agencies), default=-1) + 1)
    canonicalize(agencies, fields.region, rules.agencies)
    return agencies


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
