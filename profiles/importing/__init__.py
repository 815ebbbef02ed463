"""Import OpenAlex records: read files, normalize records, write rows in batches.

`run_import()` wires the pipeline. `readers` yields batches of lines per
file. `parsing` decodes them and `normalize` maps each record to a row or
rejects it with a reason, in worker processes for large inputs. `writer`
loads rows in batches. The run is recorded as an ImportRun, and the counts
and trust scores of the researchers it touched are recomputed at the end.
"""

import logging
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from django.db import connection
from django.utils import timezone

from profiles.importing import writer
from profiles.importing.parsing import ParsedBatch, default_workers, parse_batches
from profiles.importing.readers import plan_batches
from profiles.models import ImportRun
from profiles.stats import recompute_researchers

logger = logging.getLogger(__name__)

# Lines per batch: the unit of parsing in a worker and of one write transaction.
BATCH_SIZE = 500
# The ImportRun keeps this many rejections in full; the count covers all.
MAX_STORED_REJECTIONS = 1000
# After writing this many works and entity rows, the import refreshes the
# planner statistics of the tables it filled before recomputing counts.
ANALYZE_AFTER_ROWS = 1000
ANALYZED_TABLES = (
    "profiles_work",
    "profiles_authorship",
    "profiles_authorship_institutions",
    "profiles_worktopic",
    "profiles_researcher",
)
# One import at a time: a second run waits for this PostgreSQL advisory lock.
IMPORT_LOCK_KEY = 0x62_7A_70_65_65_72  # "bzpeer"

# Inputs at least this large are parsed in worker processes.
PARALLEL_FROM_BYTES = 16 * 1024 * 1024
WRITERS = {
    "institution": writer.write_institutions,
    "topic": writer.write_topics,
    "source": writer.write_sources,
    "author": writer.write_authors,
    "work": writer.write_works,
}
# Referenced entities load first, so works find full records where they exist.
KIND_ORDER = ("institution", "topic", "source", "author", "work")


class _Batches:
    """Rows waiting to be written, one list per entity kind."""

    def __init__(self, run: ImportRun, totals: writer.WriteCounts):
        self.run = run
        self.totals = totals
        self.pending: dict[str, list] = {kind: [] for kind in KIND_ORDER}
        self.known = writer.KnownRows()

    def add(self, kind: str, row) -> None:
        self.pending[kind].append(row)
        if len(self.pending[kind]) >= BATCH_SIZE:
            self.flush()

    def flush(self) -> None:
        for kind in KIND_ORDER:
            rows = self.pending[kind]
            if not rows:
                continue
            counts = WRITERS[kind](rows)
            self.totals.add(counts)
            self.pending[kind] = []


def _reject(run: ImportRun, file: str, line: int, reason: str) -> None:
    run.records_rejected += 1
    if len(run.rejections) < MAX_STORED_REJECTIONS:
        run.rejections.append({"file": file, "line": line, "reason": reason})
    logger.info("Rejected %s line %s: %s", file, line, reason)


def run_import(
    paths: Iterable[str | Path],
    *,
    progress: bool | None = None,
    on_reject: Callable[[str, int, str], None] | None = None,
    workers: int | None = None,
) -> ImportRun:
    """Import OpenAlex files and return the finished ImportRun.

    `workers` is the number of parsing processes; 0 parses in this process,
    and None chooses from the input size and the CPUs available.
    """
    paths = [Path(path) for path in paths]
    missing = [str(path) for path in paths if not path.is_file()]
    if missing:
        raise FileNotFoundError(f"Not a readable file: {', '.join(missing)}. Check the path and try again.")

    run = ImportRun.objects.create(source="openalex", paths=[str(path) for path in paths])
    logger.info("Import %s started: %s", run.pk, ", ".join(run.paths))
    totals = writer.WriteCounts()
    batches = _Batches(run, totals)
    total_bytes = sum(path.stat().st_size for path in paths)
    if workers is None:
        workers = default_workers(total_bytes, PARALLEL_FROM_BYTES)
    show_progress = sys.stderr.isatty() if progress is None else progress
    bar = None
    if show_progress:
        from tqdm import tqdm

        bar = tqdm(total=total_bytes, unit="B", unit_scale=True, desc="Importing")

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [IMPORT_LOCK_KEY])
    try:
        on_read = bar.update if bar else None
        line_batches = (
            batch for path in paths for batch in plan_batches(path, on_read=on_read, batch_lines=BATCH_SIZE)
        )
        for parsed in parse_batches(line_batches, workers):
            _add_parsed(parsed, run, batches, on_reject)
        batches.flush()
        _finish(run, totals)
    except Exception as error:
        run.status = ImportRun.Status.FAILED
        run.error = f"{type(error).__name__}: {error}"
        run.finished_at = timezone.now()
        _save_counts(run, totals)
        logger.exception("Import %s failed", run.pk)
        raise
    finally:
        if bar:
            bar.close()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [IMPORT_LOCK_KEY])
    return run


def _add_parsed(parsed: ParsedBatch, run: ImportRun, batches: _Batches, on_reject) -> None:
    run.records_read += parsed.records_read
    run.records_skipped += parsed.records_skipped
    for file, line, reason in parsed.rejections:
        _reject(run, file, line, reason)
        if on_reject:
            on_reject(file, line, reason)
    for kind, row in parsed.rows:
        batches.add(kind, row)
    if parsed.works:
        # Entities read so far go first, so works find their full records.
        batches.flush()
        batches.totals.add(WRITERS["work"](parsed.works, known=batches.known))


def _finish(run: ImportRun, totals: writer.WriteCounts) -> None:
    if totals.created + totals.updated >= ANALYZE_AFTER_ROWS:
        _analyze_tables()
    if totals.researcher_ids:
        recompute_researchers(totals.researcher_ids)
        _invalidate_graph_slices(totals.researcher_ids)
    run.status = ImportRun.Status.FINISHED_WITH_ERRORS if run.records_rejected else ImportRun.Status.FINISHED
    run.finished_at = timezone.now()
    _save_counts(run, totals)
    logger.info(
        "Import %s finished: %s read, %s created, %s updated, %s unchanged, %s skipped, %s rejected",
        run.pk,
        run.records_read,
        run.records_created,
        run.records_updated,
        run.records_unchanged,
        run.records_skipped,
        run.records_rejected,
    )


def _analyze_tables() -> None:
    # Fresh planner statistics before the recompute: right after a bulk load
    # autovacuum has not analyzed the tables yet, and the estimates for an
    # empty table lead PostgreSQL to nested-loop plans that run for minutes.
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(ANALYZED_TABLES)}")


def _save_counts(run: ImportRun, totals: writer.WriteCounts) -> None:
    run.records_created = totals.created
    run.records_updated = totals.updated
    run.records_unchanged = totals.unchanged
    run.save()


def _invalidate_graph_slices(researcher_ids: set[int]) -> None:
    # profiles never imports graph at module level; the graph app may be absent.
    try:
        from graph.services import invalidate_slices
    except ImportError:
        return
    invalidate_slices(researcher_ids)
