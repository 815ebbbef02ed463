"""Direct collaboration: invitations and replies between two claimed researchers."""

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from claims import conversations, services
from claims.models import Conversation, Message
from profiles.models import Researcher
from tests.claims import factories

pytestmark = pytest.mark.django_db

LINKS = ["https://example.edu/people/me"]
REDIS_DOWN_CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "unix:///nonexistent/redis.sock?db=3",
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
    }
}


def own(user, researcher, reviewer):
    claim = services.submit_claim(user, researcher, links=LINKS, statement="This record is mine.")
    services.approve_claim(claim.pk, reviewer, "Links match.")
    return Researcher.objects.get(pk=researcher.pk)


@pytest.fixture
def profiles(claimant, other_user, reviewer, researcher):
    """Return (mine, theirs): the claimant owns Ada Example, other_user owns Grace Example."""
    theirs = own(claimant, researcher, reviewer)
    mine = own(other_user, factories.make_researcher("Grace Example"), reviewer)
    return mine, theirs


def start_url(researcher):
    return reverse("claims:start_conversation", args=[researcher.pk])


def test_invitation_creates_conversation(client, other_user, claimant, profiles, django_capture_on_commit_callbacks):
    mine, theirs = profiles
    client.force_login(other_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(start_url(theirs), {"subject": "Shared sea ice data", "body": "Shall we compare notes?"})
    conversation = Conversation.objects.get()
    assert response.status_code == 302
    assert response.url == conversation.get_absolute_url()
    assert conversation.initiator == other_user
    assert conversation.recipient == claimant
    assert conversation.initiator_researcher == mine
    assert conversation.recipient_researcher == theirs
    assert mail.outbox[-1].to == ["claimant@example.org"]
    assert mail.outbox[-1].subject == "[BZPEER] Grace Example: Shared sea ice data"
    assert "Shall we compare notes?" in mail.outbox[-1].body


def test_message_email_links_to_conversation(
    settings, client, other_user, profiles, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://bzpeer.example.org"
    _mine, theirs = profiles
    client.force_login(other_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(start_url(theirs), {"subject": "Shared sea ice data", "body": "Shall we compare notes?"})

    conversation = Conversation.objects.get()
    expected = f"To reply, open the conversation: https://bzpeer.example.org{conversation.get_absolute_url()}"
    assert expected in mail.outbox[-1].body


def test_reply_by_recipient(client, other_user, claimant, profiles, django_assert_max_num_queries):
    _, theirs = profiles
    conversation = conversations.start_conversation(other_user, theirs, subject="Data", body="Hello Ada.")
    client.force_login(claimant)
    response = client.post(conversation.get_absolute_url(), {"body": "Hello Grace."})
    assert response.status_code == 302
    assert list(Message.objects.values_list("body", flat=True)) == ["Hello Ada.", "Hello Grace."]
    with django_assert_max_num_queries(6):
        html = client.get(conversation.get_absolute_url()).content.decode()
    assert "Hello Ada." in html
    assert "Hello Grace." in html
    assert "Conversation with <a" in html
    assert "Grace Example" in html


def test_outsider_gets_not_found(client, other_user, profiles):
    _, theirs = profiles
    conversation = conversations.start_conversation(other_user, theirs, subject="Data", body="Hello Ada.")
    client.force_login(factories.make_user("outsider@example.org"))
    assert client.get(conversation.get_absolute_url()).status_code == 404
    assert client.post(conversation.get_absolute_url(), {"body": "Let me in."}).status_code == 404
    assert Message.objects.count() == 1


def test_anonymous_sent_to_login(client, other_user, profiles):
    _, theirs = profiles
    conversation = conversations.start_conversation(other_user, theirs, subject="Data", body="Hello Ada.")
    response = client.get(conversation.get_absolute_url())
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_unclaimed_viewer_cannot_invite(client, claimant, reviewer, researcher):
    theirs = own(claimant, researcher, reviewer)
    client.force_login(factories.make_user("unclaimed@example.org"))
    response = client.post(start_url(theirs), {"subject": "Hi", "body": "Hello."})
    assert response.status_code == 403
    assert "Locked: claim your own profile first." in response.content.decode()
    assert not Conversation.objects.exists()


def test_unclaimed_record_cannot_be_invited(other_user, reviewer):
    own(other_user, factories.make_researcher("Grace Example"), reviewer)
    unclaimed = factories.make_researcher("Nobody Claimed")
    with pytest.raises(conversations.ConversationError, match="has not claimed their profile"):
        conversations.start_conversation(other_user, unclaimed, subject="Hi", body="Hello.")


def test_closed_profile_rejects_invitations(other_user, profiles):
    _, theirs = profiles
    Researcher.objects.filter(pk=theirs.pk).update(open_to_collaborate=False)
    theirs.refresh_from_db()
    with pytest.raises(conversations.ConversationError, match="not open to collaborate"):
        conversations.start_conversation(other_user, theirs, subject="Hi", body="Hello.")


def test_owner_cannot_invite_self(claimant, profiles):
    _, theirs = profiles
    with pytest.raises(conversations.ConversationError, match=r"This is your profile\."):
        conversations.start_conversation(claimant, theirs, subject="Hi", body="Hello.")


def test_messages_are_rate_limited(other_user, profiles):
    _, theirs = profiles
    conversation = conversations.start_conversation(other_user, theirs, subject="Data", body="First.")
    for number in range(conversations.MESSAGE_RATE_LIMIT - 1):
        conversations.post_message(other_user, conversation, f"Message {number}.")
    with pytest.raises(conversations.ConversationError, match="You sent many messages"):
        conversations.post_message(other_user, conversation, "One too many.")
    assert Message.objects.count() == conversations.MESSAGE_RATE_LIMIT


def test_messages_fail_closed_without_redis(other_user, profiles):
    _, theirs = profiles
    with (
        override_settings(CACHES=REDIS_DOWN_CACHES),
        pytest.raises(conversations.ConversationError, match="unavailable"),
    ):
        conversations.start_conversation(other_user, theirs, subject="Data", body="Hello.")
    assert not Conversation.objects.exists()


def test_reply_needs_csrf(other_user, claimant, profiles):
    _, theirs = profiles
    conversation = conversations.start_conversation(other_user, theirs, subject="Data", body="Hello Ada.")
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(claimant)
    assert csrf_client.post(conversation.get_absolute_url(), {"body": "Hi."}).status_code == 403
    assert Message.objects.count() == 1


def test_list_shows_own_conversations(client, other_user, claimant, profiles, django_assert_max_num_queries):
    _, theirs = profiles
    conversations.start_conversation(other_user, theirs, subject="Shared sea ice data", body="Hello Ada.")
    client.force_login(claimant)
    with django_assert_max_num_queries(5):
        html = client.get(reverse("claims:conversations")).content.decode()
    assert "Shared sea ice data" in html
    assert "with Grace Example" in html
    client.force_login(factories.make_user("outsider@example.org"))
    assert "Shared sea ice data" not in client.get(reverse("claims:conversations")).content.decode()


def test_profile_offers_invitation(client, other_user, profiles):
    _, theirs = profiles
    client.force_login(other_user)
    html = client.get(theirs.get_absolute_url()).content.decode()
    assert f'href="{start_url(theirs)}">Invite to a conversation</a>' in html
    conversations.start_conversation(other_user, theirs, subject="Shared sea ice data", body="Hello Ada.")
    html = client.get(theirs.get_absolute_url()).content.decode()
    assert "Your conversations with Ada Example" in html
    assert "Shared sea ice data" in html
