"""Read the rows a researcher's slice is built from.

The first round of queries reads the researcher's works, co-authors and
topics. The builder's own ranking then picks the co-authors and topics, and
the second round reads their institutions and nearby papers. Both rounds use the
authorship, work, work-topic and institution tables only.
"""

from dataclasses import replace

from django.db import connection

from graph.builder import MAX_NEARBY, NearbyRow, SliceInputs, WorkRow, select_coauthors, select_topic_ids
from profiles.models import Researcher

# Nearby candidates read per slice. The query orders them on the builder's
# own key, so the builder's top MAX_NEARBY are always among them.
NEARBY_CANDIDATES = MAX_NEARBY * 4
# NOTE: a co-author's older works beyond this many are not searched for
# nearby papers; it keeps the slice of a very prolific network fast.
NEARBY_WORKS_PER_PERSON = 200

_WORKS = """
    SELECT w.id, w.title, w.publication_year, w.type, w.cited_by_count, w.authors_count, w.is_hyperauthored
    FROM profiles_authorship a
    JOIN profiles_work w ON w.id = a.work_id
    WHERE a.researcher_id = %(researcher)s
"""

_COAUTHORSHIPS = """
    SELECT theirs.work_id, theirs.researcher_id
    FROM profiles_authorship mine
    JOIN profiles_work w ON w.id = mine.work_id AND NOT w.is_hyperauthored
    JOIN profiles_authorship theirs
      ON theirs.work_id = mine.work_id AND theirs.researcher_id <> mine.researcher_id
    WHERE mine.researcher_id = %(researcher)s
"""

_NAMES = "SELECT id, display_name FROM profiles_researcher WHERE id = ANY(%(people)s::bigint[])"

_WORK_TOPICS = """
    SELECT wt.work_id, wt.topic_id, wt.score, wt.is_primary, t.display_name, t.openalex_id
    FROM profiles_authorship a
    JOIN profiles_worktopic wt ON wt.work_id = a.work_id
    JOIN profiles_topic t ON t.id = wt.topic_id
    WHERE a.researcher_id = %(researcher)s
"""

# Institutions of the researcher on all their works, and of the selected
# co-authors on the works they share with the researcher.
_AFFILIATIONS = """
    SELECT a.researcher_id, ai.institution_id, count(*), i.display_name, i.country_code, i.openalex_id
    FROM profiles_authorship a
    JOIN profiles_authorship_institutions ai ON ai.authorship_id = a.id
    JOIN profiles_institution i ON i.id = ai.institution_id
    WHERE (a.researcher_id = %(researcher)s OR a.researcher_id = ANY(%(people)s::bigint[]))
      AND EXISTS (
          SELECT 1 FROM profiles_authorship mine
          WHERE mine.researcher_id = %(researcher)s AND mine.work_id = a.work_id
      )
    GROUP BY a.researcher_id, ai.institution_id, i.display_name, i.country_code, i.openalex_id
"""

# Works of the selected co-authors that carry one of the selected topics and
# are not the researcher's own, ordered like graph.builder.nearby_sort_key.
# Each co-author contributes their NEARBY_WORKS_PER_PERSON most recently
# imported works (highest ids), which bounds the rows read for prolific people.
_NEARBY = """
    SELECT w.id, w.title, w.publication_year, w.cited_by_count,
           array_agg(DISTINCT theirs.researcher_id ORDER BY theirs.researcher_id),
           array_agg(DISTINCT wt.topic_id ORDER BY wt.topic_id)
    FROM unnest(%(people)s::bigint[]) AS person(id)
    CROSS JOIN LATERAL (
        SELECT a.work_id, a.researcher_id FROM profiles_authorship a
        WHERE a.researcher_id = person.id
        ORDER BY a.work_id DESC
        LIMIT %(per_person)s
    ) theirs
    JOIN profiles_worktopic wt ON wt.work_id = theirs.work_id AND wt.topic_id = ANY(%(topics)s::bigint[])
    JOIN profiles_work w ON w.id = theirs.work_id
    WHERE NOT EXISTS (
        SELECT 1 FROM profiles_authorship own
        WHERE own.work_id = theirs.work_id AND own.researcher_id = %(researcher)s
    )
    GROUP BY w.id
    ORDER BY count(DISTINCT wt.topic_id) DESC, count(DISTINCT theirs.researcher_id) DESC,
             w.cited_by_count DESC, coalesce(w.publication_year, 0) DESC, w.id
    LIMIT %(limit)s
"""


def load_slice_inputs(researcher_id: int) -> SliceInputs | None:
    """Read every row the slice of `researcher_id` depends on; None if the researcher is gone."""
    name = Researcher.objects.filter(pk=researcher_id).values_list("display_name", flat=True).first()
    if name is None:
        return None
    params = {"researcher": researcher_id}
    with connection.cursor() as cursor:
        cursor.execute(_WORKS, params)
        works = tuple(
            sorted(
                (
                    WorkRow(
                        id=row[0],
                        title=row[1] or "",
                        year=row[2],
                        type=row[3] or "",
                        cited_by=row[4] or 0,
                        authors_count=row[5] or 0,
                        is_hyperauthored=row[6],
                    )
                    for row in cursor.fetchall()
                ),
                key=lambda work: work.id,
            )
        )
        cursor.execute(_COAUTHORSHIPS, params)
        coauthor_rows = cursor.fetchall()
        cursor.execute(_WORK_TOPICS, params)
        topic_rows = cursor.fetchall()

    first_round = SliceInputs(
        researcher_id=researcher_id,
        researcher_name=name,
        works=works,
        coauthorships=tuple(sorted(coauthor_rows)),
        people=(),
        work_topics=tuple(
            sorted(
                (work_id, topic_id, round(score, 4), is_primary)
                for work_id, topic_id, score, is_primary, _, _ in topic_rows
            )
        ),
        topics=tuple(
            sorted({(topic_id, topic_name, openalex_id) for _, topic_id, _, _, topic_name, openalex_id in topic_rows})
        ),
    )
    people = [person.id for person in select_coauthors(first_round)]
    topics = select_topic_ids(first_round)
    params = {
        "researcher": researcher_id,
        "people": people,
        "topics": topics,
        "limit": NEARBY_CANDIDATES,
        "per_person": NEARBY_WORKS_PER_PERSON,
    }
    with connection.cursor() as cursor:
        cursor.execute(_NAMES, params)
        names = tuple(sorted(cursor.fetchall()))
        cursor.execute(_AFFILIATIONS, params)
        affiliation_rows = cursor.fetchall()
        nearby_rows = []
        if people and topics:
            cursor.execute(_NEARBY, params)
            nearby_rows = cursor.fetchall()

    return replace(
        first_round,
        people=names,
        affiliations=tuple(sorted((row[0], row[1], row[2]) for row in affiliation_rows)),
        institutions=tuple(sorted({(row[1], row[3], row[4] or "", row[5]) for row in affiliation_rows})),
        nearby=tuple(
            NearbyRow(
                id=row[0],
                title=row[1] or "",
                year=row[2],
                cited_by=row[3] or 0,
                via=tuple(row[4]),
                topic_ids=tuple(row[5]),
            )
            for row in sorted(nearby_rows, key=lambda row: row[0])
        ),
    )
