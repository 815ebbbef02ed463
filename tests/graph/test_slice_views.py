"""The slice page and fragment, and the retry action, without a worker (tasks wait in the queue)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bzpeer.celery import app as celery_app
from graph.models import GraphSlice
from graph.services import run_build
from tests.graph.conftest import make_researcher, make_topic, make_work

pytestmark = pytest.mark.django_db


@pytest.fixture
def ada(db):
    ada = make_researcher("Ada Lovelace")
    make_work("Notes on the <i>engine</i>", [ada, make_researcher("Ben Babbage")], year=1843)
    return ada


@pytest.fixture
def broker_down():
    """Point the Celery producer at a Unix socket where no Redis listens, then restore it."""
    saved = (celery_app.conf.broker_url, celery_app._pool, celery_app.amqp._producer_pool)
    celery_app.conf.broker_url = "redis+socket:///nonexistent/bzpeer-test-redis.sock"
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    yield
    celery_app.conf.broker_url, celery_app._pool, celery_app.amqp._producer_pool = saved


def slice_url(researcher):
    return reverse("graph:slice", args=[researcher.pk])


def test_slice_fragment_first_view_building(client, ada, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        response = client.get(slice_url(ada), HTTP_HX_REQUEST="true")

    html = response.content.decode()
    row = GraphSlice.objects.get(pk=ada.pk)
    assert response.status_code == 200
    assert "Building this graph slice" in html
    assert 'aria-busy="true"' in html
    assert f'hx-get="{slice_url(ada)}?attempt=1"' in html
    assert 'hx-trigger="load delay:1.0s"' in html
    assert "<html" not in html
    assert (row.status, row.enqueued_count) == ("queued", 1)


def test_slice_fragment_poll_delay_grows(client, ada):
    client.get(slice_url(ada), HTTP_HX_REQUEST="true")

    third = client.get(slice_url(ada) + "?attempt=3", HTTP_HX_REQUEST="true").content.decode()
    late = client.get(slice_url(ada) + "?attempt=40", HTTP_HX_REQUEST="true").content.decode()

    assert 'hx-trigger="load delay:3.4s"' in third
    assert 'hx-trigger="load delay:10.0s"' in late
    assert GraphSlice.objects.get(pk=ada.pk).enqueued_count == 1


def test_slice_fragment_ready_shows_picture(client, ada, django_assert_num_queries):
    run_build(ada.pk)

    with django_assert_num_queries(2):
        response = client.get(slice_url(ada), HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert '<svg class="graph-svg"' in html
    assert '<title id="graph-svg-title">Research graph of Ada Lovelace</title>' in html
    assert "Ben Babbage" in html
    # Titles are drawn as plain text, escaped.
    assert "Notes on the engine" in html
    assert "hx-trigger" not in html
    assert "aria-busy" not in html


def test_slice_lists_explain_their_order(client, db):
    grace, alan = make_researcher("Grace Hopper"), make_researcher("Alan Turing")
    make_work("Compilers", [grace, alan], year=1952, topics=[make_topic("Programming languages")])
    run_build(grace.pk)

    html = client.get(slice_url(grace), HTTP_HX_REQUEST="true").content.decode()

    summary = "<summary>Lists of the picture: 1 person, 0 nearby papers, 1 topic, 0 institutions and 1 work</summary>"
    assert summary in html
    assert "<caption>Co-authors ranked by shared works, each weighted by one over the number of other authors" in html
    assert "the trust snapshot counts primary topics only." in html


def test_slice_page_without_javascript(client, ada, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        building = client.get(slice_url(ada)).content.decode()
    run_build(ada.pk)
    ready = client.get(slice_url(ada)).content.decode()

    assert "<h1>Ada Lovelace</h1>" in building
    assert f'<meta http-equiv="refresh" content="1;url={slice_url(ada)}?attempt=1">' in building
    assert f'<a href="{slice_url(ada)}?attempt=1"' in building
    assert '<svg class="graph-svg"' in ready
    assert "http-equiv" not in ready


def test_slice_unknown_researcher_404(client, db):
    assert client.get(reverse("graph:slice", args=[999999])).status_code == 404
    assert client.post(reverse("graph:retry", args=[999999])).status_code == 404


# Autocommit, as in production: the task is sent when the view's UPDATE commits.
@pytest.mark.django_db(transaction=True)
def test_slice_unavailable_when_broker_down(client, ada, broker_down):
    html = client.get(slice_url(ada), HTTP_HX_REQUEST="true").content.decode()
    profile = client.get(reverse("profiles:researcher", args=[ada.pk]))

    row = GraphSlice.objects.get(pk=ada.pk)
    assert "The research graph is unavailable right now." in html
    assert "The task queue is unavailable." in html
    assert "Try again" in html
    assert "hx-trigger" not in html
    assert row.status == "pending"
    assert profile.status_code == 200
    # The profile shows the same notice in its graph section and renders the rest.
    profile_html = profile.content.decode()
    assert "The research graph is unavailable right now." in profile_html
    assert "Published work" in profile_html


def test_slice_unavailable_when_no_worker(client, ada):
    client.get(slice_url(ada))
    GraphSlice.objects.filter(pk=ada.pk).update(queued_at=timezone.now() - timedelta(seconds=25))

    html = client.get(slice_url(ada) + "?attempt=9", HTTP_HX_REQUEST="true").content.decode()

    assert "The research graph is unavailable right now." in html
    assert "No background worker has started this build in 20 seconds." in html
    assert "hx-trigger" not in html


def test_retry_requires_post(client, ada):
    assert client.get(reverse("graph:retry", args=[ada.pk])).status_code == 405


def test_retry_without_javascript_redirects(client, ada):
    GraphSlice.objects.create(researcher=ada, status="failed", error="The build failed: RuntimeError: boom")

    response = client.post(reverse("graph:retry", args=[ada.pk]))

    row = GraphSlice.objects.get(pk=ada.pk)
    assert response.status_code == 302
    assert response["Location"] == slice_url(ada)
    assert (row.status, row.error) == ("queued", "")


def test_failed_slice_not_retried_automatically(client, ada):
    GraphSlice.objects.create(researcher=ada, status="failed", error="The build failed: RuntimeError: boom")

    html = client.get(slice_url(ada), HTTP_HX_REQUEST="true").content.decode()

    assert "This graph slice could not be built." in html
    assert "RuntimeError: boom" in html
    assert GraphSlice.objects.get(pk=ada.pk).enqueued_count == 0


def test_profile_section_links_slice_and_explorer(client, ada, django_assert_max_num_queries):
    html = client.get(reverse("profiles:researcher", args=[ada.pk])).content.decode()

    assert "Research graph" in html
    assert "See the researcher in context" in html
    assert f'href="{reverse("graph:explorer", args=[ada.pk])}">Open full explorer' in html
    # The first view enqueues the build, so visitors without JavaScript get
    # one too, and shows the fragment that htmx polls.
    assert "Building this graph slice" in html
    assert (
        f'<a href="{slice_url(ada)}?attempt=1" hx-get="{slice_url(ada)}?attempt=1" hx-trigger="load delay:1.0s"' in html
    )
    assert GraphSlice.objects.get(pk=ada.pk).status == GraphSlice.Status.QUEUED


def test_stale_slice_keeps_picture_while_rebuilding(client):
    from graph.services import invalidate_slices

    ada = make_researcher("Ada Lovelace")
    make_work("Notes on the engine", [ada, make_researcher("Ben Babbage")], year=1843)
    run_build(ada.pk)
    invalidate_slices([ada.pk])

    profile = client.get(reverse("profiles:researcher", args=[ada.pk])).content.decode()
    fragment = client.get(slice_url(ada), HTTP_HX_REQUEST="true").content.decode()

    assert GraphSlice.objects.get(pk=ada.pk).status == GraphSlice.Status.QUEUED
    for html in (profile, fragment):
        assert '<svg class="graph-svg"' in html
        assert "Updating this graph slice with the latest data." in html
        assert "Building this graph slice" not in html
        assert 'hx-trigger="load delay:' in html
