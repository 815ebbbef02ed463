"""allauth's account pages in the site's design: emails, password, ORCID connections and two-factor pages.

allauth builds these pages from element templates; templates/allauth/elements/
replaces its default markup with the site's cards, stacked forms, buttons and
badges. The tests read each page as a user sees it.
"""

import re

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from bs4 import BeautifulSoup
from django.urls import reverse

from tests.accounts.test_orcid import ORCID_CONFIGURED
from tests.claims import factories

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-and-unusual-passphrase"
BUTTON_CLASSES = {"button", "link-button"}


def log_in(client, email="claimant@example.org"):
    """Log in through the login form, so allauth records a fresh authentication."""
    response = client.post(reverse("account_login"), {"login": email, "password": factories.PASSWORD})
    assert response.status_code == 302, response.content.decode()


def reauthenticate(client):
    """Confirm the password again, as allauth requires before two-factor changes."""
    response = client.post(reverse("account_reauthenticate"), {"password": factories.PASSWORD})
    assert response.status_code == 302, response.content.decode()


def read_page(response):
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content.decode(), "html.parser")


def card_of(page):
    """Return the card that contains the page's allauth content, after checking the site frame around it."""
    assert len(page.find_all("h1")) == 1
    main = page.find("main", id="main")
    assert main is not None
    card = main.select_one(".account-page > .card")
    assert card is not None
    assert card.find("h1") is not None
    return card


def heading(page) -> str:
    return " ".join(page.find("h1").get_text().split())


def title(page) -> str:
    return " ".join(page.title.get_text().split())


def flash_messages(page) -> list[str]:
    return [text_of(message) for message in page.select(".messages .message")]


def text_of(element) -> str:
    return " ".join(element.get_text().split())


def button(card, name):
    """Return the button or button link whose text is `name`."""
    for candidate in card.find_all(["button", "a"]):
        if text_of(candidate) == name:
            return candidate
    raise AssertionError(f"No button named {name!r} in {text_of(card)!r}")


def assert_no_default_markup(card):
    """Check that none of allauth's default element markup that the site replaces is left in the card."""
    # Default field and form.as_p output: a label inside a paragraph.
    assert card.select("p > label") == [], card.select("p > label")
    # Default badge: a bare <strong>.
    assert card.select("label strong") == []
    # Default panel: actions in a list.
    assert card.select("section > ul") == []
    for form in card.find_all("form"):
        # allauth's pages write a hidden-only form (log out of a half-finished login) without an element.
        if not form.select("button, textarea, input:not([type=hidden])"):
            continue
        assert "stacked-form" in form.get("class", []) or "inline-form" in form.get("class", []), form
    for element in card.find_all("button"):
        assert BUTTON_CLASSES & set(element.get("class", [])), element
    for error in card.select(".errorlist"):
        raise AssertionError(f"Django's default error list: {error}")


@pytest.fixture
def member(claimant):
    factories.add_email(claimant, "second@example.org", verified=False)
    return claimant


@pytest.fixture
def member_client(client, member):
    log_in(client)
    return client


@pytest.fixture
def verified_client(client, claimant):
    """A user whose only address is verified, as allauth requires before it adds an authenticator.

    Two-factor changes need a recent password confirmation besides the login.
    """
    log_in(client)
    reauthenticate(client)
    return client


