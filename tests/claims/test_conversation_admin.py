"""Conversations and messages in Django admin: access by permission, and read-only pages."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from claims import conversations
from claims.models import Conversation, Message
from tests.claims import factories
from tests.claims.test_conversations import own

pytestmark = pytest.mark.django_db


@pytest.fixture
def conversation(claimant, other_user, reviewer, researcher):
    theirs = own(claimant, researcher, reviewer)
    own(other_user, factories.make_researcher("Grace Example"), reviewer)
    started = conversations.start_conversation(other_user, theirs, subject="Shared sea ice data", body="Hello Ada.")
    conversations.post_message(claimant, started, "Hello Grace, gladly.")
    return started


def _grant(user, *codenames):
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="claims", codename__in=codenames))


def test_moderator_lists_conversations(client, reviewer, conversation, django_assert_max_num_queries):
    _grant(reviewer, "view_conversation")
    client.force_login(reviewer)

    with django_assert_max_num_queries(11):
        response = client.get(reverse("admin:claims_conversation_changelist"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Shared sea ice data" in page
    assert "Grace Example" in page
    assert "Ada Example" in page
    assert '<td class="field-message_count">2</td>' in page


def test_conversation_page_shows_messages_read_only(client, reviewer, conversation):
    _grant(reviewer, "view_conversation", "view_message")
    client.force_login(reviewer)

    response = client.get(reverse("admin:claims_conversation_change", args=[conversation.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Hello Ada." in page
    assert "Hello Grace, gladly." in page
    assert 'name="subject"' not in page
    assert 'name="_save"' not in page


def test_reviewer_without_permission_sees_no_conversations(client, reviewer, conversation):
    client.force_login(reviewer)

    response = client.get(reverse("admin:claims_conversation_changelist"))

    assert response.status_code == 403


def test_moderator_deletes_one_message(client, reviewer, conversation):
    _grant(reviewer, "view_message", "delete_message")
    client.force_login(reviewer)
    message = conversation.messages.get(body="Hello Grace, gladly.")

    response = client.post(reverse("admin:claims_message_delete", args=[message.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert list(Message.objects.values_list("body", flat=True)) == ["Hello Ada."]
    assert Conversation.objects.filter(pk=conversation.pk).exists()


def test_messages_cannot_be_edited_in_admin(client, reviewer, conversation):
    _grant(reviewer, "view_message", "change_message")
    client.force_login(reviewer)
    message = conversation.messages.first()

    response = client.post(reverse("admin:claims_message_change", args=[message.pk]), {"body": "Rewritten by staff."})

    assert response.status_code == 403
    message.refresh_from_db()
    assert message.body == "Hello Ada."
