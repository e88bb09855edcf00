from pathlib import Path

from pipeline.schema_doc import render_schema_doc

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_schema_doc_matches_the_schemas():
    assert (DOCS / "SCHEMA.md").read_text(encoding="utf-8") == render_schema_doc(), (
        "docs/SCHEMA.md drifted from pipeline/schemas.py: run `python -m pipeline schema > docs/SCHEMA.md`"
    )
