"""The readers: file forms, line numbers and unreadable input."""

import gzip

import orjson

from profiles.importing.readers import (
    FileRange,
    LineBatch,
    batch_records,
    plan_batches,
    read_batches,
    read_records,
)
from tests.importing.conftest import EDGE_CASES, SEED_WORKS, read_lines, write_lines


def _ids(records):
    return [record.data["id"] for record in records if record.data]


def test_json_lines_read_in_order():
    records = list(read_records(SEED_WORKS))

    assert _ids(records) == ["https://openalex.org/W9900000001", "https://openalex.org/W9900000002"]
    assert [record.line for record in records] == [1, 2]
    assert all(not record.error for record in records)


def test_gzip_detected_by_magic_bytes(tmp_path):
    # A gzipped file whose name does not end in .gz.
    path = tmp_path / "works.jsonl"
    path.write_bytes(gzip.compress(SEED_WORKS.read_bytes()))

    records = list(read_records(path))

    assert _ids(records) == ["https://openalex.org/W9900000001", "https://openalex.org/W9900000002"]


def test_gzipped_edge_cases_read_completely():
    records = list(read_records(EDGE_CASES))

    assert len(records) == 103
    assert all(not record.error for record in records)
    assert records[-1].line == 103


def test_api_list_response_lines(tmp_path):
    works = [orjson.loads(line) for line in read_lines(SEED_WORKS)]
    page = orjson.dumps({"meta": {"count": 2, "page": 1}, "results": works})
    path = write_lines(tmp_path / "page.jsonl", [page, page])

    records = list(read_records(path))

    assert len(records) == 4
    assert [record.line for record in records] == [1, 1, 2, 2]
    assert records[0].data == works[0]


def test_pretty_printed_single_object(tmp_path):
    work = orjson.loads(read_lines(SEED_WORKS)[0])
    path = tmp_path / "work.json"
    path.write_bytes(orjson.dumps(work, option=orjson.OPT_INDENT_2))

    records = list(read_records(path))

    assert len(records) == 1
    assert records[0].data == work
    assert records[0].line == 1


def test_pretty_printed_api_response(tmp_path):
    works = [orjson.loads(line) for line in read_lines(SEED_WORKS)]
    path = tmp_path / "response.json"
    path.write_bytes(orjson.dumps({"meta": {}, "results": works}, option=orjson.OPT_INDENT_2))

    records = list(read_records(path))

    assert [record.data for record in records] == works


def test_json_list_document(tmp_path):
    works = [orjson.loads(line) for line in read_lines(SEED_WORKS)]
    path = tmp_path / "list.json"
    path.write_bytes(orjson.dumps(works, option=orjson.OPT_INDENT_2))

    assert [record.data for record in read_records(path)] == works


def test_invalid_json_line_rejected_rest_read(tmp_path):
    good = read_lines(SEED_WORKS)
    path = write_lines(tmp_path / "mixed.jsonl", [good[0], b'{"id": "https://openalex.org/W1", "title": ', good[1]])

    records = list(read_records(path))

    assert len(records) == 3
    assert records[1].line == 2
    assert records[1].error.startswith("invalid JSON")
    assert records[1].file == str(path)
    assert _ids(records) == ["https://openalex.org/W9900000001", "https://openalex.org/W9900000002"]
    assert records[2].line == 3


def test_invalid_first_line_rejected_rest_read(tmp_path):
    good = read_lines(SEED_WORKS)
    path = write_lines(tmp_path / "bad-first.jsonl", [b"not json", good[0], good[1]])

    records = list(read_records(path))

    assert records[0].line == 1
    assert records[0].error.startswith("invalid JSON")
    assert [record.line for record in records[1:]] == [2, 3]
    assert _ids(records) == ["https://openalex.org/W9900000001", "https://openalex.org/W9900000002"]


def test_blank_lines_skipped_numbers_kept(tmp_path):
    good = read_lines(SEED_WORKS)
    path = write_lines(tmp_path / "blank.jsonl", [b"", good[0], b"   ", good[1]])

    records = list(read_records(path))

    assert [record.line for record in records] == [2, 4]


