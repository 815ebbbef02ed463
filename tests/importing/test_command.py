"""The import_openalex management command: arguments, output and errors."""

import io

import pytest
from django.core.management import CommandError, call_command

from profiles.models import ImportRun, Work
from tests.importing.conftest import SEED_WORKS, UNSUPPORTED_KINDS, read_lines, write_lines

pytestmark = pytest.mark.django_db


def _call(*args):
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("import_openalex", *args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def test_command_imports_and_reports():
    stdout, stderr = _call(str(SEED_WORKS), "--no-progress")

    run = ImportRun.objects.get()
    assert stdout.strip() == (
        f"Import {run.pk} finished: 2 records read, 2 created, 0 updated, 0 unchanged, "
        "0 skipped (kinds not imported), 0 rejected."
    )
    assert stderr == ""
    assert Work.objects.count() == 2


def test_command_second_run_unchanged():
    _call(str(SEED_WORKS), "--no-progress")

    stdout, _ = _call(str(SEED_WORKS), "--no-progress")

    assert "0 created, 0 updated, 2 unchanged" in stdout


def test_command_prints_rejected_lines(tmp_path):
    path = write_lines(tmp_path / "mixed.jsonl", [read_lines(SEED_WORKS)[0], b"{broken"])

    stdout, stderr = _call(str(path), "--no-progress")

    assert stderr.startswith(f"Rejected {path}:2: invalid JSON")
    assert "finished with rejected records: 1 records read, 1 created" in stdout
    assert stdout.rstrip().endswith("1 rejected.")


def test_command_counts_skipped_kinds():
    stdout, stderr = _call(str(UNSUPPORTED_KINDS), "--no-progress")

    assert "3 records read" in stdout
    assert "3 skipped (kinds not imported), 0 rejected." in stdout
    assert stderr == ""


def test_command_missing_path_errors(tmp_path):
    missing = tmp_path / "nowhere.jsonl.gz"

    with pytest.raises(CommandError, match=r"nowhere\.jsonl\.gz") as error:
        _call(str(SEED_WORKS), str(missing))

    assert "Check the path" in str(error.value)
    assert not ImportRun.objects.exists()
    assert not Work.objects.exists()


def test_command_directory_path_errors(tmp_path):
    with pytest.raises(CommandError, match="Not a readable file"):
        _call(str(tmp_path))


def test_command_requires_a_path():
    with pytest.raises(CommandError, match="paths"):
        _call()


def test_command_workers_option_imports():
    stdout, _ = _call(str(SEED_WORKS), "--no-progress", "--workers", "2")

    assert "2 created" in stdout
    assert Work.objects.count() == 2


def test_command_negative_workers_errors():
    with pytest.raises(CommandError, match="--workers must be 0 or more, not -1"):
        _call(str(SEED_WORKS), "--workers", "-1")
