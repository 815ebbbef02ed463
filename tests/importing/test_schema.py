"""The typed work decoder: same rows as the generic decoder, fallback on odd shapes."""

import orjson
import pytest

from profiles.importing import normalize
from profiles.importing.schema import WorkObject, decode_work_line
from tests.importing.conftest import EDGE_CASES, LEGACY_WORKS, SEED_WORKS, WORKS, read_lines


@pytest.mark.parametrize("path", [SEED_WORKS, WORKS, LEGACY_WORKS, EDGE_CASES], ids=lambda path: path.name)
def test_typed_decoder_gives_same_rows(path):
    compared = 0
    for line in read_lines(path):
        typed = decode_work_line(line)
        if typed is None:
            continue
        compared += 1
        assert normalize.normalize_work(typed) == normalize.normalize_work(orjson.loads(line)), line[:60]
    assert compared > 0


def test_typed_decoder_covers_real_works():
    lines = read_lines(WORKS)

    decoded = [decode_work_line(line) for line in lines]

    assert sum(isinstance(work, WorkObject) for work in decoded) == len(lines)


@pytest.mark.parametrize(
    "line",
    [
        b'{"id":"https://openalex.org/W1","authorships":"nobody"}',
        b'{"id":"https://openalex.org/W1","authorships":[{"author":"x"}]}',
        b'{"id":"https://openalex.org/W1","abstract_inverted_index":{"a":[0.5]}}',
        b'{"id":"https://openalex.org/W1","title": ',
        b'{"meta":{},"results":[]}',
        b'{"id":"https://openalex.org/A5000000001","display_name":"An Author"}',
    ],
)
def test_odd_lines_use_generic_decoder(line):
    assert decode_work_line(line) is None


def test_record_object_reads_like_dict():
    work = decode_work_line(b'{"id":"https://openalex.org/W1","title":null,"unknown":1}')

    assert work.get("id") == "https://openalex.org/W1"
    assert work.get("title") is None
    assert work.get("doi", "none") == "none"
    assert work.get("unknown") is None
    assert work["id"] == "https://openalex.org/W1"
    with pytest.raises(KeyError):
        work["doi"]
