"""The work page and its paginated list of all authors."""

from datetime import date

import pytest
from django.urls import reverse

from profiles.models import Institution, Topic, WorkTopic
from profiles.views import AUTHORS_PER_PAGE, AUTHORS_PREVIEW
from tests.profiles.builders import make_researcher, make_work, soup, text

# The work, the authors count, one slice of authorships, their institutions
# and the topics.
WORK_QUERIES = 5
# The work, the authors count, one page of authorships and their institutions.
WORK_AUTHORS_QUERIES = 4

pytestmark = pytest.mark.django_db


def work_url(work) -> str:
    return reverse("profiles:work", args=[work.pk])


@pytest.fixture
def paper():
    ada = make_researcher("Ada Lovelace")
    grace = make_researcher("Grace Hopper")
    work = make_work(
        ada,
        "Anonymous Reviewer",
        grace,
        title="Notes on the <i>Analytical Engine</i>",
        abstract="An engine that weaves algebraic patterns.",
        type="article",
        publication_year=1843,
        publication_date=date(1843, 9, 1),
        venue="Scientific Memoirs",
        doi="10.1234/engine.1843",
        arxiv_id="1843.00001",
        cited_by_count=1200,
    )
    university = Institution.objects.create(openalex_id="I98000002", display_name="University of London")
    work.authorships.get(position=0).institutions.add(university)
    primary = Topic.objects.create(
        openalex_id="T98000001",
        display_name="Mechanical computation",
        domain="Physical Sciences",
        field="Computer Science",
        subfield="Computational Theory",
    )
    other = Topic.objects.create(openalex_id="T98000002", display_name="Textile patterns")
    WorkTopic.objects.create(work=work, topic=other, score=0.4)
    WorkTopic.objects.create(work=work, topic=primary, score=0.9, is_primary=True)
    return work, ada, grace


def test_work_page_title_meta_links(client, paper):
    work = paper[0]

    page = soup(client.get(work_url(work)))

    assert [text(h1) for h1 in page.find_all("h1")] == ["Notes on the Analytical Engine"]
    assert page.h1.i.string == "Analytical Engine"
    assert page.title.string == "Notes on the Analytical Engine · BZPEER"
    assert text(page.select_one(".work-type")) == "article"
    assert text(page.select_one(".work-year")) == "1843"
    assert text(page.select_one(".work-venue")) == "Scientific Memoirs"
    assert text(page.find("a", href="https://doi.org/10.1234/engine.1843")) == "DOI 10.1234/engine.1843"
    assert text(page.find("a", href="https://arxiv.org/abs/1843.00001")) == "arXiv:1843.00001"
    assert "Published 1 September 1843." in text(page.select_one(".work-header"))
    assert "Cited by 1,200 works according to OpenAlex." in text(page.select_one(".work-header"))
    assert page.select_one(".badge-retracted") is None


def test_work_page_authors_in_order(client, paper):
    work, ada, grace = paper

    page = soup(client.get(work_url(work)))

    authors = page.select(".author-list > li")
    assert [text(author) for author in authors] == [
        "Ada Lovelace University of London",
        "Anonymous Reviewer",
        "Grace Hopper",
    ]
    assert authors[0].a["href"] == reverse("profiles:researcher", args=[ada.pk])
    assert authors[1].a is None
    assert authors[2].a["href"] == reverse("profiles:researcher", args=[grace.pk])
    assert text(page.select_one("[aria-labelledby=authors-title] .lead")) == "3 authors"


def test_work_page_abstract_and_topics(client, paper):
    page = soup(client.get(work_url(paper[0])))

    assert text(page.select_one("p.abstract")) == "An engine that weaves algebraic patterns."
    topics = [text(topic) for topic in page.select(".topic-list > li")]
    assert topics == [
        "Mechanical computation Primary topic Physical Sciences › Computer Science › Computational Theory",
        "Textile patterns",
    ]


def test_work_page_retraction_badge(client):
    work = make_work(make_researcher("Retracting Author"), is_retracted=True)

    page = soup(client.get(work_url(work)))

    assert text(page.select_one(".badge-retracted")) == "Retracted"


def test_work_page_without_title_or_abstract(client):
    work = make_work("Printed Name Only", title="", abstract="")

    page = soup(client.get(work_url(work)))

    assert text(page.h1) == "Untitled work"
    assert "No abstract imported." in text(page)
    assert "No topics imported." in text(page)
    assert text(page.select_one(".author-list")) == "Printed Name Only"


def test_hyperauthored_work_truncates_authors(client):
    researcher = make_researcher("First Physicist")
    work = make_work(researcher, *(f"Physicist {number}" for number in range(1, 5103)), title="Higgs boson mass")

    page = soup(client.get(work_url(work)))

    authors = page.select(".author-list > li")
    assert len(authors) == AUTHORS_PREVIEW
    assert text(authors[0]) == "First Physicist"
    assert text(authors[-1]) == f"Physicist {AUTHORS_PREVIEW - 1}"
    show_all = page.find("a", href=reverse("profiles:work_authors", args=[work.pk]))
    assert text(show_all) == "Show all 5,103 authors"
    assert "5,083 more not listed here" in text(page)


def test_all_authors_page_paginates(client):
    work = make_work(*(f"Physicist {number}" for number in range(250)), title="Higgs boson mass")
    url = reverse("profiles:work_authors", args=[work.pk])

    last = soup(client.get(url, {"page": 3}))

    assert [text(h1) for h1 in last.find_all("h1")] == ["Authors of “Higgs boson mass”"]
    author_list = last.select_one(".author-list")
    assert author_list["start"] == str(2 * AUTHORS_PER_PAGE + 1)
    assert [text(author) for author in author_list.select("li")] == [f"Physicist {n}" for n in range(200, 250)]
    assert text(last.select_one(".lead")).startswith("250 authors, in the order printed on the work.")
    assert last.select_one("nav.pagination a[rel=prev]")["href"] == "?page=2"


def test_unknown_work_not_found(client):
    assert client.get(reverse("profiles:work", args=[987654321])).status_code == 404
    assert client.get(reverse("profiles:work_authors", args=[987654321])).status_code == 404


@pytest.mark.parametrize("authors", [3, 3000])
def test_work_page_query_count(client, django_assert_num_queries, paper, authors):
    work = paper[0]
    if authors > 3:
        work = make_work(*(f"Physicist {number}" for number in range(authors)))
        work.authorships.get(position=0).institutions.add(Institution.objects.get(openalex_id="I98000002"))
        WorkTopic.objects.create(work=work, topic=Topic.objects.get(openalex_id="T98000001"), is_primary=True)

    with django_assert_num_queries(WORK_QUERIES):
        response = client.get(work_url(work))

    assert response.status_code == 200


def test_all_authors_page_query_count(client, django_assert_num_queries):
    work = make_work(*(f"Physicist {number}" for number in range(250)))
    work.authorships.get(position=120).institutions.add(
        Institution.objects.create(openalex_id="I98000003", display_name="CERN")
    )

    with django_assert_num_queries(WORK_AUTHORS_QUERIES):
        response = client.get(reverse("profiles:work_authors", args=[work.pk]), {"page": 2})

    assert "CERN" in text(soup(response).select_one(".author-list"))
