"""Claim services: submit, withdraw, approve, reject, and the rules each one enforces."""

import pytest
from allauth.socialaccount.models import SocialAccount
from django.core import mail

from claims import services
from claims.models import Claim, ClaimEvent
from profiles.models import Researcher, VerificationLevel
from tests.claims import factories

pytestmark = pytest.mark.django_db

STATEMENT = "I wrote these papers while at the University of Example."
LINKS = ["https://example.edu/people/ada"]


def connect_orcid(user, orcid):
    return SocialAccount.objects.create(user=user, provider="orcid", uid=orcid, extra_data={})


def submit_with_links(user, researcher):
    return services.submit_claim(user, researcher, links=LINKS, statement=STATEMENT)


def reload(researcher):
    return Researcher.objects.get(pk=researcher.pk)


# Submitting -------------------------------------------------------------------


def test_submit_with_orcid_evidence(claimant, researcher):
    connect_orcid(claimant, "0000-0002-1642-628X")
    claim = services.submit_claim(claimant, researcher)
    assert claim.status == Claim.Status.PENDING
    assert claim.orcid_evidence == "0000-0002-1642-628X"
    assert claim.evidence_labels == ["ORCID sign-in"]


def test_submit_ignores_other_orcid(claimant, researcher):
    connect_orcid(claimant, "0000-0001-8607-8025")
    with pytest.raises(services.ClaimError, match="Add at least one link"):
        services.submit_claim(claimant, researcher)
    assert not Claim.objects.exists()


def test_submit_with_institutional_email(claimant, researcher):
    factories.add_email(claimant, "ada@physics.example.edu")
    claim = services.submit_claim(claimant, researcher)
    assert claim.email_evidence == "ada@physics.example.edu"
    assert claim.evidence_labels == ["Institutional email"]


def test_unverified_institutional_email_does_not_count(claimant, researcher):
    factories.add_email(claimant, "ada@example.edu", verified=False)
    with pytest.raises(services.ClaimError, match="Add at least one link"):
        services.submit_claim(claimant, researcher)


def test_lookalike_domain_does_not_count(claimant, researcher):
    factories.add_email(claimant, "ada@notexample.edu")
    with pytest.raises(services.ClaimError, match="Add at least one link"):
        services.submit_claim(claimant, researcher)


def test_submit_with_links_and_statement(claimant, researcher):
    claim = submit_with_links(claimant, researcher)
    assert claim.links == LINKS
    assert claim.statement == STATEMENT
    assert claim.evidence_labels == ["Links and statement"]
    event = claim.events.get()
    assert event.action == ClaimEvent.Action.SUBMITTED
    assert event.actor == claimant


def test_submit_refused_without_verified_email(researcher):
    user = factories.make_user("unverified@example.org", verified=False)
    with pytest.raises(services.ClaimError, match="Verify your email address"):
        submit_with_links(user, researcher)


def test_submit_refused_when_already_claimed(claimant, other_user, researcher):
    Researcher.objects.filter(pk=researcher.pk).update(claimed_by=other_user)
    with pytest.raises(services.ClaimError, match="already claimed by its author"):
        submit_with_links(claimant, reload(researcher))


def test_second_open_claim_refused(claimant, researcher):
    submit_with_links(claimant, researcher)
    with pytest.raises(services.ClaimError, match="waiting for review"):
        submit_with_links(claimant, researcher)
    assert Claim.objects.count() == 1


def test_claim_after_withdrawal_allowed(claimant, researcher):
    first = submit_with_links(claimant, researcher)
    services.withdraw_claim(claimant, first.pk)
    second = submit_with_links(claimant, researcher)
    assert second.pk != first.pk
    assert second.status == Claim.Status.PENDING


def test_owner_of_another_record_refused(claimant, reviewer, researcher):
    other_record = factories.make_researcher("Ada E.")
    claim = submit_with_links(claimant, other_record)
    services.approve_claim(claim.pk, reviewer, "Links match.")
    with pytest.raises(services.ClaimError, match=r"You already own the profile of Ada E\."):
        submit_with_links(claimant, researcher)


def test_owner_may_claim_merged_record(claimant, reviewer, researcher):
    duplicate = factories.make_researcher("A. Example", merged_into=researcher)
    other_claim = submit_with_links(claimant, researcher)
    services.approve_claim(other_claim.pk, reviewer, "Links match.")
    assert services.refusal_reason(claimant, duplicate) == (
        "This record was merged into another profile. Claim that profile instead."
    )
    assert services.refusal_reason(claimant, reload(researcher)) == "You already own this profile."


def test_approval_allowed_after_merge(claimant, reviewer, researcher):
    first_record = factories.make_researcher("Ada E.")
    approved = submit_with_links(claimant, first_record)
    pending = submit_with_links(claimant, researcher)
    services.approve_claim(approved.pk, reviewer, "Links match.")
    with pytest.raises(services.ClaimError, match="Merge the two records first"):
        services.approve_claim(pending.pk, reviewer, "Links match.")
    Researcher.objects.filter(pk=first_record.pk).update(merged_into=researcher)
    services.approve_claim(pending.pk, reviewer, "Records merged; links match.")
    assert reload(researcher).claimed_by == claimant


