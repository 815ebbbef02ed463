import logging
from http import HTTPStatus

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from claims import services
from claims.evidence import find_evidence, has_verified_email, institution_domains
from claims.forms import ClaimForm, OwnerProfileForm
from claims.models import Claim
from profiles.models import Researcher

logger = logging.getLogger(__name__)


def claim_for_user(request, claim_id) -> Claim:
    """Return the request user's claim, or 404 for anyone else's."""
    return get_object_or_404(Claim.objects.for_list(), pk=claim_id, user=request.user)


@login_required
def submit(request, researcher_id):
    researcher = get_object_or_404(Researcher.objects.for_profile_page(), pk=researcher_id)
    if not has_verified_email(request.user):
        messages.info(
            request, "Verify your email address before claiming a profile. Check your inbox, or resend it here."
        )
        return redirect("account_email")

    refusal = services.refusal_reason(request.user, researcher)
    evidence = find_evidence(request.user, researcher)
    form = ClaimForm(request.POST or None, evidence=evidence)
    status = HTTPStatus.OK
    if refusal:
        status = HTTPStatus.CONFLICT if request.method == "POST" else HTTPStatus.OK
    elif request.method == "POST" and form.is_valid():
        try:
            claim = services.submit_claim(
                request.user,
                researcher,
                links=form.cleaned_data["links"],
                statement=form.cleaned_data["statement"],
            )
        except services.ClaimError as error:
            logger.info("Claim by user %s on researcher %s rejected: %s", request.user.pk, researcher.pk, error)
            refusal = str(error)
            status = HTTPStatus.CONFLICT
        else:
            messages.success(request, "Your claim was submitted. Staff will review it and email you the decision.")
            return redirect(claim)
    context = {
        "researcher": researcher,
        "form": form,
        "evidence": evidence,
        "refusal": refusal,
        "institution_domains": institution_domains(researcher),
        "orcid_enabled": settings.ORCID_ENABLED,
    }
    return render(request, "claims/submit.html", context, status=status)


@login_required
def my_claims(request):
    claims = Claim.objects.for_list().filter(user=request.user).order_by("-created_at", "-pk")
    return render(request, "claims/my_claims.html", {"claims": claims})


@login_required
def detail(request, claim_id):
    claim = claim_for_user(request, claim_id)
    return render(request, "claims/detail.html", {"claim": claim})


@login_required
@require_POST
def withdraw(request, claim_id):
    claim = claim_for_user(request, claim_id)
    try:
        services.withdraw_claim(request.user, claim.pk)
    except services.ClaimError as error:
        logger.info("Withdrawal of claim %s by user %s rejected: %s", claim.pk, request.user.pk, error)
        messages.error(request, str(error))
    else:
        messages.success(request, f"Your claim on {claim.researcher.display_name} was withdrawn.")
    return redirect("claims:my_claims")


@login_required
def edit_profile(request, researcher_id):
    researcher = get_object_or_404(Researcher.objects.for_profile_page(), pk=researcher_id)
    if researcher.claimed_by_id != request.user.pk:
        raise PermissionDenied("Only the claimed owner can edit this profile.")
    form = OwnerProfileForm(request.POST or None, instance=researcher)
    if request.method == "POST" and form.is_valid():
        services.update_owned_profile(
            request.user,
            researcher,
            summary=form.cleaned_data["summary"],
            open_to_collaborate=form.cleaned_data["open_to_collaborate"],
        )
        messages.success(request, "Your profile was saved.")
        return redirect(researcher)
    return render(request, "claims/edit_profile.html", {"researcher": researcher, "form": form})
