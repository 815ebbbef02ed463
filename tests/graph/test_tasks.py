"""The build task on a real Celery worker, against the committed test database."""

import os
import signal
import threading
import time
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse

from graph.models import GraphSlice
from graph.services import invalidate_slices
from graph.tasks import TEST_HOOK_KEY
from profiles.importing import run_import
from profiles.models import Authorship, Researcher
from tests.graph.conftest import make_researcher, make_work

pytestmark = [pytest.mark.worker]

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


def wait_for_status(researcher_id, statuses, timeout=30.0) -> GraphSlice:
    deadline = time.monotonic() + timeout
    while True:
        row = GraphSlice.objects.filter(pk=researcher_id).first()
        if row is not None and row.status in statuses:
            return row
        if time.monotonic() > deadline:
            state = row.status if row else "no row"
            pytest.fail(f"Slice of researcher {researcher_id} still {state} after {timeout} s, wanted {statuses}.")
        time.sleep(0.1)


def request_slice(client, researcher_id, **extra):
    return client.get(reverse("graph:slice", args=[researcher_id]), **extra)


def test_task_builds_known_researcher(celery_worker):
    run_import([SAMPLE / "seed_example" / "works.jsonl", SAMPLE / "openalex" / "works.jsonl.gz"])
    emma = Researcher.objects.get(display_name="Emma Timmins‐Schiffman")

    first = request_slice(Client(), emma.pk, HTTP_HX_REQUEST="true")
    row = wait_for_status(emma.pk, {"ready", "failed"})

    assert "Building this graph slice" in first.content.decode()
    assert row.status == "ready", row.error
    people = [(person["name"], person["shared_works"]) for person in row.payload["people"]]
    # Roberts shares fewer works than Nunn but on smaller author lists.
    assert people[:3] == [("Steven Roberts", 41), ("Brook L. Nunn", 61), ("Brent Vadopalas", 28)]
    assert len(people) == 25
    assert row.payload["totals"]["works"] == 99
    assert len(row.payload["works"]) == 20
    assert len(row.payload["topics"]) == 10
    assert row.payload["topics"][0]["name"] == "Marine Bivalve and Aquaculture Studies"
    page = request_slice(Client(), emma.pk, HTTP_HX_REQUEST="true").content.decode()
    assert "<svg" in page
    assert "Brook L. Nunn" in page


def test_task_builds_seed_example(celery_worker):
    run_import([SAMPLE / "seed_example" / "works.jsonl"])
    rafael = Researcher.objects.get(display_name="Rafael Müller")

    request_slice(Client(), rafael.pk)
    row = wait_for_status(rafael.pk, {"ready", "failed"})

    assert row.status == "ready", row.error
    assert sorted(person["name"] for person in row.payload["people"]) == ["Geoffrey Hinton", "Simon Kornblith"]
    assert sorted(work["title"] for work in row.payload["works"]) == [
        "Subclass Distillation",
        "When Does Label Smoothing Help?",
    ]
    assert [topic["openalex_id"] for topic in row.payload["topics"]] == ["T10320"]


def test_changed_authorship_triggers_rebuild(celery_worker):
    ada = make_researcher("Ada Lovelace")
    ben = make_researcher("Ben Babbage")
    work = make_work("Notes on the engine", [ada, ben])
    client = Client()
    request_slice(client, ada.pk)
    before = wait_for_status(ada.pk, {"ready"})

    invalidate_slices([ada.pk])  # nothing changed: the stored payload is kept
    request_slice(client, ada.pk)
    unchanged = wait_for_status(ada.pk, {"ready"})
    Authorship.objects.create(work=work, researcher=make_researcher("Cy Newcomer"), position=2)
    invalidate_slices([ada.pk])
    building = request_slice(client, ada.pk, HTTP_HX_REQUEST="true").content.decode()
    after = wait_for_status(ada.pk, {"ready"})

    assert (unchanged.version, unchanged.fingerprint) == (1, before.fingerprint)
    assert "Updating this graph slice with the latest data." in building
    assert after.version == 2
    assert after.fingerprint != before.fingerprint
    assert "Cy Newcomer" in [person["name"] for person in after.payload["people"]]


def test_concurrent_requests_enqueue_one_task(celery_worker):
    ada = make_researcher("Ada Lovelace")
    make_work("Notes on the engine", [ada, make_researcher("Ben Babbage")])
    # Delay the build so both requests arrive while it is queued or running.
    cache.set(TEST_HOOK_KEY.format(researcher_id=ada.pk), {"delay": 1})
    barrier = threading.Barrier(4)
    responses = []

    def visit():
        barrier.wait()
        responses.append(request_slice(Client(), ada.pk, HTTP_HX_REQUEST="true"))
        connection.close()

    threads = [threading.Thread(target=visit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    row = wait_for_status(ada.pk, {"ready"})

    assert [response.status_code for response in responses] == [200] * 4
    assert row.enqueued_count == 1
    assert row.attempts == 1
    assert row.version == 1


def test_failing_task_then_retry(celery_worker):
    ada = make_researcher("Ada Lovelace")
    make_work("Notes on the engine", [ada, make_researcher("Ben Babbage")])
    cache.set(TEST_HOOK_KEY.format(researcher_id=ada.pk), {"fail": "injected failure"})
    client = Client()

    request_slice(client, ada.pk)
    failed = wait_for_status(ada.pk, {"failed"})
    page = request_slice(client, ada.pk, HTTP_HX_REQUEST="true").content.decode()
    cache.delete(TEST_HOOK_KEY.format(researcher_id=ada.pk))
    retry = client.post(reverse("graph:retry", args=[ada.pk]), HTTP_HX_REQUEST="true")
    ready = wait_for_status(ada.pk, {"ready"})

    assert failed.error == "The build failed: RuntimeError: injected failure"
    assert "This graph slice could not be built." in page
    assert "injected failure" in page
    assert "Try again" in page
    assert 'hx-trigger="load delay' not in page
    assert retry.status_code == 200
    assert ready.attempts == 2
    assert ready.payload["people"][0]["name"] == "Ben Babbage"


def test_killed_worker_build_recovers(celery_worker):
    ada = make_researcher("Ada Lovelace")
    make_work("Notes on the engine", [ada, make_researcher("Ben Babbage")])
    cache.set(TEST_HOOK_KEY.format(researcher_id=ada.pk), {"delay": 60})

    request_slice(Client(), ada.pk)
    building = wait_for_status(ada.pk, {"building"})
    pid = int(building.built_by.rsplit(":", 1)[1])
    assert pid in celery_worker.child_pids()
    cache.delete(TEST_HOOK_KEY.format(researcher_id=ada.pk))
    os.kill(pid, signal.SIGKILL)
    ready = wait_for_status(ada.pk, {"ready"}, timeout=60)

    # The broker redelivered the same task, which took over its own lease.
    assert ready.attempts == 2
    assert ready.version == 1
    assert ready.build_token == ""
    assert ready.payload["people"][0]["name"] == "Ben Babbage"
