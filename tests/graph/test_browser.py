"""The research graph in Chromium: the slice swapping in, and the explorer."""

import time

import pytest

from tests.graph.conftest import make_institution, make_researcher, make_topic, make_work

pytestmark = [pytest.mark.browser, pytest.mark.worker]


def wait_until(page, expression, timeout=15.0):
    """Poll a JavaScript expression; wait_for_function would need eval, which the page's CSP forbids."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            pytest.fail(f"Still false after {timeout} s: {expression}")
        time.sleep(0.1)


@pytest.fixture
def network(celery_worker):
    ada = make_researcher("Ada Lovelace")
    ben = make_researcher("Ben Babbage")
    cy = make_researcher("Cy Somerville")
    dee = make_researcher("Dee Faraday")
    engines = make_topic("Analytical engines")
    london = make_institution("University of London", "GB")
    make_work("Notes on the engine", [ada, ben], year=1843, topics=[engines], institutions={ada: [london]})
    make_work("Bernoulli numbers", [ada, ben, cy], year=1844, topics=[engines])
    make_work("Babbage and Faraday", [ben, dee], year=1846, topics=[engines])
    # Eve is three hops from Ada: drawn only once Dee is expanded.
    eve = make_researcher("Eve Maxwell")
    make_work("Faraday and Maxwell", [dee, eve], year=1850)
    return {"ada": ada, "ben": ben, "dee": dee, "eve": eve}


def test_profile_slice_replaces_placeholder(page, network, screenshot_path):
    ada = network["ada"]

    page.goto(f"/researchers/{ada.pk}/")
    placeholder = page.locator("#graph-slot .graph-status").text_content()
    page.wait_for_selector("#graph-slot svg.graph-svg")
    page.locator(".graph").screenshot(path=screenshot_path("graph-slice"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator(".graph").screenshot(path=screenshot_path("graph-slice-phone"))

    assert placeholder == "Building this graph slice"
    assert page.locator("#graph-slot svg title").first.text_content() == "Research graph of Ada Lovelace"
    people = page.locator("#graph-slot table.graph-table tbody tr td:first-child").all_text_contents()
    assert people == ["Ben Babbage", "Cy Somerville"]
    assert page.locator("#graph-slot .graph-legend li").all_text_contents() == [
        "Researcher",
        "Co-author",
        "Own work",
        "Nearby paper",
        "Topic",
        "Institution",
    ]
    assert page.locator("#graph-slot").get_attribute("aria-busy") is None


def test_explorer_expands_clicked_person(page, network, screenshot_path):
    ada, dee, eve = network["ada"], network["dee"], network["eve"]
    node = "window.bzpeerExplorer.cy.getElementById('researcher:{}')"
    console = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))

    page.goto(f"/researchers/{ada.pk}/explorer/")
    wait_until(page, "window.bzpeerExplorer !== undefined && window.bzpeerExplorer.cy.nodes().length > 0")
    before = page.evaluate("window.bzpeerExplorer.cy.nodes().length")
    box = page.locator("#explorer-canvas").bounding_box()
    eve_drawn_before = page.evaluate(node.format(eve.pk) + ".length")
    # Zoom in on Dee first, so that no neighbouring node sits under the click.
    page.evaluate(f"window.bzpeerExplorer.cy.zoom(3); window.bzpeerExplorer.cy.center({node.format(dee.pk)})")
    position = page.evaluate(node.format(dee.pk) + ".renderedPosition()")
    page.mouse.click(box["x"] + position["x"], box["y"] + position["y"])
    wait_until(page, "document.getElementById('explorer-status').textContent.startsWith('Expanded')")
    page.screenshot(path=screenshot_path("graph-explorer"), full_page=True)

    after = page.evaluate("window.bzpeerExplorer.cy.nodes().length")
    assert eve_drawn_before == 0
    assert page.locator("#explorer-status").text_content() == "Expanded Dee Faraday: 1 new person."
    assert after == before + 1
    assert page.evaluate(node.format(eve.pk) + ".length") == 1
    assert page.locator("#explorer-details a").text_content() == "Dee Faraday"
    assert page.locator("#explorer-details a").get_attribute("href") == f"/researchers/{dee.pk}/"
    # Cytoscape.js injects no inline style the CSP would block.
    assert console == []


def test_explorer_draws_same_layout_each_visit(page, network):
    ada = network["ada"]
    positions = "Object.fromEntries(window.bzpeerExplorer.cy.nodes().map(n => [n.id(), n.position()]))"
    drawings = []
    for _visit in range(2):
        page.goto(f"/researchers/{ada.pk}/explorer/")
        wait_until(page, "window.bzpeerExplorer !== undefined && window.bzpeerExplorer.cy.nodes().length > 0")
        drawings.append(page.evaluate(positions))

    assert len(drawings[0]) > 3
    assert drawings[0] == drawings[1]


@pytest.mark.parametrize("width", [1280, 390])
def test_slice_swap_moves_nothing_below(page, network, width):
    ada = network["ada"]
    page.set_viewport_size({"width": width, "height": 900})
    below = "Math.round(document.querySelector('#works').getBoundingClientRect().top + window.scrollY)"

    page.goto(f"/researchers/{ada.pk}/")
    before = page.evaluate(below)
    page.wait_for_selector("#graph-slot svg.graph-svg")
    after = page.evaluate(below)

    # The legend and the lists' summary may wrap a little differently from the placeholder's lines.
    assert abs(after - before) <= 48, (before, after)
