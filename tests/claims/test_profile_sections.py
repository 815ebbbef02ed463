"""The profile's Identity and Direct collaboration sections for each kind of viewer."""

import pytest
from django.urls import reverse

from claims import services
from profiles.models import Researcher
from tests.claims import factories

pytestmark = pytest.mark.django_db

STATEMENT = "I wrote these papers."
LINKS = ["https://example.edu/people/ada"]


def profile_html(client, researcher):
    response = client.get(researcher.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_anonymous_sees_log_in_to_claim(client, researcher):
    html = profile_html(client, researcher)
    claim_url = reverse("claims:submit", args=[researcher.pk])
    assert f'href="{reverse("account_login")}?next={claim_url}">Log in to claim</a>' in html
    assert "Locked: this researcher has not claimed their profile yet." in html


def test_verified_user_sees_claim_link(client, claimant, researcher, django_assert_max_num_queries):
    client.force_login(claimant)
    with django_assert_max_num_queries(16):
        html = profile_html(client, researcher)
    assert f'href="{reverse("claims:submit", args=[researcher.pk])}">Claim this profile</a>' in html
    assert 'aria-pressed="false"' in html


def test_unverified_user_asked_to_verify(client, researcher):
    client.force_login(factories.make_user("unverified@example.org", verified=False))
    html = profile_html(client, researcher)
    assert "Verify your email address before claiming." in html
    assert "Claim this profile" not in html


def test_pending_claim_state_shown(client, claimant, researcher):
    claim = services.submit_claim(claimant, researcher, links=LINKS, statement=STATEMENT)
    client.force_login(claimant)
    html = profile_html(client, researcher)
    assert "Your claim is pending review" in html
    assert f'href="{claim.get_absolute_url()}"' in html


def test_rejected_claim_reason_shown(client, claimant, reviewer, researcher):
    claim = services.submit_claim(claimant, researcher, links=LINKS, statement=STATEMENT)
    services.reject_claim(claim.pk, reviewer, "The linked page names someone else.")
    client.force_login(claimant)
    html = profile_html(client, researcher)
    assert "Your earlier claim was rejected: The linked page names someone else." in html
    assert "Claim this profile" in html


def test_claimed_profile_reads_claimed(client, claimant, reviewer, researcher):
    claim = services.submit_claim(claimant, researcher, links=LINKS, statement=STATEMENT)
    services.approve_claim(claim.pk, reviewer, "Links match.")
    html = profile_html(client, Researcher.objects.get(pk=researcher.pk))
    assert "Trust 47 - Claimed" in html
    assert "Verification L2" in html
    assert "Claimed author" in html
    assert "Claimed by Ada Example" in html
    assert "Log in to claim" not in html
    assert "Edit your profile" not in html


def test_owner_sees_edit_link(client, claimant, reviewer, researcher, django_assert_max_num_queries):
    claim = services.submit_claim(claimant, researcher, links=LINKS, statement=STATEMENT)
    services.approve_claim(claim.pk, reviewer, "Links match.")
    client.force_login(claimant)
    with django_assert_max_num_queries(16):
        html = profile_html(client, researcher)
    assert f'href="{reverse("claims:edit_profile", args=[researcher.pk])}">Edit your profile</a>' in html
    assert "This is your profile." in html


def test_owner_of_other_record_told_to_merge(client, claimant, reviewer, researcher):
    other = factories.make_researcher("Ada E.")
    claim = services.submit_claim(claimant, other, links=LINKS, statement=STATEMENT)
    services.approve_claim(claim.pk, reviewer, "Links match.")
    client.force_login(claimant)
    html = profile_html(client, researcher)
    assert "You already own the profile of" in html
    assert "Claim this profile" not in html


def test_collaboration_unlocked_between_claimed(client, claimant, other_user, reviewer, researcher):
    mine = factories.make_researcher("Grace Example")
    for user, record in [(claimant, researcher), (other_user, mine)]:
        claim = services.submit_claim(user, record, links=LINKS, statement=STATEMENT)
        services.approve_claim(claim.pk, reviewer, "Links match.")
    client.force_login(other_user)
    html = profile_html(client, researcher)
    assert "Unlocked: you and Ada Example both have claimed profiles" in html


def test_collaboration_locked_for_unclaimed_viewer(client, claimant, other_user, reviewer, researcher):
    claim = services.submit_claim(claimant, researcher, links=LINKS, statement=STATEMENT)
    services.approve_claim(claim.pk, reviewer, "Links match.")
    client.force_login(other_user)
    html = profile_html(client, researcher)
    assert "Locked: claim your own profile first." in html
