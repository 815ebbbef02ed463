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


def test_precompute_interrupt_releases_then_resumes(db, monkeypatch):
    from graph import services

    ada = make_researcher("Ada Lovelace")
    ben = make_researcher("Ben Babbage")
    make_work("Notes on the engine", [ada, ben])
    real_run_build = services.run_build
    calls = []

    def interrupted_on_second(researcher_id, token, **options):
        calls.append(researcher_id)
        if len(calls) == 2:
            # Ctrl-C arrives while this build holds its lease.
            GraphSlice.objects.get_or_create(researcher_id=researcher_id)
            assert services.claim_build(researcher_id, token, any_state=True)
            raise KeyboardInterrupt
        return real_run_build(researcher_id, token, **options)

    monkeypatch.setattr(services, "run_build", interrupted_on_second)
    output = StringIO()
    with pytest.raises(CommandError, match="Interrupted; run the command again"):
        call_command("precompute_slices", "--no-progress", stdout=output)
    interrupted = GraphSlice.objects.get(pk=calls[1])

    monkeypatch.setattr(services, "run_build", real_run_build)
    rerun = run_command()

    assert (
        output.getvalue().strip() == "Interrupted after 1 stored, 0 unchanged, 0 skipped (built elsewhere), 0 failed."
    )
    assert interrupted.status == "pending"
    assert interrupted.build_token == ""
    assert rerun.strip() == "Done: 1 stored, 0 unchanged, 0 skipped (built elsewhere), 0 failed."
    assert set(GraphSlice.objects.values_list("status", flat=True)) == {"ready"}
