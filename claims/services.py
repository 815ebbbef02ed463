"""Writes on claims: submit, withdraw, approve, reject, and the owner's profile edits.

Views, admin actions and management commands all call these functions.

Locks are always taken in one order (researcher row, then claim rows, then
the claimant's user row), so concurrent decisions wait for each other instead
of deadlocking. The partial unique constraint on approved claims backs the
locks: if two approvals of rival claims ever got past them, the second one
fails on insert and is reported as refused.
"""

import logging
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from bzpeer.links import site_link
from claims.evidence import find_evidence, has_verified_email
from claims.models import Claim, ClaimEvent
from profiles.models import Authorship, Researcher, VerificationLevel
from profiles.stats import recompute_researchers

logger = logging.getLogger(__name__)

MAX_LINKS = 5
# Claims are rate limited in the database, not the cache, so the limit works
# whether Redis is up or not. A user may have this many claims waiting for
# review at once, and submit this many per day.
MAX_PENDING_CLAIMS_PER_USER = 3
MAX_CLAIMS_PER_DAY = 5
RIVAL_APPROVED_REASON = "Another claim on this profile was approved."


class ClaimError(Exception):
    """A claim action that the rules reject. The message states the reason and what to do next."""


def refusal_reason(user, researcher) -> str:
    """Return why `user` cannot claim `researcher` now, or "" when they can."""
    if not user.is_authenticated:
        return "Log in to claim this profile."
    if not has_verified_email(user):
        return "Verify your email address before claiming a profile."
    if researcher.merged_into_id:
        return "This record was merged into another profile. Claim that profile instead."
    if researcher.claimed_by_id == user.pk:
        return "You already own this profile."
    if researcher.claimed_by_id:
        return (
            "This profile is already claimed by its author. "
            "If you are this researcher, contact the site staff with your evidence."
        )
    if Claim.objects.pending().filter(user=user, researcher=researcher).exists():
        return "You already have a claim on this profile waiting for review. Withdraw it to submit a new one."
    owned = _owned_unrelated_researcher(user, researcher)
    if owned is not None:
        return (
            f"You already own the profile of {owned.display_name}. An account owns one profile; "
            "if both records are you, ask the site staff to merge them."
        )
    if Claim.objects.pending().filter(user=user).count() >= MAX_PENDING_CLAIMS_PER_USER:
        return (
            f"You have {MAX_PENDING_CLAIMS_PER_USER} claims waiting for review. "
            "Wait for a decision or withdraw one before submitting another."
        )
    since = timezone.now() - timedelta(days=1)
    if Claim.objects.filter(user=user, created_at__gte=since).count() >= MAX_CLAIMS_PER_DAY:
        return f"You submitted {MAX_CLAIMS_PER_DAY} claims in the last 24 hours. Try again tomorrow."
    return ""


def submit_claim(user, researcher, *, links=(), statement: str = "") -> Claim:
    """Create a pending claim of `researcher` by `user` with the evidence found now."""
    links = [link.strip() for link in links if link.strip()][:MAX_LINKS]
    statement = statement.strip()
    with transaction.atomic():
        researcher = _lock_researcher(researcher.pk)
        reason = refusal_reason(user, researcher)
        if reason:
            raise ClaimError(reason)
        evidence = find_evidence(user, researcher)
        if not evidence.proves_identity and not (links and statement):
            raise ClaimError(
                "Add at least one link to a page that shows this work is yours and a short statement, "
                "or sign in with the record's ORCID iD, or verify an email at the record's institution."
            )
        claim = Claim(
            researcher=researcher,
            user=user,
            orcid_evidence=evidence.orcid_match,
            email_evidence=evidence.institutional_email,
            links=links,
            statement=statement,
        )
        try:
            with transaction.atomic():
                claim.save()
        except IntegrityError:
            raise ClaimError("You already have a claim on this profile waiting for review.") from None
        ClaimEvent.objects.create(claim=claim, action=ClaimEvent.Action.SUBMITTED, actor=user)
    logger.info("User %s submitted claim %s on researcher %s", user.pk, claim.pk, researcher.pk)
    return claim


