"""The follow service: idempotent follows, counts equal to Follow rows, the per-user limit."""

import pytest
from django.test import override_settings

from profiles import follows
from profiles.models import Follow, Researcher
from profiles.stats import recompute_researchers

pytestmark = pytest.mark.django_db

# A Redis socket that nothing listens on: the cache behaves as during an outage.
REDIS_DOWN_CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "unix:///nonexistent/redis.sock?db=3",
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
    }
}


def stored_count(researcher):
    return Researcher.objects.values_list("followers_count", flat=True).get(pk=researcher.pk)


def test_follow_twice_creates_one_row(claimant, researcher):
    assert follows.follow(claimant, researcher) == 1
    assert follows.follow(claimant, researcher) == 1
    assert Follow.objects.filter(researcher=researcher).count() == 1
    assert stored_count(researcher) == 1


def test_unfollow_twice_changes_nothing(claimant, other_user, researcher):
    follows.follow(claimant, researcher)
    follows.follow(other_user, researcher)
    assert follows.unfollow(claimant, researcher) == 1
    assert follows.unfollow(claimant, researcher) == 1
    assert stored_count(researcher) == 1
    assert list(Follow.objects.filter(researcher=researcher).values_list("user", flat=True)) == [other_user.pk]


def test_follow_count_matches_recompute(claimant, other_user, researcher):
    follows.follow(claimant, researcher)
    follows.follow(other_user, researcher)
    count = stored_count(researcher)
    recompute_researchers([researcher.pk])
    assert stored_count(researcher) == count == 2


def test_follow_count_repairs_stale_value(claimant, researcher):
    Researcher.objects.filter(pk=researcher.pk).update(followers_count=41)
    assert follows.follow(claimant, researcher) == 1
    assert stored_count(researcher) == 1


def test_is_following_for_anonymous(researcher):
    from django.contrib.auth.models import AnonymousUser

    assert follows.is_following(AnonymousUser(), researcher) is False


def test_allowance_stops_at_limit(claimant):
    allowed = [follows.consume_follow_allowance(claimant) for _ in range(follows.FOLLOW_RATE_LIMIT)]
    assert all(allowed)
    assert follows.consume_follow_allowance(claimant) is False


def test_allowance_is_per_user(claimant, other_user):
    for _ in range(follows.FOLLOW_RATE_LIMIT + 1):
        follows.consume_follow_allowance(claimant)
    assert follows.consume_follow_allowance(other_user) is True


def test_allowance_fails_open_without_redis(claimant):
    with override_settings(CACHES=REDIS_DOWN_CACHES):
        results = [follows.consume_follow_allowance(claimant) for _ in range(follows.FOLLOW_RATE_LIMIT + 5)]
    assert all(results)
