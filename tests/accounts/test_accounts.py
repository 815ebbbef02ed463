"""Email accounts: sign up, mandatory verification, log in, password reset and allauth's rate limits."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.test import Client, override_settings
from django.urls import reverse

from tests.claims import factories

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-and-unusual-passphrase"
REDIS_DOWN_CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "unix:///nonexistent/redis.sock?db=3",
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
    }
}


def confirmation_link(message) -> str:
    match = re.search(r"http://testserver(/accounts/confirm-email/[^\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def sign_up(client, email="new@example.org", next_url=None):
    url = reverse("account_signup") + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})


def test_signup_sends_confirmation_email(client, mailoutbox):
    response = sign_up(client)
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["new@example.org"]
    assert mailoutbox[0].subject == "[BZPEER] Please confirm your email address"
    assert EmailAddress.objects.get(email="new@example.org").verified is False
    assert "_auth_user_id" not in client.session


def test_confirmation_email_names_the_address(client, mailoutbox):
    sign_up(client)

    body = mailoutbox[0].body
    assert body.startswith("Hello from BZPEER,")
    assert "used this email address (new@example.org)" in body
    assert "/accounts/confirm-email/" in body


def test_confirmation_leads_to_claim_form(client, mailoutbox, researcher):
    claim_url = reverse("claims:submit", args=[researcher.pk])
    sign_up(client, next_url=claim_url)
    link = confirmation_link(mailoutbox[0])
    assert "Confirm" in client.get(link).content.decode()
    response = client.post(link)
    assert EmailAddress.objects.get(email="new@example.org").verified is True
    assert response.status_code == 302
    assert response.url == claim_url
    page = client.get(claim_url).content.decode()
    assert "Claim Ada Example" in page
    assert "Submit claim" in page


def test_unverified_login_asks_for_verification(client, mailoutbox):
    factories.make_user("pending@example.org", verified=False)
    response = client.post(reverse("account_login"), {"login": "pending@example.org", "password": factories.PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
    assert mailoutbox[0].to == ["pending@example.org"]


def test_verified_login_follows_next(client, claimant, researcher):
    response = client.post(
        reverse("account_login") + f"?next={researcher.get_absolute_url()}",
        {"login": "claimant@example.org", "password": factories.PASSWORD},
    )
    assert response.status_code == 302
    assert response.url == researcher.get_absolute_url()
    assert client.session["_auth_user_id"] == str(claimant.pk)


def test_wrong_password_shows_error(client, claimant):
    response = client.post(reverse("account_login"), {"login": "claimant@example.org", "password": "wrong"})
    assert response.status_code == 200
    assert "The email address and/or password you specified are not correct." in response.content.decode()


def test_password_reset_sends_email(client, claimant, mailoutbox):
    response = client.post(reverse("account_reset_password"), {"email": "claimant@example.org"})
    assert response.status_code == 302
    assert mailoutbox[0].to == ["claimant@example.org"]
    assert mailoutbox[0].subject == "[BZPEER] Password reset email"
    assert "/accounts/password/reset/key/" in mailoutbox[0].body


def test_login_form_needs_csrf(claimant):
    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post(
        reverse("account_login"), {"login": "claimant@example.org", "password": factories.PASSWORD}
    )
    assert response.status_code == 403


def test_pages_have_one_heading(client):
    for name in ["account_login", "account_signup", "account_reset_password"]:
        html = client.get(reverse(name)).content.decode()
        assert html.count("<h1") == 1, name
        assert '<main id="main"' in html


def test_failed_logins_are_rate_limited(client, claimant):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "claimant@example.org", "password": "wrong"})
    response = client.post(reverse("account_login"), {"login": "claimant@example.org", "password": factories.PASSWORD})
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1, ACCOUNT_RATE_LIMITS={"login": "2/m/ip"})
def test_rate_limit_counts_client_behind_proxy(client, claimant):
    def attempt(forwarded_for):
        return client.post(
            reverse("account_login"),
            {"login": "claimant@example.org", "password": "wrong"},
            headers={"X-Forwarded-For": forwarded_for},
        )

    # One trusted proxy appends the client's address: the last entry counts,
    # whatever the client wrote before it.
    assert attempt("198.51.100.1, 203.0.113.7").status_code == 200
    assert attempt("198.51.100.2, 203.0.113.7").status_code == 200
    assert attempt("198.51.100.3, 203.0.113.7").status_code == 429
    assert attempt("203.0.113.8").status_code == 200


@override_settings(CACHES=REDIS_DOWN_CACHES)
def test_login_rate_limit_fails_closed_without_redis(client, claimant):
    response = client.post(reverse("account_login"), {"login": "claimant@example.org", "password": factories.PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert get_user_model().objects.count() == 1
