"""Rows for graph tests, created with the ORM."""

import itertools

import pytest

from profiles.models import HYPERAUTHOR_THRESHOLD, Authorship, Institution, Researcher, Topic, Work, WorkTopic

_serial = itertools.count(1)


def make_researcher(name: str) -> Researcher:
    return Researcher.objects.create(openalex_id=f"A9{next(_serial):09d}", display_name=name)


def make_topic(name: str) -> Topic:
    return Topic.objects.create(openalex_id=f"T9{next(_serial):07d}", display_name=name)


def make_institution(name: str, country: str = "") -> Institution:
    return Institution.objects.create(openalex_id=f"I9{next(_serial):08d}", display_name=name, country_code=country)


def make_work(title: str, authors, *, year=2020, cited_by=0, topics=(), institutions=None, extra_unknown=0) -> Work:
    """Create a work with authorships in the order given; `authors` are Researchers.

    `extra_unknown` adds that many authorships without a researcher.
    `institutions` maps a researcher to the institutions on their authorship.
    """
    total = len(authors) + extra_unknown
    work = Work.objects.create(
        openalex_id=f"W9{next(_serial):09d}",
        title=title,
        publication_year=year,
        type="article",
        cited_by_count=cited_by,
        authors_count=total,
        is_hyperauthored=total > HYPERAUTHOR_THRESHOLD,
        primary_topic=topics[0] if topics else None,
    )
    for position, researcher in enumerate(authors):
        authorship = Authorship.objects.create(
            work=work, researcher=researcher, position=position, printed_name=researcher.display_name
        )
        for institution in (institutions or {}).get(researcher, []):
            authorship.institutions.add(institution)
    for offset in range(extra_unknown):
        Authorship.objects.create(work=work, position=len(authors) + offset, printed_name=f"Unknown {offset}")
    for index, topic in enumerate(topics):
        WorkTopic.objects.create(work=work, topic=topic, score=0.9 - index * 0.1, is_primary=index == 0)
    return work


@pytest.fixture
def small_network(db):
    """Ada with two close co-authors, a hyperauthored work and a colleague's nearby paper."""
    ada = make_researcher("Ada Lovelace")
    ben = make_researcher("Ben Babbage")
    cy = make_researcher("Cy Somerville")
    dee = make_researcher("Dee Faraday")
    crowd = [make_researcher(f"Crowd Member {index:02d}") for index in range(55)]
    engines = make_topic("Analytical engines")
    looms = make_topic("Punched-card looms")
    poetry = make_topic("Poetical science")
    london = make_institution("University of London", "GB")
    make_work(
        "Notes on the engine",
        [ada, ben],
        year=1843,
        cited_by=90,
        topics=[engines, looms],
        institutions={ada: [london], ben: [london]},
    )
    make_work("Bernoulli numbers", [ada, ben, cy], year=1844, cited_by=40, topics=[engines])
    make_work("A poetical science", [ada, cy, dee], year=1845, cited_by=5, topics=[poetry], extra_unknown=2)
    make_work("Large collaboration", [ada, *crowd], year=1850, cited_by=500, topics=[looms])
    make_work("Babbage's own engine", [ben], year=1846, cited_by=70, topics=[engines])
    make_work("Unrelated by Ben", [ben], year=1847, cited_by=3, topics=[make_topic("Tides")])
    return {"ada": ada, "ben": ben, "cy": cy, "dee": dee, "crowd": crowd, "engines": engines, "london": london}