def withdraw_claim(user, claim_id: int) -> Claim:
    with transaction.atomic():
        claim = Claim.objects.select_for_update().filter(pk=claim_id, user=user).first()
        if claim is None:
            raise Claim.DoesNotExist(f"Claim {claim_id} not found for user {user.pk}.")
        if not claim.is_pending:
            raise ClaimError(
                f"This claim is {claim.get_status_display().lower()}; only a pending claim can be withdrawn."
            )
        claim.status = Claim.Status.WITHDRAWN
        claim.decided_at = timezone.now()
        claim.save(update_fields=["status", "decided_at"])
        ClaimEvent.objects.create(claim=claim, action=ClaimEvent.Action.WITHDRAWN, actor=user)
    logger.info("User %s withdrew claim %s", user.pk, claim.pk)
    return claim


def approve_claim(claim_id: int, reviewer, reason: str) -> Claim:
    """Approve a pending claim: set the owner, level and trust score at once.

    Rival pending claims on the same record are rejected in the same
    transaction. The counts and trust scores of the researcher and their
    co-authors are recomputed before commit, because the co-authors' claimed
    close collaborators changed. The claimants' emails are sent after commit.
    """
    reason = _required_reason(reason)
    with transaction.atomic():
        researcher, claim = _lock_pending_claim(claim_id)
        user = claim.user
        get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True).get()

        if researcher.claimed_by_id:
            raise ClaimError(f"{researcher.display_name} is already claimed; reject this claim instead.")
        if researcher.merged_into_id:
            raise ClaimError(
                f"This record was merged into researcher {researcher.merged_into_id} after the claim was "
                "submitted; reject this claim and ask the claimant to claim that profile."
            )
        owned = _owned_unrelated_researcher(user, researcher)
        if owned is not None:
            raise ClaimError(
                f"The claimant already owns the profile of {owned.display_name}. "
                "Merge the two records first, or reject this claim."
            )
        if not has_verified_email(user):
            raise ClaimError("The claimant has no verified email address any more; reject this claim.")

        # Evidence is checked again: the claimant may have signed in with
        # ORCID or verified an institutional email since submitting.
        evidence = find_evidence(user, researcher)
        level = VerificationLevel.L3 if evidence.proves_identity else VerificationLevel.L2
        claim.orcid_evidence = evidence.orcid_match
        claim.email_evidence = evidence.institutional_email
        claim.granted_level = level
        try:
            with transaction.atomic():
                _decide(
                    claim,
                    Claim.Status.APPROVED,
                    reviewer,
                    reason,
                    extra_fields=["orcid_evidence", "email_evidence", "granted_level"],
                )
        except IntegrityError:
            raise ClaimError(f"{researcher.display_name} is already claimed; reject this claim instead.") from None

        researcher.claimed_by = user
        researcher.verification_level = level
        researcher.save(update_fields=["claimed_by", "verification_level", "updated_at"])

        rivals = list(
            Claim.objects.select_for_update(of=("self",))
            .pending()
            .filter(researcher=researcher)
            .exclude(pk=claim.pk)
            .select_related("user")
        )
        for rival in rivals:
            _decide(rival, Claim.Status.REJECTED, reviewer, RIVAL_APPROVED_REASON)

        affected = [researcher.pk, *coauthor_ids(researcher.pk)]
        recompute_researchers(affected)
        # Marking slices stale is one UPDATE, so it commits or rolls back with the approval.
        _invalidate_graph_slices(affected)
        for decided in [claim, *rivals]:
            transaction.on_commit(lambda decided=decided: send_decision_email(decided))

    logger.info(
        "Reviewer %s approved claim %s: researcher %s owned by user %s at level L%s",
        reviewer.pk,
        claim.pk,
        researcher.pk,
        user.pk,
        level,
    )
    return claim


def reject_claim(claim_id: int, reviewer, reason: str) -> Claim:
    reason = _required_reason(reason)
    with transaction.atomic():
        _, claim = _lock_pending_claim(claim_id)
        _decide(claim, Claim.Status.REJECTED, reviewer, reason)
        transaction.on_commit(lambda: send_decision_email(claim))
    logger.info("Reviewer %s rejected claim %s", reviewer.pk, claim.pk)
    return claim


