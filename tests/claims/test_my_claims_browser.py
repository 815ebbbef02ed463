"""My claims in Chromium on a phone-sized screen."""

import pytest

from claims import services
from tests.claims import factories

pytestmark = pytest.mark.browser


def test_my_claims_fit_a_phone_screen(page, log_in_browser, transactional_db, screenshot_path):
    user = factories.make_user("phone@example.org")
    researcher = factories.make_researcher("Ada Example With A Rather Long Display Name", works=2)
    services.submit_claim(user, researcher, links=["https://example.edu/people/ada"], statement="These are mine.")
    log_in_browser(user)
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto("/claims/")
    page.screenshot(path=screenshot_path("my-claims-phone"), full_page=True)

    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    details = page.get_by_role("link", name="Details").bounding_box()
    assert details["x"] + details["width"] <= 390
    label = "getComputedStyle(document.querySelector('.claims-table td[data-label=Submitted]'), '::before').content"
    assert page.evaluate(label) == '"Submitted: "'


def test_claim_detail_wraps_long_links_on_a_phone(page, log_in_browser, transactional_db):
    user = factories.make_user("longlinks@example.org")
    researcher = factories.make_researcher("Ada Example", works=2)
    link = "https://scholar.example.com/citations?user=abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnop"
    claim = services.submit_claim(user, researcher, links=[link], statement="Unbreakable" + "x" * 60 + " word.")
    log_in_browser(user)
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto(claim.get_absolute_url())

    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.get_by_role("link", name=link).is_visible()
