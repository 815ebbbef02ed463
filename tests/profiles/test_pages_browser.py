"""Chromium walks from the index to a profile and a work page, at phone and desktop widths."""

import gzip
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from profiles.importing import run_import
from profiles.models import Researcher

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "data" / "sample"
SEED_WORKS = SAMPLE_DIR / "seed_example" / "works.jsonl"
REAL_WORKS = SAMPLE_DIR / "openalex" / "works.jsonl.gz"
EMMA = "A5038885394"

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="session")
def emma_works(tmp_path_factory) -> Path:
    """Write the real records of Emma Timmins‐Schiffman's works to a file of their own.

    Importing 99 works instead of the whole sample keeps each browser test's
    setup short.
    """
    path = tmp_path_factory.mktemp("sample") / "emma_works.jsonl.gz"
    with gzip.open(REAL_WORKS, "rt", encoding="utf-8") as source, gzip.open(path, "wt", encoding="utf-8") as target:
        target.writelines(line for line in source if f'/{EMMA}"' in line)
    return path


@pytest.fixture
def imported(transactional_db, emma_works):
    run_import([SEED_WORKS, emma_works])


def _record_console_error(errors: list[str], message) -> None:
    if message.type == "error":
        errors.append(message.text)


@pytest.fixture
def console_errors(page):
    """Collect console errors, such as scripts or styles that the CSP blocks."""
    errors: list[str] = []
    page.on("console", lambda message: _record_console_error(errors, message))
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def test_search_profile_and_work_pages(page, imported, console_errors, screenshot_path):
    page.goto("/researchers/")
    page.get_by_label("Search by name").fill("rafael muller")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".result-count")).to_have_text("1 researcher matching “rafael muller”")

    page.get_by_role("link", name="Rafael Müller").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rafael Müller")
    expect(page.locator(".trust-score")).to_have_text("Trust 13 - Unverified")
    expect(page.locator("section.works .lead")).to_have_text("2 published items")
    page.get_by_text("How the trust score is computed").click()
    expect(page.locator(".breakdown tfoot")).to_contain_text("13")
    page.screenshot(path=screenshot_path("seed-profile-desktop-light"), full_page=True)

    page.get_by_role("link", name="When Does Label Smoothing Help?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("When Does Label Smoothing Help?")
    expect(page.locator(".work-venue")).to_have_text("arXiv")
    expect(page.get_by_role("link", name=re.compile(r"^arXiv:"))).to_be_visible()
    page.get_by_role("link", name="Rafael Müller").first.click()
    expect(page).to_have_url(re.compile(r"/researchers/\d+/$"))
    assert console_errors == []


def test_works_pages_swap_with_htmx(page, imported, console_errors):
    emma = Researcher.objects.get(openalex_id=EMMA)
    page.goto(emma.get_absolute_url())
    first_title = page.locator("section.works .work-title").first.inner_text()

    page.locator("section.works nav.pagination").get_by_role("link", name="Page 2", exact=True).click()

    expect(page).to_have_url(re.compile(r"\?page=2$"))
    expect(page.locator("section.works [aria-current=page]")).to_have_text("Page 2")
    expect(page.locator("section.works .work-item")).to_have_count(20)
    assert page.locator("section.works .work-title").first.inner_text() != first_title
    # Only the works section was swapped: the page still has one of each section.
    expect(page.locator("section.works")).to_have_count(1)
    expect(page.locator("h1")).to_have_count(1)
    assert console_errors == []


def test_back_restores_search_field(page, imported, console_errors):
    # Both searches swap only the results, so the field keeps the value the
    # page was first rendered with unless Back refetches the page.
    page.goto("/researchers/")
    page.get_by_label("Search by name").fill("schiffman")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".result-count")).to_have_text("1 researcher matching “schiffman”")
    page.get_by_label("Search by name").fill("muller")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".result-count")).to_have_text("1 researcher matching “muller”")

    page.go_back()

    expect(page).to_have_url(re.compile(r"\?q=schiffman$"))
    expect(page.get_by_label("Search by name")).to_have_value("schiffman")
    expect(page.locator(".result-count")).to_have_text("1 researcher matching “schiffman”")
    assert console_errors == []


def test_skip_link_first_focus(page, imported):
    page.goto("/researchers/")

    page.keyboard.press("Tab")

    skip_link = page.locator("a.skip-link")
    expect(skip_link).to_be_focused()
    box = skip_link.bounding_box()
    assert box["y"] >= 0
    assert box["height"] >= 24


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_profile_layout_phone_and_desktop(page, imported, screenshot_path, color_scheme):
    emma = Researcher.objects.get(openalex_id=EMMA)
    page.emulate_media(color_scheme=color_scheme)

    page.set_viewport_size(DESKTOP)
    page.goto(emma.get_absolute_url())
    header = page.locator(".profile-header").bounding_box()
    trust = page.locator("section.trust").bounding_box()
    assert trust["x"] > header["x"] + header["width"] - 1, "trust snapshot beside the header"
    assert page.locator("section.graph").bounding_box()["height"] >= 300
    page.screenshot(path=screenshot_path(f"profile-desktop-{color_scheme}-top"))
    page.screenshot(path=screenshot_path(f"profile-desktop-{color_scheme}"), full_page=True)

    page.set_viewport_size(PHONE)
    page.goto(emma.get_absolute_url())
    header = page.locator(".profile-header").bounding_box()
    trust = page.locator("section.trust").bounding_box()
    assert trust["y"] >= header["y"] + header["height"], "trust snapshot below the header"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "no sideways scrolling"
    page.screenshot(path=screenshot_path(f"profile-phone-{color_scheme}-top"))
    page.screenshot(path=screenshot_path(f"profile-phone-{color_scheme}"), full_page=True)


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_work_and_index_phone_and_desktop(page, imported, screenshot_path, color_scheme):
    emma = Researcher.objects.get(openalex_id=EMMA)
    work = emma.authorships.select_related("work").order_by("-work__authors_count").first().work
    page.emulate_media(color_scheme=color_scheme)

    for name, viewport in [("desktop", DESKTOP), ("phone", PHONE)]:
        page.set_viewport_size(viewport)
        page.goto(work.get_absolute_url())
        expect(page.locator("h1")).to_have_count(1)
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        page.screenshot(path=screenshot_path(f"work-{name}-{color_scheme}"), full_page=True)

        page.goto("/researchers/?q=schiffman")
        expect(page.locator(".researcher-item")).not_to_have_count(0)
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        page.screenshot(path=screenshot_path(f"index-{name}-{color_scheme}"), full_page=True)
