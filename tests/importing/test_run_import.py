"""run_import and the writer: what is stored, what is rejected, and idempotence."""

import gzip
import math
from collections import defaultdict
from itertools import combinations

import orjson
import pytest
from django.db import connection

from profiles import importing
from profiles.importing import normalize, run_import, writer
from profiles.models import (
    HYPERAUTHOR_THRESHOLD,
    Authorship,
    ImportRun,
    Institution,
    Researcher,
    Source,
    Topic,
    Work,
    WorkTopic,
)
from tests.importing.conftest import (
    AUTHORS,
    EDGE_CASES,
    INSTITUTIONS,
    LEGACY_WORKS,
    SEED_WORKS,
    SOURCES,
    TOPICS,
    UNSUPPORTED_KINDS,
    WORKS,
    profiles_tables,
    read_lines,
    read_records,
    table_snapshot,
    write_lines,
)

pytestmark = pytest.mark.django_db


def _researcher(openalex_id: str) -> Researcher:
    return Researcher.objects.get(openalex_id=openalex_id)


def _work(openalex_id: str) -> Work:
    return Work.objects.get(openalex_id=openalex_id)


# Rafael Müller's two works (data/sample/seed_example) -------------------------


def test_seed_example_profile_values():
    run = run_import([SEED_WORKS], progress=False)

    muller = _researcher("A9900000001")
    assert run.status == ImportRun.Status.FINISHED
    assert muller.display_name == "Rafael Müller"
    assert muller.works_count == 2
    assert muller.topics_count == 1
    assert muller.close_collaborators_count == 2
    assert muller.claimed_close_collaborators_count == 0
    assert muller.followers_count == 0
    assert muller.trust_score == 13
    assert muller.last_known_institution is None
    assert muller.orcid == ""
    assert muller.auto_summary == "Publishes on Neural Networks and Applications."


def test_seed_example_work_values():
    run_import([SEED_WORKS], progress=False)

    work = _work("W9900000001")
    assert work.title == "Subclass Distillation"
    assert work.venue == "arXiv"
    assert work.type == "preprint"
    assert work.publication_year == 2020
    assert work.arxiv_id == "2002.03936"
    assert work.doi == "10.48550/arxiv.2002.03936"
    assert work.abstract.startswith("After a large")
    assert work.source.display_name == "arXiv (Cornell University)"
    assert work.primary_topic.display_name == "Neural Networks and Applications"
    assert list(work.authorships.values_list("printed_name", flat=True)) == [
        "Rafael Müller",
        "Simon Kornblith",
        "Geoffrey Hinton",
    ]
    assert Work.objects.count() == 2
    assert Researcher.objects.count() == 3


def test_import_run_counts_recorded():
    run = run_import([SEED_WORKS], progress=False)

    run.refresh_from_db()
    assert run.paths == [str(SEED_WORKS)]
    assert run.records_read == 2
    assert run.records_created == 2
    assert run.records_updated == 0
    assert run.records_unchanged == 0
    assert run.records_rejected == 0
    assert run.rejections == []
    assert run.finished_at is not None


# Other files and forms ------------------------------------------------------


def test_legacy_schema_imports_atlas():
    run = run_import([LEGACY_WORKS], progress=False)

    atlas = _work("W2098406858")
    assert run.records_read == 410
    assert run.records_rejected == 0
    assert atlas.is_hyperauthored
    assert atlas.authors_count == atlas.authorships.count() > 2000
    assert (
        not Researcher.objects.filter(authorships__work=atlas, close_collaborators_count__gt=0)
        .exclude(authorships__work__is_hyperauthored=False)
        .exists()
    )
    assert _work("W1977140875").venue == "Operator theory"
    assert _work("W1977140875").source.openalex_id == "V2764910388"


def test_entity_files_import_full_records():
    run = run_import([INSTITUTIONS, TOPICS, SOURCES, AUTHORS], progress=False)

    assert run.records_rejected == 0
    assert Institution.objects.filter(is_complete=True).count() == len(read_lines(INSTITUTIONS))
    assert Topic.objects.filter(is_complete=True).count() == len(read_lines(TOPICS))
    assert Source.objects.filter(is_complete=True).count() == len(read_lines(SOURCES))
    assert Researcher.objects.count() == len(read_lines(AUTHORS))
    assert Researcher.objects.exclude(orcid="").count() > 1000
    institution = Institution.objects.exclude(ror="").exclude(web_domains=[]).first()
    assert institution is not None
    assert institution.homepage_url


