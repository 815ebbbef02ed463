"""Following researchers: the one writer of Follow rows and followers_count.

`follow()` and `unfollow()` are idempotent: requesting the current state
changes nothing. Both lock the researcher row first, so concurrent
follows of one researcher take turns and the count each one stores is the
number of Follow rows once its transaction commits.
"""

import logging

from django.db import connection, transaction

from bzpeer.ratelimit import count_in_window
from profiles.models import Follow, Researcher

logger = logging.getLogger(__name__)

# At most FOLLOW_RATE_LIMIT follow or unfollow requests per user in
# FOLLOW_RATE_WINDOW_SECONDS.
FOLLOW_RATE_LIMIT = 30
FOLLOW_RATE_WINDOW_SECONDS = 300


def is_following(user, researcher) -> bool:
    if not user.is_authenticated:
        return False
    return Follow.objects.filter(user=user, researcher=researcher).exists()


def follow(user, researcher) -> int:
    """Make `user` follow `researcher` and return the new follower count."""
    with transaction.atomic():
        _lock_researcher(researcher.pk)
        _, created = Follow.objects.get_or_create(user=user, researcher_id=researcher.pk)
        count = _store_followers_count(researcher.pk)
    if created:
        logger.info("User %s followed researcher %s", user.pk, researcher.pk)
    researcher.followers_count = count
    return count


def unfollow(user, researcher) -> int:
    """Make `user` stop following `researcher` and return the new follower count."""
    with transaction.atomic():
        _lock_researcher(researcher.pk)
        deleted, _ = Follow.objects.filter(user=user, researcher_id=researcher.pk).delete()
        count = _store_followers_count(researcher.pk)
    if deleted:
        logger.info("User %s unfollowed researcher %s", user.pk, researcher.pk)
    researcher.followers_count = count
    return count


def consume_follow_allowance(user) -> bool:
    """Count one follow or unfollow request of `user`; return False over the limit.

    The counter lives in the cache. When Redis is unreachable the cache
    returns None instead of raising, and the limit fails open: the request
    is allowed. Following is low-risk and idempotent, so keeping it working
    during an outage matters more than the limit.
    """
    count = count_in_window(f"follow-rate:{user.pk}", FOLLOW_RATE_WINDOW_SECONDS)
    if count is None:
        return True
    if count > FOLLOW_RATE_LIMIT:
        logger.warning("Follow rate limit reached for user %s", user.pk)
        return False
    return True


def _lock_researcher(researcher_id: int) -> None:
    Researcher.objects.select_for_update().filter(pk=researcher_id).values_list("pk", flat=True).get()


def _store_followers_count(researcher_id: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE profiles_researcher
            SET followers_count = (SELECT count(*) FROM profiles_follow WHERE researcher_id = %(id)s)
            WHERE id = %(id)s
            RETURNING followers_count
            """,
            {"id": researcher_id},
        )
        return cursor.fetchone()[0]
