import os
from pathlib import Path

import pytest

ARTIFACTS_DIR = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Chromium stays off the network: this machine has none, and the test pages
# are all on loopback.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(autouse=True)
def _clear_cache():
    """Start every test with an empty cache (rate limits, locks, fragments)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(scope="session")
def browser():
    """A headless Debian Chromium driven by Playwright, shared by the session."""
    # Playwright's sync API runs an event loop in this thread; the test code
    # beside it still queries the database synchronously.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM_PATH).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM_PATH}; install Debian's chromium package or set CHROMIUM_PATH.")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def screenshot_path():
    """Return a function that gives a git-ignored path for a named screenshot."""
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    return lambda name: ARTIFACTS_DIR / f"{name}.png"


def pytest_sessionfinish(session, exitstatus):
    # Stop the embedded servers only when this test session started them.
    from bzpeer import embedded

    if embedded.started_here:
        embedded.stop_servers(postgres="postgres" in embedded.started_here, redis="redis" in embedded.started_here)