def test_work_stub_keeps_full_topic():
    run_import([TOPICS], progress=False)
    topic = Topic.objects.get(openalex_id="T10320")
    before = (topic.display_name, topic.subfield, topic.field, topic.domain, topic.is_complete)

    run_import([SEED_WORKS], progress=False)

    topic.refresh_from_db()
    assert (topic.display_name, topic.subfield, topic.field, topic.domain, topic.is_complete) == before
    assert topic.is_complete


def test_unsupported_kinds_skipped_not_rejected():
    run = run_import([UNSUPPORTED_KINDS], progress=False)

    assert run.records_read == 3
    assert run.records_skipped == 3
    assert run.records_rejected == 0
    assert run.status == ImportRun.Status.FINISHED


def test_api_list_response_imported(tmp_path):
    works = read_records(SEED_WORKS)
    path = tmp_path / "page.json"
    path.write_bytes(orjson.dumps({"meta": {"count": 2}, "results": works}, option=orjson.OPT_INDENT_2))

    run = run_import([path], progress=False)

    assert run.records_created == 2
    assert _researcher("A9900000001").works_count == 2


def test_missing_file_raises_before_run(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"missing\.jsonl"):
        run_import([tmp_path / "missing.jsonl"], progress=False)

    assert not ImportRun.objects.exists()


def _stored_values():
    return {
        "works": list(
            Work.objects.order_by("openalex_id").values_list(
                "openalex_id", "record_hash", "title", "abstract", "venue", "authors_count", "is_hyperauthored"
            )
        ),
        "authorships": list(
            Authorship.objects.order_by("work__openalex_id", "position").values_list(
                "work__openalex_id", "researcher__openalex_id", "position", "printed_name"
            )
        ),
        "researchers": list(
            Researcher.objects.order_by("openalex_id").values_list(
                "openalex_id", "orcid", "works_count", "close_collaborators_count", "trust_score", "auto_summary"
            )
        ),
        "topics": list(
            WorkTopic.objects.order_by("work__openalex_id", "topic__openalex_id").values_list(
                "work__openalex_id", "topic__openalex_id", "score", "is_primary"
            )
        ),
    }


def test_worker_processes_store_same_rows(tmp_path):
    lines = read_lines(SEED_WORKS) + read_lines(WORKS)[:300] + [b"{broken"] + read_lines(EDGE_CASES)
    path = write_lines(tmp_path / "mixed.jsonl", lines)
    in_process = run_import([path], progress=False, workers=0)
    expected = _stored_values()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"TRUNCATE {', '.join(profiles_tables())} RESTART IDENTITY CASCADE")

    parallel = run_import([path], progress=False, workers=2)

    assert parallel.records_read == in_process.records_read == 2 + 300 + 103
    assert parallel.records_created == in_process.records_created
    assert parallel.records_updated == in_process.records_updated
    assert parallel.rejections == in_process.rejections
    assert parallel.rejections == [{"file": str(path), "line": 303, "reason": parallel.rejections[0]["reason"]}]
    assert _stored_values() == expected


@pytest.mark.parametrize("known_limit", [writer.MAX_KNOWN_ROWS, 1])
def test_ids_known_from_earlier_batches(tmp_path, monkeypatch, known_limit):
    # One work per batch: the author's second and third works find its key
    # in KnownRows (or, with a limit of 1, in the database again), and the
    # ORCID iD printed only on the second still reaches the researcher.
    monkeypatch.setattr(importing, "BATCH_SIZE", 1)
    monkeypatch.setattr(writer, "MAX_KNOWN_ROWS", known_limit)
    template = orjson.loads(read_lines(SEED_WORKS)[0])
    lines = []
    for number, orcid in enumerate([None, "https://orcid.org/0000-0002-1825-0097", None]):
        authorship = template["authorships"][0] | {
            "author": {"id": "https://openalex.org/A9800000001", "display_name": "Ada Lovelace", "orcid": orcid}
        }
        work_id = f"https://openalex.org/W980000000{number}"
        lines.append(
            orjson.dumps(template | {"id": work_id, "ids": {"openalex": work_id}, "authorships": [authorship]})
        )
    path = write_lines(tmp_path / "works.jsonl", lines)

    run = run_import([path], progress=False)

    assert run.records_created == 3
    ada = _researcher("A9800000001")
    assert (ada.orcid, ada.works_count) == ("0000-0002-1825-0097", 3)
    assert Researcher.objects.filter(display_name="Ada Lovelace").count() == 1
    assert Authorship.objects.filter(researcher=ada).count() == 3


# Rejections -----------------------------------------------------------------


