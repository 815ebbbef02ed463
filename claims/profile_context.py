"""Viewer facts for the profile page's Actions, Identity and Direct collaboration sections."""

from claims.evidence import has_verified_email
from claims.models import Claim
from profiles.follows import is_following
from profiles.models import Researcher


def profile_viewer_context(request, researcher) -> dict:
    user = request.user
    context = {
        "is_following": False,
        "viewer_is_owner": False,
        "viewer_claim": None,
        "viewer_has_verified_email": False,
        "viewer_profile": None,
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
    context["collaboration_lock"] = collaboration_lock_reason(user, researcher, context["viewer_profile"])
    return context


def collaboration_lock_reason(user, researcher, viewer_profile) -> str:
    """Return why direct collaboration is locked for this viewer, or "" when it is open."""
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
    return ""
