"""SQL over the published tables with DuckDB, reading the Parquet in place.

Views are named after the tables. They are bound to the snapshot that is
current when the connection opens, so a query never mixes two runs.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from .errors import PipelineError
from .publish import current_snapshot
from .schemas import TABLES
from .tablefiles import table_files


class QueryError(PipelineError):
    """The SQL failed, or there are no tables to query."""


def connect(out_dir: Path) -> duckdb.DuckDBPyConnection:
    snapshot = current_snapshot(out_dir)
    if snapshot is None:
        raise QueryError(f"{out_dir}: no published tables; run `python -m pipeline run` first")
    connection = duckdb.connect()
    for name in TABLES:
        path = snapshot / f"{name}.parquet"
        if path.exists():   # a file, or a directory of partitions
            files = ", ".join(f"'{file.as_posix()}'" for file in table_files(path))
            connection.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet([{files}])")
    return connection


def run_query(out_dir: Path, sql: str) -> tuple[list[str], list[tuple]]:
    """Column names and rows of `sql` over the tables in `out_dir`."""
    connection = connect(out_dir)
    try:
        relation = connection.execute(sql)
    except duckdb.Error as exc:
        raise QueryError(f"query failed: {exc}") from exc
    columns = [d[0] for d in relation.description] if relation.description else []
    return columns, relation.fetchall()


def format_table(columns: list[str], rows: list[tuple], max_width: int = 60) -> str:
    """A plain-text table (GitHub markdown), cells cut to `max_width`."""
    def cell(value) -> str:
        text = "" if value is None else str(value).replace("\n", " ").replace("|", "\\|")
        return text if len(text) <= max_width else text[: max_width - 1] + "…"

    lines = ["| " + " | ".join(columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


# Names the alias table (rules/agency_aliases.yaml) does not know yet, most frequent first.
UNKNOWN_AGENCIES_SQL = """
SELECT a.name, d.region, count(*) AS rows, count(DISTINCT a.doc_id) AS documents
FROM agencies a JOIN documents d USING (doc_id)
WHERE a.name_canonical IS NULL
GROUP BY a.name, d.region
ORDER BY rows DESC, a.name
"""

CANONICAL_COVERAGE_SQL = """
SELECT count(*) AS agency_rows, count(name_canonical) AS with_canonical,
       round(100.0 * count(name_canonical) / nullif(count(*), 0), 1) AS percent
FROM agencies
"""
