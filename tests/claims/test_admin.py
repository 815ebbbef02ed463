"""Staff review of claims in Django admin: queue, evidence, decisions, bulk actions, access."""

from datetime import timedelta

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.core import mail
from django.test import Client
from django.urls import reverse

from claims import services
from claims.models import Claim, ClaimEvent
from profiles.models import Researcher, VerificationLevel
from tests.claims import factories

pytestmark = pytest.mark.django_db

STATEMENT = "I wrote these papers."
LINKS = ["https://example.edu/people/ada"]
CHANGELIST = "admin:claims_claim_changelist"


def make_claim(user, researcher):
    return services.submit_claim(user, researcher, links=LINKS, statement=STATEMENT)


def review_url(claim):
    return reverse("admin:claims_claim_review", args=[claim.pk])


@pytest.fixture
def staff_client(client, reviewer):
    client.force_login(reviewer)
    return client


@pytest.fixture
def rival_claims(claimant, other_user, researcher):
    first = make_claim(claimant, researcher)
    second = make_claim(other_user, researcher)
    return first, second


# The queue -------------------------------------------------------------------------------


def test_queue_lists_pending_oldest_first(staff_client, claimant, other_user, django_assert_max_num_queries):
    older = make_claim(claimant, factories.make_researcher("Older Record"))
    newer = make_claim(other_user, factories.make_researcher("Newer Record"))
    Claim.objects.filter(pk=older.pk).update(created_at=older.created_at - timedelta(days=3))
    decided = make_claim(factories.make_user(), factories.make_researcher("Decided Record"))
    services.reject_claim(decided.pk, factories.make_reviewer(), "No evidence.")
    with django_assert_max_num_queries(12):
        response = staff_client.get(reverse(CHANGELIST))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Older Record") < html.index("Newer Record")
    assert "Decided Record" not in html
    assert "3\xa0days" in html
    assert newer.pk


def test_queue_shows_all_statuses(staff_client, claimant, reviewer, researcher):
    claim = make_claim(claimant, researcher)
    services.reject_claim(claim.pk, reviewer, "No evidence.")
    html = staff_client.get(reverse(CHANGELIST), {"status": "all"}).content.decode()
    assert "Ada Example" in html
    assert "Rejected" in html


def test_queue_filters_by_evidence(staff_client, claimant, other_user, researcher):
    SocialAccount.objects.create(user=claimant, provider="orcid", uid="0000-0002-1642-628X")
    make_claim(claimant, researcher)
    make_claim(other_user, factories.make_researcher("Links Only"))
    html = staff_client.get(reverse(CHANGELIST), {"evidence": "orcid"}).content.decode()
    assert "Ada Example" in html
    assert "Links Only" not in html
    html = staff_client.get(reverse(CHANGELIST), {"evidence": "links"}).content.decode()
    assert "Links Only" in html


def test_queue_filters_by_age(staff_client, claimant, other_user):
    old = make_claim(claimant, factories.make_researcher("Old Record"))
    make_claim(other_user, factories.make_researcher("Fresh Record"))
    Claim.objects.filter(pk=old.pk).update(created_at=old.created_at - timedelta(days=10))
    html = staff_client.get(reverse(CHANGELIST), {"age": "older"}).content.decode()
    assert "Old Record" in html
    assert "Fresh Record" not in html
    html = staff_client.get(reverse(CHANGELIST), {"age": "day"}).content.decode()
    assert "Fresh Record" in html
    assert "Old Record" not in html


def test_queue_search_by_email(staff_client, claimant, other_user):
    make_claim(claimant, factories.make_researcher("First Record"))
    make_claim(other_user, factories.make_researcher("Second Record"))
    html = staff_client.get(reverse(CHANGELIST), {"q": "other@example.org"}).content.decode()
    assert "Second Record" in html
    assert "First Record" not in html


# Evidence beside the record ----------------------------------------------------------------


