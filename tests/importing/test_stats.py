"""recompute_researchers, generated_summary and mark_hyperauthored on ORM-made rows."""

import itertools
import threading

import pytest
from django.contrib.auth import get_user_model

from profiles import stats
from profiles.models import HYPERAUTHOR_THRESHOLD, Authorship, Follow, Institution, Researcher, Topic, Work
from profiles.stats import generated_summary, mark_hyperauthored, recompute_researchers

pytestmark = pytest.mark.django_db

_serial = itertools.count(1)


def _researcher(name, **fields):
    return Researcher.objects.create(openalex_id=f"A8{next(_serial):09d}", display_name=name, **fields)


def _work(authors, *, topic=None, unknown=0, hyperauthored=None, year=2020):
    total = len(authors) + unknown
    work = Work.objects.create(
        openalex_id=f"W8{next(_serial):09d}",
        title="A work",
        publication_year=year,
        primary_topic=topic,
        authors_count=total,
        is_hyperauthored=total > HYPERAUTHOR_THRESHOLD if hyperauthored is None else hyperauthored,
    )
    for position, author in enumerate(authors):
        Authorship.objects.create(work=work, researcher=author, position=position, printed_name=author.display_name)
    for position in range(len(authors), total):
        Authorship.objects.create(work=work, researcher=None, position=position, printed_name=f"Unknown {position}")
    return work


def _refresh(*researchers):
    for researcher in researchers:
        researcher.refresh_from_db()


def test_close_collaborators_need_two_works():
    ada, bob, cy = _researcher("Ada"), _researcher("Bob"), _researcher("Cy")
    _work([ada, bob])
    _work([ada, bob])
    _work([ada, cy])

    recompute_researchers([ada.pk, bob.pk, cy.pk])

    _refresh(ada, bob, cy)
    assert (ada.works_count, ada.close_collaborators_count) == (3, 1)
    assert (bob.works_count, bob.close_collaborators_count) == (2, 1)
    assert (cy.works_count, cy.close_collaborators_count) == (1, 0)


def test_hyperauthored_works_add_no_collaborators():
    ada, bob = _researcher("Ada"), _researcher("Bob")
    _work([ada, bob], unknown=HYPERAUTHOR_THRESHOLD)
    _work([ada, bob], unknown=HYPERAUTHOR_THRESHOLD)

    recompute_researchers([ada.pk])

    ada.refresh_from_db()
    assert ada.works_count == 2
    assert ada.close_collaborators_count == 0


def test_claimed_collaborators_counted():
    user = get_user_model().objects.create_user("owner", "owner@example.org", "pw")
    ada, bob, cy = _researcher("Ada"), _researcher("Bob", claimed_by=user, verification_level=2), _researcher("Cy")
    _work([ada, bob, cy])
    _work([ada, bob, cy])

    recompute_researchers([ada.pk])

    ada.refresh_from_db()
    assert ada.close_collaborators_count == 2
    assert ada.claimed_close_collaborators_count == 1
    assert ada.trust_score == 10 + 2 + 1 + 2


def test_topics_and_summary_set():
    topic = Topic.objects.create(openalex_id="T1", display_name="Neural Networks")
    other = Topic.objects.create(openalex_id="T2", display_name="Optics")
    ada = _researcher("Ada")
    _work([ada], topic=topic)
    _work([ada], topic=topic)
    _work([ada], topic=other)
    _work([ada])

    recompute_researchers([ada.pk])

    ada.refresh_from_db()
    assert ada.works_count == 4
    assert ada.topics_count == 2
    assert ada.auto_summary == "Publishes on Neural Networks and Optics."


def test_followers_and_institution_counted():
    user = get_user_model().objects.create_user("fan", "fan@example.org", "pw")
    institution = Institution.objects.create(openalex_id="I1", display_name="Bangor University")
    ada = _researcher("Ada", orcid="0000-0002-1825-0097")
    work = _work([ada])
    work.authorships.get().institutions.add(institution)
    Follow.objects.create(user=user, researcher=ada)

    recompute_researchers([ada.pk])

    ada.refresh_from_db()
    assert ada.followers_count == 1
    assert ada.last_known_institution == institution
    assert ada.trust_score == 10 + 5 + 5 + 1


