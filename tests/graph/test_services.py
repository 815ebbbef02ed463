import pytest

from graph.builder import canonical_json
from graph.models import GraphSlice
from graph.services import claim_build, invalidate_slices, request_build, run_build
from tests.graph.conftest import make_researcher, make_work

pytestmark = pytest.mark.django_db


@pytest.fixture
def ada(db):
    ada = make_researcher("Ada Lovelace")
    make_work("Notes on the engine", [ada, make_researcher("Ben Babbage")])
    return ada


def test_run_build_same_data_same_payload(ada):
    run_build(ada.pk)
    first = GraphSlice.objects.get(pk=ada.pk)
    GraphSlice.objects.filter(pk=ada.pk).update(fingerprint="", is_stale=True)

    outcome = run_build(ada.pk)

    second = GraphSlice.objects.get(pk=ada.pk)
    assert outcome.result == "stored"
    assert canonical_json(second.payload) == canonical_json(first.payload)
    assert second.fingerprint == first.fingerprint
    assert second.version == 2


def test_run_build_unchanged_keeps_payload(ada):
    run_build(ada.pk)
    invalidate_slices([ada.pk])

    outcome = run_build(ada.pk)

    row = GraphSlice.objects.get(pk=ada.pk)
    assert outcome.result == "unchanged"
    assert (row.status, row.version, row.is_stale) == ("ready", 1, False)


def test_run_build_skips_while_other_builds(ada):
    GraphSlice.objects.create(researcher=ada)
    assert claim_build(ada.pk, "other-worker")

    outcome = run_build(ada.pk, "this-worker")

    assert outcome.result == "skipped"
    assert GraphSlice.objects.get(pk=ada.pk).build_token == "other-worker"


def test_invalidate_slices_marks_stale(ada):
    run_build(ada.pk)
    other = make_researcher("No Slice Yet")

    marked = invalidate_slices([ada.pk, other.pk, ada.pk])

    assert marked == 1
    assert GraphSlice.objects.get(pk=ada.pk).is_stale
    assert invalidate_slices([]) == 0


def test_request_build_once_until_lease_expires(ada):
    GraphSlice.objects.create(researcher=ada)

    first = request_build(ada.pk)
    second = request_build(ada.pk)

    assert (first, second) == (True, False)
    assert GraphSlice.objects.get(pk=ada.pk).enqueued_count == 1


def test_invalidate_during_build_keeps_stale(ada):
    # An import that lands while the build reads rows leaves the new slice stale.
    outcome = run_build(ada.pk, before_build=lambda researcher_id: invalidate_slices([researcher_id]))

    row = GraphSlice.objects.get(pk=ada.pk)
    assert outcome.result == "stored"
    assert (row.status, row.is_stale) == ("ready", True)
