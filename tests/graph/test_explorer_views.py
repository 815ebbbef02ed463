import json

import pytest
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

    assert "A later note" in html
    assert "Notes on the engine</a>" not in html
    assert "Cy Somerville</a>" in html
    assert "Ben Babbage</a>" not in html
    assert 'id="explorer-topics-title"' not in html
    assert 'value="1850"' in html


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