def test_email_page_lists_addresses(member_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        page = read_page(member_client.get(reverse("account_email")))
    card = card_of(page)
    assert_no_default_markup(card)

    assert heading(page) == "Email addresses"
    assert title(page) == "Email addresses · BZPEER"
    assert [text_of(h2) for h2 in card.find_all("h2")] == ["Add email address"]
    rows = {text_of(row).split()[0]: row for row in card.select(".form-field-choice")}
    assert set(rows) == {"claimant@example.org", "second@example.org"}

    primary = rows["claimant@example.org"]
    assert [text_of(badge) for badge in primary.select(".badge")] == ["Verified", "Primary"]
    assert "badge-open" in primary.select_one(".badge")["class"]
    assert primary.find("input", type="radio").has_attr("checked")

    second = rows["second@example.org"]
    assert [text_of(badge) for badge in second.select(".badge")] == ["Unverified"]
    assert "badge-warning" in second.select_one(".badge")["class"]
    assert not second.find("input", type="radio").has_attr("checked")
    assert second.find("label")["for"] == second.find("input")["id"]


def test_email_page_buttons_use_site_classes(member_client):
    card = card_of(read_page(member_client.get(reverse("account_email"))))

    assert button(card, "Make primary")["class"] == ["button"]
    assert button(card, "Re-send verification")["class"] == ["button", "button-secondary"]
    assert button(card, "Remove")["class"] == ["button", "button-danger"]
    assert button(card, "Add email")["class"] == ["button"]
    assert button(card, "Remove")["name"] == "action_remove"


def test_email_page_add_shows_error(member_client):
    response = member_client.post(reverse("account_email"), {"action_add": "", "email": "not-an-address"})
    card = card_of(read_page(response))

    error = card.select_one(".form-field-invalid .form-error")
    assert error is not None
    assert error["role"] == "alert"
    assert text_of(error) == "Enter a valid email address."


def test_email_page_adds_address(member_client, member, mailoutbox):
    response = member_client.post(reverse("account_email"), {"action_add": "", "email": "third@example.org"})
    assert response.status_code == 302

    page = read_page(member_client.get(reverse("account_email")))
    assert "Confirmation email sent to third@example.org." in flash_messages(page)
    assert "third@example.org" in text_of(card_of(page))
    assert EmailAddress.objects.filter(user=member, email="third@example.org", verified=False).exists()


def test_password_change_page_form(member_client):
    page = read_page(member_client.get(reverse("account_change_password")))
    card = card_of(page)
    assert_no_default_markup(card)

    assert heading(page) == "Change password"
    labels = [text_of(label) for label in card.select(".form-field label")]
    assert labels == ["Current password", "New password", "New password (again)"]
    assert button(card, "Change password")["class"] == ["button"]
    assert page.select_one('nav a[aria-current="page"]').get_text() == "Password"


def test_password_set_page_form(client, member):
    """A user who signed up through ORCID has no password until they set one."""
    member.set_unusable_password()
    member.save(update_fields=["password"])
    client.force_login(member)
    page = read_page(client.get(reverse("account_set_password")))
    card = card_of(page)
    assert_no_default_markup(card)

    assert heading(page) == "Set password"
    assert title(page) == "Set password · BZPEER"
    labels = [text_of(label) for label in card.select(".form-field label")]
    assert labels == ["Password", "Password (again)"]
    assert button(card, "Set password")["class"] == ["button"]


def test_password_change_wrong_current_password(member_client):
    response = member_client.post(
        reverse("account_change_password"),
        {"oldpassword": "not-my-password", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    card = card_of(read_page(response))

    error = card.select_one(".form-field-invalid .form-error")
    assert text_of(error) == "Please type your current password."
    assert error["role"] == "alert"
    assert card.select_one(".form-field-invalid input")["name"] == "oldpassword"


def test_password_reset_pages(client, claimant, mailoutbox):
    page = read_page(client.get(reverse("account_reset_password")))
    card = card_of(page)
    assert_no_default_markup(card)
    assert heading(page) == "Password reset"
    assert button(card, "Reset my password")["class"] == ["button"]

    response = client.post(reverse("account_reset_password"), {"email": "claimant@example.org"})
    assert response.url == reverse("account_reset_password_done")
    page = read_page(client.get(response.url))
    assert_no_default_markup(card_of(page))
    assert heading(page) == "Password reset"
    assert "We have sent you an email." in text_of(page.find("main"))

    key_url = re.search(r"http://testserver(/accounts/password/reset/key/[^\s]+/)", mailoutbox[0].body).group(1)
    set_password_url = client.get(key_url).url
    page = read_page(client.get(set_password_url))
    card = card_of(page)
    assert_no_default_markup(card)
    assert heading(page) == "Change password"
    assert [text_of(label) for label in card.select(".form-field label")] == ["New password", "New password (again)"]
    assert button(card, "Cancel")["class"] == ["link-button"]
    assert button(card, "Cancel")["form"] == "logout-from-stage"

    response = client.post(set_password_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    page = read_page(client.get(response.url))
    assert_no_default_markup(card_of(page))
    assert heading(page) == "Change password"
    assert "Your password is now changed." in text_of(page.find("main"))


def test_password_reset_bad_key_page(client, claimant):
    page = read_page(client.get(reverse("account_reset_password_from_key", args=["1", "not-a-key"])))

    assert_no_default_markup(card_of(page))
    assert heading(page) == "Bad token"
    assert page.select_one(".card a")["href"] == reverse("account_reset_password")


def test_password_reset_mismatch_shows_error(client, claimant, mailoutbox):
    client.post(reverse("account_reset_password"), {"email": "claimant@example.org"})
    key_url = re.search(r"http://testserver(/accounts/password/reset/key/[^\s]+/)", mailoutbox[0].body).group(1)
    set_password_url = client.get(key_url).url

    response = client.post(set_password_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"})
    card = card_of(read_page(response))

    assert text_of(card.select_one(".form-error")) == "You must type the same password each time."


def test_email_confirm_page(client, member):
    address = EmailAddress.objects.get(email="second@example.org")
    key = EmailConfirmationHMAC(address).key
    page = read_page(client.get(reverse("account_confirm_email", args=[key])))
    card = card_of(page)
    assert_no_default_markup(card)

    assert heading(page) == "Confirm email address"
    assert "second@example.org" in text_of(card)
    assert button(card, "Confirm")["class"] == ["button"]
    assert "stacked-form" in card.find("form")["class"]


def test_email_confirm_invalid_key(client, member):
    page = read_page(client.get(reverse("account_confirm_email", args=["not-a-key"])))

    assert_no_default_markup(card_of(page))
    assert heading(page) == "Confirm email address"
    assert "This email confirmation link expired or is invalid." in text_of(page.find("main"))


def test_reauthenticate_page_hides_label_visually(member_client):
    page = read_page(member_client.get(reverse("account_reauthenticate")))
    card = card_of(page)
    assert_no_default_markup(card)

    assert heading(page) == "Confirm access"
    label = card.select_one(".form-field label")
    assert text_of(label) == "Password"
    assert label["class"] == ["visually-hidden"]
    assert button(card, "Confirm")["class"] == ["button"]


def test_reauthenticate_by_code_pages(member_client, mailoutbox):
    page = read_page(member_client.get(reverse("account_request_reauthentication_code")))
    card = card_of(page)
    assert_no_default_markup(card)
    assert heading(page) == "Confirm access"
    assert button(card, "Request code")["class"] == ["button"]

    response = member_client.post(
        reverse("account_request_reauthentication_code"), {"recipient": "claimant@example.org"}
    )
    page = read_page(member_client.get(response.url))
    assert_no_default_markup(card_of(page))
    assert heading(page) == "Enter sign-in code"
    assert mailoutbox[0].subject == "[BZPEER] Sign-in code"


def test_reauthenticate_wrong_password(member_client):
    response = member_client.post(reverse("account_reauthenticate"), {"password": "not-my-password"})
    card = card_of(read_page(response))

    assert text_of(card.select_one(".form-field-invalid .form-error")) == "Incorrect password."


def test_logout_page_says_log_out(member_client):
    page = read_page(member_client.get(reverse("account_logout")))
    card = card_of(page)
    assert_no_default_markup(card)

    assert heading(page) == "Log out"
    assert title(page) == "Log out · BZPEER"
    assert "Are you sure you want to log out?" in text_of(card)
    assert button(card, "Log out")["class"] == ["button"]


def test_logout_shows_flash_message(member_client):
    page = read_page(member_client.post(reverse("account_logout"), follow=True))

    assert "You have logged out." in flash_messages(page)


def test_login_shows_flash_with_address(client, claimant):
    response = client.post(
        reverse("account_login"), {"login": "claimant@example.org", "password": factories.PASSWORD}, follow=True
    )

    assert flash_messages(read_page(response)) == ["Successfully logged in as claimant@example.org."]


def test_login_page_remember_me_label(client):
    page = read_page(client.get(reverse("account_login")))

    labels = [text_of(label) for label in page.select("main .form-field label")]
    assert labels == ["Email", "Password", "Remember me"]


@ORCID_CONFIGURED
def test_connections_page_lists_orcid(member_client, member):
    SocialAccount.objects.create(user=member, provider="orcid", uid="0000-0002-1642-628X")
    page = read_page(member_client.get(reverse("socialaccount_connections")))
    card = card_of(page)
    assert_no_default_markup(card)

    assert heading(page) == "Account connections"
    assert "You can log in to your account using any of the following third-party accounts:" in text_of(card)
    assert [text_of(h2) for h2 in card.find_all("h2")] == ["Add a third-party account"]
    row = card.select_one(".form-field-choice")
    assert row.find("input", type="radio")["name"] == "account"
    assert text_of(row.select_one(".badge")) == "Orcid.org"
    assert button(card, "Remove")["class"] == ["button", "button-danger"]

    connect = button(card, "Connect ORCID")
    assert connect["class"] == ["button", "button-secondary"]
    form = connect.find_parent("form")
    assert form["method"] == "post"
    assert form["action"].startswith(reverse("orcid_login"))
    assert "process=connect" in form["action"]
    assert form.find("input", attrs={"name": "csrfmiddlewaretoken"}) is not None


@ORCID_CONFIGURED
def test_orcid_login_page_says_log_in(client):
    page = read_page(client.get(reverse("orcid_login")))
    card = card_of(page)

    assert title(page) == "Log in · BZPEER"
    assert heading(page) == "Log in via Orcid.org"
    assert "You are about to log in using a third-party account from Orcid.org." in text_of(card)


def test_connections_page_without_accounts(member_client):
    page = read_page(member_client.get(reverse("socialaccount_connections")))
    card = card_of(page)

    assert_no_default_markup(card)
    assert "You currently have no third-party accounts connected to this account." in text_of(card)


def test_mfa_index_without_authenticator(member_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        page = read_page(member_client.get(reverse("mfa_index")))
    card = card_of(page)
    assert_no_default_markup(card)

    assert heading(page) == "Two-factor authentication"
    assert title(page) == "Two-factor authentication · BZPEER"
    panels = {text_of(panel.find("h2")): panel for panel in card.select("section.account-panel")}
    assert list(panels) == ["Authenticator app", "Recovery codes"]
    activate = button(panels["Authenticator app"], "Activate")
    assert activate.name == "a"
    assert activate["class"] == ["button"]
    assert activate["href"] == reverse("mfa_activate_totp")


def test_mfa_index_with_authenticator(member_client, member):
    factories.activate_totp(member)
    page = read_page(member_client.get(reverse("mfa_index")))
    card = card_of(page)
    assert_no_default_markup(card)

    panels = {text_of(panel.find("h2")): panel for panel in card.select("section.account-panel")}
    assert "Authentication using an authenticator app is active." in text_of(panels["Authenticator app"])
    assert button(panels["Authenticator app"], "Deactivate")["class"] == ["button", "button-danger"]


def test_totp_activate_page(verified_client):
    page = read_page(verified_client.get(reverse("mfa_activate_totp")))
    card = card_of(page)
    assert_no_default_markup(card)

    assert heading(page) == "Activate authenticator app"
    qr_code = card.select_one("img.qr-code")
    assert qr_code["src"].startswith("data:image/svg+xml")
    secret = card.find("input", id="authenticator_secret")
    assert secret.has_attr("readonly")
    assert not secret.has_attr("disabled")
    assert secret["aria-describedby"] == "authenticator_secret_helptext"
    assert card.find(id="authenticator_secret_helptext") is not None
    assert text_of(card.find("label", attrs={"for": "id_code"})) == "Authenticator code"
    assert button(card, "Activate")["class"] == ["button"]


def test_totp_activate_wrong_code(verified_client, claimant):
    response = verified_client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    card = card_of(read_page(response))

    error = card.select_one(".form-field-invalid .form-error")
    assert text_of(error) == "Incorrect code."
    assert error["role"] == "alert"
    assert not Authenticator.objects.filter(user=claimant).exists()


def test_totp_deactivate_page(verified_client, claimant):
    factories.activate_totp(claimant)
    page = read_page(verified_client.get(reverse("mfa_deactivate_totp")))
    card = card_of(page)
    assert_no_default_markup(card)

    assert heading(page) == "Deactivate authenticator app"
    assert button(card, "Deactivate")["class"] == ["button", "button-danger"]


def test_recovery_codes_pages(verified_client, claimant):
    factories.activate_totp(claimant)
    verified_client.post(reverse("mfa_generate_recovery_codes"))

    page = read_page(verified_client.get(reverse("mfa_view_recovery_codes")))
    card = card_of(page)
    assert_no_default_markup(card)
    assert heading(page) == "Recovery codes"
    codes = card.find("textarea", id="recovery_codes")
    assert codes.has_attr("readonly")
    assert len(codes.get_text().split()) == 10
    assert button(card, "Download codes")["class"] == ["button"]

    page = read_page(verified_client.get(reverse("mfa_generate_recovery_codes")))
    card = card_of(page)
    assert_no_default_markup(card)
    assert "This action will invalidate your existing codes." in text_of(card)
    assert button(card, "Generate")["class"] == ["button", "button-danger"]


def test_mfa_authenticate_and_reauthenticate_pages(client, member):
    factories.activate_totp(member)
    response = client.post(reverse("account_login"), {"login": "claimant@example.org", "password": factories.PASSWORD})
    assert response.url == reverse("mfa_authenticate")
    page = read_page(client.get(response.url))
    assert heading(page) == "Two-factor authentication"
    assert page.select_one("main form.stacked-form") is not None

    client.force_login(member)
    page = read_page(client.get(reverse("mfa_reauthenticate")))
    card = card_of(page)
    assert_no_default_markup(card)
    assert heading(page) == "Confirm access"
    assert text_of(card.select_one(".form-field label.visually-hidden")) == "Code"
    assert button(card, "Confirm")["class"] == ["button"]
