"""Profile, work and index pages on the real OpenAlex sample, checked against the raw records.

The expected values are computed here from the gzipped JSON lines, not read
back from the database, so they check the importer, the counts and the pages
together.
"""

import gzip
import json
from collections import Counter
from pathlib import Path

import pytest
from django.db import transaction
from django.urls import reverse

from profiles.importing import run_import
from profiles.models import HYPERAUTHOR_THRESHOLD, Researcher, Work
from profiles.views import WORKS_PER_PAGE
from tests.profiles.builders import soup, text

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "data" / "sample"
WORKS_FILE = SAMPLE_DIR / "openalex" / "works.jsonl.gz"
EDGE_CASES_FILE = SAMPLE_DIR / "edge_cases" / "edge_cases.jsonl.gz"
PLACEHOLDER_AUTHOR_ID = "A9999999999"

EMMA = "A5038885394"  # Emma Timmins‐Schiffman (the name has U+2010, a Unicode hyphen)
CARLOS = "A5003721947"  # Carlos Denner dos Santos
HIGGS_MASS_WORK = "W1694905212"  # ATLAS and CMS, 5,103 authorships


def short_id(url: str | None) -> str:
    return (url or "").rsplit("/", 1)[-1]


def read_works(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        return [record for record in map(json.loads, lines) if short_id(record.get("id")).startswith("W")]


def author_ids(work: dict) -> list[str]:
    """Return the distinct author ids of a work in order, without the unknown-author placeholder."""
    ids: list[str] = []
    for authorship in work.get("authorships") or []:
        author_id = short_id((authorship.get("author") or {}).get("id"))
        if author_id.startswith("A") and author_id != PLACEHOLDER_AUTHOR_ID and author_id not in ids:
            ids.append(author_id)
    return ids


def authors_count(work: dict) -> int:
    """Count a work's authors: each listed author once, authors without an id each once."""
    entries = work.get("authorships") or []
    with_id = [short_id((entry.get("author") or {}).get("id")) for entry in entries]
    valid = [author_id for author_id in with_id if author_id.startswith("A") and author_id != PLACEHOLDER_AUTHOR_ID]
    return len(entries) - len(valid) + len(set(valid))


def expected_profile(works: list[dict], author_id: str) -> dict:
    """Compute what the profile of `author_id` must show, from the raw work records."""
    own = [work for work in works if author_id in author_ids(work)]
    shared = Counter()
    for work in own:
        if authors_count(work) > HYPERAUTHOR_THRESHOLD:
            continue
        shared.update(other for other in author_ids(work) if other != author_id)
    close = sum(1 for count in shared.values() if count >= 2)
    topics = {short_id(work["primary_topic"]["id"]) for work in own if work.get("primary_topic")}
    own_authorships = [
        authorship
        for work in own
        for authorship in work.get("authorships") or []
        if short_id((authorship.get("author") or {}).get("id")) == author_id
    ]
    has_orcid = any((authorship.get("author") or {}).get("orcid") for authorship in own_authorships)
    has_institution = any(authorship.get("institutions") for authorship in own_authorships)
    points = 10 + 5 * has_orcid + 5 * has_institution + min(len(own), 15) + min(close * 0.5, 10)
    newest_first = sorted(
        own,
        key=lambda work: (work.get("publication_date") or "", work.get("publication_year") or -10_000),
        reverse=True,
    )
    return {
        "works": len(own),
        "topics": len(topics),
        "close": close,
        "trust": int(points),
        "first_page_years": [str(work.get("publication_year") or "Year unknown") for work in newest_first][
            :WORKS_PER_PAGE
        ],
    }


@pytest.fixture(scope="module")
def raw_works() -> list[dict]:
    return read_works(WORKS_FILE)


@pytest.fixture(scope="module")
def sample(django_db_setup, django_db_blocker):
    """Import the real works and edge cases once for this module, rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        run_import([WORKS_FILE, EDGE_CASES_FILE])
        yield
        transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def profile_page(client, openalex_id: str):
    researcher = Researcher.objects.get(openalex_id=openalex_id)
    return soup(client.get(reverse("profiles:researcher", args=[researcher.pk])))


@pytest.mark.parametrize("author_id", [EMMA, CARLOS])
def test_sample_profile_counts_match_records(client, sample, raw_works, author_id):
    expected = expected_profile(raw_works, author_id)

    page = profile_page(client, author_id)

    trust = page.select_one("section.trust")
    counts = {text(block.dt): text(block.dd) for block in trust.select(".counts > div")}
    # Each label is singular for a count of 1.
    assert counts == {
        "Work" + "s" * (expected["works"] != 1): str(expected["works"]),
        "Followers": "0",
        "Topic" + "s" * (expected["topics"] != 1): str(expected["topics"]),
        "Close collaborator" + "s" * (expected["close"] != 1): str(expected["close"]),
    }
    assert text(trust.select_one(".trust-score")) == f"Trust {expected['trust']} - Unverified"
    assert "Verification L1" in text(trust)
    assert "Unclaimed author" in text(trust)
    assert text(page.select_one("section.works .lead")) == f"{expected['works']} published items"


@pytest.mark.parametrize("author_id", [EMMA, CARLOS])
def test_sample_profile_first_page_newest(client, sample, raw_works, author_id):
    expected = expected_profile(raw_works, author_id)

    page = profile_page(client, author_id)

    items = page.select("section.works .work-item")
    assert len(items) == WORKS_PER_PAGE
    assert [text(item.select_one(".work-year")) for item in items] == expected["first_page_years"]
    for item in items:
        assert text(item.select_one(".work-type")) != ""
        assert text(item.select_one(".work-title")) != ""


def test_sample_profile_names_and_numbers(client, sample, raw_works):
    page = profile_page(client, EMMA)

    assert [text(h1) for h1 in page.find_all("h1")] == ["Emma Timmins‐Schiffman"]
    assert text(page.select_one(".profile-header .summary")).startswith("Publishes on ")
    assert text(page.select_one(".profile-header .affiliation")) != "Affiliation not imported"
    pages = expected_profile(raw_works, EMMA)["works"] // WORKS_PER_PAGE + 1
    last_link = page.select("section.works nav.pagination a:not([rel])")[-1]
    assert text(last_link) == f"Page {pages}"


def test_sample_venue_drops_host_organisation(client, sample, raw_works):
    # Sources whose display name ends with their host organisation in brackets,
    # such as "arXiv (Cornell University)".
    hosted = {}
    for record in raw_works:
        source = (record.get("primary_location") or {}).get("source") or {}
        name, host = source.get("display_name") or "", source.get("host_organization_name") or ""
        if host and name.endswith(f"({host})"):
            hosted[short_id(record["id"])] = name[: -len(host) - 2].strip()
    venues = dict(Work.objects.filter(openalex_id__in=hosted).values_list("openalex_id", "venue"))

    assert len(hosted) > 10
    assert venues == hosted
    arxiv_work = Work.objects.filter(venue="arXiv").first()
    page = soup(client.get(reverse("profiles:work", args=[arxiv_work.pk])))
    assert text(page.select_one(".work-venue")) == "arXiv"


def test_sample_hyperauthored_work_page(client, sample):
    edge_cases = {short_id(record["id"]): record for record in read_works(EDGE_CASES_FILE)}
    record = edge_cases[HIGGS_MASS_WORK]
    expected_authors = authors_count(record)
    work = Work.objects.get(openalex_id=HIGGS_MASS_WORK)

    page = soup(client.get(reverse("profiles:work", args=[work.pk])))

    assert expected_authors > 5000
    assert text(page.select_one("[aria-labelledby=authors-title] .lead")).startswith(f"{expected_authors:,} authors")
    listed = page.select(".author-list > li")
    first_names = [
        entry.get("raw_author_name") or (entry.get("author") or {}).get("display_name")
        for entry in record["authorships"][: len(listed)]
    ]
    assert [text(author).split(" ", 1)[0] for author in listed] == [name.split(" ", 1)[0] for name in first_names]
    assert text(page.find("a", string=f"Show all {expected_authors:,} authors")) != ""


def test_sample_index_search_finds_authors(client, sample):
    for query, name in [("timmins", "Emma Timmins‐Schiffman"), ("DENNER DOS", "Carlos Denner dos Santos")]:
        page = soup(client.get(reverse("profiles:researcher_index"), {"q": query}))

        names = [text(link) for link in page.select(".researcher-item h3 a")]
        assert name in names, query


def test_sample_search_ascii_hyphen_matches(client, sample):
    page = soup(client.get(reverse("profiles:researcher_index"), {"q": "timmins-schiffman"}))

    assert "Emma Timmins‐Schiffman" in [text(link) for link in page.select(".researcher-item h3 a")]
