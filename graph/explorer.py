"""The explorer's neighbourhood: two hops of co-authorship around a researcher, bounded.

Computed on request with a few aggregate queries (no worker): the strongest
co-authors of the researcher, the strongest co-authors of the first few of
them, and the researcher's recent works with their topics and institutions.
Co-authors beyond the cap are counted and drawn as one grouped node.
Elements are in Cytoscape.js's JSON format ({"data": {...}}).
"""

from dataclasses import dataclass, field

from django.db import connection
from django.urls import reverse

from profiles.text import strip_markup

MAX_FIRST_HOP = 60
# The second hop starts from this many of the strongest co-authors ...
SECOND_HOP_SOURCES = 12
# ... and adds up to this many co-authors of each.
SECOND_HOP_EACH = 6
MAX_EXPANDED = 15
MAX_WORKS = 40
MAX_TOPICS = 10
MAX_INSTITUTIONS = 10
KEY_PEOPLE = 10

# Co-authors of each source researcher, strongest first; shared works are
# weighted by 1 / (authors - 1) and hyperauthored works are left out.
_COAUTHORS = """
    SELECT source_id, person_id, name, weight, shared, first_year, last_year, total FROM (
        SELECT mine.researcher_id AS source_id, theirs.researcher_id AS person_id, r.display_name AS name,
               sum(1.0 / greatest(w.authors_count - 1, 1)) AS weight, count(*) AS shared,
               min(w.publication_year) AS first_year, max(w.publication_year) AS last_year,
               count(*) OVER (PARTITION BY mine.researcher_id) AS total,
               row_number() OVER (
                   PARTITION BY mine.researcher_id
                   ORDER BY sum(1.0 / greatest(w.authors_count - 1, 1)) DESC, count(*) DESC,
                            r.display_name, theirs.researcher_id
               ) AS rank
        FROM profiles_authorship mine
        JOIN profiles_work w ON w.id = mine.work_id AND NOT w.is_hyperauthored
        JOIN profiles_authorship theirs
          ON theirs.work_id = mine.work_id AND theirs.researcher_id <> mine.researcher_id
        JOIN profiles_researcher r ON r.id = theirs.researcher_id
        WHERE mine.researcher_id = ANY(%(sources)s::bigint[]) AND theirs.researcher_id <> ALL(%(exclude)s::bigint[])
        GROUP BY mine.researcher_id, theirs.researcher_id, r.display_name
    ) ranked
    WHERE rank <= %(limit)s
    ORDER BY source_id, rank
"""

_WORKS = """
    SELECT w.id, w.title, w.publication_year, w.cited_by_count, w.is_hyperauthored
    FROM profiles_authorship a JOIN profiles_work w ON w.id = a.work_id
    WHERE a.researcher_id = %(researcher)s
    ORDER BY w.publication_year DESC NULLS LAST, w.id DESC
    LIMIT %(limit)s
"""

_WORK_PEOPLE = """
    SELECT work_id, researcher_id FROM profiles_authorship
    WHERE work_id = ANY(%(works)s::bigint[]) AND researcher_id = ANY(%(people)s::bigint[])
"""

_TOPICS = """
    SELECT t.id, t.display_name, t.openalex_id, count(*) AS works,
           array_agg(wt.work_id ORDER BY wt.work_id) FILTER (WHERE wt.work_id = ANY(%(works)s::bigint[]))
    FROM profiles_authorship a
    JOIN profiles_worktopic wt ON wt.work_id = a.work_id
    JOIN profiles_topic t ON t.id = wt.topic_id
    WHERE a.researcher_id = %(researcher)s
    GROUP BY t.id ORDER BY works DESC, t.display_name, t.id
    LIMIT %(limit)s
"""

_INSTITUTIONS = """
    SELECT i.id, i.display_name, i.openalex_id, count(*) AS works,
           min(w.publication_year), max(w.publication_year)
    FROM profiles_authorship a
    JOIN profiles_authorship_institutions ai ON ai.authorship_id = a.id
    JOIN profiles_institution i ON i.id = ai.institution_id
    JOIN profiles_work w ON w.id = a.work_id
    WHERE a.researcher_id = %(researcher)s
    GROUP BY i.id ORDER BY works DESC, i.display_name, i.id
    LIMIT %(limit)s
"""


