"""Claim pages: the claim form, My claims, a claim's page, withdrawal and the owner's edit form."""

import pytest
from django.test import Client
from django.urls import reverse

from claims import services
from claims.models import Claim
from profiles.models import Researcher
from tests.claims import factories

pytestmark = pytest.mark.django_db

STATEMENT = "I wrote these papers while at the University of Example."
LINKS_TEXT = "https://example.edu/people/ada\nhttps://ada.example.org/"


def submit_url(researcher):
    return reverse("claims:submit", args=[researcher.pk])


def make_claim(user, researcher):
    return services.submit_claim(user, researcher, links=["https://example.edu/people/ada"], statement=STATEMENT)


# The claim form ---------------------------------------------------------------------


def test_anonymous_claim_redirects_to_login(client, researcher):
    response = client.get(submit_url(researcher))
    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={submit_url(researcher)}"


def test_anonymous_post_creates_no_claim(client, researcher):
    response = client.post(submit_url(researcher), {"links": LINKS_TEXT, "statement": STATEMENT})
    assert response.status_code == 302
    assert not Claim.objects.exists()


def test_unverified_user_sent_to_email_page(client, researcher):
    user = factories.make_user("unverified@example.org", verified=False)
    client.force_login(user)
    response = client.post(submit_url(researcher), {"links": LINKS_TEXT, "statement": STATEMENT})
    assert response.status_code == 302
    assert response.url == reverse("account_email")
    assert not Claim.objects.exists()


def test_claim_form_shows_record_and_evidence(client, claimant, researcher, django_assert_max_num_queries):
    factories.add_email(claimant, "ada@example.edu")
    client.force_login(claimant)
    with django_assert_max_num_queries(12):
        response = client.get(submit_url(researcher))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1" in html
    assert html.count("<h1") == 1
    assert "Claim Ada Example" in html
    assert "0000-0002-1642-628X" in html
    assert "University of Example" in html
    assert "(example.edu)" in html
    assert "Institutional email: ada@example.edu is verified" in html


def test_submit_with_links_creates_claim(client, claimant, researcher):
    client.force_login(claimant)
    response = client.post(submit_url(researcher), {"links": LINKS_TEXT, "statement": STATEMENT})
    claim = Claim.objects.get()
    assert response.status_code == 302
    assert response.url == claim.get_absolute_url()
    assert claim.user == claimant
    assert claim.links == ["https://example.edu/people/ada", "https://ada.example.org/"]
    page = client.get(response.url).content.decode()
    assert "Your claim was submitted" in page
    assert "Pending review" in page


def test_extra_post_fields_are_ignored(client, claimant, other_user, reviewer, researcher):
    client.force_login(claimant)
    client.post(
        submit_url(researcher),
        {
            "links": LINKS_TEXT,
            "statement": STATEMENT,
            "status": "approved",
            "user": other_user.pk,
            "owner": other_user.pk,
            "reviewer": reviewer.pk,
            "decided_by": reviewer.pk,
            "granted_level": 3,
            "orcid_evidence": "0000-0002-1642-628X",
        },
    )
    claim = Claim.objects.get()
    assert claim.status == Claim.Status.PENDING
    assert claim.user == claimant
    assert claim.decided_by is None
    assert claim.granted_level is None
    assert claim.orcid_evidence == ""
    assert Researcher.objects.get(pk=researcher.pk).claimed_by is None


def test_submit_without_evidence_shows_error(client, claimant, researcher):
    client.force_login(claimant)
    response = client.post(submit_url(researcher), {"links": "", "statement": ""})
    assert response.status_code == 200
    assert "add at least one link and a statement" in response.content.decode()
    assert not Claim.objects.exists()


def test_invalid_link_shows_error(client, claimant, researcher):
    client.force_login(claimant)
    response = client.post(submit_url(researcher), {"links": "javascript:alert(1)", "statement": STATEMENT})
    assert "is not a valid http or https address" in response.content.decode()
    assert not Claim.objects.exists()


def test_claimed_record_shows_refusal(client, claimant, other_user, researcher):
    Researcher.objects.filter(pk=researcher.pk).update(claimed_by=other_user)
    client.force_login(claimant)
    get_html = client.get(submit_url(researcher)).content.decode()
    assert "This profile is already claimed by its author." in get_html
    assert "Submit claim" not in get_html
    response = client.post(submit_url(researcher), {"links": LINKS_TEXT, "statement": STATEMENT})
    assert response.status_code == 409
    assert not Claim.objects.exists()


