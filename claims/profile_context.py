"""Viewer facts for the profile page's Actions, Identity and Direct collaboration sections."""

from django.db.models import Q

from claims.conversations import invitation_lock_reason
from claims.evidence import has_verified_email
from claims.models import Claim, Conversation
from profiles.follows import is_following
from profiles.models import Researcher

SHOWN_CONVERSATIONS = 5


def profile_viewer_context(request, researcher) -> dict:
    user = request.user
    context = {
        "is_following": False,
        "viewer_is_owner": False,
        "viewer_claim": None,
        "viewer_has_verified_email": False,
        "viewer_profile": None,
        "shared_conversations": [],
    }
    if user.is_authenticated:
        context["is_following"] = is_following(user, researcher)
        context["viewer_is_owner"] = researcher.claimed_by_id == user.pk
        # The viewer's latest claim on this record, whatever its state.
        context["viewer_claim"] = (
            Claim.objects.filter(user=user, researcher=researcher).order_by("-created_at", "-pk").first()
        )
        context["viewer_has_verified_email"] = has_verified_email(user)
        context["viewer_profile"] = (
            Researcher.objects.filter(claimed_by=user).only("pk", "display_name").order_by("pk").first()
        )
    context["collaboration_lock"] = invitation_lock_reason(user, researcher, context["viewer_profile"])
    if context["viewer_profile"] is not None and researcher.is_claimed and not context["viewer_is_owner"]:
        context["shared_conversations"] = list(
            Conversation.objects.for_user(user)
            .filter(Q(recipient_researcher=researcher) | Q(initiator_researcher=researcher))
            .order_by("-updated_at", "-pk")[:SHOWN_CONVERSATIONS]
        )
    return context