def test_non_object_entry_rejected(tmp_path):
    path = write_lines(tmp_path / "scalars.jsonl", [b"42", b'["a"]'])

    records = list(read_records(path))

    assert records[0].error == "expected a JSON object, found int"
    assert records[1].error == "expected a JSON object, found str"
    assert records[1].line == 2


def test_truncated_gzip_keeps_earlier_records(tmp_path):
    lines = read_lines(EDGE_CASES)[:20]
    compressed = gzip.compress(b"".join(line + b"\n" for line in lines))
    path = tmp_path / "truncated.jsonl.gz"
    path.write_bytes(compressed[: len(compressed) * 2 // 3])

    records = list(read_records(path))

    readable = [record for record in records if not record.error]
    errors = [record for record in records if record.error]
    assert 0 < len(readable) < 20
    assert [record.data for record in readable] == [orjson.loads(line) for line in lines[: len(readable)]]
    assert len(errors) == 1
    assert "truncated or corrupt" in errors[0].error
    assert errors[0].line == len(readable) + 1
    assert errors[0].file == str(path)


def test_corrupt_gzip_reported_as_error(tmp_path):
    path = tmp_path / "corrupt.jsonl.gz"
    path.write_bytes(b"\x1f\x8b" + b"\x00" * 40)

    records = list(read_records(path))

    assert len(records) == 1
    assert "truncated or corrupt" in records[0].error


def test_empty_file_yields_nothing(tmp_path):
    path = tmp_path / "empty.jsonl"
    path.write_bytes(b"\n\n")

    assert list(read_records(path)) == []


def test_progress_reports_bytes_read():
    total = []

    list(read_records(EDGE_CASES, on_read=total.append))

    assert sum(total) == EDGE_CASES.stat().st_size


def test_plain_lines_planned_as_ranges_of_whole_lines(tmp_path):
    path = tmp_path / "works.jsonl"
    path.write_bytes(b'{"id": 1}\n\n{"id": 2}\r\n{"id": 3}\n{"id": 4}')

    batches = list(plan_batches(path, batch_lines=2))

    assert [(batch.start, batch.end, batch.first_line) for batch in batches] == [(0, 11, 1), (11, 32, 3), (32, 41, 5)]
    assert [batch.read().lines for batch in batches] == [
        [(1, b'{"id": 1}')],
        [(3, b'{"id": 2}'), (4, b'{"id": 3}')],
        [(5, b'{"id": 4}')],
    ]


def test_ranges_read_the_same_records_as_lines(tmp_path):
    lines = [*read_lines(SEED_WORKS), b"{not json", b"", b"[1, 2]", *read_lines(SEED_WORKS)]
    path = write_lines(tmp_path / "works.jsonl", lines)

    ranged = [record for batch in plan_batches(path, batch_lines=3) for record in batch_records(batch)]
    streamed = [record for batch in read_batches(path, batch_lines=3) for record in batch_records(batch)]

    assert all(isinstance(batch, FileRange) for batch in plan_batches(path, batch_lines=3))
    assert [(record.line, record.error, record.data) for record in ranged] == [
        (record.line, record.error, record.data) for record in streamed
    ]
    assert [record.line for record in ranged if record.error] == [3, 5, 5]


def test_gzip_and_documents_planned_as_line_batches(tmp_path):
    gzipped = tmp_path / "works.jsonl.gz"
    gzipped.write_bytes(gzip.compress(SEED_WORKS.read_bytes()))
    document = tmp_path / "work.json"
    document.write_bytes(orjson.dumps(orjson.loads(read_lines(SEED_WORKS)[0]), option=orjson.OPT_INDENT_2))

    for path in (gzipped, document):
        assert all(isinstance(batch, LineBatch) for batch in plan_batches(path))
    assert [record.line for batch in plan_batches(document) for record in batch_records(batch)] == [1]
