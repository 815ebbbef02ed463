"""Benchmark: graph slice build time against the time PostgreSQL takes to return its rows.

Generates an OpenAlex-format works file (compact records without abstracts)
with a heavy-tailed number of works per author and some hyperauthored works.
Imports it with the real importer into a private database. Then builds the
slice of the 100 most connected researchers, 100 random ones and 50 authors
of hyperauthored works. For each it also runs the loader's SQL statements
alone (the read floor). The figures go to docs/benchmarks.md, section
"Graph slice".

    .venv/bin/python bench/graph.py --works 1000000

The data and its PostgreSQL live under .local-bench/ (git-ignored); a second
run with the same --works reuses the imported data.
"""

import argparse
import gzip
import json
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
BENCH_DIR = PROJECT / ".local-bench"
sys.path.insert(0, str(PROJECT))

TOPICS = 400
INSTITUTIONS = 800
HYPERAUTHORED_SHARE = 0.005
LOAD_AT_START = 0.0


def generate(path: Path, works: int, seed: int) -> None:
    """Write `works` OpenAlex Work records; authors are drawn from a Zipf-like distribution."""
    rng = random.Random(seed)
    authors = max(works // 2, 100)
    # Weight of author i is 1 / (i + 300), a Zipf-like tail: at 1,000,000 works
    # the first authors write about 1,800 works and most write one or two.
    weights = [1 / (index + 300) for index in range(authors)]
    cumulative = []
    total = 0.0
    for weight in weights:
        total += weight
        cumulative.append(total)
    topic_groups = [rng.sample(range(TOPICS), 3) for _ in range(authors // 50 + 1)]

    def author_record(index: int) -> dict:
        institution = index % INSTITUTIONS
        return {
            "author_position": "middle",
            "author": {"id": f"https://openalex.org/A{7000000000 + index}", "display_name": f"Author {index}"},
            "institutions": [
                {
                    "id": f"https://openalex.org/I{80000000 + institution}",
                    "display_name": f"Institution {institution}",
                    "country_code": "GB",
                    "type": "education",
                }
            ],
        }

    with gzip.open(path, "wt", encoding="utf-8", compresslevel=1) as out:
        for number in range(works):
            if rng.random() < HYPERAUTHORED_SHARE:
                size = rng.randint(51, 300)
            else:
                size = min(1 + int(rng.paretovariate(1.6)), 20)
            chosen = set()
            while len(chosen) < size:
                chosen.add(_bisect(cumulative, rng.random() * total))
            lead = min(chosen)
            topics = topic_groups[lead // 50] if rng.random() < 0.8 else rng.sample(range(TOPICS), 3)
            record = {
                "id": f"https://openalex.org/W{7000000000 + number}",
                "title": f"Generated work {number}",
                "publication_year": 1990 + number % 35,
                "type": "article",
                "cited_by_count": int(rng.paretovariate(1.2)) - 1,
                "authorships": [author_record(index) for index in sorted(chosen)],
                "topics": [
                    {"id": f"https://openalex.org/T{90000 + topic}", "display_name": f"Topic {topic}", "score": 0.9}
                    for topic in topics
                ],
            }
            record["primary_topic"] = record["topics"][0]
            out.write(json.dumps(record, separators=(",", ":")))
            out.write("\n")


def _bisect(cumulative: list[float], value: float) -> int:
    low, high = 0, len(cumulative) - 1
    while low < high:
        middle = (low + high) // 2
        if cumulative[middle] < value:
            low = middle + 1
        else:
            high = middle
    return low


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(researcher_ids: list[int]) -> dict:
    """Return build and read-floor timings (seconds) for these researchers."""
    from django.db import connection

    from graph import services
    from graph.loading import load_slice_inputs
    from graph.models import GraphSlice

    builds, floors = [], []
    for researcher_id in researcher_ids:
        statements = []

        def record(execute, sql, params, many, context, statements=statements):
            statements.append((sql, params))
            return execute(sql, params, many, context)

        with connection.execute_wrapper(record):
            load_slice_inputs(researcher_id)  # also warms the caches for both timings
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
                cursor.fetchall()
        floors.append(time.perf_counter() - started)

        GraphSlice.objects.filter(pk=researcher_id).update(fingerprint="", status="pending")
        started = time.perf_counter()
        outcome = services.run_build(researcher_id)
        builds.append(time.perf_counter() - started)
        assert outcome.result == "stored", outcome
    return {
        "count": len(researcher_ids),
        "build_median": statistics.median(builds),
        "build_p95": percentile(builds, 0.95),
        "build_max": max(builds),
        "floor_median": statistics.median(floors),
        "floor_p95": percentile(floors, 0.95),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--works", type=int, default=1_000_000, help="Works to generate and import (default 1,000,000)."
    )
    parser.add_argument("--seed", type=int, default=7, help="Random seed of the generated data.")
    parser.add_argument(
        "--no-record", action="store_true", help="Print the figures without updating docs/benchmarks.md."
    )
    args = parser.parse_args()

    data_dir = BENCH_DIR / f"graph-{args.works}"
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["BZPEER_DATA_DIR"] = str(data_dir / "servers")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bzpeer.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from profiles.importing import run_import
    from profiles.models import Researcher

    call_command("migrate", verbosity=0)
    works_file = data_dir / "works.jsonl.gz"
    marker = data_dir / "imported"
    import_seconds = None
    if not marker.exists():
        if not works_file.exists():
            print(f"Generating {args.works:,} works in {works_file}")
            started = time.perf_counter()
            generate(works_file, args.works, args.seed)
            print(f"Generated in {time.perf_counter() - started:.0f} s")
        print("Importing with profiles.importing.run_import")
        started = time.perf_counter()
        run = run_import([works_file])
        import_seconds = time.perf_counter() - started
        print(f"Imported in {import_seconds:.0f} s: {run}")
        marker.write_text(f"{import_seconds:.0f}\n")
    else:
        import_seconds = float(marker.read_text().strip() or 0)

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM profiles_work")
        works = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM profiles_work WHERE is_hyperauthored")
        hyperauthored = cursor.fetchone()[0]
        cursor.execute("SELECT count(*), max(works_count) FROM profiles_researcher")
        researchers, max_works = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM profiles_authorship")
        authorships = cursor.fetchone()[0]

    connected = list(
        Researcher.objects.order_by("-close_collaborators_count", "-works_count", "id").values_list("pk", flat=True)[
            :100
        ]
    )
    rng = random.Random(args.seed)
    all_ids = list(Researcher.objects.values_list("pk", flat=True))
    random_ids = rng.sample(all_ids, min(100, len(all_ids)))
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT DISTINCT a.researcher_id FROM profiles_authorship a
            JOIN profiles_work w ON w.id = a.work_id AND w.is_hyperauthored
            WHERE a.researcher_id IS NOT NULL ORDER BY a.researcher_id LIMIT 50
            """
        )
        hyper_ids = [row[0] for row in cursor.fetchall()]

    global LOAD_AT_START
    LOAD_AT_START = os.getloadavg()[0]
    results = {
        "most connected": measure(connected),
        "random": measure(random_ids),
        "on hyperauthored works": measure(hyper_ids),
    }
    report = render_report(args, works, hyperauthored, researchers, max_works, authorships, import_seconds, results)
    print(report)
    if not args.no_record:
        record(report)


def render_report(args, works, hyperauthored, researchers, max_works, authorships, import_seconds, results) -> str:
    lines = [
        "## Graph slice",
        "",
        f"`bench/graph.py --works {args.works}` on {platform.machine()} with {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, embedded PostgreSQL; measured {time.strftime('%Y-%m-%d')}.",
        "",
        f"Data: {works:,} generated OpenAlex works ({hyperauthored:,} hyperauthored), {researchers:,} researchers "
        f"(at most {max_works:,} works each), {authorships:,} authorships, imported by "
        f"`profiles.importing.run_import` in {import_seconds:,.0f} s.",
        "",
        "Build = `graph.services.run_build` (claim, read rows, fingerprint, networkx layout, store). "
        "Read floor = the same SQL statements the loader runs, executed and fetched, nothing else.",
        "",
        "| researchers | n | build median | build p95 | build max "
        "| read floor median | read floor p95 | median ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, result in results.items():
        ratio = result["build_median"] / result["floor_median"] if result["floor_median"] else float("nan")
        lines.append(
            f"| {name} | {result['count']} | {result['build_median'] * 1000:.1f} ms "
            f"| {result['build_p95'] * 1000:.1f} ms "
            f"| {result['build_max'] * 1000:.1f} ms | {result['floor_median'] * 1000:.1f} ms "
            f"| {result['floor_p95'] * 1000:.1f} ms | {ratio:.1f}× |"
        )
    connected = results["most connected"]
    ratio = connected["build_median"] / connected["floor_median"] if connected["floor_median"] else float("inf")
    slowest = max(result["build_max"] for result in results.values())
    ratio_verdict = "met" if ratio <= 3 else "missed"
    time_verdict = "met" if slowest < 1 else "missed"
    lines += [
        "",
        "Targets: the most connected researchers' median build within 3 times their read floor "
        f"({ratio_verdict}: {ratio:.1f} times), and every build, authors of hyperauthored works included, "
        f"under one second ({time_verdict}: {slowest * 1000:.0f} ms at most).",
        "",
        '"Most connected" is the 100 researchers with the most close collaborators, then the most works. '
        "The generated authors follow a Zipf-like tail (weight 1 / (rank + 300)), so the most prolific write "
        f"about {max_works:,} works, and {HYPERAUTHORED_SHARE:.1%} of works have 51 to 300 authors.",
        "",
        f"Load average when the measurements started: {LOAD_AT_START:.1f} on {os.cpu_count()} cores "
        "(other processes on the machine make single timings vary). Rerun with `make bench-graph` or "
        "`bench/graph.py --works N`, which reuses the data imported under `.local-bench/`.",
    ]
    return "\n".join(lines) + "\n"


def record(section: str) -> None:
    """Replace the "Graph slice" section of docs/benchmarks.md, leaving the others as they are."""
    path = PROJECT / "docs" / "benchmarks.md"
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    start = text.find("## Graph slice")
    if start == -1:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + 1)
        text = text[:start] + section + ("\n" + text[end + 1 :] if end != -1 else "")
    path.write_text(text)
    print(f"Recorded in {path}")


if __name__ == "__main__":
    main()
