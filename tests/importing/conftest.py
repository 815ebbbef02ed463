"""Sample paths and helpers for importer tests."""

import gzip
from pathlib import Path

import orjson
import pytest
from django.apps import apps
from django.db import connection

from profiles.importing import run_import

PROJECT_DIR = Path(__file__).resolve().parents[2]
SAMPLE_DIR = PROJECT_DIR / "data" / "sample"
SEED_WORKS = SAMPLE_DIR / "seed_example" / "works.jsonl"
EDGE_CASES = SAMPLE_DIR / "edge_cases" / "edge_cases.jsonl.gz"
EDGE_CASES_INDEX = SAMPLE_DIR / "edge_cases" / "edge_cases.index.tsv.gz"
OPENALEX_DIR = SAMPLE_DIR / "openalex"
WORKS = OPENALEX_DIR / "works.jsonl.gz"
LEGACY_WORKS = OPENALEX_DIR / "works_2022_legacy_schema.jsonl.gz"
AUTHORS = OPENALEX_DIR / "authors.jsonl.gz"
INSTITUTIONS = OPENALEX_DIR / "institutions.jsonl.gz"
TOPICS = OPENALEX_DIR / "topics.jsonl.gz"
SOURCES = OPENALEX_DIR / "sources.jsonl.gz"
FIXTURES_DIR = PROJECT_DIR / "tests" / "fixtures"
UNSUPPORTED_KINDS = FIXTURES_DIR / "openalex_unsupported_kinds.jsonl"


def read_lines(path: Path) -> list[bytes]:
    """Return the non-blank lines of a plain or gzipped JSON-lines file."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as handle:
        return [line.rstrip(b"\n") for line in handle if line.strip()]


def read_records(path: Path) -> list[dict]:
    return [orjson.loads(line) for line in read_lines(path)]


def edge_record(openalex_id: str) -> dict:
    for record in read_records(EDGE_CASES):
        if record["id"].endswith("/" + openalex_id):
            return record
    raise LookupError(openalex_id)


def write_lines(path: Path, lines: list[bytes], *, compress: bool = False) -> Path:
    data = b"".join(line + b"\n" for line in lines)
    path.write_bytes(gzip.compress(data) if compress else data)
    return path


def profiles_tables() -> list[str]:
    """Every table of the profiles app, many-to-many tables included, except ImportRun."""
    tables = set()
    for model in apps.get_app_config("profiles").get_models(include_auto_created=True):
        tables.add(model._meta.db_table)
    tables.discard("profiles_importrun")
    return sorted(tables)


def table_snapshot() -> dict[str, list[tuple[str, str, str]]]:
    """Every row of every profiles table with its xmin and ctid.

    An UPDATE, even one that writes the same values, gives the row a new
    xmin and ctid, so equal snapshots mean no row was written.
    """
    snapshot = {}
    with connection.cursor() as cursor:
        for table in profiles_tables():
            cursor.execute(f"SELECT xmin::text, ctid::text, row_to_json(t)::text FROM {table} t ORDER BY 3")
            snapshot[table] = cursor.fetchall()
    return snapshot


def _truncate_profiles_tables() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join([*profiles_tables(), 'profiles_importrun'])} RESTART IDENTITY CASCADE")


@pytest.fixture(scope="module")
def edge_cases_imported(django_db_setup, django_db_blocker):
    """The edge-case file imported once for the module, committed; removed afterwards."""
    with django_db_blocker.unblock():
        _truncate_profiles_tables()
        run = run_import([EDGE_CASES], progress=False)
        yield run
        _truncate_profiles_tables()
