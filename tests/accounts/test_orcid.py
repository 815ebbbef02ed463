"""ORCID sign-in through allauth's ORCID provider, with recorded responses in place of orcid.org.

The OAuth flow runs for real: the start view redirects to ORCID with a state,
the callback exchanges the code for a token and reads the ORCID record.
`responses` replaces the two calls to pub.orcid.org.
"""

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.urls import reverse

from claims.evidence import find_evidence
from tests.claims import factories

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
TOKEN_URL = "https://pub.orcid.org/oauth/token"
RECORD_URL = "https://pub.orcid.org/v3.0/{orcid}/record"
CLIENT_ID = "APP-BZPEERTEST00001"
ORCID_CONFIGURED = override_settings(
    SOCIALACCOUNT_PROVIDERS={
        "orcid": {
            "BASE_DOMAIN": "orcid.org",
            "MEMBER_API": False,
            "VERIFIED_EMAIL": False,
            "APPS": [{"client_id": CLIENT_ID, "secret": "test-client-secret", "key": ""}],
        }
    },
    ORCID_ENABLED=True,
)
CARL = "0000-0002-1642-628X"  # The recorded person lists two public emails.
STEPHEN = "0000-0001-8607-8025"  # The recorded person lists no email.


def record_body(orcid):
    """Return a /record body around the recorded /person body, as ORCID's v3.0 API nests them."""
    person = json.loads((FIXTURES / f"orcid_person_{orcid}.json").read_text())
    return {
        "orcid-identifier": {"uri": f"https://orcid.org/{orcid}", "path": orcid, "host": "orcid.org"},
        "preferences": {"locale": "en"},
        "history": None,
        "person": person,
        "activities-summary": None,
        "path": f"/{orcid}",
    }


def token_body(orcid, name):
    # The token response of ORCID's /authenticate scope carries the iD and name.
    return {
        "access_token": "9f7cbd5a-7e29-4b0b-8a57-0f1c6d3f9a10",
        "token_type": "bearer",
        "refresh_token": "5b1e36a8-2d1c-4c47-9b9e-3a0e6f2c1d77",
        "expires_in": 631138518,
        "scope": "/authenticate",
        "name": name,
        "orcid": orcid,
    }


def run_orcid_flow(client, orcid, name, *, process="login", next_url=None):
    """Start the flow, then call back as ORCID would; return the callback response."""
    start_url = reverse("orcid_login") + f"?process={process}"
    if next_url:
        start_url += f"&next={next_url}"
    start = client.post(start_url)
    assert start.status_code == 302
    authorize = urlsplit(start.url)
    assert f"{authorize.scheme}://{authorize.netloc}{authorize.path}" == "https://orcid.org/oauth/authorize"
    query = parse_qs(authorize.query)
    assert query["client_id"] == [CLIENT_ID]
    assert query["scope"] == ["/authenticate"]

    with responses.RequestsMock() as mock:
        mock.post(TOKEN_URL, json=token_body(orcid, name))
        mock.get(RECORD_URL.format(orcid=orcid), json=record_body(orcid))
        callback = client.get(reverse("orcid_callback"), {"code": "Q7h2Xk", "state": query["state"][0]})
        assert [call.request.url.split("?")[0] for call in mock.calls] == [TOKEN_URL, RECORD_URL.format(orcid=orcid)]
    return callback


@ORCID_CONFIGURED
def test_login_page_offers_orcid(client):
    html = client.get(reverse("account_login")).content.decode()
    assert "Log in with ORCID" in html
    assert "ORCID sign-in is off" not in html


def test_login_page_says_orcid_off(client):
    html = client.get(reverse("account_login")).content.decode()
    assert "ORCID sign-in is off on this server" in html
    assert "Log in with ORCID" not in html


@ORCID_CONFIGURED
def test_orcid_signup_email_stays_unverified(client, mailoutbox):
    response = run_orcid_flow(client, CARL, "Carl Boettiger")
    user = SocialAccount.objects.get(provider="orcid", uid=CARL).user
    address = EmailAddress.objects.get(user=user)
    assert address.email == "cboettig@berkeley.edu"
    assert address.verified is False
    # Mandatory verification: the user is asked to confirm the address first.
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert mailoutbox[0].to == ["cboettig@berkeley.edu"]


@ORCID_CONFIGURED
def test_orcid_never_matches_by_email(client):
    existing = factories.make_user("cboettig@berkeley.edu")
    response = run_orcid_flow(client, CARL, "Carl Boettiger")
    # No account is connected, created or logged in. allauth responds as to
    # any signup with a taken address, so it reveals nothing (no account enumeration).
    assert not SocialAccount.objects.exists()
    assert "_auth_user_id" not in client.session
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert get_user_model().objects.count() == 1
    assert existing.emailaddress_set.get().verified is True


@ORCID_CONFIGURED
def test_orcid_without_email_asks_for_one(client):
    response = run_orcid_flow(client, STEPHEN, "Stephen Eglen")
    assert response.url == reverse("socialaccount_signup")
    page = client.get(response.url).content.decode()
    assert 'name="email"' in page
    assert not SocialAccount.objects.exists()


@ORCID_CONFIGURED
def test_connected_orcid_counts_as_evidence(client, claimant, researcher):
    client.force_login(claimant)
    claim_url = reverse("claims:submit", args=[researcher.pk])
    response = run_orcid_flow(client, CARL, "Carl Boettiger", process="connect", next_url=claim_url)
    assert response.status_code == 302
    account = SocialAccount.objects.get(provider="orcid")
    assert account.user == claimant
    assert account.uid == CARL
    assert find_evidence(claimant, researcher).orcid_match == CARL
    html = client.get(claim_url).content.decode()
    assert f"your ORCID iD {CARL} equals this record" in html


@ORCID_CONFIGURED
def test_orcid_login_returns_existing_account(client, claimant):
    SocialAccount.objects.create(user=claimant, provider="orcid", uid=STEPHEN, extra_data={})
    response = run_orcid_flow(client, STEPHEN, "Stephen Eglen")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(claimant.pk)
