"""Settings for the test suite: the normal settings, with test defaults.

The cache and broker use their own Redis databases and queue, so a test run
never touches the data of `make run` on the same embedded servers.
"""

import os

os.environ.setdefault("BZPEER_TESTING", "1")
os.environ.setdefault("REDIS_CACHE_DATABASE", "3")
os.environ.setdefault("REDIS_BROKER_DATABASE", "4")
os.environ.setdefault("CACHE_KEY_PREFIX", "bzpeer-test")
os.environ.setdefault("CELERY_TASK_DEFAULT_QUEUE", "bzpeer-test")

from bzpeer.settings import *  # noqa: F403

# Emails in tests name pages in words unless a test sets a site address.
SITE_URL = ""