@dataclass
class Neighbourhood:
    center_id: int
    center_name: str
    nodes: list[dict] = field(default_factory=list)
    edges: list[dict] = field(default_factory=list)
    coauthors_total: int = 0
    coauthors_shown: int = 0
    years: tuple[int | None, int | None] = (None, None)
    people: list[dict] = field(default_factory=list)
    works: list[dict] = field(default_factory=list)
    topics: list[dict] = field(default_factory=list)
    institutions: list[dict] = field(default_factory=list)

    @property
    def coauthors_grouped(self) -> int:
        return self.coauthors_total - self.coauthors_shown

    def as_json(self) -> dict:
        return {
            "center": f"researcher:{self.center_id}",
            "elements": {"nodes": self.nodes, "edges": self.edges},
            "coauthors_total": self.coauthors_total,
            "coauthors_shown": self.coauthors_shown,
            "years": list(self.years),
        }


def _coauthors(sources: list[int], exclude: list[int], limit: int) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(_COAUTHORS, {"sources": sources, "exclude": exclude, "limit": limit})
        return cursor.fetchall()


def _person_row(person_id, name, weight, shared, first, last, *, hop: int) -> dict:
    """Describe one person for the explorer's list of people beside the canvas."""
    return {
        "id": person_id,
        "name": name,
        "weight": round(float(weight), 3),
        "shared": shared,
        "first_year": first,
        "last_year": last,
        "hop": hop,
    }


def _person_node(person_id: int, name: str, *, hop: int, first=None, last=None) -> dict:
    return {
        "data": {
            "id": f"researcher:{person_id}",
            "kind": "person",
            "label": name,
            "hop": hop,
            "url": reverse("profiles:researcher", args=[person_id]),
            "expand_url": reverse("graph:explorer_neighbours", args=[person_id]),
            "first_year": first,
            "last_year": last,
        }
    }


def _coauthor_edge(source_id: int, person_id: int, weight, shared: int, first, last) -> dict:
    low, high = sorted((source_id, person_id))
    return {
        "data": {
            "id": f"coauthor:{low}-{high}",
            "source": f"researcher:{source_id}",
            "target": f"researcher:{person_id}",
            "kind": "coauthor",
            "weight": round(float(weight), 3),
            "shared": shared,
            "first_year": first,
            "last_year": last,
        }
    }


def build_neighbourhood(researcher_id: int, name: str) -> Neighbourhood:
    """Return the two-hop neighbourhood of a researcher, with works, topics and institutions."""
    hood = Neighbourhood(center_id=researcher_id, center_name=name)
    hood.nodes.append(
        {
            "data": {
                "id": f"researcher:{researcher_id}",
                "kind": "researcher",
                "label": name,
                "hop": 0,
                "url": reverse("profiles:researcher", args=[researcher_id]),
            }
        }
    )
    first_hop = _coauthors([researcher_id], [researcher_id], MAX_FIRST_HOP)
    hood.coauthors_total = first_hop[0][7] if first_hop else 0
    hood.coauthors_shown = len(first_hop)
    shown = {researcher_id}
    for rank, (_source, person_id, person_name, weight, shared, first, last, _total) in enumerate(first_hop):
        shown.add(person_id)
        node = _person_node(person_id, person_name, hop=1, first=first, last=last)
        # The explorer labels the strongest co-authors at every zoom level.
        node["data"]["key"] = rank < KEY_PEOPLE
        hood.nodes.append(node)
        hood.edges.append(_coauthor_edge(researcher_id, person_id, weight, shared, first, last))
        hood.people.append(_person_row(person_id, person_name, weight, shared, first, last, hop=1))
    if hood.coauthors_grouped:
        hood.nodes.append(
            {
                "data": {
                    "id": "group:more",
                    "kind": "group",
                    "label": f"{hood.coauthors_grouped} more co-authors",
                    "hop": 1,
                }
            }
        )
        hood.edges.append(
            {
                "data": {
                    "id": "group-edge",
                    "source": f"researcher:{researcher_id}",
                    "target": "group:more",
                    "kind": "group",
                }
            }
        )

    sources = [row[1] for row in first_hop[:SECOND_HOP_SOURCES]]
    if sources:
        for source_id, person_id, person_name, weight, shared, first, last, _total in _coauthors(
            sources, [researcher_id], SECOND_HOP_EACH
        ):
            if person_id not in shown:
                shown.add(person_id)
                hood.nodes.append(_person_node(person_id, person_name, hop=2, first=first, last=last))
                hood.people.append(_person_row(person_id, person_name, weight, shared, first, last, hop=2))
            hood.edges.append(_coauthor_edge(source_id, person_id, weight, shared, first, last))
    _dedupe_edges(hood)
    _add_works_topics_institutions(hood, shown)

    years = [value for person in hood.people for value in (person["first_year"], person["last_year"]) if value]
    years += [work["year"] for work in hood.works if work["year"]]
    hood.years = (min(years), max(years)) if years else (None, None)
    return hood


