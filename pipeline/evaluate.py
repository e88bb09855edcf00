"""Scoring output tables against hand annotations in the guide's gold format.

Matching keys (multisets, per document):
- measures: `path`; on matches, title, level and kind accuracy.
- targets: (`measure_path`, `quantity_text`); on matches, accuracy of year,
  comparator, values, unit, per and subject.
- agencies: (`measure_path`, `name`, `role`); on matches, position accuracy.
- document fields: exact equality per field (issuers as ordered lists).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .errors import PipelineError
from .tablefiles import read_schema, read_table

DOCUMENT_FIELDS = ("title", "doc_type", "region", "admin_level", "issuers", "doc_number",
                   "period_start", "period_end", "published_date", "source_url")
TARGET_ATTRIBUTES = ("year", "comparator", "value_min", "value_max", "unit", "per", "subject")


@dataclass
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[str] = field(default_factory=list)      # in gold, not extracted
    extras: list[str] = field(default_factory=list)      # extracted, not in gold

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Accuracy:
    right: int = 0
    total: int = 0
    wrong: list[str] = field(default_factory=list)

    def add(self, ok: bool, note: str) -> None:
        self.total += 1
        self.right += ok
        if not ok:
            self.wrong.append(note)

    @property
    def value(self) -> float:
        return self.right / self.total if self.total else 1.0


@dataclass
class Report:
    documents: int = 0
    measures: PRF = field(default_factory=PRF)
    targets: PRF = field(default_factory=PRF)
    agencies: PRF = field(default_factory=PRF)
    accuracy: dict[str, Accuracy] = field(default_factory=dict)

    def acc(self, name: str) -> Accuracy:
        return self.accuracy.setdefault(name, Accuracy())


def load_gold(gold_dir: Path) -> list[dict]:
    files = sorted(gold_dir.glob("*.json"))
    if not files:
        raise PipelineError(f"{gold_dir}: no gold *.json files")
    gold = []
    for path in files:
        try:
            gold.append(json.loads(path.read_text(encoding="utf-8")))
        except json.JSONDecodeError as exc:
            raise PipelineError(f"{path}:{exc.lineno}: invalid JSON: {exc.msg}") from exc
    return gold


def load_outputs(out_dir: Path) -> dict[str, list[dict]]:
    tables = {}
    for name in ("documents", "measures", "targets", "agencies"):
        path = out_dir / f"{name}.parquet"
        if not path.exists():
            raise PipelineError(f"{path}: table missing; run the pipeline first")
        columns = None if name != "documents" else [c for c in read_schema(path).names if c != "text"]
        tables[name] = read_table(path, columns=columns).to_pylist()
    return tables


def _match(gold: Counter, predicted: Counter, prf: PRF, doc: str) -> set:
    for key in gold | predicted:
        both = min(gold[key], predicted[key])
        prf.tp += both
        prf.fn += gold[key] - both
        prf.fp += predicted[key] - both
        prf.misses += [f"{doc} {key}"] * (gold[key] - both)
        prf.extras += [f"{doc} {key}"] * (predicted[key] - both)
    return set(gold) & set(predicted)


def _in_order(keys: set) -> list:
    """Matched keys in a stable order; a target before the first measure has no path (None)."""
    return sorted(keys, key=lambda key: tuple("" if part is None else part for part in key)
                  if isinstance(key, tuple) else key)


def _norm(value):
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value


def score(gold_docs: list[dict], outputs: dict[str, list[dict]]) -> Report:
    report = Report()
    doc_by_file = {Path(row["source_file"]).name: row for row in outputs["documents"]}
    by_doc: dict[str, dict[str, list[dict]]] = {}
    for table in ("measures", "targets", "agencies"):
        for row in outputs[table]:
            by_doc.setdefault(row["doc_id"], {}).setdefault(table, []).append(row)

    for gold in gold_docs:
        name = gold["file"]
        report.documents += 1
        doc = doc_by_file.get(name)
        predicted = by_doc.get(doc["doc_id"], {}) if doc else {}

        for key in DOCUMENT_FIELDS:
            got = doc.get(key) if doc else None
            if key == "published_date" and got is not None:
                got = got.isoformat()
            report.acc(f"document.{key}").add(got == gold["document"].get(key),
                                              f"{name} {key}: gold {gold['document'].get(key)!r}, got {got!r}")

        gold_measures = {m["path"]: m for m in gold["measures"]}
        got_measures = {m["path"]: m for m in predicted.get("measures", [])}
        matched = _match(Counter(m["path"] for m in gold["measures"]),
                         Counter(m["path"] for m in predicted.get("measures", [])), report.measures, name)
        for path in _in_order(matched):
            g, p = gold_measures[path], got_measures[path]
            for attr in ("title", "level", "kind"):
                report.acc(f"measure.{attr}").add(g[attr] == p[attr], f"{name} {path}: gold {g[attr]!r}, got {p[attr]!r}")

        gold_agencies = Counter((m["path"], a["name"], a["role"]) for m in gold["measures"] for a in m["agencies"])
        got_agencies = Counter((a["measure_path"], a["name"], a["role"]) for a in predicted.get("agencies", []))
        gold_positions = {(m["path"], a["name"], a["role"]): a["position"] for m in gold["measures"] for a in m["agencies"]}
        got_positions = {(a["measure_path"], a["name"], a["role"]): a["position"] for a in predicted.get("agencies", [])}
        for key in _match(gold_agencies, got_agencies, report.agencies, name):
            report.acc("agency.position").add(gold_positions[key] == got_positions[key], f"{name} {key}")

        gold_targets: dict[tuple, list[dict]] = {}
        for t in gold["targets"]:
            gold_targets.setdefault((t["measure_path"], t["quantity_text"]), []).append(t)
        got_targets: dict[tuple, list[dict]] = {}
        for t in predicted.get("targets", []):
            got_targets.setdefault((t["measure_path"], t["quantity_text"]), []).append(t)
        matched = _match(Counter({k: len(v) for k, v in gold_targets.items()}),
                         Counter({k: len(v) for k, v in got_targets.items()}), report.targets, name)
        for key in _in_order(matched):
            for g, p in zip(gold_targets[key], got_targets[key]):
                for attr in TARGET_ATTRIBUTES:
                    report.acc(f"target.{attr}").add(_norm(g[attr]) == _norm(p[attr]),
                                                     f"{name} {key}: {attr} gold {g[attr]!r}, got {p[attr]!r}")
    return report


def format_report(report: Report, show_misses: bool = True) -> str:
    lines = [f"documents scored: {report.documents}", "",
             f"{'table':<10} {'P':>6} {'R':>6} {'F1':>6}   tp  fp  fn"]
    for name in ("measures", "targets", "agencies"):
        prf: PRF = getattr(report, name)
        lines.append(f"{name:<10} {prf.precision:6.3f} {prf.recall:6.3f} {prf.f1:6.3f} {prf.tp:4d} {prf.fp:3d} {prf.fn:3d}")
    lines += ["", "accuracy on matched items:"]
    for name, acc in sorted(report.accuracy.items()):
        if not name.startswith("document."):
            lines.append(f"  {name:<22} {acc.value:6.3f}  ({acc.right}/{acc.total})")
    doc_accs = [a for n, a in report.accuracy.items() if n.startswith("document.")]
    right, total = sum(a.right for a in doc_accs), sum(a.total for a in doc_accs)
    lines.append(f"  {'document fields':<22} {right / total if total else 1.0:6.3f}  ({right}/{total})")
    for name, acc in sorted(report.accuracy.items()):
        if name.startswith("document."):
            lines.append(f"    {name[9:]:<20} {acc.value:6.3f}  ({acc.right}/{acc.total})")
    if show_misses:
        for name in ("measures", "targets", "agencies"):
            prf = getattr(report, name)
            lines += ["", f"{name}: missed (in gold, not extracted)"] + [f"  - {m}" for m in prf.misses]
            lines += [f"{name}: extra (extracted, not in gold)"] + [f"  + {m}" for m in prf.extras]
        lines.append("")
        lines.append("wrong attributes:")
        for name, acc in sorted(report.accuracy.items()):
            lines += [f"  {name}: {w}" for w in acc.wrong]
    return "\n".join(lines)
