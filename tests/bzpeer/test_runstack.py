"""`manage.py runstack`, the command behind `make run`, from a fresh data folder."""

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parent.parent.parent
START_TIMEOUT_SECONDS = 180


def _launch(data_dir: Path) -> subprocess.Popen:
    """Start runstack with the embedded servers of `data_dir` and no test settings."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_URL", "REDIS_", "BZPEER_", "CACHE_KEY", "CELERY_", "DJANGO_SETTINGS"))
    }
    environment.update(BZPEER_DATA_DIR=str(data_dir), BZPEER_SKIP_NETWORK="1", PYTHONUNBUFFERED="1")
    return subprocess.Popen(
        [sys.executable, "manage.py", "runstack", "--port", "0"],
        cwd=PROJECT_DIR,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _start_stack(data_dir: Path) -> tuple[subprocess.Popen, list[str]]:
    process = _launch(data_dir)
    lines = []
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip())
        if line.startswith("Press Ctrl-C"):
            return process, lines
    process.kill()
    process.communicate()
    pytest.fail("runstack did not start:\n" + "\n".join(lines[-40:]))


def _stop_stack(process: subprocess.Popen) -> str:
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=60)
    return output


def _get(url: str) -> str:
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback URL)
                return response.read().decode()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


@pytest.fixture
def data_dir(tmp_path):
    folder = tmp_path / "stack"
    yield folder
    # Whatever happened in the test, leave no embedded server running.
    subprocess.run(
        [sys.executable, "-c", "from bzpeer import embedded; embedded.stop_servers()"],
        cwd=PROJECT_DIR,
        env={**os.environ, "BZPEER_DATA_DIR": str(folder)},
        check=False,
        capture_output=True,
    )


def test_runstack_serves_sample_then_stops(data_dir):
    process, lines = _start_stack(data_dir)
    try:
        output = "\n".join(lines)
        assert "Importing the bundled sample (8 files)" in output
        profile_url = re.search(r"Sample profile: (http://\S+)", output).group(1)
        page = _get(profile_url)
        assert "Rafael Müller" in page
        assert "Trust 13 - Unverified" in page
    finally:
        final_output = _stop_stack(process)
    assert process.returncode == 0, final_output
    assert "Stopped." in final_output
    assert not (data_dir / "redis.pid").exists()
    assert not (data_dir / "postgres" / "postmaster.pid").exists()

    # A second run reuses the database and imports nothing.
    process, lines = _start_stack(data_dir)
    try:
        assert "Bundled sample already imported." in "\n".join(lines)
    finally:
        _stop_stack(process)
    assert process.returncode == 0


def test_runstack_interrupted_during_import_stops_servers(data_dir):
    process = _launch(data_dir)
    for line in process.stdout:
        if line.startswith("Importing the bundled sample"):
            break
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=60)

    assert process.returncode == 0, output
    assert "Interrupted; the next run resumes the import." in output
    assert not (data_dir / "redis.pid").exists()
    assert not (data_dir / "postgres" / "postmaster.pid").exists()
