"""The stored graph slice of each researcher and the state of its build."""

from django.db import models

from profiles.models import Researcher


class GraphSlice(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"  # no build queued yet, or the queue rejected it
        QUEUED = "queued", "Queued"
        BUILDING = "building", "Building"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    researcher = models.OneToOneField(
        Researcher, primary_key=True, on_delete=models.CASCADE, related_name="graph_slice"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    # Set by invalidate_slices() when rows the slice reads changed; cleared
    # when a build starts, so a change during a build leaves it set.
    is_stale = models.BooleanField(default=False)
    payload = models.JSONField(null=True, blank=True)
    # SHA-256 of the input rows the payload was built from.
    fingerprint = models.CharField(max_length=64, blank=True)
    # Number of times a new payload was stored.
    version = models.PositiveIntegerField(default=0)
    # When the payload was last built or confirmed unchanged.
    computed_at = models.DateTimeField(null=True, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    # While queued or building: after this time another build may take over.
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    # Celery task id (or a management command's token) of the build in progress.
    build_token = models.CharField(max_length=64, blank=True)
    # "hostname:pid" of the process running the build.
    built_by = models.CharField(max_length=200, blank=True)
    enqueued_count = models.PositiveIntegerField(default=0)
    attempts = models.PositiveIntegerField(default=0)
    build_seconds = models.FloatField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        indexes = [
            # precompute_slices: the slices that are not ready.
            models.Index(fields=["status"], name="graphslice_status_idx"),
        ]

    def __str__(self):
        return f"Graph slice of researcher {self.researcher_id} ({self.get_status_display()})"
