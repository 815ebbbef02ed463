"""Chromium opens the allauth account pages in light and dark mode and checks what the user can reach.

Each page is saved as a screenshot under test-artifacts/ (account-<page>-<scheme>.png)
for a person to look at. The checks cover one h1, the card, the 24 px
minimum target size of every control and a visible keyboard focus.
"""

import re

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.socialaccount.models import SocialAccount
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from tests.accounts.test_orcid import ORCID_CONFIGURED
from tests.claims import factories
from tests.claims.test_claim_browser import current_totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "claimant@example.org"
MIN_TARGET_PX = 24
# Every control a user can click or tab to inside the page's card.
CONTROLS = ".account-card :is(a, button, input:not([type=hidden]), textarea, summary)"
# WCAG 2.2 exempts a link inside a sentence from the target size. Such a link's parent has more text than the link.
IS_INLINE_LINK = """element => element.tagName === "A"
    && element.parentElement.textContent.trim().length > element.textContent.trim().length"""


@pytest.fixture
def member(transactional_db):
    user = factories.make_user(EMAIL)
    SocialAccount.objects.create(user=user, provider="orcid", uid="0000-0002-1642-628X")
    return user


def log_in(page):
    page.goto(reverse("account_login"))
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    expect(page.locator(".messages")).to_contain_text(f"Successfully logged in as {EMAIL}.")


def check_page(page, screenshot_path, name, title):
    """Check the open page's heading, card and control sizes, and save it in both colour schemes."""
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator(".account-card h1")).to_have_text(title)

    controls = page.locator(CONTROLS)
    for index in range(controls.count()):
        control = controls.nth(index)
        if not control.is_visible() or control.evaluate(IS_INLINE_LINK):
            continue
        box = control.bounding_box()
        description = control.evaluate("element => element.outerHTML.slice(0, 120)")
        assert box["height"] >= MIN_TARGET_PX, f"{name}: {description} is {box['height']} px high"
        assert box["width"] >= MIN_TARGET_PX, f"{name}: {description} is {box['width']} px wide"

    for scheme in ["light", "dark"]:
        page.emulate_media(color_scheme=scheme)
        page.screenshot(path=screenshot_path(f"account-{name}-{scheme}"), full_page=True)
    page.emulate_media(color_scheme="light")


def focus_ring_style(page, selector) -> str:
    """Tab to the element and return its computed outline style while it has keyboard focus."""
    page.keyboard.press("Tab")
    page.focus(selector)
    return page.eval_on_selector(
        selector, "element => element.matches(':focus-visible') ? getComputedStyle(element).outlineStyle : 'none'"
    )


@ORCID_CONFIGURED
def test_manage_pages_in_site_design(page, member, screenshot_path):
    factories.add_email(member, "second@example.org", verified=False)
    log_in(page)

    page.goto(reverse("account_email"))
    check_page(page, screenshot_path, "email", "Email addresses")
    expect(page.locator(".form-field-choice").filter(has_text="second@example.org")).to_contain_text("Unverified")
    assert focus_ring_style(page, "button[name=action_remove]") == "solid"
    # On a phone the three buttons under the email list wrap inside the card.
    page.set_viewport_size({"width": 390, "height": 844})
    check_page(page, screenshot_path, "email-phone", "Email addresses")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(reverse("account_change_password"))
    page.get_by_label("Current password").fill("not-my-password")
    page.get_by_label("New password", exact=True).fill("a-long-and-unusual-passphrase")
    page.get_by_label("New password (again)").fill("a-long-and-unusual-passphrase")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("alert")).to_have_text("Please type your current password.")
    check_page(page, screenshot_path, "password-change-error", "Change password")

    page.goto(reverse("socialaccount_connections"))
    check_page(page, screenshot_path, "connections", "Account connections")
    expect(page.get_by_role("button", name="Connect ORCID")).to_be_visible()

    address = EmailAddress.objects.get(email="second@example.org")
    page.goto(reverse("account_confirm_email", args=[EmailConfirmationHMAC(address).key]))
    check_page(page, screenshot_path, "email-confirm", "Confirm email address")

    page.goto(reverse("account_logout"))
    check_page(page, screenshot_path, "logout", "Log out")
    page.locator(".account-card").get_by_role("button", name="Log out").click()
    expect(page.locator(".messages")).to_contain_text("You have logged out.")


def test_two_factor_pages_in_site_design(page, member, screenshot_path):
    log_in(page)

    page.goto(reverse("mfa_index"))
    check_page(page, screenshot_path, "mfa-index", "Two-factor authentication")
    page.get_by_role("link", name="Activate").click()

    check_page(page, screenshot_path, "reauthenticate", "Confirm access")
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Confirm").click()

    check_page(page, screenshot_path, "totp-activate", "Activate authenticator app")
    expect(page.locator("img.qr-code")).to_be_visible()
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Authenticator code").fill("000000")
    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_role("alert")).to_have_text("Incorrect code.")
    check_page(page, screenshot_path, "totp-activate-error", "Activate authenticator app")
    page.get_by_label("Authenticator code").fill(current_totp_code(secret))
    page.get_by_role("button", name="Activate").click()

    check_page(page, screenshot_path, "recovery-codes", "Recovery codes")
    expect(page.locator("#recovery_codes")).to_be_visible()

    page.goto(reverse("mfa_index"))
    check_page(page, screenshot_path, "mfa-index-active", "Two-factor authentication")

    page.goto(reverse("mfa_generate_recovery_codes"))
    check_page(page, screenshot_path, "recovery-codes-generate", "Recovery codes")

    page.goto(reverse("mfa_deactivate_totp"))
    check_page(page, screenshot_path, "totp-deactivate", "Deactivate authenticator app")

    page.goto(reverse("mfa_reauthenticate"))
    check_page(page, screenshot_path, "mfa-reauthenticate", "Confirm access")

    # Log out and in again, and the login now requires a code.
    page.get_by_role("button", name="Log out").click()
    page.goto(reverse("account_login"))
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page.locator("h1")).to_have_text("Two-factor authentication")
    page.screenshot(path=screenshot_path("account-mfa-authenticate-light"), full_page=True)


def test_password_reset_pages_in_site_design(page, live_server, member, screenshot_path):
    page.goto(reverse("account_reset_password"))
    check_page(page, screenshot_path, "password-reset", "Password reset")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_role("button", name="Reset my password").click()

    check_page(page, screenshot_path, "password-reset-done", "Password reset")

    link = re.search(r"http://[^\s]+(/accounts/password/reset/key/[^\s]+/)", mail.outbox[-1].body).group(1)
    page.goto(link)
    check_page(page, screenshot_path, "password-reset-from-key", "Change password")
    page.get_by_label("New password", exact=True).fill("a-long-and-unusual-passphrase")
    page.get_by_label("New password (again)").fill("a-long-and-unusual-passphrase")
    page.get_by_role("button", name="Change password").click()

    check_page(page, screenshot_path, "password-reset-from-key-done", "Change password")
    expect(page.locator(".account-card")).to_contain_text("Your password is now changed.")

    page.goto(reverse("account_reset_password_from_key", args=["1", "not-a-key"]))
    check_page(page, screenshot_path, "password-reset-bad-key", "Bad token")
