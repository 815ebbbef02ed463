"""Run the whole development stack in the foreground: `make run` calls this.

Migrates, imports the bundled sample once, starts the web server and one
Celery worker, prints the addresses, and on Ctrl-C stops every process it
started, including the embedded PostgreSQL and Redis.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from profiles.importing import run_import
from profiles.models import ImportRun, Researcher

SAMPLE_DIR = Path(settings.BASE_DIR) / "data" / "sample"
# Entity files first, so works link to full records.
SAMPLE_FILES = [
    "openalex/institutions.jsonl.gz",
    "openalex/topics.jsonl.gz",
    "openalex/sources.jsonl.gz",
    "openalex/authors.jsonl.gz",
    "openalex/works.jsonl.gz",
    "openalex/works_2022_legacy_schema.jsonl.gz",
    "edge_cases/edge_cases.jsonl.gz",
    "seed_example/works.jsonl",
]
# 20,623 works in one co-authorship component; imported in the background.
NETWORK_FILE = "openalex/works_coauthor_network.jsonl.gz"
SAMPLE_PROFILE_NAME = "Rafael Müller"
STOP_TIMEOUT_SECONDS = 10


def _already_imported(path: Path) -> bool:
    done = [ImportRun.Status.FINISHED, ImportRun.Status.FINISHED_WITH_ERRORS]
    return ImportRun.objects.filter(paths__contains=[str(path)], status__in=done).exists()


def _free_port(host: str, preferred: int) -> int:
    """Return `preferred` if nothing listens there, else a free port; 0 always picks a free one."""
    if preferred:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            if probe.connect_ex((host, preferred)) != 0:
                return preferred
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


class Command(BaseCommand):
    help = "Migrate, import the bundled sample once, then serve the web app and a Celery worker until Ctrl-C."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"), help="Address to listen on.")
        parser.add_argument(
            "--port", type=int, default=int(os.environ.get("PORT", "8000")), help="Port; a free one if taken."
        )
        parser.add_argument(
            "--skip-network",
            action="store_true",
            default=os.environ.get("BZPEER_SKIP_NETWORK") == "1",
            help="Do not import the 20,623-work co-authorship network (also BZPEER_SKIP_NETWORK=1).",
        )

    def handle(self, *args, **options):
        self.children: list[subprocess.Popen] = []
        self.stopping = False
        signal.signal(signal.SIGINT, self._request_stop)
        signal.signal(signal.SIGTERM, self._request_stop)
        try:
            self._serve(options)
        except KeyboardInterrupt:
            self.stdout.write("Interrupted; the next run resumes the import.")
        finally:
            # Also after an error or Ctrl-C during migrate or the import, so
            # no server is left running.
            self._stop_everything()

    def _serve(self, options):
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Database migrated.")
        self._import_sample()
        if self.stopping:
            return

        host = options["host"]
        port = _free_port(host, options["port"])
        python = sys.executable
        manage = str(Path(settings.BASE_DIR) / "manage.py")
        base = f"http://{host}:{port}"
        # Emails the web server and the worker send link to this address.
        os.environ.setdefault("SITE_URL", base)
        self._start("web", [python, manage, "runserver", f"{host}:{port}", "--noreload"])
        self._start(
            "worker", [python, "-m", "celery", "-A", "bzpeer", "worker", "--loglevel", "INFO", "--concurrency", "2"]
        )
        network = SAMPLE_DIR / NETWORK_FILE
        if not options["skip_network"] and not _already_imported(network):
            self.stdout.write("Importing the co-authorship network sample in the background (about 30 seconds).")
            self._start("network import", [python, manage, "import_openalex", "--no-progress", str(network)])

        sample = Researcher.objects.filter(display_name=SAMPLE_PROFILE_NAME).order_by("id").first()
        self.stdout.write(self.style.SUCCESS(f"\nBZPEER is running at {base}/"))
        if sample:
            self.stdout.write(f"Sample profile: {base}{sample.get_absolute_url()}")
        self.stdout.write("Press Ctrl-C to stop the web server, the worker and the embedded servers.\n")
        self._wait()

    def _request_stop(self, signum, frame):
        if self.stopping:
            return
        self.stopping = True
        # Ctrl-C during migrate or the import interrupts it at once.
        if not self.children:
            raise KeyboardInterrupt

    def _import_sample(self):
        pending = [SAMPLE_DIR / name for name in SAMPLE_FILES if not _already_imported(SAMPLE_DIR / name)]
        if not pending:
            self.stdout.write("Bundled sample already imported.")
            return
        self.stdout.write(f"Importing the bundled sample ({len(pending)} files)...")
        run = run_import(pending)
        self.stdout.write(
            f"Imported {run.records_created} records "
            f"({run.records_rejected} rejected; see ImportRun {run.pk} in admin)."
        )

    def _start(self, name: str, command: list[str]) -> None:
        try:
            process = subprocess.Popen(command)  # noqa: S603
        except OSError as error:
            self._stop_children()
            raise CommandError(f"Could not start the {name}: {error}") from error
        process.name = name
        self.children.append(process)

    def _wait(self):
        while not self.stopping:
            for process in self.children:
                if process.name != "network import" and process.poll() is not None:
                    self.stderr.write(f"The {process.name} exited with status {process.returncode}; stopping.")
                    self.stopping = True
            time.sleep(0.5)

    def _stop_everything(self):
        self._stop_children()
        if settings.EMBEDDED_POSTGRES or settings.EMBEDDED_REDIS:
            from django.db import connections

            connections.close_all()
            from bzpeer import embedded

            embedded.stop_servers(postgres=settings.EMBEDDED_POSTGRES, redis=settings.EMBEDDED_REDIS)
        self.stdout.write("Stopped.")

    def _stop_children(self):
        for process in self.children:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
        for process in self.children:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
