"""The follow toggle in Chromium, driven from the keyboard."""

import pytest

from tests.claims import factories

pytestmark = pytest.mark.browser


def test_follow_from_keyboard_keeps_focus(page, log_in_browser, transactional_db):
    user = factories.make_user("keyboard@example.org")
    researcher = factories.make_researcher("Ada Example", works=2)
    log_in_browser(user)

    page.goto(researcher.get_absolute_url())
    page.locator("#follow-button").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#follow-button[aria-pressed='true']")

    assert page.evaluate("document.activeElement.id") == "follow-button"
    assert page.locator("#follower-count").text_content() == "1 follower"
    page.keyboard.press("Enter")
    page.wait_for_selector("#follow-button[aria-pressed='false']")
    assert page.evaluate("document.activeElement.id") == "follow-button"
    assert page.locator("#follower-count").text_content() == "0 followers"
