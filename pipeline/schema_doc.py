"""docs/SCHEMA.md, generated from the pyarrow schemas (a test fails when it drifts)."""

from __future__ import annotations

from .schemas import TABLES

_TABLE_DOCS = {
    "documents": "One row per input document, with its normalized text.",
    "measures": "Every numbered unit of the body (章/节/条, 一、, （一）, 1., （1）, ①, 一是, 专栏), at any depth.",
    "targets": "Quantified commitments: one row per number with a measure word.",
    "dates": "Every date expression in the body: deadlines, periods, points, recurring.",
    "agencies": "Agencies named in responsibility annotations, with their role.",
    "errors": "One row per input that could not be extracted (severity error), or was extracted with a problem worth checking (severity warning).",
    "runs": "One row per run of the flow.",
}


def render_schema_doc() -> str:
    lines = [
        "# Output tables",
        "",
        "Generated from `pipeline/schemas.py` by `python -m pipeline schema`; do not edit by hand.",
        "",
        "Each table is `outputs/<table>.parquet`. `errors` and `runs` are single files; the tables with",
        "rows per document are directories partitioned by the document's province, one file each",
        "(`outputs/targets.parquet/山东省.parquet`; `unknown.parquet` when the province is not known).",
        "pyarrow and pandas read the directory as one table; DuckDB reads `outputs/targets.parquet/*.parquet`.",
        "",
        "Rows with `char_start`/`char_end` point into `documents.text`:",
        "`documents.text[char_start:char_end]` equals the row's surface column.",
    ]
    for name, schema in TABLES.items():
        lines += ["", f"## {name}", "", _TABLE_DOCS[name], "", "| column | type | null | meaning |", "|---|---|---|---|"]
        for field in schema:
            doc = (field.metadata or {}).get(b"doc", b"").decode()
            lines.append(f"| `{field.name}` | {field.type} | {'yes' if field.nullable else 'no'} | {doc} |")
    return "\n".join(lines) + "\n"