def test_review_page_shows_evidence(staff_client, claimant, researcher, django_assert_max_num_queries):
    Researcher.objects.filter(pk=researcher.pk).update(name_variants=["A. Example", "Ada E."])
    factories.add_email(claimant, "ada@example.edu")
    SocialAccount.objects.create(user=claimant, provider="orcid", uid="0000-0002-1642-628X")
    claim = make_claim(claimant, researcher)
    with django_assert_max_num_queries(12):
        response = staff_client.get(review_url(claim))
    html = response.content.decode()
    assert response.status_code == 200
    assert "A. Example, Ada E." in html
    assert "0000-0002-1642-628X (matches the record)" in html
    assert "University of Example (example.edu)" in html
    assert "ada@example.edu (at the record&#x27;s institution)" in html
    assert "claimant@example.org" in html
    assert "L3 (ORCID iD or institutional email proven)" in html
    assert "https://example.edu/people/ada" in html


def test_review_page_lists_record_works(staff_client, claimant, researcher, django_assert_max_num_queries):
    for _ in range(11):
        factories.add_work(researcher)
    claim = make_claim(claimant, researcher)

    with django_assert_max_num_queries(13):
        html = staff_client.get(review_url(claim)).content.decode()

    assert "13 works in all, the 10 most recent:" in html
    assert html.count('<li><a href="/works/') == 10
    assert f'<a href="{researcher.get_absolute_url()}">Public profile</a>' in html
    assert (
        f'<a href="https://openalex.org/{researcher.openalex_id}" rel="noopener noreferrer">OpenAlex record</a>' in html
    )
    assert "Account: claimant@example.org" in html
    assert "Verified emails:<ul>" in html
    # Admin's .button style gives the decision buttons a 24 px target.
    assert '<button type="submit" name="decision" value="approve" class="button default">Approve</button>' in html


def test_decided_claim_reason_ends_once(staff_client, claimant, researcher, reviewer):
    claim = make_claim(claimant, researcher)
    services.approve_claim(claim.pk, reviewer, "Staff page lists the works.")

    html = staff_client.get(review_url(claim)).content.decode()

    assert "<p>This claim is approved.</p>" in html
    assert "<p>Reason: Staff page lists the works.</p>" in html
    assert "works.." not in html


def test_change_page_shows_evidence_and_audit(staff_client, claimant, researcher):
    claim = make_claim(claimant, researcher)
    html = staff_client.get(reverse("admin:claims_claim_change", args=[claim.pk])).content.decode()
    assert "Evidence beside the record" in html
    assert "Not signed in with ORCID" in html
    assert "Audit trail" in html
    assert "Submitted" in html


def test_evidence_is_escaped(staff_client, claimant, researcher):
    claim = services.submit_claim(claimant, researcher, links=LINKS, statement="<script>alert(1)</script>")
    html = staff_client.get(review_url(claim)).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# Single decisions ----------------------------------------------------------------------------


def test_approve_from_review_page(staff_client, reviewer, claimant, researcher, django_capture_on_commit_callbacks):
    claim = make_claim(claimant, researcher)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            review_url(claim), {"decision": "approve", "reason": "Staff page lists the works."}
        )
    assert response.status_code == 302
    assert response.url == reverse(CHANGELIST)
    claim.refresh_from_db()
    assert claim.status == Claim.Status.APPROVED
    assert claim.decided_by == reviewer
    researcher = Researcher.objects.get(pk=researcher.pk)
    assert researcher.claimed_by == claimant
    assert researcher.verification_level == VerificationLevel.L2
    assert researcher.trust_score == 47
    event = claim.events.get(action=ClaimEvent.Action.APPROVED)
    assert event.actor == reviewer
    assert event.reason == "Staff page lists the works."
    assert event.created_at is not None
    assert [message.to for message in mail.outbox] == [["claimant@example.org"]]
    assert "approved" in mail.outbox[0].subject