def test_claim_form_needs_csrf(claimant, researcher):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(claimant)
    response = csrf_client.post(submit_url(researcher), {"links": LINKS_TEXT, "statement": STATEMENT})
    assert response.status_code == 403
    assert not Claim.objects.exists()


# My claims and a claim's page -------------------------------------------------------------


def test_my_claims_lists_own_claims(client, claimant, other_user, researcher, django_assert_max_num_queries):
    make_claim(claimant, researcher)
    make_claim(other_user, factories.make_researcher("Someone Else"))
    client.force_login(claimant)
    with django_assert_max_num_queries(6):
        html = client.get(reverse("claims:my_claims")).content.decode()
    assert "Ada Example" in html
    assert "Pending review" in html
    assert "Someone Else" not in html
    assert ">Withdraw<" in html


def test_my_claims_needs_login(client):
    response = client.get(reverse("claims:my_claims"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_other_users_claim_is_not_found(client, claimant, other_user, researcher):
    claim = make_claim(claimant, researcher)
    client.force_login(other_user)
    assert client.get(claim.get_absolute_url()).status_code == 404
    assert client.post(reverse("claims:withdraw", args=[claim.pk])).status_code == 404
    claim.refresh_from_db()
    assert claim.status == Claim.Status.PENDING


def test_claim_page_shows_decision(client, claimant, reviewer, researcher, django_assert_max_num_queries):
    claim = make_claim(claimant, researcher)
    services.reject_claim(claim.pk, reviewer, "The linked page names someone else.")
    client.force_login(claimant)
    with django_assert_max_num_queries(5):
        html = client.get(claim.get_absolute_url()).content.decode()
    assert "Rejected" in html
    assert "The linked page names someone else." in html
    assert "Withdraw claim" not in html


def test_withdraw_from_claim_page(client, claimant, researcher):
    claim = make_claim(claimant, researcher)
    client.force_login(claimant)
    response = client.post(reverse("claims:withdraw", args=[claim.pk]), follow=True)
    assert "Your claim on Ada Example was withdrawn." in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == Claim.Status.WITHDRAWN


def test_withdraw_needs_csrf(claimant, researcher):
    claim = make_claim(claimant, researcher)
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(claimant)
    assert csrf_client.post(reverse("claims:withdraw", args=[claim.pk])).status_code == 403
    claim.refresh_from_db()
    assert claim.status == Claim.Status.PENDING


# The owner's edit form ---------------------------------------------------------------------


@pytest.fixture
def owned(claimant, reviewer, researcher):
    claim = make_claim(claimant, researcher)
    services.approve_claim(claim.pk, reviewer, "Links match.")
    return Researcher.objects.get(pk=researcher.pk)


def edit_url(researcher):
    return reverse("claims:edit_profile", args=[researcher.pk])


def test_owner_edits_profile(client, claimant, owned, django_assert_max_num_queries):
    client.force_login(claimant)
    with django_assert_max_num_queries(5):
        assert client.get(edit_url(owned)).status_code == 200
    response = client.post(
        edit_url(owned),
        {"summary": "I study sea ice.", "display_name": "Someone Else", "orcid": "0000-0000-0000-0000"},
    )
    assert response.status_code == 302
    owned.refresh_from_db()
    assert owned.summary == "I study sea ice."
    assert owned.open_to_collaborate is False
    assert owned.display_name == "Ada Example"
    assert owned.orcid == "0000-0002-1642-628X"
    page = client.get(owned.get_absolute_url()).content.decode()
    assert "I study sea ice." in page
    assert "Open to collaborate</span>" not in page


def test_other_user_cannot_edit(client, other_user, owned):
    client.force_login(other_user)
    assert client.get(edit_url(owned)).status_code == 403
    assert client.post(edit_url(owned), {"summary": "Not me."}).status_code == 403
    owned.refresh_from_db()
    assert owned.summary == ""


def test_anonymous_cannot_edit(client, owned):
    response = client.post(edit_url(owned), {"summary": "Not me."})
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    owned.refresh_from_db()
    assert owned.summary == ""


def test_edit_needs_csrf(claimant, owned):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(claimant)
    assert csrf_client.post(edit_url(owned), {"summary": "x"}).status_code == 403


def test_summary_length_is_limited(client, claimant, owned):
    client.force_login(claimant)
    response = client.post(edit_url(owned), {"summary": "x" * 601, "open_to_collaborate": "on"})
    assert response.status_code == 200
    assert "at most 600 characters" in response.content.decode()
