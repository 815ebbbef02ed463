"""Staff review of claims in Django admin.

The changelist is the review queue: pending claims, oldest first. Each claim
has a review page with the evidence beside the record and approve or reject
buttons that require a reason. The same decisions are also bulk actions. Only
staff with the "Can approve and reject claims" permission see the actions
and the review page. Every decision goes through claims.services.
"""

import logging
from datetime import timedelta

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.timesince import timesince

from claims import services
from claims.evidence import email_matches_domains, find_evidence, institution_domains
from claims.forms import ReviewDecisionForm
from claims.models import Claim, ClaimEvent, Conversation, Message
from profiles.models import Work
from profiles.text import strip_markup

logger = logging.getLogger(__name__)


class StatusFilter(admin.SimpleListFilter):
    """Claim status; the queue opens on pending claims."""

    title = "status"
    parameter_name = "status"
    default = Claim.Status.PENDING

    def lookups(self, request, model_admin):
        return [*Claim.Status.choices, ("all", "All")]

    def choices(self, changelist):
        current = self.value() or self.default
        for lookup, title in self.lookup_choices:
            yield {
                "selected": current == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        current = self.value() or self.default
        if current == "all":
            return queryset
        return queryset.filter(status=current)


class EvidenceKindFilter(admin.SimpleListFilter):
    title = "evidence kind"
    parameter_name = "evidence"

    def lookups(self, request, model_admin):
        return Claim.EvidenceKind.choices

    def queryset(self, request, queryset):
        value = self.value()
        if value == Claim.EvidenceKind.ORCID:
            return queryset.exclude(orcid_evidence="")
        if value == Claim.EvidenceKind.INSTITUTIONAL_EMAIL:
            return queryset.exclude(email_evidence="")
        if value == Claim.EvidenceKind.LINKS:
            return queryset.filter(Q(links__len__gt=0) | ~Q(statement=""))
        return queryset


class AgeFilter(admin.SimpleListFilter):
    title = "age"
    parameter_name = "age"

    def lookups(self, request, model_admin):
        return [("day", "Less than a day"), ("week", "1 to 7 days"), ("older", "More than 7 days")]

    def queryset(self, request, queryset):
        now = timezone.now()
        value = self.value()
        if value == "day":
            return queryset.filter(created_at__gt=now - timedelta(days=1))
        if value == "week":
            return queryset.filter(created_at__lte=now - timedelta(days=1), created_at__gt=now - timedelta(days=7))
        if value == "older":
            return queryset.filter(created_at__lte=now - timedelta(days=7))
        return queryset


def event_actor(event) -> str:
    """Return the email of the user who made a claim event, as the review page shows it.

    Emails identify claimants better than the usernames that allauth generates.
    """
    return event.actor.email if event.actor else "(deleted user)"


class ClaimEventInline(admin.TabularInline):
    model = ClaimEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "action", "event_actor", "reason"]
    readonly_fields = fields
    verbose_name = "audit event"

    @admin.display(description="Actor")
    def event_actor(self, event):
        return event_actor(event)

    verbose_name_plural = "audit trail"

    def has_view_permission(self, request, obj=None):
        # A user who may view a claim also views its audit trail.
        return request.user.has_perm("claims.view_claim")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = ["__str__", "researcher_name", "claimant", "status", "evidence", "age", "review"]
    list_display_links = ["__str__"]
    list_filter = [StatusFilter, EvidenceKindFilter, AgeFilter]
    list_select_related = ["researcher", "user"]
    search_fields = [
        "researcher__display_name",
        "researcher__openalex_id",
        "researcher__orcid",
        "user__email",
        "statement",
    ]
    ordering = ["created_at", "pk"]
    actions = ["approve_selected", "reject_selected"]
    inlines = [ClaimEventInline]
    fields = [
        "evidence_beside_record",
        "status",
        "created_at",
        "decided_at",
        "decided_by",
        "decision_reason",
        "granted_level",
        "review",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("researcher__last_known_institution", "researcher__claimed_by", "user", "decided_by")
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Claims are the audit record of who owns which profile, so they are never deleted here.
        return False

    def has_review_permission(self, request):
        return request.user.has_perm("claims.review_claim")

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    # Columns ---------------------------------------------------------------------

    @admin.display(description="Researcher", ordering="researcher__display_name")
    def researcher_name(self, claim):
        return claim.researcher.display_name

    @admin.display(description="Claimant", ordering="user__email")
    def claimant(self, claim):
        return claim.user.email

    @admin.display(description="Evidence")
    def evidence(self, claim):
        return ", ".join(claim.evidence_labels) or "None"

    @admin.display(description="Age", ordering="created_at")
    def age(self, claim):
        return timesince(claim.created_at)

    @admin.display(description="Review")
    def review(self, claim):
        if not claim.is_pending:
            return "Decided"
        return format_html('<a href="{}">Review</a>', reverse("admin:claims_claim_review", args=[claim.pk]))

    @admin.display(description="Evidence beside the record")
    def evidence_beside_record(self, claim):
        return render_evidence_table(claim)

    # Single review -------------------------------------------------------------------

    def get_urls(self):
        review = self.admin_site.admin_view(self.review_view)
        return [path("<int:claim_id>/review/", review, name="claims_claim_review"), *super().get_urls()]

    def review_view(self, request, claim_id):
        if not self.has_review_permission(request):
            raise PermissionDenied("You need the permission to approve and reject claims.")
        claim = get_object_or_404(self.get_queryset(request), pk=claim_id)
        form = ReviewDecisionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            decision = request.POST.get("decision")
            reason = form.cleaned_data["reason"]
            try:
                if decision == "approve":
                    services.approve_claim(claim.pk, request.user, reason)
                elif decision == "reject":
                    services.reject_claim(claim.pk, request.user, reason)
                else:
                    raise services.ClaimError("Choose Approve or Reject.")
            except services.ClaimError as error:
                logger.info("Reviewer %s could not decide claim %s: %s", request.user.pk, claim.pk, error)
                form.add_error(None, str(error))
            else:
                verb = "approved" if decision == "approve" else "rejected"
                message = f"Claim {claim.pk} on {claim.researcher} was {verb}; the claimant was emailed."
                self.message_user(request, message, messages.SUCCESS)
                return redirect("admin:claims_claim_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Review claim {claim.pk}",
            "claim": claim,
            "form": form,
            "evidence_table": render_evidence_table(claim),
            "events": claim.events.select_related("actor"),
        }
        return TemplateResponse(request, "admin/claims/claim/review.html", context)

    # Bulk actions ----------------------------------------------------------------------

    @admin.action(description="Approve selected claims", permissions=["review"])
    def approve_selected(self, request, queryset):
        return self._decide_in_bulk(request, queryset, services.approve_claim, "approve_selected", "approved")

    @admin.action(description="Reject selected claims", permissions=["review"])
    def reject_selected(self, request, queryset):
        return self._decide_in_bulk(request, queryset, services.reject_claim, "reject_selected", "rejected")

    def _decide_in_bulk(self, request, queryset, decide, action_name, verb):
        """Ask for one reason, then decide each selected claim in its own transaction."""
        claims = list(queryset.order_by("created_at", "pk"))
        form = ReviewDecisionForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            done, failures = 0, []
            for claim in claims:
                try:
                    decide(claim.pk, request.user, form.cleaned_data["reason"])
                    done += 1
                except services.ClaimError as error:
                    logger.info("Reviewer %s could not decide claim %s in bulk: %s", request.user.pk, claim.pk, error)
                    failures.append(f"{claim}: {error}")
            if done:
                self.message_user(request, f"{done} claim(s) {verb}; each claimant was emailed.", messages.SUCCESS)
            for failure in failures:
                self.message_user(request, failure, messages.ERROR)
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"{'Approve' if verb == 'approved' else 'Reject'} {len(claims)} claim(s)",
            "claims": claims,
            "form": form,
            "action_name": action_name,
            "verb": verb,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/claims/claim/bulk_decision.html", context)


@admin.register(ClaimEvent)
class ClaimEventAdmin(admin.ModelAdmin):
    """The audit trail of all claims, newest first; read-only."""

    list_display = ["created_at", "claim", "action", "event_actor", "reason"]
    list_filter = ["action"]
    list_select_related = ["claim__researcher", "actor"]
    search_fields = ["claim__researcher__display_name", "actor__email", "reason"]
    ordering = ["-created_at", "-pk"]

    @admin.display(description="Actor", ordering="actor__email")
    def event_actor(self, event):
        return event_actor(event)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MessageInline(admin.TabularInline):
    model = Message
    fields = ["created_at", "sender", "body"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["created_at", "pk"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    """Conversations between claimed researchers, read-only, for staff who handle abuse reports.

    Django's model permissions decide who can read them ("Can view
    conversation" and "Can view message") and who can delete a conversation
    or, under Messages, a single message.
    """

    list_display = ["subject", "initiator_researcher", "recipient_researcher", "message_count", "updated_at"]
    list_select_related = ["initiator_researcher", "recipient_researcher"]
    search_fields = [
        "subject",
        "initiator__email",
        "recipient__email",
        "initiator_researcher__display_name",
        "recipient_researcher__display_name",
    ]
    date_hierarchy = "updated_at"
    ordering = ["-updated_at", "-pk"]
    fields = [
        "subject",
        "initiator",
        "initiator_researcher",
        "recipient",
        "recipient_researcher",
        "created_at",
        "updated_at",
    ]
    readonly_fields = fields
    inlines = [MessageInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(message_total=Count("messages"))

    @admin.display(description="Messages", ordering="message_total")
    def message_count(self, conversation):
        return conversation.message_total

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """Single messages, to find and remove one that breaks the rules; read-only otherwise."""

    list_display = ["created_at", "conversation", "sender", "excerpt"]
    list_select_related = ["conversation", "sender"]
    search_fields = ["body", "sender__email", "conversation__subject"]
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-pk"]
    fields = ["conversation", "sender", "created_at", "body"]
    readonly_fields = fields

    @admin.display(description="Message")
    def excerpt(self, message):
        return message.body if len(message.body) <= 80 else f"{message.body[:79]}…"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# The review page lists this many of the record's most recent works.
REVIEW_WORKS_SHOWN = 10


def render_evidence_table(claim):
    """Return the record's facts and the claimant's evidence as one escaped two-column table."""
    researcher = claim.researcher
    user = claim.user
    evidence = find_evidence(user, researcher)
    domains = institution_domains(researcher)
    institution = researcher.last_known_institution

    emails = format_html_join(
        "",
        "<li>{}{}</li>",
        (
            (email, " (at the record's institution)" if email_matches_domains(email, domains) else "")
            for email in evidence.verified_emails
        ),
    ) or format_html("<li>{}</li>", "No verified email")
    if evidence.orcid_signed_in:
        verdict = "matches the record" if evidence.orcid_match else "does not match the record"
        orcid = format_html("{} ({})", evidence.orcid_signed_in, verdict)
    else:
        orcid = "Not signed in with ORCID"
    links = format_html_join(
        "", '<li><a href="{}" rel="nofollow noopener noreferrer">{}</a></li>', ((link, link) for link in claim.links)
    )

    record_works = Work.objects.filter(authorships__researcher=researcher)
    works_total = record_works.count()
    works = record_works.newest_first().values_list("pk", "title", "publication_year", "venue")[:REVIEW_WORKS_SHOWN]
    work_items = format_html_join(
        "",
        '<li><a href="{}">{}</a> <span class="quiet">{}{}</span></li>',
        (
            (
                reverse("profiles:work", args=[pk]),
                strip_markup(title) or "Untitled work",
                year or "year unknown",
                f", {venue}" if venue else "",
            )
            for pk, title, year, venue in works
        ),
    )
    works_cell = format_html(
        "{} work{} in all{}<ol>{}</ol>",
        works_total,
        "" if works_total == 1 else "s",
        format_html(", the {} most recent:", REVIEW_WORKS_SHOWN) if works_total > REVIEW_WORKS_SHOWN else ":",
        work_items,
    )
    pages = format_html(
        '<a href="{}">Public profile</a>{}',
        researcher.get_absolute_url(),
        format_html(
            ' · <a href="https://openalex.org/{}" rel="noopener noreferrer">OpenAlex record</a>', researcher.openalex_id
        )
        if researcher.openalex_id
        else "",
    )

    rows = [
        ("Name", researcher.display_name, format_html("Account: {}", user.email)),
        ("Pages", pages, ""),
        ("Works", works_cell, ""),
        ("Name variants", ", ".join(researcher.name_variants) or "None", ""),
        ("OpenAlex id", researcher.openalex_id or "None", ""),
        ("ORCID iD", researcher.orcid or "None in the source record", orcid),
        (
            "Institution",
            format_html("{} ({})", institution.display_name, ", ".join(domains) or "no web domains")
            if institution
            else "Affiliation not imported",
            format_html("Verified emails:<ul>{}</ul>", emails),
        ),
        ("Claimed by", researcher.claimed_by.email if researcher.claimed_by else "Unclaimed", ""),
        ("Links", "", format_html("<ul>{}</ul>", links) if claim.links else "None"),
        ("Statement", "", claim.statement or "None"),
        (
            "Level on approval",
            "",
            "L3 (ORCID iD or institutional email proven)" if evidence.proves_identity else "L2 (claimed)",
        ),
    ]
    body = format_html_join("", "<tr><th scope='row'>{}</th><td>{}</td><td>{}</td></tr>", rows)
    return format_html(
        '<table class="claim-evidence"><thead><tr><th scope="col"></th><th scope="col">Record</th>'
        '<th scope="col">Claimant and evidence</th></tr></thead><tbody>{}</tbody></table>',
        body,
    )
