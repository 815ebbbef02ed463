"""The "Follow researcher" toggle: an htmx swap, or a plain POST and redirect."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from profiles.follows import consume_follow_allowance, follow, is_following, unfollow
from profiles.models import Researcher

RATE_LIMITED_MESSAGE = "You changed follows too often. Wait a few minutes, then try again."
OWN_PROFILE_MESSAGE = "This is your own profile, so you cannot follow it."


@require_POST
def toggle_follow(request, researcher_id):
    researcher = get_object_or_404(
        Researcher.objects.only("pk", "followers_count", "merged_into", "claimed_by"), pk=researcher_id
    )
    if researcher.merged_into_id is not None:
        # A merged record has no page of its own: follow the record it joined.
        researcher = get_object_or_404(
            Researcher.objects.only("pk", "followers_count", "merged_into", "claimed_by"), pk=researcher.merged_into_id
        )
    profile_url = researcher.get_absolute_url()
    if not request.user.is_authenticated:
        # Anonymous visitors log in and come back to the profile, not to this
        # POST-only address.
        login_response = redirect_to_login(profile_url)
        if request.htmx:
            return HttpResponseClientRedirect(login_response.url)
        return login_response

    # The form states the requested state, so a repeated request changes nothing.
    requested_action = request.POST.get("action")
    if requested_action not in {"follow", "unfollow"}:
        requested_action = "unfollow" if is_following(request.user, researcher) else "follow"

    error = ""
    if requested_action == "follow" and researcher.claimed_by_id == request.user.pk:
        # Owners would count among their own followers. Unfollowing stays
        # possible for a follow made before the claim.
        error = OWN_PROFILE_MESSAGE
        following = is_following(request.user, researcher)
    elif not consume_follow_allowance(request.user):
        error = RATE_LIMITED_MESSAGE
        following = is_following(request.user, researcher)
    elif requested_action == "follow":
        follow(request.user, researcher)
        following = True
    else:
        unfollow(request.user, researcher)
        following = False

    if request.htmx:
        context = {
            "researcher": researcher,
            "is_following": following,
            "follow_error": error,
            "follow_oob": True,
        }
        # htmx swaps only 2xx responses by default, so a rate-limited request
        # still returns 200 and the fragment shows the reason.
        return render(request, "profiles/sections/actions.html#follow-control", context)

    if error:
        messages.error(request, error)
    return redirect(profile_url)
