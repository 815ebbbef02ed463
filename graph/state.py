"""The display state of a slice, read from its GraphSlice row.

The kinds: ready, building (no picture yet), refreshing (a rebuild runs and
the previous picture stays on show), failed and unavailable.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from graph.models import GraphSlice
from graph.services import QUEUE_UNAVAILABLE

Status = GraphSlice.Status

# Polling delays grow by this factor per attempt, up to the maximum.
FIRST_POLL_SECONDS = 1.0
POLL_GROWTH = 1.5
MAX_POLL_SECONDS = 10.0


@dataclass(frozen=True)
class SliceState:
    # "ready", "building", "refreshing", "failed" or "unavailable".
    kind: str
    slice: GraphSlice | None
    message: str = ""
    next_attempt: int = 0
    poll_seconds: float = 0.0

    @property
    def payload(self):
        return self.slice.payload if self.slice is not None else None


def poll_delay(attempt: int) -> float:
    return round(min(FIRST_POLL_SECONDS * POLL_GROWTH**attempt, MAX_POLL_SECONDS), 1)


def describe(row: GraphSlice, attempt: int = 0) -> SliceState:
    """Map a slice row to the state the page renders and, while building, the next poll delay."""
    now = timezone.now()
    if row.status == Status.READY:
        return SliceState("ready", row)
    if row.status == Status.FAILED:
        return SliceState("failed", row, message=row.error or "The build failed.")
    if row.status == Status.PENDING:
        reason = row.error or QUEUE_UNAVAILABLE
        return SliceState("unavailable", row, message=f"{reason} The rest of the profile is not affected.")
    waited = timedelta(seconds=settings.GRAPH_WORKER_WAIT_SECONDS)
    if row.status == Status.QUEUED and row.queued_at is not None and row.queued_at < now - waited:
        return SliceState(
            "unavailable",
            row,
            message=(
                f"No background worker has started this build in {settings.GRAPH_WORKER_WAIT_SECONDS} seconds. "
                "The rest of the profile is not affected."
            ),
        )
    # A rebuild after an import, a claim or a day's age keeps the last picture
    # on show; most rebuilds end with the same fingerprint anyway.
    kind = "refreshing" if row.payload else "building"
    return SliceState(kind, row, next_attempt=attempt + 1, poll_seconds=poll_delay(attempt))
