"""Benchmark: OpenAlex import throughput against a raw PostgreSQL COPY of the same rows.

Generates an OpenAlex-format JSON-lines file of full-size works. Each record
is a real work from data/sample/openalex/works.jsonl.gz, one with an
abstract, authorships and topics. It gets a new work id, and its authors are
remapped to a pool of generated author ids, so that authors recur and have
close collaborators. Then, for each run, in a private embedded PostgreSQL:

1. empties the profiles tables and imports the file with `run_import()` (the
   full import: reading, parsing, writing, ANALYZE and the recompute of every
   touched researcher);
2. empties the tables again and loads the rows that import stored (works,
   authorships, authorship institutions, work topics, researchers,
   institutions, topics, sources) with COPY from files prepared beforehand,
   so the COPY time holds no Python work.

It prints works/s for both (medians over the runs), their ratio, the
import's phases and the CPU time of each process. Then (unless --no-memory)
it imports a 20% prefix of the file and the whole file in fresh subprocesses
and prints their peak RSS, to show memory does not grow with the input.

    .venv/bin/python bench/import.py      # make bench-import: 100,000 works, 3 runs
    .venv/bin/python bench/import.py --works 20000 --runs 1 --no-memory

Data lives under .local-bench-import/ (git-ignored); a generated file is
reused by later runs with the same --works.
"""

import argparse
import gzip
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import orjson

PROJECT = Path(__file__).resolve().parent.parent
BENCH_DIR = PROJECT / ".local-bench-import"
SAMPLE_WORKS = PROJECT / "data" / "sample" / "openalex" / "works.jsonl.gz"
sys.path.insert(0, str(PROJECT))

GENERATOR_VERSION = 1
FIRST_WORK_ID = 7_100_000_000
FIRST_AUTHOR_ID = 7_200_000_000
# Authors work in labs of this many people. A work draws its first authors
# from one lab, so co-authors repeat, and the rest from the whole pool.
LAB_SIZE = 8
# Records larger than this are left out of the templates, which brings the
# mean record size close to that of real full works (about 16 KB).
MAX_TEMPLATE_BYTES = 40_000

COPY_TABLES = (
    "profiles_institution",
    "profiles_topic",
    "profiles_source",
    "profiles_researcher",
    "profiles_work",
    "profiles_authorship",
    "profiles_authorship_institutions",
    "profiles_worktopic",
)


