"""Writes to graph slices: invalidate, request a build, run a build.

One build runs per researcher at a time. Enqueueing is claimed by a
conditional UPDATE on the GraphSlice row, so however many visitors request
it at once, one task is sent. A build is claimed the same way and takes a
lease. When the worker running it dies, the broker redelivers the same task
(acks_late), which may take over its own lease at once. If no task comes
back, the lease expires and a later request enqueues the build again. The payload is written only when
its input fingerprint changed, by a conditional UPDATE that the build's own
token guards, so a rebuilt slice is stored once.
"""

import logging
import os
import socket
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from graph.builder import build_payload, fingerprint
from graph.loading import load_slice_inputs
from graph.models import GraphSlice
from profiles.models import Researcher

logger = logging.getLogger(__name__)

Status = GraphSlice.Status

# Shown when a task could not be sent; the row keeps it until the next build.
QUEUE_UNAVAILABLE = "The task queue is unavailable."


def invalidate_slices(researcher_ids: Iterable[int]) -> int:
    """Mark the slices of these researchers stale, so the next view rebuilds them.

    Called after imports, merges and claim approvals. One UPDATE; returns the
    number of slices marked.
    """
    ids = sorted({int(researcher_id) for researcher_id in researcher_ids})
    if not ids:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE graph_graphslice SET is_stale = true WHERE researcher_id = ANY(%s::bigint[]) AND NOT is_stale",
            [ids],
        )
        return cursor.rowcount


# Requesting a build ---------------------------------------------------------------


def _needs_build(now) -> Q:
    """Slices a view should enqueue: never built, stale, too old, or abandoned."""
    max_age = timedelta(seconds=settings.GRAPH_SLICE_MAX_AGE_SECONDS)
    return (
        Q(status=Status.PENDING)
        | Q(status=Status.READY, is_stale=True)
        | Q(status=Status.READY, computed_at__lt=now - max_age)
        | Q(status=Status.READY, computed_at__isnull=True)
        | Q(status=Status.FAILED, is_stale=True)
        | Q(status__in=[Status.QUEUED, Status.BUILDING], lease_expires_at__lt=now)
        | Q(status__in=[Status.QUEUED, Status.BUILDING], lease_expires_at__isnull=True)
    )


def _retryable(now) -> Q:
    """Slices a visitor may retry: failed, or queued with no worker picking them up."""
    waited = now - timedelta(seconds=settings.GRAPH_WORKER_WAIT_SECONDS)
    return _needs_build(now) | Q(status=Status.FAILED) | Q(status=Status.QUEUED, queued_at__lt=waited)


def ensure_slice(researcher_id: int) -> GraphSlice:
    """Return the slice row of a researcher, enqueueing a build when one is needed."""
    row = GraphSlice.objects.filter(pk=researcher_id).first()
    if row is not None and not needs_build(row, timezone.now()):
        return row
    if row is None:
        GraphSlice.objects.bulk_create([GraphSlice(researcher_id=researcher_id)], ignore_conflicts=True)
    request_build(researcher_id)
    return GraphSlice.objects.get(pk=researcher_id)


def needs_build(row: GraphSlice, now) -> bool:
    """Evaluate `_needs_build()` on a loaded row, to skip the UPDATE when nothing is due."""
    max_age = timedelta(seconds=settings.GRAPH_SLICE_MAX_AGE_SECONDS)
    if row.status == Status.PENDING:
        return True
    if row.status == Status.READY:
        return row.is_stale or row.computed_at is None or row.computed_at < now - max_age
    if row.status == Status.FAILED:
        return row.is_stale
    return row.lease_expires_at is None or row.lease_expires_at < now


def request_build(researcher_id: int, *, retry: bool = False) -> bool:
    """Claim the right to enqueue a build and send the task after commit.

    Returns True when this call enqueued the build. Only one of any number
    of concurrent callers wins the conditional UPDATE.
    """
    now = timezone.now()
    condition = _retryable(now) if retry else _needs_build(now)
    claimed = (
        GraphSlice.objects.filter(condition, pk=researcher_id).update(
            status=Status.QUEUED,
            queued_at=now,
            lease_expires_at=now + timedelta(seconds=settings.GRAPH_QUEUE_LEASE_SECONDS),
            enqueued_count=F("enqueued_count") + 1,
            error="",
        )
        == 1
    )
    if claimed:
        transaction.on_commit(lambda: send_build_task(researcher_id))
    return claimed


def send_build_task(researcher_id: int) -> bool:
    """Send the build task; on a broker error, log it and mark the slice pending."""
    from graph.tasks import build_slice_task

    try:
        # No retries: with the broker down the page must render now, and the
        # next view tries again.
        build_slice_task.apply_async(args=[researcher_id], retry=False)
    except Exception as error:  # kombu and redis-py raise several unrelated types here
        logger.warning("Could not enqueue the graph slice of researcher %s: %r", researcher_id, error)
        GraphSlice.objects.filter(pk=researcher_id, status=Status.QUEUED).update(
            status=Status.PENDING, lease_expires_at=None, error=QUEUE_UNAVAILABLE
        )
        return False
    logger.info("Enqueued the graph slice of researcher %s", researcher_id)
    return True