def update_owned_profile(user, researcher, *, summary: str, open_to_collaborate: bool) -> Researcher:
    """Save the two fields a claimed owner may edit; imported facts stay untouched."""
    with transaction.atomic():
        researcher = _lock_researcher(researcher.pk)
        if not user.is_authenticated or researcher.claimed_by_id != user.pk:
            raise PermissionDenied("Only the claimed owner can edit this profile.")
        researcher.summary = summary.strip()
        researcher.open_to_collaborate = open_to_collaborate
        researcher.save(update_fields=["summary", "open_to_collaborate", "updated_at"])
    logger.info("User %s edited the profile of researcher %s", user.pk, researcher.pk)
    return researcher


def coauthor_ids(researcher_id: int) -> list[int]:
    """Researchers sharing a work with `researcher_id`, hyperauthored works excluded."""
    return list(
        Authorship.objects.filter(
            work__authorships__researcher_id=researcher_id,
            work__is_hyperauthored=False,
            researcher__isnull=False,
        )
        .exclude(researcher_id=researcher_id)
        .values_list("researcher_id", flat=True)
        .distinct()
    )


def send_decision_email(claim: Claim) -> None:
    if not claim.user.email:
        logger.warning("Claim %s decided, but user %s has no email address", claim.pk, claim.user_id)
        return
    context = {
        "claim": claim,
        "researcher": claim.researcher,
        "profile_link": site_link(claim.researcher.get_absolute_url()),
        "claim_link": site_link(claim.get_absolute_url()),
    }
    subject = render_to_string("claims/email/decision_subject.txt", context).strip()
    body = render_to_string("claims/email/decision_message.txt", context)
    send_mail(subject, body, None, [claim.user.email])


def _decide(claim: Claim, status: str, reviewer, reason: str, extra_fields=()) -> None:
    claim.status = status
    claim.decided_by = reviewer
    claim.decided_at = timezone.now()
    claim.decision_reason = reason
    claim.save(update_fields=["status", "decided_by", "decided_at", "decision_reason", *extra_fields])
    ClaimEvent.objects.create(claim=claim, action=status, actor=reviewer, reason=reason)


def _required_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ClaimError("A reason is required: the claimant reads it in the decision email.")
    return reason


def _lock_researcher(researcher_id: int) -> Researcher:
    return (
        Researcher.objects.select_for_update(of=("self",))
        .select_related("last_known_institution")
        .get(pk=researcher_id)
    )


def _lock_pending_claim(claim_id: int) -> tuple[Researcher, Claim]:
    """Lock the claim's researcher, then the claim, and check it is still pending."""
    researcher_id = Claim.objects.filter(pk=claim_id).values_list("researcher_id", flat=True).first()
    if researcher_id is None:
        raise ClaimError(f"Claim {claim_id} not found.")
    researcher = _lock_researcher(researcher_id)
    claim = Claim.objects.select_for_update(of=("self",)).select_related("user").get(pk=claim_id)
    claim.researcher = researcher
    if not claim.is_pending:
        raise ClaimError(f"Claim {claim_id} is already {claim.get_status_display().lower()}; nothing was changed.")
    return researcher, claim


def _owned_unrelated_researcher(user, researcher) -> Researcher | None:
    """Return another profile `user` owns that is not merged with `researcher`."""
    related = Q(pk=researcher.pk) | Q(merged_into_id=researcher.pk)
    if researcher.merged_into_id:
        related |= Q(pk=researcher.merged_into_id) | Q(merged_into_id=researcher.merged_into_id)
    return Researcher.objects.filter(claimed_by=user).exclude(related).order_by("pk").first()


def _invalidate_graph_slices(researcher_ids: list[int]) -> None:
    try:
        from graph.services import invalidate_slices
    except ImportError:
        logger.info("graph.services.invalidate_slices is not available; slices of %s stay as they are", researcher_ids)
        return
    invalidate_slices(researcher_ids)
