"""Mapping OpenAlex records to rows: ids, authors, venues, abstracts, rejections."""

import datetime

import pytest

from profiles.importing import normalize
from profiles.importing.normalize import RecordError, UnsupportedRecord
from tests.importing.conftest import LEGACY_WORKS, SEED_WORKS, edge_record, read_records


def _work(data):
    return normalize.normalize_work(data)


def _authors(count, prefix="A5"):
    return [
        {
            "author_position": "middle",
            "author": {"id": f"https://openalex.org/{prefix}{index:09d}", "display_name": f"N{index}"},
        }
        for index in range(count)
    ]


@pytest.mark.parametrize(
    ("raw_id", "kind"),
    [
        ("https://openalex.org/W2741809807", "work"),
        ("W2741809807", "work"),
        ("https://openalex.org/A5023888391", "author"),
        ("https://openalex.org/I27837315", "institution"),
        ("https://openalex.org/T10320", "topic"),
        ("https://openalex.org/S4306400194", "source"),
    ],
)
def test_entity_kind_from_id(raw_id, kind):
    assert normalize.entity_kind({"id": raw_id}) == kind


@pytest.mark.parametrize(
    "raw_id",
    [
        "https://openalex.org/C105345328",
        "https://openalex.org/F4320306076",
        "https://openalex.org/P4310310987",
        "https://openalex.org/keywords/machine-learning",
    ],
)
def test_entity_kind_unsupported_kinds(raw_id):
    with pytest.raises(UnsupportedRecord):
        normalize.entity_kind({"id": raw_id})


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({}, "missing the OpenAlex `id` field"),
        ({"id": None}, "missing the OpenAlex `id` field"),
        ({"id": 42}, "missing the OpenAlex `id` field"),
        ({"id": "https://example.org/W1"}, "is not an OpenAlex id"),
        ({"id": "10.1000/xyz"}, "is not an OpenAlex id"),
    ],
)
def test_entity_kind_rejects_bad_ids(data, reason):
    with pytest.raises(RecordError, match=reason):
        normalize.entity_kind(data)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://orcid.org/0000-0002-4869-5791", "0000-0002-4869-5791"),
        ("0000-0001-9755-170x", "0000-0001-9755-170X"),
        ("0000-0002-0095-390", ""),
        ("", ""),
        (None, ""),
        (12, ""),
    ],
)
def test_normalize_orcid_forms(raw, expected):
    assert normalize.normalize_orcid(raw) == expected


def test_rebuild_abstract_orders_words():
    assert normalize.rebuild_abstract({"world": [1], "Hello": [0], "again": [3], "hello": [2]}) == (
        "Hello world hello again"
    )


def test_rebuild_abstract_empty_forms():
    assert normalize.rebuild_abstract(None) == ""
    assert normalize.rebuild_abstract({}) == ""


def test_rebuild_abstract_rejects_bad_positions():
    with pytest.raises(RecordError, match="abstract_inverted_index"):
        normalize.rebuild_abstract({"word": "0"})


def test_seed_work_fields():
    data = read_records(SEED_WORKS)[1]

    row = _work(data)

    assert row.openalex_id == "W9900000002"
    assert row.title == "When Does Label Smoothing Help?"
    assert row.type == "preprint"
    assert row.publication_year == 2020
    assert row.venue == "arXiv"
    assert row.source.display_name == "arXiv (Cornell University)"
    assert row.doi == "10.48550/arxiv.1906.02629"
    assert row.arxiv_id == "1906.02629"
    assert row.abstract.startswith("The generalization and learning speed of a multi-class neural network")
    assert [authorship.printed_name for authorship in row.authorships] == [
        "Rafael Müller",
        "Simon Kornblith",
        "Geoffrey E. Hinton",
    ]
    assert row.authorships[2].author.display_name == "Geoffrey Hinton"
    assert row.primary_topic.openalex_id == "T10320"
    assert not row.is_hyperauthored


def test_legacy_schema_venue_and_type():
    data = next(record for record in read_records(LEGACY_WORKS) if record["id"].endswith("/W1977140875"))

    row = _work(data)

    assert row.venue == "Operator theory"
    assert row.source.openalex_id == "V2764910388"
    assert row.type == "book"
    assert len(row.authorships) == 2


def test_legacy_type_names_mapped():
    assert _work({"id": "W1", "type": "journal-article"}).type == "article"
    assert _work({"id": "W1", "type": "posted-content"}).type == "preprint"
    assert _work({"id": "W1", "type": "erratum"}).type == "erratum"


def test_venue_without_host_suffix_kept():
    data = {
        "id": "W1",
        "primary_location": {"source": {"id": "S1", "display_name": "Nature", "host_organization_name": "Springer"}},
    }

    assert _work(data).venue == "Nature"


@pytest.mark.parametrize(
    ("name", "source_type", "venue"),
    [
        ("Zenodo (CERN European Organization for Nuclear Research)", "repository", "Zenodo"),
        ("HAL (Le Centre pour la Communication Scientifique Directe)", "repository", "HAL"),
        ("Journal of the Royal Statistical Society Series B (Statistical Methodology)", "journal", None),
        ("Computer Vision and Pattern Recognition (CVPR)", "conference", None),
    ],
)
def test_repository_host_in_brackets_dropped(name, source_type, venue):
    data = {
        "id": "W1",
        "primary_location": {
            "source": {"id": "S1", "display_name": name, "type": source_type, "host_organization_name": "Other"}
        },
    }

    assert _work(data).venue == (venue or name)