# Running a build ---------------------------------------------------------------------


@dataclass(frozen=True)
class BuildOutcome:
    researcher_id: int
    # "stored", "unchanged", "skipped" (another build has the lease, or none is due),
    # "missing" (no such researcher) or "failed".
    result: str
    seconds: float = 0.0


def claim_build(researcher_id: int, token: str, *, any_state: bool = False) -> bool:
    """Take the build lease of a slice; True when this token may build it.

    A token that already holds a lease takes it over: the broker redelivers a
    task whose worker died with the same task id.
    """
    now = timezone.now()
    condition = (
        Q(status__in=[Status.PENDING, Status.QUEUED])
        | Q(status=Status.BUILDING, lease_expires_at__lt=now)
        | Q(status=Status.BUILDING, build_token=token)
        | _needs_build(now)
    )
    if any_state:
        condition |= ~Q(status=Status.BUILDING)
    return (
        GraphSlice.objects.filter(condition, pk=researcher_id).update(
            status=Status.BUILDING,
            is_stale=False,
            build_token=token,
            built_by=f"{socket.gethostname()}:{os.getpid()}",
            lease_expires_at=now + timedelta(seconds=settings.GRAPH_BUILD_LEASE_SECONDS),
            attempts=F("attempts") + 1,
            error="",
        )
        == 1
    )


def run_build(
    researcher_id: int, token: str | None = None, *, any_state: bool = False, before_build=None
) -> BuildOutcome:
    """Build and store the slice of one researcher, if this call can claim it.

    `before_build` runs after the claim (the task uses it for test-only
    fault injection). Exceptions from loading or building leave the slice
    failed with the error shown to visitors, then propagate.
    """
    token = token or uuid.uuid4().hex
    started = time.perf_counter()
    if not Researcher.objects.filter(pk=researcher_id).exists():
        logger.info("Researcher %s no longer exists; graph slice not built", researcher_id)
        return BuildOutcome(researcher_id, "missing")
    GraphSlice.objects.bulk_create([GraphSlice(researcher_id=researcher_id)], ignore_conflicts=True)
    if not claim_build(researcher_id, token, any_state=any_state):
        logger.info("Graph slice of researcher %s is built elsewhere or not needed; skipped", researcher_id)
        return BuildOutcome(researcher_id, "skipped")

    logger.info("Building the graph slice of researcher %s (token %s)", researcher_id, token)
    try:
        if before_build is not None:
            before_build(researcher_id)
        inputs = load_slice_inputs(researcher_id)
        if inputs is None:
            return BuildOutcome(researcher_id, "missing")
        new_fingerprint = fingerprint(inputs)
        mine = GraphSlice.objects.filter(pk=researcher_id, status=Status.BUILDING, build_token=token)
        now = timezone.now()
        # Same rows as the stored payload: confirm it without rewriting it.
        if mine.filter(fingerprint=new_fingerprint, payload__isnull=False).update(
            status=Status.READY, computed_at=now, lease_expires_at=None, build_token=""
        ):
            seconds = time.perf_counter() - started
            logger.info("Graph slice of researcher %s unchanged (%.3f s)", researcher_id, seconds)
            return BuildOutcome(researcher_id, "unchanged", seconds)
        payload = build_payload(inputs)
        seconds = time.perf_counter() - started
        stored = mine.exclude(fingerprint=new_fingerprint, payload__isnull=False).update(
            status=Status.READY,
            payload=payload,
            fingerprint=new_fingerprint,
            version=F("version") + 1,
            computed_at=timezone.now(),
            lease_expires_at=None,
            build_token="",
            build_seconds=round(seconds, 4),
        )
    except Exception as error:
        _mark_failed(researcher_id, token, error)
        raise
    if not stored:
        logger.info("Graph slice of researcher %s was stored by another build; skipped", researcher_id)
        return BuildOutcome(researcher_id, "skipped", seconds)
    logger.info("Stored the graph slice of researcher %s (%.3f s)", researcher_id, seconds)
    return BuildOutcome(researcher_id, "stored", seconds)


def _mark_failed(researcher_id: int, token: str, error: BaseException) -> None:
    message = describe_error(error)
    logger.error("Graph slice of researcher %s failed: %s", researcher_id, message)
    GraphSlice.objects.filter(pk=researcher_id, build_token=token).update(
        status=Status.FAILED, error=message, lease_expires_at=None, build_token=""
    )


def describe_error(error: BaseException) -> str:
    from celery.exceptions import SoftTimeLimitExceeded

    if isinstance(error, SoftTimeLimitExceeded):
        return f"The build timed out after {settings.GRAPH_BUILD_SOFT_TIME_LIMIT} seconds."
    detail = str(error) or "no details"
    return f"The build failed: {type(error).__name__}: {detail}"[:500]


def release_build(researcher_id: int, token: str) -> None:
    """Give back an unfinished build lease (an interrupted command), so the next view rebuilds."""
    GraphSlice.objects.filter(pk=researcher_id, status=Status.BUILDING, build_token=token).update(
        status=Status.PENDING, lease_expires_at=None, build_token=""
    )
