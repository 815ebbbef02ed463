"""Direct collaboration: conversations between two researchers with claimed profiles.

A user who owns a claimed profile may invite the owner of another claimed
profile that is open to collaborate. Only the two participants can read or
post; the recipient is emailed when a conversation starts and on each reply.
"""

import logging

from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from bzpeer.links import site_link
from bzpeer.ratelimit import count_in_window
from claims.models import Conversation, Message
from profiles.models import Researcher

logger = logging.getLogger(__name__)

# At most MESSAGE_RATE_LIMIT new conversations and messages per user in
# MESSAGE_RATE_WINDOW_SECONDS.
MESSAGE_RATE_LIMIT = 20
MESSAGE_RATE_WINDOW_SECONDS = 3600
RATE_LIMITED_MESSAGE = "You sent many messages in the last hour. Wait a while, then try again."


class ConversationError(Exception):
    """A conversation action that the rules reject. The message states the reason."""


def owned_profile(user) -> Researcher | None:
    if not user.is_authenticated:
        return None
    return Researcher.objects.filter(claimed_by=user).order_by("pk").first()


def invitation_lock_reason(user, researcher, viewer_profile) -> str:
    """Return why `user` cannot invite `researcher` to a conversation, or "" when they can."""
    if not researcher.is_claimed:
        return (
            "Locked: this researcher has not claimed their profile yet. Direct collaboration needs both sides claimed."
        )
    if not user.is_authenticated:
        return "Locked: log in and claim your own profile to invite this researcher to a conversation."
    if researcher.claimed_by_id == user.pk:
        return "This is your profile. Other researchers with claimed profiles can invite you to a conversation."
    if viewer_profile is None:
        return "Locked: claim your own profile first. Direct collaboration needs both sides claimed."
    if not researcher.open_to_collaborate:
        return f"{researcher.display_name} is not open to collaborate right now, so invitations are closed."
    return ""


def start_conversation(user, researcher, *, subject: str, body: str) -> Conversation:
    subject, body = subject.strip(), body.strip()
    if not subject or not body:
        raise ConversationError("Enter a subject and a first message.")
    viewer_profile = owned_profile(user)
    reason = invitation_lock_reason(user, researcher, viewer_profile)
    if reason:
        raise ConversationError(reason)
    _consume_message_allowance(user)
    with transaction.atomic():
        conversation = Conversation.objects.create(
            initiator=user,
            initiator_researcher=viewer_profile,
            recipient_id=researcher.claimed_by_id,
            recipient_researcher=researcher,
            subject=subject,
        )
        message = Message.objects.create(conversation=conversation, sender=user, body=body)
        transaction.on_commit(lambda: _notify_recipient(message))
    logger.info("User %s started conversation %s with researcher %s", user.pk, conversation.pk, researcher.pk)
    return conversation


def post_message(user, conversation: Conversation, body: str) -> Message:
    """Add a reply by a participant; the caller fetched `conversation` through for_user()."""
    body = body.strip()
    if not body:
        raise ConversationError("Enter a message.")
    if user.pk not in {conversation.initiator_id, conversation.recipient_id}:
        raise ConversationError("Only the two participants can post in this conversation.")
    _consume_message_allowance(user)
    with transaction.atomic():
        message = Message.objects.create(conversation=conversation, sender=user, body=body)
        Conversation.objects.filter(pk=conversation.pk).update(updated_at=timezone.now())
        transaction.on_commit(lambda: _notify_recipient(message))
    logger.info("User %s posted message %s in conversation %s", user.pk, message.pk, conversation.pk)
    return message


def _consume_message_allowance(user) -> None:
    """Count one message of `user`, raising ConversationError over the limit.

    This limit fails closed: when Redis is unreachable the counter cannot be
    read, and messages are refused until it is back, because unsolicited
    messages are the abuse this limit exists for.
    """
    count = count_in_window(f"message-rate:{user.pk}", MESSAGE_RATE_WINDOW_SECONDS)
    if count is None:
        logger.warning("Message rate limit unavailable (cache down); refusing a message of user %s", user.pk)
        raise ConversationError("Messages are unavailable for a moment. Try again in a few minutes.")
    if count > MESSAGE_RATE_LIMIT:
        logger.warning("Message rate limit reached for user %s", user.pk)
        raise ConversationError(RATE_LIMITED_MESSAGE)


def _notify_recipient(message: Message) -> None:
    conversation = message.conversation
    recipient = conversation.recipient if message.sender_id == conversation.initiator_id else conversation.initiator
    if not recipient.email:
        logger.warning("Message %s sent, but user %s has no email address", message.pk, recipient.pk)
        return
    sender_profile = conversation.other_researcher(recipient)
    context = {
        "conversation": conversation,
        "message": message,
        "sender_profile": sender_profile,
        "conversation_link": site_link(conversation.get_absolute_url()),
    }
    body = render_to_string("claims/email/new_message.txt", context)
    subject = f"[BZPEER] {sender_profile.display_name}: {conversation.subject}"
    send_mail(subject, body, None, [recipient.email])
