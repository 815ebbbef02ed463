"""Decode and normalize batches of lines, in this process or in worker processes.

Parsing full OpenAlex works (about 16 KB of JSON each) costs more CPU than
PostgreSQL spends storing their rows, so large imports parse in a pool of
worker processes while the parent process writes. Workers receive byte
ranges of plain files (and the lines of gzipped ones) and send back
normalized rows and rejections, in file order.
"""

import gc
import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from profiles.importing import normalize
from profiles.importing.readers import FileRange, LineBatch, batch_records
from profiles.importing.writer import PackedWorks, pack_works

NORMALIZERS = {
    "work": normalize.normalize_work,
    "institution": normalize.normalize_institution,
    "topic": normalize.normalize_topic,
    "source": normalize.normalize_source,
    "author": normalize.normalize_author,
}
# Batches sent ahead per worker: enough to keep workers busy while the
# parent writes, few enough that memory stays flat (a batch of 500 full
# works is about 8 MB of JSON).
BATCHES_IN_FLIGHT_PER_WORKER = 2
# NOTE: beyond a few workers the single writer is the bottleneck; this cap
# is an estimate, not a measured optimum.
MAX_WORKERS = 8


@dataclass(slots=True)
class ParsedBatch:
    """One batch parsed: its works packed for the writer, other entities as (kind, row) pairs,
    and its rejections as (file, line, reason)."""

    works: PackedWorks = field(default_factory=PackedWorks)
    rows: list[tuple[str, object]] = field(default_factory=list)
    rejections: list[tuple[str, int, str]] = field(default_factory=list)
    records_read: int = 0
    records_skipped: int = 0


def parse_batch(batch: LineBatch | FileRange) -> ParsedBatch:
    """Decode and normalize one batch; malformed records become rejections."""
    with _cyclic_gc_paused():
        return _parse(batch)


@contextmanager
def _cyclic_gc_paused():
    """Pause Python's cyclic garbage collector, and resume it if it was on.

    Decoding and normalizing a batch allocates hundreds of thousands of
    dicts, lists and tuples that never form reference cycles, and reference
    counting frees them. With the collector on, it runs every 700 new
    containers and walks the live ones each time, which took 40% of the
    parsing time (measured on 4,000 full works).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _parse(batch: LineBatch | FileRange) -> ParsedBatch:
    parsed = ParsedBatch()
    works = []
    for record in batch_records(batch):
        if record.error:
            parsed.rejections.append((record.file, record.line, record.error))
            continue
        parsed.records_read += 1
        try:
            kind = normalize.entity_kind(record.data)
            row = NORMALIZERS[kind](record.data)
            if row is None:
                raise normalize.RecordError(f"`id` {record.data.get('id')!r} is not a valid {kind} id")
        except normalize.UnsupportedRecord:
            parsed.records_skipped += 1
            continue
        except normalize.RecordError as error:
            parsed.rejections.append((record.file, record.line, str(error)))
            continue
        if kind == "work":
            works.append(row)
        else:
            parsed.rows.append((kind, row))
    parsed.works = pack_works(works)
    return parsed


def default_workers(total_bytes: int, parallel_from_bytes: int) -> int:
    """Return the number of worker processes for an input of `total_bytes`: 0 (parse in-process) when small."""
    if total_bytes < parallel_from_bytes:
        return 0
    return min(len(os.sched_getaffinity(0)), MAX_WORKERS)


def parse_batches(batches: Iterable[LineBatch | FileRange], workers: int) -> Iterator[ParsedBatch]:
    """Yield the parsed batches in input order, parsed by `workers` processes (0: in this process)."""
    if workers <= 0:
        yield from map(parse_batch, batches)
        return
    # Fork, so workers start at once with the loaded code. They never use the
    # parent's database connection, which they inherit but leave untouched.
    context = multiprocessing.get_context("fork")
    with context.Pool(workers) as pool:
        pending = deque()
        for batch in batches:
            pending.append(pool.apply_async(parse_batch, (batch,)))
            if len(pending) >= workers * BATCHES_IN_FLIGHT_PER_WORKER:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()