def test_counts_drop_when_rows_go():
    ada, bob = _researcher("Ada"), _researcher("Bob")
    first = _work([ada, bob])
    _work([ada, bob])
    recompute_researchers([ada.pk, bob.pk])

    first.delete()
    recompute_researchers([ada.pk, bob.pk])

    _refresh(ada)
    assert (ada.works_count, ada.close_collaborators_count, ada.trust_score) == (1, 0, 11)


def test_recompute_unchanged_writes_nothing():
    ada, bob = _researcher("Ada"), _researcher("Bob")
    _work([ada, bob])
    recompute_researchers([ada.pk, bob.pk])
    before = list(Researcher.objects.order_by("pk").values_list("pk", "updated_at", "trust_score"))

    assert recompute_researchers([ada.pk, bob.pk]) == 2

    assert list(Researcher.objects.order_by("pk").values_list("pk", "updated_at", "trust_score")) == before


def test_recompute_empty_and_unknown_ids():
    assert recompute_researchers([]) == 0
    assert recompute_researchers([987654321]) == 1


@pytest.mark.django_db(transaction=True)
def test_large_sets_split_between_connections(monkeypatch):
    # Committed rows, so that the connections of the recompute threads see them.
    monkeypatch.setattr(stats, "PARALLEL_FROM_RESEARCHERS", 3)
    optics = Topic.objects.create(openalex_id="T8000000001", display_name="Optics")
    ada, bob, cy, dee = (_researcher(name) for name in ("Ada", "Bob", "Cy", "Dee"))
    _work([ada, bob], topic=optics)
    _work([ada, bob], topic=optics)
    _work([cy, dee])
    threads = []
    real_batch = stats._recompute_batch
    monkeypatch.setattr(stats, "_recompute_batch", lambda ids: threads.append(threading.get_ident()) or real_batch(ids))

    assert recompute_researchers([dee.pk, cy.pk, bob.pk, ada.pk]) == 4

    assert len(threads) == stats.PARALLEL_CONNECTIONS
    assert threading.get_ident() not in threads
    _refresh(ada, bob, cy, dee)
    assert (ada.works_count, ada.close_collaborators_count, ada.auto_summary) == (2, 1, "Publishes on Optics.")
    assert (bob.works_count, bob.close_collaborators_count, bob.trust_score) == (2, 1, 10 + 2 + 0)
    assert (cy.works_count, cy.close_collaborators_count) == (1, 0)
    assert dee.auto_summary == "Author of 1 published work indexed from OpenAlex."


def test_recompute_in_transaction_stays_serial(monkeypatch):
    monkeypatch.setattr(stats, "PARALLEL_FROM_RESEARCHERS", 1)
    ada, bob = _researcher("Ada"), _researcher("Bob")
    _work([ada, bob])
    _work([ada, bob])

    recompute_researchers([ada.pk, bob.pk])

    _refresh(ada, bob)
    assert (ada.close_collaborators_count, bob.close_collaborators_count) == (1, 1)


@pytest.mark.parametrize(
    ("topics", "works", "expected"),
    [
        (["Optics"], 3, "Publishes on Optics."),
        (["A", "B", "C"], 3, "Publishes on A, B and C."),
        ([], 1, "Author of 1 published work indexed from OpenAlex."),
        ([], 7, "Author of 7 published works indexed from OpenAlex."),
        ([], 0, "Researcher profile built from open scholarly metadata."),
    ],
)
def test_generated_summary_forms(topics, works, expected):
    assert generated_summary(topics, works) == expected


def test_mark_hyperauthored_from_authorships():
    authors = [_researcher(f"R{index}") for index in range(HYPERAUTHOR_THRESHOLD + 1)]
    big = _work(authors, hyperauthored=False)
    small = _work(authors[:3], hyperauthored=True)

    mark_hyperauthored([big.pk, small.pk])

    big.refresh_from_db()
    small.refresh_from_db()
    assert (big.authors_count, big.is_hyperauthored) == (HYPERAUTHOR_THRESHOLD + 1, True)
    assert (small.authors_count, small.is_hyperauthored) == (3, False)
