from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from graph.models import GraphSlice
from tests.graph.conftest import make_researcher, make_work

pytestmark = pytest.mark.django_db


def run_command(*args) -> str:
    output = StringIO()
    call_command("precompute_slices", *args, "--no-progress", stdout=output)
    return output.getvalue()


def test_precompute_builds_then_skips(db):
    ada = make_researcher("Ada Lovelace")
    ben = make_researcher("Ben Babbage")
    make_work("Notes on the engine", [ada, ben])

    first = run_command()
    second = run_command()

    assert first.strip() == "Done: 2 stored, 0 unchanged, 0 skipped (built elsewhere), 0 failed."
    assert second.strip() == "Done: 0 stored, 0 unchanged, 0 skipped (built elsewhere), 0 failed."
    assert set(GraphSlice.objects.values_list("status", flat=True)) == {"ready"}


def test_precompute_top_and_force(db):
    ada = make_researcher("Ada Lovelace")
    ben = make_researcher("Ben Babbage")
    make_work("Notes on the engine", [ada, ben])
    make_work("Ada alone", [ada])
    run_command()

    output = run_command("--top", "1", "--force")

    assert output.strip() == "Done: 0 stored, 1 unchanged, 0 skipped (built elsewhere), 0 failed."
    assert GraphSlice.objects.get(pk=ada.pk).version == 1


def test_precompute_rejects_bad_top(db):
    with pytest.raises(CommandError, match=r"--top must be at least 1, not 0\."):
        run_command("--top", "0")