def _dedupe_edges(hood: Neighbourhood) -> None:
    seen = set()
    unique = []
    for edge in hood.edges:
        if edge["data"]["id"] not in seen:
            seen.add(edge["data"]["id"])
            unique.append(edge)
    hood.edges = unique


def _add_works_topics_institutions(hood: Neighbourhood, people: set[int]) -> None:
    center = f"researcher:{hood.center_id}"
    params = {"researcher": hood.center_id, "limit": MAX_WORKS}
    with connection.cursor() as cursor:
        cursor.execute(_WORKS, params)
        works = cursor.fetchall()
        work_ids = [row[0] for row in works]
        cursor.execute(_WORK_PEOPLE, {"works": work_ids, "people": sorted(people - {hood.center_id})})
        work_people = cursor.fetchall()
        cursor.execute(_TOPICS, {**params, "works": work_ids, "limit": MAX_TOPICS})
        topics = cursor.fetchall()
        cursor.execute(_INSTITUTIONS, {**params, "limit": MAX_INSTITUTIONS})
        institutions = cursor.fetchall()

    for work_id, title, year, cited_by, hyperauthored in works:
        label = strip_markup(title or "") or "Untitled work"
        node_id = f"work:{work_id}"
        url = reverse("profiles:work", args=[work_id])
        hood.nodes.append({"data": {"id": node_id, "kind": "work", "label": label, "year": year, "url": url}})
        hood.edges.append(
            {
                "data": {
                    "id": f"authored:{hood.center_id}-{work_id}",
                    "source": center,
                    "target": node_id,
                    "kind": "authored",
                    "first_year": year,
                    "last_year": year,
                }
            }
        )
        hood.works.append(
            {"id": work_id, "title": label, "year": year, "cited_by": cited_by, "hyperauthored": hyperauthored}
        )
    years = {work_id: year for work_id, _, year, _, _ in works}
    for work_id, person_id in work_people:
        hood.edges.append(
            {
                "data": {
                    "id": f"authored:{person_id}-{work_id}",
                    "source": f"researcher:{person_id}",
                    "target": f"work:{work_id}",
                    "kind": "authored",
                    "first_year": years[work_id],
                    "last_year": years[work_id],
                }
            }
        )
    for topic_id, name, openalex_id, count, topic_works in topics:
        node_id = f"topic:{topic_id}"
        url = f"https://openalex.org/{openalex_id}"
        hood.nodes.append({"data": {"id": node_id, "kind": "topic", "label": name, "url": url}})
        hood.topics.append({"id": topic_id, "name": name, "url": url, "works": count})
        linked = topic_works or []
        for work_id in linked:
            hood.edges.append(
                {
                    "data": {
                        "id": f"about:{work_id}-{topic_id}",
                        "source": f"work:{work_id}",
                        "target": node_id,
                        "kind": "about",
                    }
                }
            )
        if not linked:
            hood.edges.append(
                {"data": {"id": f"about:center-{topic_id}", "source": center, "target": node_id, "kind": "about"}}
            )
    for institution_id, name, openalex_id, count, first, last in institutions:
        node_id = f"institution:{institution_id}"
        url = f"https://openalex.org/{openalex_id}"
        hood.nodes.append(
            {
                "data": {
                    "id": node_id,
                    "kind": "institution",
                    "label": name,
                    "url": url,
                    "first_year": first,
                    "last_year": last,
                }
            }
        )
        hood.edges.append(
            {
                "data": {
                    "id": f"affiliated:{hood.center_id}-{institution_id}",
                    "source": center,
                    "target": node_id,
                    "kind": "affiliated",
                    "first_year": first,
                    "last_year": last,
                }
            }
        )
        hood.institutions.append(
            {"id": institution_id, "name": name, "url": url, "works": count, "first_year": first, "last_year": last}
        )


def expand_person(researcher_id: int) -> dict:
    """Return the strongest co-authors of one person, for the explorer's expand action.

    People already drawn come back too: the explorer keeps their node and
    adds the new edge.
    """
    rows = _coauthors([researcher_id], [researcher_id], MAX_EXPANDED)
    nodes = []
    edges = []
    for source_id, person_id, name, weight, shared, first, last, _total in rows:
        nodes.append(_person_node(person_id, name, hop=2, first=first, last=last))
        edges.append(_coauthor_edge(source_id, person_id, weight, shared, first, last))
    total = rows[0][7] if rows else 0
    return {
        "center": f"researcher:{researcher_id}",
        "elements": {"nodes": nodes, "edges": edges},
        "coauthors_total": total,
        "coauthors_shown": len(rows),
    }
