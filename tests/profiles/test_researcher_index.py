"""The researchers index: name search, result count and pagination."""

import pytest
from django.urls import reverse

from profiles.models import Institution
from profiles.views import RESEARCHERS_PER_PAGE
from tests.profiles.builders import make_researcher, soup, text

# The count and one page of researchers with their institutions.
INDEX_QUERIES = 2

pytestmark = pytest.mark.django_db

INDEX_URL = "/researchers/"


def result_names(response) -> list[str]:
    return [text(link) for link in soup(response).select(".researcher-item h3 a")]


@pytest.fixture
def people():
    return {
        "muller": make_researcher("Rafael Müller", trust_score=13),
        "mueller": make_researcher("Anna MÜLLER-Schmidt", trust_score=20),
        "nikolic": make_researcher("Jelena Nikolić", trust_score=5),
        "orsted": make_researcher("Hans Christian Ørsted", trust_score=5, name_variants=["H. C. Oersted"]),
    }


def test_index_url_is_named():
    assert reverse("profiles:researcher_index") == INDEX_URL


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("muller", ["Anna MÜLLER-Schmidt", "Rafael Müller"]),
        ("MÜLLER", ["Anna MÜLLER-Schmidt", "Rafael Müller"]),
        ("rafael muller", ["Rafael Müller"]),
        ("nikolic", ["Jelena Nikolić"]),
        ("orsted", ["Hans Christian Ørsted"]),
        ("oersted", ["Hans Christian Ørsted"]),
        ("zzz", []),
    ],
)
def test_search_ignores_case_and_accents(client, people, query, names):
    response = client.get(INDEX_URL, {"q": query})

    assert result_names(response) == names


def test_search_ranks_word_starts_first(client, people):
    make_researcher("Derek Werthmuller", trust_score=60)

    response = client.get(INDEX_URL, {"q": "muller"})

    assert result_names(response) == ["Anna MÜLLER-Schmidt", "Rafael Müller", "Derek Werthmuller"]


def test_search_ranks_hyphenated_part(client, people):
    make_researcher("Karl Goldschmidt", trust_score=60)

    response = client.get(INDEX_URL, {"q": "schmidt"})

    assert result_names(response) == ["Anna MÜLLER-Schmidt", "Karl Goldschmidt"]


def test_search_result_count_and_query(client, people):
    page = soup(client.get(INDEX_URL, {"q": "muller"}))

    assert text(page.select_one(".result-count")) == "2 researchers matching “muller”"
    assert page.select_one("input#q")["value"] == "muller"
    assert page.title.string == "Researchers matching “muller” · BZPEER"


def test_search_without_match_explains(client, people):
    page = soup(client.get(INDEX_URL, {"q": "zzz"}))

    assert text(page.select_one(".result-count")) == "0 researchers matching “zzz”"
    assert "No researcher’s name matches “zzz”." in text(page.select_one("#results"))


def test_index_lists_by_trust_then_name(client, people):
    page = soup(client.get(INDEX_URL))

    assert text(page.select_one(".result-count")) == "4 researchers"
    assert [text(link) for link in page.select(".researcher-item h3 a")] == [
        "Anna MÜLLER-Schmidt",
        "Rafael Müller",
        "Hans Christian Ørsted",
        "Jelena Nikolić",
    ]


def test_index_item_shows_affiliation_and_stats(client):
    institution = Institution.objects.create(openalex_id="I98000010", display_name="University of Bergen")
    make_researcher("Sigrid Example", last_known_institution=institution, works_count=1, trust_score=16)

    item = soup(client.get(INDEX_URL)).select_one(".researcher-item")

    assert "University of Bergen" in text(item)
    stats = [text(stat) for stat in item.select(".researcher-stats li")]
    assert stats == ["1 work", "Trust 16", "Unclaimed author", "Open to collaborate"]


def test_index_hides_merged_records(client):
    kept = make_researcher("Kept Müller")
    make_researcher("Merged Müller", merged_into=kept)

    assert result_names(client.get(INDEX_URL, {"q": "muller"})) == ["Kept Müller"]


def test_pagination_keeps_the_query(client):
    for number in range(RESEARCHERS_PER_PAGE + 5):
        make_researcher(f"Müller {number:02d}")
    make_researcher("Someone Else")

    first = soup(client.get(INDEX_URL, {"q": "muller"}))
    second = client.get(INDEX_URL, {"q": "muller", "page": 2})

    assert text(first.select_one(".result-count")) == f"{RESEARCHERS_PER_PAGE + 5} researchers matching “muller”"
    assert first.select_one("nav.pagination a[rel=next]")["href"] == "?q=muller&page=2"
    assert result_names(second) == [
        f"Müller {number:02d}" for number in range(RESEARCHERS_PER_PAGE, RESEARCHERS_PER_PAGE + 5)
    ]


def test_results_fragment_for_htmx(client, people, django_assert_num_queries):
    with django_assert_num_queries(INDEX_QUERIES):
        response = client.get(INDEX_URL, {"q": "muller"}, headers={"HX-Request": "true", "HX-Target": "results"})

    body = response.content.decode()
    assert "<html" not in body
    assert body.strip().startswith('<section id="results"')
    assert result_names(response) == ["Anna MÜLLER-Schmidt", "Rafael Müller"]


def test_overlong_query_is_cut(client, people):
    page = soup(client.get(INDEX_URL, {"q": "muller" + "x" * 500}))

    assert len(page.select_one("input#q")["value"]) == 200


@pytest.mark.parametrize("query", ["", "muller"])
def test_index_query_count(client, django_assert_num_queries, people, query):
    with django_assert_num_queries(INDEX_QUERIES):
        response = client.get(INDEX_URL, {"q": query})

    assert response.status_code == 200
