import pytest
from django.conf import settings


@pytest.fixture(autouse=True)
def _clear_cache():
    """Start every test with an empty cache (rate limits, locks, fragments)."""
    from django.core.cache import cache

    cache.clear()
    yield


def pytest_sessionfinish(session, exitstatus):
    # Stop the embedded servers only when this test session started them.
    from bzpeer import embedded

    if embedded.started_here and (settings.EMBEDDED_POSTGRES or settings.EMBEDDED_REDIS):
        embedded.stop_servers()