def _setup_django() -> None:
    os.environ.setdefault("BZPEER_DATA_DIR", str(BENCH_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bzpeer.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


# Generating the input -------------------------------------------------------


def _templates() -> list[dict]:
    templates = []
    with gzip.open(SAMPLE_WORKS, "rb") as handle:
        for line in handle:
            if len(line) > MAX_TEMPLATE_BYTES:
                continue
            record = orjson.loads(line)
            if record.get("abstract_inverted_index") and record.get("authorships") and record.get("topics"):
                templates.append(record)
    return templates


def generate(path: Path, works: int, seed: int = 7) -> None:
    """Write `works` full-size OpenAlex Work records to `path`, one per line."""
    rng = random.Random(seed)
    templates = _templates()
    pool = max(works * 4 // 3, LAB_SIZE * 10)
    labs = pool // LAB_SIZE
    temporary = path.with_suffix(".partial")
    with temporary.open("wb") as out:
        for index in range(works):
            template = templates[index % len(templates)]
            lab = rng.randrange(labs)
            authorships = []
            for position, authorship in enumerate(template["authorships"]):
                if position < LAB_SIZE:
                    author_number = lab * LAB_SIZE + (index + position) % LAB_SIZE
                else:
                    author_number = rng.randrange(pool)
                author = dict(authorship.get("author") or {})
                author["id"] = f"https://openalex.org/A{FIRST_AUTHOR_ID + author_number}"
                authorships.append(authorship | {"author": author})
            work_id = f"https://openalex.org/W{FIRST_WORK_ID + index}"
            record = template | {
                "id": work_id,
                "doi": f"https://doi.org/10.5555/bench.{index}",
                "ids": {"openalex": work_id},
                "authorships": authorships,
            }
            out.write(orjson.dumps(record) + b"\n")
    temporary.rename(path)


def input_file(works: int) -> Path:
    BENCH_DIR.mkdir(exist_ok=True)
    path = BENCH_DIR / f"works-{works}-v{GENERATOR_VERSION}.jsonl"
    if not path.exists():
        print(f"Generating {works:,} works into {path} ...", flush=True)
        generate(path, works)
    return path


# The database ---------------------------------------------------------------


def _empty_tables() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(COPY_TABLES)}, profiles_importrun RESTART IDENTITY CASCADE")
        cursor.execute("CHECKPOINT")


def _server_cpu_seconds() -> float:
    """CPU time used so far by the PostgreSQL server: postmaster, live children and reaped children (Linux /proc).

    The import's recompute runs on connections of its own that close before
    the measurement ends. Linux adds an exited backend's CPU time to the
    postmaster's counters of reaped children (cutime, cstime) once the
    postmaster waits for it, so a backend still unreaped at that moment
    would be missed.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW data_directory")
        data_directory = Path(cursor.fetchone()[0])
    postmaster = int((data_directory / "postmaster.pid").read_text().split()[0])
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended while the loop ran
        pid, parent = int(stat.parent.name), int(fields[1])
        if pid == postmaster:
            # utime, stime, and the same for reaped children.
            total += sum(int(value) for value in fields[11:15])
        elif parent == postmaster:
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def _own_cpu_seconds(scope: int) -> float:
    usage = resource.getrusage(scope)
    return usage.ru_utime + usage.ru_stime


def time_import(path: Path, workers: int | None) -> dict[str, float]:
    """Import `path` into empty tables; return the total and phase times and CPU seconds."""
    import profiles.importing as importing

    _empty_tables()
    cpu_before = (
        _own_cpu_seconds(resource.RUSAGE_SELF),
        _own_cpu_seconds(resource.RUSAGE_CHILDREN),
        _server_cpu_seconds(),
    )
    phases = {"recompute": 0.0}
    recompute = importing.recompute_researchers

    def timed_recompute(ids):
        started = time.perf_counter()
        result = recompute(ids)
        phases["recompute"] += time.perf_counter() - started
        return result

    importing.recompute_researchers = timed_recompute
    try:
        started = time.perf_counter()
        run = importing.run_import([path], progress=False, workers=workers)
        phases["total"] = time.perf_counter() - started
    finally:
        importing.recompute_researchers = recompute
    if run.records_rejected or run.status != "finished":
        raise SystemExit(f"The import did not finish cleanly: {run.status}, {run.rejections[:3]}")
    phases["load"] = phases["total"] - phases["recompute"]
    phases["cpu_main"] = _own_cpu_seconds(resource.RUSAGE_SELF) - cpu_before[0]
    phases["cpu_workers"] = _own_cpu_seconds(resource.RUSAGE_CHILDREN) - cpu_before[1]
    phases["cpu_postgres"] = _server_cpu_seconds() - cpu_before[2]
    return phases


def dump_tables(folder: Path) -> None:
    """Write every profiles table that the import filled to COPY text files."""
    from django.db import connection

    folder.mkdir(exist_ok=True)
    with connection.cursor() as cursor:
        for table in COPY_TABLES:
            with (folder / f"{table}.copy").open("wb") as out, cursor.copy(f"COPY {table} TO STDOUT") as copy:
                for data in copy:
                    out.write(data)


def time_copy(folder: Path) -> tuple[float, float]:
    """Load the dumped rows into empty tables with COPY, in one transaction; return wall and PostgreSQL CPU seconds."""
    from django.db import connection, transaction

    _empty_tables()
    cpu_before = _server_cpu_seconds()
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for table in COPY_TABLES:
            with (folder / f"{table}.copy").open("rb") as source, cursor.copy(f"COPY {table} FROM STDIN") as copy:
                while chunk := source.read(1 << 20):
                    copy.write(chunk)
    return time.perf_counter() - started, _server_cpu_seconds() - cpu_before


def table_rows() -> dict[str, int]:
    from django.db import connection

    counts = {}
    with connection.cursor() as cursor:
        for table in COPY_TABLES:
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[table] = cursor.fetchone()[0]
    return counts


# Memory ---------------------------------------------------------------------


def peak_rss_of_import(path: Path) -> tuple[int, int]:
    """Import `path` in a fresh subprocess into empty tables; return its peak RSS and its workers' in KiB."""
    result = subprocess.run(
        [sys.executable, __file__, "--import-only", str(path)], check=True, capture_output=True, text=True
    )
    importing, workers = result.stdout.strip().splitlines()[-1].split()
    return int(importing), int(workers)


def memory_report(path: Path, works: int) -> list[str]:
    prefix = BENCH_DIR / f"works-{works // 5}-prefix.jsonl"
    if not prefix.exists():
        with path.open("rb") as source, prefix.open("wb") as out:
            for _ in range(works // 5):
                out.write(source.readline())
    lines = []
    for count, source in ((works // 5, prefix), (works, path)):
        importing, workers = peak_rss_of_import(source)
        lines.append(
            f"peak RSS importing {count:,} works: importing process {importing / 1024:.0f} MiB, "
            f"largest parsing worker {workers / 1024:.0f} MiB"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--works", type=int, default=100_000, help="Number of generated works (default 100000).")
    parser.add_argument("--runs", type=int, default=3, help="Timed runs of each side; medians are reported.")
    parser.add_argument(
        "--workers", type=int, default=None, help="Parsing processes for run_import (default: its own choice)."
    )
    parser.add_argument(
        "--no-memory", action="store_true", help="Skip the peak RSS measurement of 20%% and 100%% imports."
    )
    parser.add_argument("--import-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    _setup_django()
    from django.core.management import call_command

    if args.import_only:
        _empty_tables()
        import profiles.importing as importing

        importing.run_import([args.import_only], progress=False)
        # ru_maxrss is in KiB on Linux; for children it is the largest one.
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        print(own, children)
        return

    call_command("migrate", verbosity=0)
    path = input_file(args.works)
    size = path.stat().st_size
    print(f"Input: {path.name}, {args.works:,} works, {size / 1e9:.2f} GB, {size / args.works / 1024:.1f} KiB/work")

    imports, copies = [], []
    dump_folder = BENCH_DIR / f"copy-{args.works}"
    for run in range(args.runs):
        phases = time_import(path, args.workers)
        imports.append(phases)
        print(
            f"run {run + 1}: import {phases['total']:.1f} s "
            f"(load {phases['load']:.1f} s, recompute {phases['recompute']:.1f} s; CPU: "
            f"importing process {phases['cpu_main']:.1f} s, parsing workers {phases['cpu_workers']:.1f} s, "
            f"PostgreSQL server {phases['cpu_postgres']:.1f} s; load average {os.getloadavg()[0]:.1f})",
            flush=True,
        )
        if run == 0:
            rows = table_rows()
            dump_tables(dump_folder)
        copy_seconds, copy_cpu = time_copy(dump_folder)
        copies.append(copy_seconds)
        print(
            f"run {run + 1}: COPY {copy_seconds:.1f} s (PostgreSQL server CPU {copy_cpu:.1f} s; "
            f"load average {os.getloadavg()[0]:.1f})",
            flush=True,
        )

    import_seconds = statistics.median(phase["total"] for phase in imports)
    copy_seconds = statistics.median(copies)
    import_rate = args.works / import_seconds
    copy_rate = args.works / copy_seconds
    print()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print("rows: " + ", ".join(f"{table.removeprefix('profiles_')} {count:,}" for table, count in rows.items()))
    print(f"import: median {import_seconds:.1f} s, {import_rate:,.0f} works/s")
    print(f"  load (read, parse, write) median {statistics.median(p['load'] for p in imports):.1f} s")
    print(f"  recompute median {statistics.median(p['recompute'] for p in imports):.1f} s")
    print(f"COPY:   median {copy_seconds:.1f} s, {copy_rate:,.0f} works/s")
    print(f"ratio import/COPY: {import_rate / copy_rate:.2f} (target at least 0.33)")
    if not args.no_memory:
        for line in memory_report(path, args.works):
            print(line)


if __name__ == "__main__":
    main()