def test_reject_from_review_page(staff_client, reviewer, claimant, researcher, django_capture_on_commit_callbacks):
    claim = make_claim(claimant, researcher)
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(review_url(claim), {"decision": "reject", "reason": "The page names someone else."})
    claim.refresh_from_db()
    assert claim.status == Claim.Status.REJECTED
    assert claim.decision_reason == "The page names someone else."
    assert Researcher.objects.get(pk=researcher.pk).claimed_by is None
    assert "rejected" in mail.outbox[0].subject


def test_decision_email_links_to_profile(
    settings, staff_client, claimant, researcher, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://bzpeer.example.org"
    claim = make_claim(claimant, researcher)
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(review_url(claim), {"decision": "approve", "reason": "Staff page lists the works."})

    body = mail.outbox[0].body
    assert f"from the profile page: https://bzpeer.example.org/researchers/{researcher.pk}/." in body
    assert f"Its history: https://bzpeer.example.org{claim.get_absolute_url()}" in body


def test_decision_email_without_site_url(staff_client, claimant, researcher, django_capture_on_commit_callbacks):
    claim = make_claim(claimant, researcher)
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(review_url(claim), {"decision": "reject", "reason": "The page names someone else."})

    body = mail.outbox[0].body
    assert "You can submit a new claim with more evidence from the profile page: a link" in body
    assert "http" not in body


def test_decision_without_reason_refused(staff_client, claimant, researcher):
    claim = make_claim(claimant, researcher)
    response = staff_client.post(review_url(claim), {"decision": "approve", "reason": ""})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == Claim.Status.PENDING
    assert not mail.outbox


def test_review_form_needs_csrf(reviewer, claimant, researcher):
    claim = make_claim(claimant, researcher)
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(reviewer)
    response = csrf_client.post(review_url(claim), {"decision": "approve", "reason": "Looks right."})
    assert response.status_code == 403
    claim.refresh_from_db()
    assert claim.status == Claim.Status.PENDING


# Bulk actions --------------------------------------------------------------------------------


def bulk_post(client, action, claims, **extra):
    data = {"action": action, ACTION_CHECKBOX_NAME: [claim.pk for claim in claims], **extra}
    return client.post(reverse(CHANGELIST), data)


def test_bulk_approve_asks_for_reason(staff_client, claimant, other_user):
    claims = [
        make_claim(claimant, factories.make_researcher("First")),
        make_claim(other_user, factories.make_researcher("Second")),
    ]
    response = bulk_post(staff_client, "approve_selected", claims, index=0)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Approve 2 claim(s)" in html
    assert Claim.objects.pending().count() == 2


def test_bulk_approve_with_reason(staff_client, reviewer, claimant, other_user, django_capture_on_commit_callbacks):
    claims = [
        make_claim(claimant, factories.make_researcher("First")),
        make_claim(other_user, factories.make_researcher("Second")),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = bulk_post(staff_client, "approve_selected", claims, apply="1", reason="Links checked.")
    assert response.status_code == 302
    assert Claim.objects.approved().count() == 2
    assert ClaimEvent.objects.filter(action="approved", actor=reviewer, reason="Links checked.").count() == 2
    assert sorted(message.to[0] for message in mail.outbox) == ["claimant@example.org", "other@example.org"]
    assert sorted(Researcher.objects.claimed().values_list("display_name", flat=True)) == ["First", "Second"]


def test_bulk_approve_of_rivals_approves_one(staff_client, rival_claims):
    response = bulk_post(staff_client, "approve_selected", rival_claims, apply="1", reason="Checked.")
    assert response.status_code == 302
    assert Claim.objects.approved().count() == 1
    assert Claim.objects.approved().get() == rival_claims[0]
    assert Claim.objects.get(pk=rival_claims[1].pk).status == Claim.Status.REJECTED


def test_bulk_reject_with_reason(staff_client, rival_claims, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        bulk_post(staff_client, "reject_selected", rival_claims, apply="1", reason="No evidence.")
    assert Claim.objects.filter(status="rejected", decision_reason="No evidence.").count() == 2
    assert len(mail.outbox) == 2


def test_bulk_reject_without_reason(staff_client, rival_claims):
    response = bulk_post(staff_client, "reject_selected", rival_claims, apply="1", reason="")
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert Claim.objects.pending().count() == 2


# Access -----------------------------------------------------------------------------------------


def test_staff_without_review_permission(client, claimant, researcher):
    viewer = factories.make_reviewer("viewer@example.org", with_permission=False)
    viewer.user_permissions.add(Permission.objects.get(codename="view_claim"))
    claim = make_claim(claimant, researcher)
    client.force_login(viewer)
    html = client.get(reverse(CHANGELIST)).content.decode()
    assert "Ada Example" in html
    assert "approve_selected" not in html
    assert client.get(review_url(claim)).status_code == 403
    assert client.post(review_url(claim), {"decision": "approve", "reason": "x"}).status_code == 403
    bulk_post(client, "approve_selected", [claim], apply="1", reason="x")
    claim.refresh_from_db()
    assert claim.status == Claim.Status.PENDING


def test_staff_without_claims_permission(client, claimant, researcher):
    staff = factories.make_reviewer("plain-staff@example.org", with_permission=False)
    claim = make_claim(claimant, researcher)
    client.force_login(staff)
    assert client.get(reverse(CHANGELIST)).status_code == 403
    assert client.get(review_url(claim)).status_code == 403


def test_non_staff_cannot_open_admin(client, claimant, researcher):
    claim = make_claim(claimant, researcher)
    client.force_login(claimant)
    response = client.get(review_url(claim))
    assert response.status_code == 302
    assert client.get(response.url).status_code == 403


def test_anonymous_admin_goes_to_allauth_login(client):
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))
    assert "next=" in response.redirect_chain[-1][0]


def test_staff_without_totp_sent_to_setup(client):
    staff = factories.make_reviewer("no-totp@example.org", with_totp=False)
    client.force_login(staff)
    response = client.get(reverse(CHANGELIST), follow=True)
    # allauth requires the password again before TOTP setup (reauthentication).
    assert [url for url, _ in response.redirect_chain][1] == reverse("mfa_activate_totp")
    assert "Staff accounts need two-factor authentication" in response.content.decode()


def test_audit_trail_admin_lists_events(staff_client, reviewer, claimant, researcher):
    claim = make_claim(claimant, researcher)
    services.reject_claim(claim.pk, reviewer, "No evidence.")
    reviewer.user_permissions.add(Permission.objects.get(codename="view_claimevent"))
    html = staff_client.get(reverse("admin:claims_claimevent_changelist")).content.decode()
    assert "No evidence." in html
    assert "Rejected" in html


def test_site_navigation_links_staff_to_admin(client, reviewer, claimant):
    client.force_login(reviewer)
    staff_page = client.get(reverse("claims:my_claims")).content.decode()
    client.force_login(claimant)
    member_page = client.get(reverse("claims:my_claims")).content.decode()

    assert f'<a href="{reverse("admin:index")}">Admin</a>' in staff_page
    assert f'<a href="{reverse("admin:index")}">Admin</a>' not in member_page


def test_audit_trail_emails_and_dates(staff_client, claimant, researcher, reviewer):
    claim = make_claim(claimant, researcher)
    services.approve_claim(claim.pk, reviewer, "Links match.")
    claimant.username = "generated-username-42"
    claimant.save()
    decided = Claim.objects.get(pk=claim.pk).decided_at
    reviewer.user_permissions.add(Permission.objects.get(codename="view_claimevent"))

    change_page = staff_client.get(reverse("admin:claims_claim_change", args=[claim.pk])).content.decode()
    trail_page = staff_client.get(reverse("admin:claims_claimevent_changelist")).content.decode()

    for page in (change_page, trail_page):
        assert "claimant@example.org" in page
        assert "reviewer@example.org" in page
        assert "generated-username-42" not in page
        assert decided.strftime("%-d %b %Y, %H:%M") in page