def test_malformed_records_rejected_rest_imported(tmp_path):
    good = read_lines(SEED_WORKS)
    lines = [
        good[0],
        b'{"id": "https://openalex.org/W1", "title": ',
        b'{"title": "no id"}',
        b'{"id": "https://openalex.org/W77", "authorships": "nobody"}',
        b"[1, 2]",
        good[1],
    ]
    path = write_lines(tmp_path / "mixed.jsonl", lines)

    run = run_import([path], progress=False)

    reasons = {rejection["line"]: rejection["reason"] for rejection in run.rejections}
    assert run.status == ImportRun.Status.FINISHED_WITH_ERRORS
    assert run.records_rejected == 5
    assert set(reasons) == {2, 3, 4, 5}
    assert reasons[2].startswith("invalid JSON")
    assert reasons[3] == "missing the OpenAlex `id` field"
    assert reasons[4] == "`authorships` is a str, expected a list"
    assert reasons[5] == "expected a JSON object, found int"
    assert {rejection["file"] for rejection in run.rejections} == {str(path)}
    assert set(Work.objects.values_list("openalex_id", flat=True)) == {"W9900000001", "W9900000002"}
    assert _researcher("A9900000001").works_count == 2


def test_truncated_gzip_rejected_earlier_imported(tmp_path):
    lines = read_lines(WORKS)[:40]
    compressed = gzip.compress(b"".join(line + b"\n" for line in lines))
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(compressed[: len(compressed) // 2])

    run = run_import([path], progress=False)

    assert run.status == ImportRun.Status.FINISHED_WITH_ERRORS
    assert run.records_rejected == 1
    assert "truncated or corrupt" in run.rejections[0]["reason"]
    assert run.rejections[0]["line"] == run.records_read + 1
    assert 0 < Work.objects.count() == run.records_read < 40


def test_rejections_stored_up_to_limit(tmp_path):
    path = write_lines(tmp_path / "bad.jsonl", [b"{oops"] * (importing.MAX_STORED_REJECTIONS + 5))

    run = run_import([path], progress=False)

    assert run.records_rejected == importing.MAX_STORED_REJECTIONS + 5
    assert len(run.rejections) == importing.MAX_STORED_REJECTIONS


def test_reject_callback_receives_each(tmp_path):
    path = write_lines(tmp_path / "bad.jsonl", [b"{oops", b'{"id": "x"}'])
    seen = []

    run_import([path], progress=False, on_reject=lambda file, line, reason: seen.append((file, line)))

    assert seen == [(str(path), 1), (str(path), 2)]


# Idempotence and updates ----------------------------------------------------


def test_second_import_changes_no_row():
    paths = [SEED_WORKS, INSTITUTIONS, TOPICS, SOURCES, WORKS, LEGACY_WORKS, EDGE_CASES]
    run_import(paths, progress=False)
    before = table_snapshot()

    second = run_import(paths, progress=False)

    assert second.records_created == 0
    assert second.records_updated == 0
    assert second.records_unchanged == second.records_read
    assert sum(len(rows) for rows in before.values()) > 10_000
    assert table_snapshot() == before


def test_changed_record_updates_work(tmp_path):
    run_import([SEED_WORKS], progress=False)
    records = read_records(SEED_WORKS)
    first_work_id = _work("W9900000001").pk
    edited = records[0] | {
        "title": "Subclass Distillation, revised",
        "authorships": [records[0]["authorships"][0], records[0]["authorships"][2]],
    }
    path = write_lines(tmp_path / "edited.jsonl", [orjson.dumps(edited), orjson.dumps(records[1])])

    run = run_import([path], progress=False)

    work = _work("W9900000001")
    assert run.records_updated == 1
    assert run.records_unchanged == 1
    assert work.pk == first_work_id
    assert work.title == "Subclass Distillation, revised"
    assert list(work.authorships.values_list("printed_name", "position")) == [
        ("Rafael Müller", 0),
        ("Geoffrey Hinton", 1),
    ]
    assert _researcher("A9900000002").works_count == 1
    assert _researcher("A9900000001").close_collaborators_count == 1
    assert _researcher("A9900000001").trust_score == 10 + 2 + 0


def test_interrupted_import_keeps_batches(tmp_path, monkeypatch):
    lines = read_lines(WORKS)[:6]
    path = write_lines(tmp_path / "works.jsonl", lines)
    monkeypatch.setattr(importing, "BATCH_SIZE", 2)
    real_write = writer.write_works
    calls = []

    def fail_on_third_batch(rows, **options):
        calls.append(len(rows))
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real_write(rows, **options)

    monkeypatch.setitem(importing.WRITERS, "work", fail_on_third_batch)

    with pytest.raises(RuntimeError, match="disk full"):
        run_import([path], progress=False)

    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED
    assert run.error == "RuntimeError: disk full"
    assert run.finished_at is not None
    assert Work.objects.count() == 4
    assert Authorship.objects.filter(work__openalex_id__in=Work.objects.values("openalex_id")).exists()
    assert not Work.objects.filter(
        openalex_id__in=[normalize.short_id(orjson.loads(line)["id"]) for line in lines[4:]]
    ).exists()


# Counts against an independent computation from the raw records -------------


def _expected_counts(records: list[dict]):
    """Works, primary topics, close collaborators, ORCID and institution per author id, from raw records."""
    works = defaultdict(set)
    topics = defaultdict(set)
    orcid = set()
    institution = set()
    shared = defaultdict(int)
    for record in records:
        if normalize.entity_kind(record) != "work":
            continue
        work_id = record["id"]
        authors = []
        for item in record.get("authorships") or []:
            author_id = normalize.short_id((item.get("author") or {}).get("id"))
            if not author_id or author_id == normalize.PLACEHOLDER_AUTHOR_ID or author_id in authors:
                continue
            authors.append(author_id)
            if normalize.normalize_orcid((item.get("author") or {}).get("orcid")):
                orcid.add(author_id)
            if any(normalize.short_id((inst or {}).get("id")) for inst in item.get("institutions") or []):
                institution.add(author_id)
        primary = normalize.short_id((record.get("primary_topic") or {}).get("id"))
        for author_id in authors:
            works[author_id].add(work_id)
            if primary:
                topics[author_id].add(primary)
        if len(authors) <= HYPERAUTHOR_THRESHOLD:
            for pair in combinations(sorted(authors), 2):
                shared[pair] += 1
    close = defaultdict(int)
    for (left, right), count in shared.items():
        if count >= 2:
            close[left] += 1
            close[right] += 1
    return works, topics, close, orcid, institution


def test_counts_match_raw_records():
    records = read_records(WORKS) + read_records(EDGE_CASES)
    works, topics, close, _orcid, _institution = _expected_counts(records)

    run_import([WORKS, EDGE_CASES], progress=False)

    stored = {
        researcher.openalex_id: researcher
        for researcher in Researcher.objects.only(
            "openalex_id",
            "works_count",
            "topics_count",
            "close_collaborators_count",
            "trust_score",
            "orcid",
            "last_known_institution_id",
        )
    }
    with_works = {author_id for author_id in stored if author_id in works}
    assert len(with_works) > 7000
    mismatched = [
        author_id
        for author_id in with_works
        if (
            stored[author_id].works_count,
            stored[author_id].topics_count,
            stored[author_id].close_collaborators_count,
        )
        != (len(works[author_id]), len(topics[author_id]), close[author_id])
    ]
    assert mismatched == []
    assert sum(1 for author_id in with_works if close[author_id]) > 500


def test_trust_scores_match_formula():
    records = read_records(WORKS)
    works, _topics, close, orcid, institution = _expected_counts(records)

    run_import([WORKS], progress=False)

    wrong = []
    for researcher in Researcher.objects.only("openalex_id", "trust_score"):
        author_id = researcher.openalex_id
        expected = math.floor(
            10
            + (5 if author_id in orcid else 0)
            + (5 if author_id in institution else 0)
            + min(len(works[author_id]), 15)
            + min(close[author_id] * 0.5, 10)
        )
        if researcher.trust_score != expected:
            wrong.append((author_id, researcher.trust_score, expected))
    assert wrong == []


def test_work_topics_stored(tmp_path):
    lines = [line for line in read_lines(WORKS) if b'"topics":[{' in line][:20]
    path = write_lines(tmp_path / "works.jsonl", lines)
    record = orjson.loads(lines[0])

    run_import([path], progress=False)

    work = _work(normalize.short_id(record["id"]))
    assert WorkTopic.objects.filter(work=work).count() == len({topic["id"] for topic in record["topics"]})
    assert WorkTopic.objects.filter(work=work, is_primary=True).get().topic == work.primary_topic
    assert work.primary_topic.openalex_id == normalize.short_id(record["primary_topic"]["id"])


def test_progress_bar_written_to_stderr(capsys):
    run_import([SEED_WORKS], progress=True)

    err = capsys.readouterr().err
    assert "Importing" in err
    assert "100%" in err
