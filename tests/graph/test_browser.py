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


EXPLORER_READY = "window.bzpeerExplorer !== undefined && window.bzpeerExplorer.ready"
VISIBLE_ROWS = "[data-explorer-list]:not([hidden]) [data-list-row]:not([hidden])"


def visible_row_names(page, kind):
    return page.locator(f'[data-explorer-list="{kind}"] [data-list-row]:not([hidden]) a').all_text_contents()


def test_explorer_filter_narrows_lists(page, network, screenshot_path):
    ada = network["ada"]

    page.goto(f"/researchers/{ada.pk}/explorer/")
    wait_until(page, EXPLORER_READY)
    rows_before = page.locator(VISIBLE_ROWS).count()
    page.fill('input[name="from"]', "1844")
    page.fill('input[name="to"]', "1844")
    page.uncheck('input[name="kind"][value="institution"]')
    page.click("text=Apply filters")
    page.screenshot(path=screenshot_path("graph-explorer-filtered"), full_page=True)
    filtered_url = page.url
    drawn = page.evaluate("window.bzpeerExplorer.cy.nodes(':visible').map(n => n.id()).sort()")

    assert rows_before == 7
    assert visible_row_names(page, "person") == ["Ben Babbage", "Cy Somerville"]
    assert visible_row_names(page, "work") == ["Bernoulli numbers"]
    assert visible_row_names(page, "topic") == ["Analytical engines"]
    assert page.locator('[data-explorer-list="person"] [data-list-count]').text_content() == "Showing 2 of 3."
    assert page.locator('[data-explorer-list="work"] [data-list-count]').text_content() == "Showing 1 of 2."
    assert page.locator('[data-explorer-list="institution"]').is_hidden()
    assert page.locator("#explorer-status").text_content() == "Showing 5 of 8 nodes."
    # The drawing shows the same people and works as the lists.
    assert f"researcher:{network['dee'].pk}" not in drawn
    assert f"researcher:{network['ben'].pk}" in drawn
    assert filtered_url.endswith("?kind=person&kind=work&kind=topic&from=1844&to=1844")

    # The address alone reproduces the view, also without the script.
    page.goto(filtered_url)
    wait_until(page, EXPLORER_READY)
    assert visible_row_names(page, "person") == ["Ben Babbage", "Cy Somerville"]
    assert visible_row_names(page, "work") == ["Bernoulli numbers"]
    assert page.evaluate("window.bzpeerExplorer.cy.nodes(':visible').map(n => n.id()).sort()") == drawn


def test_explorer_back_button_restores_filters(page, network):
    ada = network["ada"]
    page.goto(f"/researchers/{ada.pk}/explorer/")
    wait_until(page, EXPLORER_READY)
    page.fill('input[name="from"]', "1844")
    page.fill('input[name="to"]', "1844")
    page.click("text=Apply filters")
    filtered_url = page.url

    page.go_back()
    wait_until(page, "!window.location.search")

    assert visible_row_names(page, "person") == ["Ben Babbage", "Cy Somerville", "Dee Faraday"]
    assert page.input_value('input[name="from"]') == ""
    assert page.locator("#explorer-status").text_content() == "Showing 8 of 8 nodes."
    page.go_forward()
    wait_until(page, "window.location.search !== ''")
    assert page.url == filtered_url
    assert page.input_value('input[name="from"]') == "1844"
    assert visible_row_names(page, "person") == ["Ben Babbage", "Cy Somerville"]


def test_explorer_reversed_years_message(page, network):
    ada = network["ada"]

    page.goto(f"/researchers/{ada.pk}/explorer/")
    wait_until(page, EXPLORER_READY)
    page.fill('input[name="from"]', "1850")
    page.click("text=Apply filters")
    status_before = page.locator("#explorer-status").text_content()
    rows_before = page.locator(VISIBLE_ROWS).count()
    page.fill('input[name="to"]', "1843")
    page.click("text=Apply filters")

    assert page.locator("#explorer-years-error").text_content() == (
        "From (1850) is after To (1843). Swap the years or clear one of them."
    )
    assert page.locator("#explorer-years-error").is_visible()
    assert page.locator('input[name="to"]').get_attribute("aria-invalid") == "true"
    # The drawing, the lists and the address keep the last valid filters.
    assert page.locator("#explorer-status").text_content() == status_before
    assert page.locator(VISIBLE_ROWS).count() == rows_before
    assert page.url.endswith("from=1850")

    page.fill('input[name="to"]', "")
    page.click("text=Apply filters")
    assert page.locator("#explorer-years-error").is_hidden()
    assert visible_row_names(page, "work") == []


@pytest.fixture
def small_network(celery_worker):
    """Like the sample profile of Rafael Müller: two co-authors, two works, one topic."""
    rafael = make_researcher("Rafael Müller")
    simon = make_researcher("Simon Kornblith")
    geoffrey = make_researcher("Geoffrey Hinton")
    topic = make_topic("Neural Networks and Applications")
    make_work("When Does Label Smoothing Help?", [rafael, simon, geoffrey], year=2019, topics=[topic])
    make_work("Subclass Distillation", [rafael, simon, geoffrey], year=2020, topics=[topic])
    return rafael


OVERLAPPING_NODES = """() => {
  const boxes = window.bzpeerExplorer.cy.nodes().map(n => [n.id(), n.renderedBoundingBox()]);
  const pairs = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, b] = [boxes[i][1], boxes[j][1]];
      if (a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2) pairs.push([boxes[i][0], boxes[j][0]]);
    }
  }
  return pairs;
}"""


@pytest.mark.parametrize(("width", "scheme"), [(1280, "light"), (390, "dark")])
def test_explorer_small_network_readable(page, small_network, screenshot_path, width, scheme):
    page.set_viewport_size({"width": width, "height": 900})
    page.emulate_media(color_scheme=scheme)

    page.goto(f"/researchers/{small_network.pk}/explorer/")
    wait_until(page, EXPLORER_READY)
    page.locator("#explorer-canvas").screenshot(path=screenshot_path(f"graph-explorer-small-{width}-{scheme}"))
    cy = "window.bzpeerExplorer.cy"

    # The boxes include each node's label.
    assert page.evaluate(OVERLAPPING_NODES) == []
    assert page.evaluate(f"{cy}.nodes().length") == 6
    assert page.evaluate(f"{cy}.nodes('.label-hidden').length") == 0
    assert page.evaluate(f"{cy}.zoom()") <= 1.3
    label_sizes = page.evaluate(f"{cy}.nodes('[kind != \"work\"]').map(n => n.renderedStyle('font-size'))")
    assert min(float(size.removesuffix("px")) for size in label_sizes) >= 12


@pytest.mark.parametrize("width", [1280, 390])
def test_explorer_filter_controls_large_enough(page, network, width):
    page.set_viewport_size({"width": width, "height": 900})

    page.goto(f"/researchers/{network['ada'].pk}/explorer/")
    controls = page.locator("#explorer-filters input, #explorer-filters button")
    sizes = {
        f"{control.get_attribute('name') or 'button'} {control.get_attribute('value') or ''}": control.bounding_box()
        for control in controls.all()
    }

    assert len(sizes) == 7
    for name, box in sizes.items():
        assert box["width"] >= 24, name
        assert box["height"] >= 24, name


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
