"""A fixed-window request counter in the cache, shared by the per-user rate limits."""

from django.core.cache import cache


def count_in_window(key: str, window_seconds: int) -> int | None:
    """Count one request under `key` and return the count in the current window.

    Returns None when Redis is unreachable (the cache ignores its errors), so
    each caller decides whether its limit fails open or closed.
    """
    cache.add(key, 0, timeout=window_seconds)
    try:
        return cache.incr(key)
    except ValueError:
        # The window expired between add() and incr(): start a new one.
        cache.set(key, 1, timeout=window_seconds)
        return cache.get(key)
