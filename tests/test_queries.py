"""Every query in docs/QUERIES.md runs on tables built from raw/ and gives the columns shown."""

from pathlib import Path

import pytest
import regex

from pipeline.query import QueryError, run_query
from pipeline.ruleset import load_ruleset
from pipeline.run import extract_batch, publish_batches, start_run

PROJECT = Path(__file__).resolve().parent.parent
QUERIES = (PROJECT / "docs" / "QUERIES.md").read_text(encoding="utf-8")
# a fenced sql block, then the header row of the result table shown under it
_EXAMPLE = regex.compile(r"```sql\n(?P<sql>.*?)\n```\n\n\| (?P<header>[^\n]*) \|\n", regex.S)
EXAMPLES = [(m["sql"], m["header"].split(" | ")) for m in _EXAMPLE.finditer(QUERIES)]


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("outputs")
    rules = load_ruleset()
    context = start_run(PROJECT / "raw", out, rules.version)
    batch = extract_batch([item.path for item in context.plan.to_extract], PROJECT / "raw", rules, context.parts_dir, 0)
    publish_batches([batch], out, context)
    return out


def test_queries_doc_has_examples():
    assert len(EXAMPLES) >= 6


@pytest.mark.parametrize(("sql", "columns"), EXAMPLES, ids=[f"query{i}" for i in range(1, len(EXAMPLES) + 1)])
def test_query_from_docs_runs_with_the_columns_shown(out_dir, sql, columns):
    names, rows = run_query(out_dir, sql)
    assert names == columns
    assert rows


@pytest.mark.parametrize("sql", ["SELECT nope FROM targets", "DROP TABLE x"])
def test_run_query_reports_bad_sql(out_dir, sql):
    with pytest.raises(QueryError):
        run_query(out_dir, sql)


def test_run_query_needs_published_tables(tmp_path):
    with pytest.raises(QueryError, match="no published tables"):
        run_query(tmp_path, "SELECT 1")
