"""Celery tasks of the research graph. They take ids and call graph.services."""

import logging
import time

from celery import shared_task
from django.conf import settings
from django.core.cache import cache

from graph import services

logger = logging.getLogger(__name__)

# Cache key of the fault injection for one researcher, read only when
# settings.GRAPH_TEST_HOOKS is on: {"delay": seconds, "fail": message}.
TEST_HOOK_KEY = "graph:test-hook:{researcher_id}"


@shared_task(
    bind=True,
    name="graph.build_slice",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    soft_time_limit=settings.GRAPH_BUILD_SOFT_TIME_LIMIT,
    time_limit=settings.GRAPH_BUILD_TIME_LIMIT,
)
def build_slice_task(self, researcher_id: int) -> str:
    """Build the graph slice of one researcher; a duplicate or late task does nothing."""
    outcome = services.run_build(researcher_id, token=self.request.id, before_build=_apply_test_hooks)
    return outcome.result


def _apply_test_hooks(researcher_id: int) -> None:
    if not settings.GRAPH_TEST_HOOKS:
        return
    hook = cache.get(TEST_HOOK_KEY.format(researcher_id=researcher_id)) or {}
    if hook.get("delay"):
        logger.info("Test hook: delaying the graph slice of researcher %s by %s s", researcher_id, hook["delay"])
        time.sleep(hook["delay"])
    if hook.get("fail"):
        raise RuntimeError(hook["fail"])
