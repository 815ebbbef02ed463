"""Chromium walks the whole claim story: sign up, verify, follow, claim, staff approval, claimed profile."""

import re

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.core import mail
from playwright.sync_api import expect

from profiles.stats import recompute_researchers
from tests.claims import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "ada.example@example.org"
PASSWORD = "a-long-and-unusual-passphrase"


def current_totp_code(secret: str) -> str:
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


@pytest.fixture
def record(transactional_db):
    institution = factories.make_institution("University of Example", ["example.edu"])
    researcher = factories.make_researcher("Ada Example", orcid="0000-0002-1642-628X", institution=institution, works=2)
    recompute_researchers([researcher.pk])
    return researcher


def test_sign_up_follow_claim_and_approval(page, browser, live_server, record, screenshot_path):
    profile_url = record.get_absolute_url()

    # Sign up from the profile and confirm the address from the email.
    page.goto(profile_url)
    expect(page.get_by_text("Trust 22 - Unverified")).to_be_visible()
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Verify")
    link = re.search(r"http://[^\s]+/accounts/confirm-email/[^\s]+/", mail.outbox[-1].body).group(0)
    page.goto(link.replace("http://testserver", live_server.url))
    page.get_by_role("button", name="Confirm").click()

    # Log in: with the address confirmed, the login returns to the profile.
    if page.get_by_role("heading", name="Log in").count():
        page.get_by_label("Email").fill(EMAIL)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
    page.goto(profile_url)

    # Follow: htmx swaps the button and both counts without a reload.
    page.evaluate("window.notReloaded = true")
    follow = page.get_by_role("button", name="Follow researcher")
    expect(follow).to_have_attribute("aria-pressed", "false")
    follow.click()
    expect(page.locator("#follower-count")).to_have_text("1 follower")
    expect(page.locator("#trust-followers-count")).to_have_text("1")
    expect(page.get_by_role("button", name="Follow researcher")).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("window.notReloaded") is True
    page.screenshot(path=screenshot_path("claim-flow-followed"), full_page=True)

    # Claim with links and a statement.
    page.get_by_role("link", name="Claim this profile").click()
    page.get_by_label("Links").fill("https://example.edu/people/ada")
    page.get_by_label("Statement").fill("I wrote both papers at the University of Example.")
    page.screenshot(path=screenshot_path("claim-flow-form"), full_page=True)
    page.get_by_role("button", name="Submit claim").click()
    expect(page.get_by_text("Your claim was submitted")).to_be_visible()
    expect(page.locator(".claim-status")).to_have_text("Pending review")

    # A reviewer logs in through allauth with a TOTP code and approves in admin.
    reviewer = factories.make_user("reviewer@example.org", is_staff=True)
    from django.contrib.auth.models import Permission

    reviewer.user_permissions.add(*Permission.objects.filter(codename__in=["view_claim", "review_claim"]))
    secret = factories.activate_totp(reviewer)
    staff_context = browser.new_context(base_url=live_server.url)
    staff = staff_context.new_page()
    staff.goto("/admin/claims/claim/")
    staff.get_by_label("Email").fill("reviewer@example.org")
    staff.get_by_label("Password").fill(factories.PASSWORD)
    staff.get_by_role("button", name="Log in").click()
    staff.get_by_label("Code").fill(current_totp_code(secret))
    staff.get_by_role("button", name="Log in").click()
    expect(staff.get_by_text("Ada Example").first).to_be_visible()
    staff.get_by_role("link", name="Review", exact=True).click()
    expect(staff.get_by_text("https://example.edu/people/ada").first).to_be_visible()
    staff.get_by_label("Reason").fill("The staff page lists both papers.")
    staff.screenshot(path=screenshot_path("claim-flow-review"), full_page=True)
    staff.get_by_role("button", name="Approve").click()
    expect(staff.get_by_text("was approved; the claimant was emailed.")).to_be_visible()
    staff_context.close()
    assert mail.outbox[-1].to == [EMAIL]

    # The profile now reads Claimed, at level L2, with the new score.
    page.goto(profile_url)
    expect(page.get_by_text("Trust 47 - Claimed")).to_be_visible()
    expect(page.get_by_text("Verification L2", exact=True)).to_be_visible()
    expect(page.get_by_text("Claimed author", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Edit your profile")).to_be_visible()
    page.screenshot(path=screenshot_path("claim-flow-claimed"), full_page=True)
