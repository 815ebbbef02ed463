import json

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from graph.explorer import MAX_FIRST_HOP
from tests.graph.conftest import make_institution, make_researcher, make_topic, make_work

pytestmark = pytest.mark.django_db


@pytest.fixture
def ada(db):
    ada = make_researcher("Ada Lovelace")
    ben = make_researcher("Ben Babbage")
    dee = make_researcher("Dee Faraday")
    engines = make_topic("Analytical engines")
    london = make_institution("University of London", "GB")
    make_work("Notes on the engine", [ada, ben], year=1843, topics=[engines], institutions={ada: [london]})
    make_work("A later note", [ada, make_researcher("Cy Somerville")], year=1860)
    make_work("Babbage and Faraday", [ben, dee], year=1846)
    return ada


def explorer_url(researcher, query=""):
    return reverse("graph:explorer", args=[researcher.pk]) + query


def test_explorer_page_lists_neighbourhood(client, ada, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = client.get(explorer_url(ada))

    html = response.content.decode()
    data = json.loads(html.split('<script id="explorer-data" type="application/json">')[1].split("</script>")[0])
    labels = {node["data"]["label"]: node["data"] for node in data["elements"]["nodes"]}
    assert response.status_code == 200
    assert "<h1>Ada Lovelace</h1>" in html
    assert "Two hops of co-authorship: 2 co-authors" in html
    assert labels["Ben Babbage"]["hop"] == 1
    assert labels["Dee Faraday"]["hop"] == 2
    assert labels["Notes on the engine"]["kind"] == "work"
    assert labels["Analytical engines"]["kind"] == "topic"
    assert labels["University of London"]["kind"] == "institution"
    assert 'Dee Faraday</a> <span class="muted">(second hop)</span>' in html
    assert 'src="/static/vendor/cytoscape/cytoscape.min.js"' in html


def test_explorer_filters_kinds_and_years(client, ada):
    html = client.get(explorer_url(ada, "?kind=person&kind=work&from=1850&to=1870")).content.decode()

    text = visible_text(html)
    assert "A later note" in text
    assert "Notes on the engine" not in text
    assert "Cy Somerville" in text
    assert "Ben Babbage" not in text
    assert "Analytical engines" not in text
    assert BeautifulSoup(html, "html.parser").select_one('[data-explorer-list="topic"]').get("hidden") is not None
    assert "Showing 1 of 3." in text
    assert 'value="1850"' in html
    # Hidden rows are rendered with their years, for the script to filter.
    assert 'data-first-year="1843" data-last-year="1843" hidden>' in html


def test_explorer_groups_coauthors_beyond_cap(client, db):
    hub = make_researcher("Hub Person")
    for index in range(MAX_FIRST_HOP + 15):
        make_work(f"Paper {index}", [hub, make_researcher(f"Partner {index:03d}")], year=2000)

    html = client.get(explorer_url(hub)).content.decode()

    assert "Two hops of co-authorship: 75 co-authors, of which the 60 strongest are drawn" in html
    assert "the other 15 are grouped in one node" in html
    assert '"label": "15 more co-authors"' in html


def test_explorer_neighbours_json(client, ada, django_assert_max_num_queries):
    ben = ada.authorships.first().work.authorships.exclude(researcher=ada).first().researcher

    with django_assert_max_num_queries(2):
        response = client.get(reverse("graph:explorer_neighbours", args=[ben.pk]))

    data = response.json()
    names = sorted(node["data"]["label"] for node in data["elements"]["nodes"])
    assert names == ["Ada Lovelace", "Dee Faraday"]
    assert data["coauthors_total"] == 2
    assert {edge["data"]["source"] for edge in data["elements"]["edges"]} == {f"researcher:{ben.pk}"}


def test_explorer_unknown_researcher_404(client, db):
    assert client.get(reverse("graph:explorer", args=[999999])).status_code == 404
    assert client.get(reverse("graph:explorer_neighbours", args=[999999])).status_code == 404


def visible_text(html: str) -> str:
    """Return the page's text as a browser without JavaScript shows it: no hidden elements or scripts."""
    page = BeautifulSoup(html, "html.parser")
    for element in page.select("[hidden], script, template"):
        element.decompose()
    return " ".join(page.get_text(" ").split())


def test_explorer_reversed_years_rejected(client, ada):
    response = client.get(explorer_url(ada, "?from=1860&to=1843"))

    page = BeautifulSoup(response.content.decode(), "html.parser")
    text = visible_text(response.content.decode())
    error = page.select_one("#explorer-years-error")
    assert response.status_code == 200
    assert error.get("hidden") is None
    assert error.get_text() == "From (1860) is after To (1843). Swap the years or clear one of them."
    assert page.select_one('input[name="from"]')["value"] == "1860"
    assert page.select_one('input[name="from"]')["aria-invalid"] == "true"
    # The lists are not filtered by year.
    assert "Ben Babbage" in text
    assert "Cy Somerville" in text
    assert "Notes on the engine" in text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "?from=20150",
            "From (20150) is not between 1000 and 2100. Enter a year in that range, or leave the box empty.",
        ),
        ("?to=999", "To (999) is not between 1000 and 2100. Enter a year in that range, or leave the box empty."),
        ("?from=next", "From (next) is not a year. Enter a year such as 2015, or leave the box empty."),
    ],
)
def test_explorer_invalid_year_rejected(client, ada, query, message):
    html = client.get(explorer_url(ada, query)).content.decode()

    error = BeautifulSoup(html, "html.parser").select_one("#explorer-years-error")
    assert error.get("hidden") is None
    assert error.get_text() == message
    assert "Notes on the engine" in visible_text(html)


def test_explorer_valid_years_show_no_error(client, ada):
    html = client.get(explorer_url(ada, "?from=1843&to=1843")).content.decode()

    assert BeautifulSoup(html, "html.parser").select_one("#explorer-years-error").get("hidden") is not None


def test_explorer_without_javascript_hides_drawing(client, ada):
    html = client.get(explorer_url(ada)).content.decode()

    text = visible_text(html)
    stage = BeautifulSoup(html, "html.parser").select_one("#explorer-stage")
    assert "Click a person" not in text
    assert "Zoom in" not in text
    assert "The interactive drawing needs JavaScript. The lists below show the same neighbourhood" in text
    assert stage.get("hidden") is not None
    assert stage.select_one("#explorer-canvas") is not None
