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
def log_in_browser(page, live_server):
    """Return a function that logs the browser page in as a user, through a session made by Django's test client."""
    from django.test import Client

    def log_in(user):
        client = Client()
        client.force_login(user)
        cookie = {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}
        page.context.add_cookies([cookie])

    return log_in


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


class CeleryWorker:
    """A real Celery worker process on the test queue, reading the test database."""

    def __init__(self, database_name: str):
        self.database_name = database_name
        self.process = None
        self.log_path = ARTIFACTS_DIR / "celery-worker.log"

    def start(self) -> None:
        import subprocess
        import sys
        import time

        from django.conf import settings

        ARTIFACTS_DIR.mkdir(exist_ok=True)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bzpeer.settings_test",
            "BZPEER_DATABASE_NAME": self.database_name,
        }
        command = [
            str(Path(sys.executable).parent / "celery"),
            "-A", "bzpeer", "worker",
            "--pool", "prefork", "--concurrency", "1",
            "-Q", settings.CELERY_TASK_DEFAULT_QUEUE,
            "--hostname", f"test-{os.getpid()}@%h",
            "--purge", "--without-gossip", "--without-mingle", "--without-heartbeat",
            "--loglevel", "INFO",
        ]  # fmt: skip
        self.log = self.log_path.open("a")
        # Readiness is read from the log lines after this marker.
        self.log.write("Starting test worker\n")
        self.log.flush()
        self.process = subprocess.Popen(command, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while "ready." not in self.log_path.read_text(errors="replace").split("Starting test worker")[-1]:
            if self.process.poll() is not None:
                pytest.fail(f"The Celery worker exited with {self.process.returncode}; see {self.log_path}.")
            if time.monotonic() > deadline:
                self.stop()
                pytest.fail(f"The Celery worker was not ready within 60 s; see {self.log_path}.")
            time.sleep(0.1)

    def child_pids(self) -> list[int]:
        """Return the ids of the pool processes the worker forked."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def ensure_running(self) -> None:
        if self.process is None or self.process.poll() is not None:
            self.start()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except Exception:
                self.process.kill()
                self.process.wait()
        self.process = None
        self.log.close()


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker):
    """Start one Celery worker for the session on the test database; stop it at the end."""
    from django.db import connection

    with django_db_blocker.unblock():
        database_name = connection.settings_dict["NAME"]
    worker = CeleryWorker(database_name)
    worker.start()
    yield worker
    worker.stop()


@pytest.fixture
def celery_worker(celery_worker_process, transactional_db):
    """The session's Celery worker, restarted if a test stopped it; data must be committed."""
    celery_worker_process.ensure_running()
    return celery_worker_process
