"""Batches extracted in worker processes: their parts, and errors that cross the process boundary."""

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.errors import RuleError
from pipeline.run import part_path
from pipeline.workers import extract_in_pool, shutdown

RAW = Path(__file__).resolve().parent.parent / "raw"


@pytest.fixture
def pool_cleanup():
    yield
    shutdown()


@pytest.mark.parametrize("workers", [1, 2])
def test_extract_in_pool_writes_one_part_per_table(tmp_path, pool_cleanup, workers):
    from pipeline.rules import RULES_DIR

    paths = [str(p) for p in sorted(RAW.glob("*.txt"))[:2]]
    batch = extract_in_pool(paths, str(RAW), str(RULES_DIR), str(tmp_path), 7, workers)
    assert (batch.index, batch.errors) == (7, [])
    assert {name: pq.read_metadata(part_path(tmp_path, 7, name)).num_rows for name in batch.rows} == batch.rows
    assert batch.rows["documents"] == 2


@pytest.mark.parametrize("workers", [1, 2])
def test_extract_in_pool_raises_the_rule_error_of_a_pattern_spacy_rejects(broken_rules, tmp_path, pool_cleanup,
                                                                          workers):
    # {"IN": ...} takes a list: spaCy rejects the pattern, the loader's own shape check does not
    rules_dir, path, line = broken_rules("spans/targets.jsonl", '"pattern": "培养"}',
                                         '"pattern": [{"ORTH": {"IN": "培养"}}]}')
    with pytest.raises(RuleError) as raised:
        extract_in_pool([str(sorted(RAW.glob("*.txt"))[0])], str(RAW), str(rules_dir), str(tmp_path), 0, workers)
    assert (raised.value.path, raised.value.line) == (str(path), line)
