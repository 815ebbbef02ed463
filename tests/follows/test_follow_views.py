"""The "Follow researcher" toggle on the profile: htmx fragment, plain POST, login, CSRF, limit."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from profiles import follows
from profiles.models import Follow, Researcher
from tests.claims.test_conversations import own

pytestmark = pytest.mark.django_db


def follow_url(researcher):
    return reverse("profiles:follow", args=[researcher.pk])


def test_plain_post_follows_and_redirects(client, claimant, researcher):
    client.force_login(claimant)
    response = client.post(follow_url(researcher), {"action": "follow"})
    assert response.status_code == 302
    assert response.url == researcher.get_absolute_url()
    page = client.get(response.url).content.decode()
    assert "1 follower<" in page
    assert 'aria-pressed="true"' in page
    assert "You follow this researcher." in page
    assert Follow.objects.filter(user=claimant, researcher=researcher).count() == 1


def test_plain_post_unfollows(client, claimant, researcher):
    follows.follow(claimant, researcher)
    client.force_login(claimant)
    client.post(follow_url(researcher), {"action": "unfollow"})
    page = client.get(researcher.get_absolute_url()).content.decode()
    assert "0 followers<" in page
    assert 'aria-pressed="false"' in page
    assert not Follow.objects.filter(researcher=researcher).exists()


def test_repeated_follow_post_changes_nothing(client, claimant, researcher):
    client.force_login(claimant)
    client.post(follow_url(researcher), {"action": "follow"})
    client.post(follow_url(researcher), {"action": "follow"})
    assert Follow.objects.filter(researcher=researcher).count() == 1
    assert Researcher.objects.get(pk=researcher.pk).followers_count == 1


def test_htmx_post_returns_fragment(client, claimant, other_user, researcher, django_assert_num_queries):
    follows.follow(other_user, researcher)
    client.force_login(claimant)
    with django_assert_num_queries(11):
        response = client.post(follow_url(researcher), {"action": "follow"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="follow-control"' in html
    assert "2 followers<" in html
    assert 'aria-pressed="true"' in html
    # The trust snapshot's count is swapped out of band.
    oob = re.search(r'<dd id="trust-followers-count" hx-swap-oob="true">(\d+)</dd>', html)
    assert oob is not None
    assert oob.group(1) == "2"


def test_htmx_unfollow_updates_both_counts(client, claimant, researcher):
    follows.follow(claimant, researcher)
    client.force_login(claimant)
    html = client.post(follow_url(researcher), {"action": "unfollow"}, headers={"HX-Request": "true"}).content.decode()
    assert "0 followers<" in html
    assert 'aria-pressed="false"' in html
    assert '<dd id="trust-followers-count" hx-swap-oob="true">0</dd>' in html


def test_anonymous_post_redirects_to_login(client, researcher):
    response = client.post(follow_url(researcher), {"action": "follow"})
    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={researcher.get_absolute_url()}"
    assert not Follow.objects.exists()


def test_anonymous_htmx_post_redirects_client(client, researcher):
    response = client.post(follow_url(researcher), {"action": "follow"}, headers={"HX-Request": "true"})
    assert response.headers["HX-Redirect"].startswith(reverse("account_login"))
    assert "next=" in response.headers["HX-Redirect"]
    assert not Follow.objects.exists()


def test_anonymous_profile_links_to_login(client, researcher):
    html = client.get(researcher.get_absolute_url()).content.decode()
    expected = f'href="{reverse("account_login")}?next={researcher.get_absolute_url()}"'
    assert expected in html
    assert "Follow researcher" in html


def test_get_is_not_allowed(client, claimant, researcher):
    client.force_login(claimant)
    assert client.get(follow_url(researcher)).status_code == 405
    assert not Follow.objects.exists()


def test_post_without_csrf_is_rejected(claimant, researcher):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(claimant)
    response = csrf_client.post(follow_url(researcher), {"action": "follow"})
    assert response.status_code == 403
    assert not Follow.objects.exists()


def test_unknown_researcher_is_not_found(client, claimant):
    client.force_login(claimant)
    assert client.post("/researchers/999999/follow/", {"action": "follow"}).status_code == 404


def test_rate_limit_refuses_follow(client, claimant, researcher):
    client.force_login(claimant)
    for _ in range(follows.FOLLOW_RATE_LIMIT):
        follows.consume_follow_allowance(claimant)
    response = client.post(follow_url(researcher), {"action": "follow"}, follow=True)
    assert "You changed follows too often" in response.content.decode()
    assert not Follow.objects.exists()


def test_rate_limit_message_in_fragment(client, claimant, researcher):
    client.force_login(claimant)
    for _ in range(follows.FOLLOW_RATE_LIMIT):
        follows.consume_follow_allowance(claimant)
    response = client.post(follow_url(researcher), {"action": "follow"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert 'role="alert">You changed follows too often' in html
    assert "0 followers<" in html
    assert not Follow.objects.exists()


def test_follow_of_merged_record_follows_target(client, claimant, researcher):
    from profiles.merging import merge_researchers
    from tests.claims import factories

    duplicate = factories.make_researcher("A. Example")
    merge_researchers(duplicate.pk, researcher.pk)
    client.force_login(claimant)

    response = client.post(follow_url(duplicate), {"action": "follow"})

    assert response.url == researcher.get_absolute_url()
    assert Follow.objects.filter(researcher=researcher).count() == 1
    assert Follow.objects.filter(researcher=duplicate).count() == 0
    researcher.refresh_from_db()
    assert researcher.followers_count == 1


def test_owner_cannot_follow_own_profile(client, claimant, researcher, reviewer):
    mine = own(claimant, researcher, reviewer)
    client.force_login(claimant)

    page = client.get(mine.get_absolute_url()).content.decode()
    response = client.post(follow_url(mine), {"action": "follow"}, headers={"HX-Request": "true"})

    assert "This is your profile. Other researchers follow it from here." in page
    assert 'id="follow-button"' not in page
    assert "This is your own profile, so you cannot follow it." in response.content.decode()
    assert not Follow.objects.filter(researcher=mine).exists()
    assert Researcher.objects.get(pk=mine.pk).followers_count == 0


def test_owner_can_still_unfollow_earlier_follow(client, claimant, researcher, reviewer):
    follows.follow(claimant, researcher)
    mine = own(claimant, researcher, reviewer)
    client.force_login(claimant)

    page = client.get(mine.get_absolute_url()).content.decode()
    client.post(follow_url(mine), {"action": "unfollow"})

    assert 'id="follow-button"' in page
    assert not Follow.objects.filter(researcher=mine).exists()


def test_follow_button_keeps_its_id_for_focus(client, claimant, researcher):
    # htmx gives the focus back to the element with the focused element's id after the swap.
    client.force_login(claimant)

    response = client.post(follow_url(researcher), {"action": "follow"}, headers={"HX-Request": "true"})

    assert 'id="follow-button"' in response.content.decode()
