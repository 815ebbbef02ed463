"""Rows and HTML helpers shared by the page tests."""

import itertools
import re

from bs4 import BeautifulSoup

from profiles.models import Authorship, Researcher, Work
from profiles.stats import mark_hyperauthored, recompute_researchers

# Ids in a range that OpenAlex does not use, so they never collide with imported records.
_numbers = itertools.count(1)


def make_researcher(display_name: str, **fields) -> Researcher:
    fields.setdefault("openalex_id", f"A98{next(_numbers):08d}")
    return Researcher.objects.create(display_name=display_name, **fields)


def make_work(*authors: Researcher | str, **fields) -> Work:
    """Create a work whose authors are listed in order.

    An author given as a string is printed on the work without a profile.
    """
    number = next(_numbers)
    fields.setdefault("openalex_id", f"W98{number:08d}")
    fields.setdefault("title", f"Work number {number}")
    fields.setdefault("type", "article")
    work = Work.objects.create(**fields)
    Authorship.objects.bulk_create(
        Authorship(
            work=work,
            researcher=author if isinstance(author, Researcher) else None,
            position=position,
            printed_name=author.display_name if isinstance(author, Researcher) else author,
        )
        for position, author in enumerate(authors)
    )
    return work


def refresh_counts(*researchers: Researcher) -> None:
    """Recompute the stored counts and scores, as an import does, and reload them."""
    mark_hyperauthored(Work.objects.values_list("id", flat=True))
    recompute_researchers(researcher.pk for researcher in researchers)
    for researcher in researchers:
        researcher.refresh_from_db()


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


def text(element) -> str:
    """Return the visible text of an element with its spaces collapsed."""
    return re.sub(r"\s+", " ", element.get_text(" ", strip=True)).strip()