# Withdrawing ----------------------------------------------------------------------


def test_withdraw_pending_claim(claimant, researcher):
    claim = submit_with_links(claimant, researcher)
    services.withdraw_claim(claimant, claim.pk)
    claim.refresh_from_db()
    assert claim.status == Claim.Status.WITHDRAWN
    assert [event.action for event in claim.events.all()] == ["submitted", "withdrawn"]


def test_withdraw_of_other_users_claim(claimant, other_user, researcher):
    claim = submit_with_links(claimant, researcher)
    with pytest.raises(Claim.DoesNotExist):
        services.withdraw_claim(other_user, claim.pk)
    claim.refresh_from_db()
    assert claim.status == Claim.Status.PENDING


def test_withdraw_of_decided_claim_refused(claimant, reviewer, researcher):
    claim = submit_with_links(claimant, researcher)
    services.reject_claim(claim.pk, reviewer, "No evidence.")
    with pytest.raises(services.ClaimError, match="only a pending claim can be withdrawn"):
        services.withdraw_claim(claimant, claim.pk)


# Approving -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("evidence", "level", "score", "label"),
    [
        # L3 50 + ORCID 5 + institution 5 + 2 works = 62.
        ("orcid", VerificationLevel.L3, 62, "Verified"),
        ("email", VerificationLevel.L3, 62, "Verified"),
        # L2 35 + ORCID 5 + institution 5 + 2 works = 47.
        ("links", VerificationLevel.L2, 47, "Claimed"),
    ],
)
def test_approval_sets_level_and_score(claimant, reviewer, researcher, evidence, level, score, label):
    if evidence == "orcid":
        connect_orcid(claimant, "0000-0002-1642-628X")
    elif evidence == "email":
        factories.add_email(claimant, "ada@example.edu")
    claim = services.submit_claim(claimant, researcher, links=LINKS, statement=STATEMENT)
    services.approve_claim(claim.pk, reviewer, "Evidence checked.")

    researcher = reload(researcher)
    assert researcher.claimed_by == claimant
    assert researcher.verification_level == level
    assert researcher.trust_score == score
    from profiles.trust import trust_for

    assert trust_for(researcher).label == label
    claim.refresh_from_db()
    assert claim.status == Claim.Status.APPROVED
    assert claim.granted_level == level
    assert claim.decided_by == reviewer
    assert claim.decided_at is not None


def test_unclaimed_score_matches_worked_example(db):
    # An unclaimed OpenAlex author with no ORCID, no institution, 2 works and
    # 2 unclaimed close collaborators scores 10 + 2 + 1 = 13.
    from profiles.stats import recompute_researchers

    author = factories.make_researcher("Worked Example")
    first, second = factories.make_researcher("Co One"), factories.make_researcher("Co Two")
    factories.add_work(author, first, second)
    factories.add_work(author, first, second)
    recompute_researchers([author.pk])
    assert reload(author).trust_score == 13


def test_approval_rechecks_evidence(claimant, reviewer, researcher):
    claim = submit_with_links(claimant, researcher)
    connect_orcid(claimant, "0000-0002-1642-628X")
    services.approve_claim(claim.pk, reviewer, "ORCID connected since.")
    claim.refresh_from_db()
    assert claim.orcid_evidence == "0000-0002-1642-628X"
    assert reload(researcher).verification_level == VerificationLevel.L3


def test_approval_updates_coauthor_scores(claimant, reviewer, researcher):
    coauthor = factories.make_researcher("Grace Coauthor")
    factories.add_work(researcher, coauthor)
    factories.add_work(researcher, coauthor)
    from profiles.stats import recompute_researchers

    recompute_researchers([coauthor.pk])
    before = reload(coauthor).trust_score
    claim = submit_with_links(claimant, researcher)
    services.approve_claim(claim.pk, reviewer, "Links match.")
    coauthor = reload(coauthor)
    assert coauthor.claimed_close_collaborators_count == 1
    assert coauthor.trust_score == before + 2


def test_approval_rejects_rival_claims(claimant, other_user, reviewer, researcher, django_capture_on_commit_callbacks):
    rival = submit_with_links(other_user, researcher)
    claim = submit_with_links(claimant, researcher)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_claim(claim.pk, reviewer, "Links match.")
    rival.refresh_from_db()
    assert rival.status == Claim.Status.REJECTED
    assert rival.decision_reason == services.RIVAL_APPROVED_REASON
    assert sorted(message.to[0] for message in mail.outbox) == ["claimant@example.org", "other@example.org"]


def test_approval_emails_claimant(claimant, reviewer, researcher, django_capture_on_commit_callbacks):
    claim = submit_with_links(claimant, researcher)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_claim(claim.pk, reviewer, "Your staff page lists these works.")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["claimant@example.org"]
    assert message.subject == "[BZPEER] Your claim on Ada Example was approved"
    assert "Reason: Your staff page lists these works." in message.body
    assert "verification level L2" in message.body


