"""parse_batch: rows and rejections of one batch, and the collector state it leaves."""

import gc

import pytest

from profiles.importing.parsing import parse_batch
from profiles.importing.readers import LineBatch
from tests.importing.conftest import SEED_WORKS, read_lines


def _batch():
    lines = [*read_lines(SEED_WORKS), b"{broken"]
    return LineBatch("works.jsonl", lines=list(enumerate(lines, 1)))


@pytest.mark.parametrize("enabled", [True, False])
def test_parse_batch_restores_gc_state(enabled):
    was_enabled = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        parsed = parse_batch(_batch())
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was_enabled else gc.disable)()

    assert sorted(parsed.works.works) == ["W9900000001", "W9900000002"]
    assert parsed.records_read == 2
    assert [(file, line) for file, line, _reason in parsed.rejections] == [("works.jsonl", 3)]
