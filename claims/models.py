"""Claims of researcher records by users, and the audit trail of each claim."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.urls import reverse

from profiles.models import Researcher


class ClaimQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=Claim.Status.PENDING)

    def approved(self):
        return self.filter(status=Claim.Status.APPROVED)

    def for_list(self):
        return self.select_related("researcher", "researcher__last_known_institution", "decided_by")


class Claim(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending review"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class EvidenceKind(models.TextChoices):
        ORCID = "orcid", "ORCID sign-in"
        INSTITUTIONAL_EMAIL = "institutional_email", "Institutional email"
        LINKS = "links", "Links and statement"

    researcher = models.ForeignKey(Researcher, on_delete=models.CASCADE, related_name="claims")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="claims")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)

    # Evidence, captured when the claim is submitted and checked again on
    # approval. The ORCID iD is the uid of the claimant's ORCID sign-in and is
    # set only when it equals the record's ORCID iD; the email is a verified
    # address of the claimant at a web domain of the record's institution.
    orcid_evidence = models.CharField(max_length=19, blank=True)
    email_evidence = models.EmailField(blank=True)
    links = ArrayField(models.URLField(max_length=500), default=list, blank=True)
    statement = models.TextField(blank=True, max_length=2000)

    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_reason = models.TextField(blank=True)
    # The verification level the approval granted (2 or 3).
    granted_level = models.PositiveSmallIntegerField(null=True, blank=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        permissions = [("review_claim", "Can approve and reject claims")]
        constraints = [
            # The last line of defence against two staff approving rival
            # claims at once: the second approval fails on commit.
            models.UniqueConstraint(
                fields=["researcher"],
                condition=models.Q(status="approved"),
                name="claim_one_approved_per_researcher",
            ),
            models.UniqueConstraint(
                fields=["user", "researcher"],
                condition=models.Q(status="pending"),
                name="claim_one_pending_per_user_researcher",
            ),
        ]
        indexes = [
            # The review queue: pending claims, oldest first.
            models.Index(fields=["status", "created_at"], name="claim_status_created_idx"),
        ]

    def __str__(self):
        return f"Claim {self.pk} on {self.researcher} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("claims:detail", args=[self.pk])

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def evidence_kinds(self) -> list[str]:
        """The kinds of evidence the claim carries, strongest first."""
        kinds = []
        if self.orcid_evidence:
            kinds.append(self.EvidenceKind.ORCID)
        if self.email_evidence:
            kinds.append(self.EvidenceKind.INSTITUTIONAL_EMAIL)
        if self.links or self.statement:
            kinds.append(self.EvidenceKind.LINKS)
        return kinds

    @property
    def evidence_labels(self) -> list[str]:
        return [self.EvidenceKind(kind).label for kind in self.evidence_kinds]


class ClaimEvent(models.Model):
    """One change of a claim's state: who did it, when, and why."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        WITHDRAWN = "withdrawn", "Withdrawn"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.get_action_display()} claim {self.claim_id}"


class ConversationQuerySet(models.QuerySet):
    def for_user(self, user):
        """Conversations that `user` takes part in, as initiator or recipient."""
        return self.filter(models.Q(initiator=user) | models.Q(recipient=user))


class Conversation(models.Model):
    """A focused conversation that one claimed researcher opens with another."""

    initiator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    initiator_researcher = models.ForeignKey(Researcher, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    recipient_researcher = models.ForeignKey(Researcher, on_delete=models.CASCADE, related_name="+")
    subject = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ConversationQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-pk"]
        indexes = [
            # "My conversations", newest activity first, for either side.
            models.Index(fields=["initiator", "-updated_at"], name="conversation_initiator_idx"),
            models.Index(fields=["recipient", "-updated_at"], name="conversation_recipient_idx"),
        ]

    def __str__(self):
        return self.subject

    def get_absolute_url(self):
        return reverse("claims:conversation", args=[self.pk])

    def other_researcher(self, user) -> Researcher:
        return self.recipient_researcher if user.pk == self.initiator_id else self.initiator_researcher


class Message(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Message {self.pk} in conversation {self.conversation_id}"