def test_placeholder_author_keeps_printed_name():
    row = _work(edge_record("W1501662969"))

    placeholder = row.authorships[-1]
    assert placeholder.printed_name == "(eds.)"
    assert placeholder.author is None
    assert len(row.authorships) == 7


def test_null_author_id_keeps_printed_name():
    row = _work(edge_record("W132472807"))

    assert len(row.authorships) == 1
    assert row.authorships[0].author is None


def test_repeated_author_counted_once():
    data = edge_record("W2738900493")
    distinct = {authorship["author"]["id"] for authorship in data["authorships"]}

    row = _work(data)

    assert len(data["authorships"]) == 9
    assert len(row.authorships) == len(distinct) == 6
    assert [authorship.position for authorship in row.authorships] == list(range(6))


def test_hyperauthor_threshold_boundary():
    assert not _work({"id": "W1", "authorships": _authors(50)}).is_hyperauthored
    assert _work({"id": "W1", "authorships": _authors(51)}).is_hyperauthored


def test_repeated_authors_do_not_make_hyperauthored():
    authorships = _authors(30) + _authors(30)

    row = _work({"id": "W1", "authorships": authorships})

    assert row.authors_count == 30
    assert not row.is_hyperauthored


def test_five_thousand_authors_hyperauthored():
    row = _work(edge_record("W1694905212"))

    assert row.is_hyperauthored
    assert row.authors_count > 5000


def test_zero_authorships_work():
    row = _work(edge_record("W4214746409"))

    assert row.authorships == []
    assert row.title == "World Development Report 2003"


def test_null_title_stored_empty():
    row = _work(edge_record("W4234567890"))

    assert row.title == ""


def test_old_publication_year_kept():
    assert _work(edge_record("W4233603210")).publication_year == 1676


def test_publication_date_parsed():
    assert _work({"id": "W1", "publication_date": "2020-02-10"}).publication_date == datetime.date(2020, 2, 10)
    assert _work({"id": "W1", "publication_date": "2020-13-45"}).publication_date is None


def test_malformed_orcid_stored_empty():
    row = _work(edge_record("W4387661197"))
    authors = {authorship.author.openalex_id: authorship.author for authorship in row.authorships}

    assert authors["A5031401973"].orcid == ""
    assert authors["A5056362784"].orcid == "0000-0002-4869-5791"


def test_invisible_characters_removed_from_names():
    row = _work(edge_record("W4388292891"))

    assert "Peush Sahni" in [authorship.author.display_name for authorship in row.authorships]


def test_retracted_flag_kept():
    assert _work(edge_record("W3046275966")).is_retracted


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"id": "W1", "title": 12}, "`title` is a int"),
        ({"id": "W1", "authorships": "many"}, "`authorships` is a str"),
        ({"id": "W1", "authorships": ["x"]}, "an entry of `authorships` is not an object"),
        ({"id": "W1", "publication_year": 123456}, "`publication_year` 123456 is out of range"),
        ({"id": "W1", "abstract_inverted_index": {"a": 1}}, "abstract_inverted_index"),
    ],
)
def test_normalize_work_rejections(data, reason):
    with pytest.raises(RecordError, match=reason):
        _work(data)


def test_author_record_fields():
    data = edge_record("A5008770657")

    row = normalize.normalize_author(data)

    assert row.openalex_id == "A5008770657"
    assert row.display_name == "Leonardo Ensslin"
    assert "Леонардо Энсслин" in row.name_variants
    assert row.display_name not in row.name_variants


def test_author_without_name_rejected():
    with pytest.raises(RecordError, match="display_name"):
        normalize.normalize_author({"id": "https://openalex.org/A5000000001"})


def test_row_hash_ignores_unstored_fields():
    data = read_records(SEED_WORKS)[0]

    first = _work(data)
    again = _work(data | {"counts_by_year": [], "updated_date": "2030-01-01"})
    changed = _work(data | {"title": "Subclass Distillation, revised"})

    assert len(first.record_hash) == 32
    assert again.record_hash == first.record_hash
    assert changed.record_hash != first.record_hash


def test_rebuild_abstract_ignores_bad_positions():
    assert normalize.rebuild_abstract({"a": [0], "b": [-1], "c": [2], "d": [10**9]}) == "a c"
    assert normalize.rebuild_abstract({"a": [0], "b": ["1"], "c": [2]}) == "a c"
    assert normalize.rebuild_abstract({"a": [0], "b": [[1]], "c": [1.5], "d": [3]}) == "a d"
    assert normalize.rebuild_abstract({"a": ["x"]}) == ""


@pytest.mark.parametrize("name", ["Rafael Müller", "  Jason  PRIEM ", "B. P. Abbott", "Κωνσταντίνος Δράκος", "A\tB"])
def test_search_name_matches_fold(name):
    from profiles.text import fold_for_search

    assert normalize.search_name(name) == fold_for_search(name)