def test_approval_of_claimed_record_refused(claimant, other_user, reviewer, researcher):
    Researcher.objects.filter(pk=researcher.pk).update(claimed_by=other_user)
    claim = Claim.objects.create(researcher=researcher, user=claimant, links=LINKS, statement=STATEMENT)
    with pytest.raises(services.ClaimError, match="already claimed"):
        services.approve_claim(claim.pk, reviewer, "Looks right.")
    claim.refresh_from_db()
    assert claim.status == Claim.Status.PENDING


def test_approval_needs_reason(claimant, reviewer, researcher):
    claim = submit_with_links(claimant, researcher)
    with pytest.raises(services.ClaimError, match="A reason is required"):
        services.approve_claim(claim.pk, reviewer, "   ")
    assert reload(researcher).claimed_by is None


def test_decided_claim_cannot_be_decided_again(claimant, reviewer, researcher):
    claim = submit_with_links(claimant, researcher)
    services.reject_claim(claim.pk, reviewer, "No evidence.")
    with pytest.raises(services.ClaimError, match="already rejected"):
        services.approve_claim(claim.pk, reviewer, "Changed my mind.")


def test_approval_marks_graph_slice_stale(claimant, reviewer, researcher):
    graph_models = pytest.importorskip("graph.models")
    graph_models.GraphSlice.objects.create(researcher=researcher, status="ready", is_stale=False)
    claim = submit_with_links(claimant, researcher)
    services.approve_claim(claim.pk, reviewer, "Links match.")
    assert graph_models.GraphSlice.objects.get(researcher=researcher).is_stale is True


# Rejecting -------------------------------------------------------------------------


def test_reject_records_reason_and_emails(claimant, reviewer, researcher, django_capture_on_commit_callbacks):
    claim = submit_with_links(claimant, researcher)
    with django_capture_on_commit_callbacks(execute=True):
        services.reject_claim(claim.pk, reviewer, "The linked page names someone else.")
    claim.refresh_from_db()
    assert claim.status == Claim.Status.REJECTED
    assert claim.decision_reason == "The linked page names someone else."
    event = claim.events.get(action="rejected")
    assert event.actor == reviewer
    assert event.reason == "The linked page names someone else."
    assert reload(researcher).claimed_by is None
    assert mail.outbox[0].subject == "[BZPEER] Your claim on Ada Example was rejected"
    assert "The linked page names someone else." in mail.outbox[0].body


def test_reject_needs_reason(claimant, reviewer, researcher):
    claim = submit_with_links(claimant, researcher)
    with pytest.raises(services.ClaimError, match="A reason is required"):
        services.reject_claim(claim.pk, reviewer, "")


# Owner edits -----------------------------------------------------------------------


def test_owner_edits_summary_and_flag(claimant, reviewer, researcher):
    claim = submit_with_links(claimant, researcher)
    services.approve_claim(claim.pk, reviewer, "Links match.")
    services.update_owned_profile(claimant, reload(researcher), summary="I study sea ice.", open_to_collaborate=False)
    researcher = reload(researcher)
    assert researcher.summary == "I study sea ice."
    assert researcher.open_to_collaborate is False


def test_non_owner_cannot_edit(other_user, researcher):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.update_owned_profile(other_user, researcher, summary="Not me.", open_to_collaborate=False)
    assert reload(researcher).summary == ""


def test_approve_refused_after_merge(claimant, reviewer, researcher):
    from profiles.merging import merge_researchers

    duplicate = factories.make_researcher("A. Example")
    claim = services.submit_claim(claimant, duplicate, links=["https://example.org/ada"], statement="It is me.")
    merge_researchers(duplicate.pk, researcher.pk)

    with pytest.raises(services.ClaimError, match="merged into researcher"):
        services.approve_claim(claim.pk, reviewer, "Looks right.")

    duplicate.refresh_from_db()
    assert duplicate.claimed_by_id is None
    assert Claim.objects.get(pk=claim.pk).status == Claim.Status.PENDING


def test_submit_limited_pending_claims(claimant):
    records = [factories.make_researcher(f"Person {number}") for number in range(4)]
    for record in records[:3]:
        services.submit_claim(claimant, record, links=["https://example.org/me"], statement="It is me.")

    with pytest.raises(services.ClaimError, match="3 claims waiting for review"):
        services.submit_claim(claimant, records[3], links=["https://example.org/me"], statement="It is me.")
    assert Claim.objects.filter(user=claimant).count() == 3


def test_submit_limited_per_day(claimant):
    records = [factories.make_researcher(f"Person {number}") for number in range(6)]
    for record in records[:5]:
        claim = services.submit_claim(claimant, record, links=["https://example.org/me"], statement="It is me.")
        services.withdraw_claim(claimant, claim.pk)

    with pytest.raises(services.ClaimError, match="5 claims in the last 24 hours"):
        services.submit_claim(claimant, records[5], links=["https://example.org/me"], statement="It is me.")
