"""Denormalized researcher counts, summaries and trust scores.

`recompute_researchers()` is the one place that writes them. Imports call it
for the researchers they touched; follows and claims call it for one
researcher. Each count is set from one SQL statement over the whole set, so
the cost grows with the researchers touched, not with the rows in the tables.
"""

import logging
from collections.abc import Iterable

from django.db import connection, transaction

from profiles.models import HYPERAUTHOR_THRESHOLD, Researcher
from profiles.trust import trust_for

logger = logging.getLogger(__name__)

BATCH_SIZE = 2000
TRUST_FIELDS = (
    "id",
    "verification_level",
    "orcid",
    "last_known_institution_id",
    "works_count",
    "close_collaborators_count",
    "claimed_close_collaborators_count",
)
SUMMARY_TOPICS = 3

# Each statement takes the researcher ids as %(ids)s (a bigint[]).
_COUNT_STATEMENTS = [
    # Works and distinct primary topics.
    """
    UPDATE profiles_researcher r
    SET works_count = coalesce(s.works, 0), topics_count = coalesce(s.topics, 0)
    FROM (
        SELECT ids.id AS researcher_id, count(a.work_id) AS works, count(DISTINCT w.primary_topic_id) AS topics
        FROM unnest(%(ids)s::bigint[]) AS ids(id)
        LEFT JOIN profiles_authorship a ON a.researcher_id = ids.id
        LEFT JOIN profiles_work w ON w.id = a.work_id
        GROUP BY ids.id
    ) s
    WHERE r.id = s.researcher_id
      AND (r.works_count, r.topics_count) IS DISTINCT FROM (coalesce(s.works, 0), coalesce(s.topics, 0))
    """,
    # Close collaborators: co-authors with at least two shared works that are
    # not hyperauthored; and how many of them are claimed. Set-based (one
    # join over the batch's authorships) rather than one subquery per
    # researcher, so PostgreSQL can pick a hash join on large batches.
    """
    WITH mine AS (
        SELECT a.researcher_id, a.work_id
        FROM profiles_authorship a
        JOIN profiles_work w ON w.id = a.work_id
        WHERE a.researcher_id = ANY(%(ids)s::bigint[]) AND NOT w.is_hyperauthored
    ),
    pairs AS (
        SELECT mine.researcher_id, theirs.researcher_id AS other_id
        FROM mine
        JOIN profiles_authorship theirs ON theirs.work_id = mine.work_id
        WHERE theirs.researcher_id IS NOT NULL AND theirs.researcher_id <> mine.researcher_id
        GROUP BY mine.researcher_id, theirs.researcher_id
        HAVING count(*) >= 2
    ),
    counted AS (
        SELECT pairs.researcher_id, count(*) AS close,
               count(*) FILTER (WHERE other.claimed_by_id IS NOT NULL) AS claimed
        FROM pairs
        JOIN profiles_researcher other ON other.id = pairs.other_id
        GROUP BY pairs.researcher_id
    )
    UPDATE profiles_researcher r
    SET close_collaborators_count = coalesce(counted.close, 0),
        claimed_close_collaborators_count = coalesce(counted.claimed, 0)
    FROM unnest(%(ids)s::bigint[]) AS ids(id)
    LEFT JOIN counted ON counted.researcher_id = ids.id
    WHERE r.id = ids.id
      AND (r.close_collaborators_count, r.claimed_close_collaborators_count)
          IS DISTINCT FROM (coalesce(counted.close, 0), coalesce(counted.claimed, 0))
    """,
    # Followers.
    """
    UPDATE profiles_researcher r
    SET followers_count = coalesce(s.followers, 0)
    FROM (
        SELECT ids.id AS researcher_id, count(f.id) AS followers
        FROM unnest(%(ids)s::bigint[]) AS ids(id)
        LEFT JOIN profiles_follow f ON f.researcher_id = ids.id
        GROUP BY ids.id
    ) s
    WHERE r.id = s.researcher_id AND r.followers_count IS DISTINCT FROM coalesce(s.followers, 0)
    """,
    # Last known institution, when no author record set one: the first
    # institution on the researcher's most recent work that names one.
    """
    UPDATE profiles_researcher r
    SET last_known_institution_id = s.institution_id
    FROM (
        SELECT DISTINCT ON (a.researcher_id) a.researcher_id, ai.institution_id
        FROM profiles_authorship a
        JOIN profiles_authorship_institutions ai ON ai.authorship_id = a.id
        JOIN profiles_work w ON w.id = a.work_id
        WHERE a.researcher_id = ANY(%(ids)s::bigint[])
        ORDER BY a.researcher_id, w.publication_date DESC NULLS LAST,
                 w.publication_year DESC NULLS LAST, w.id DESC, ai.id
    ) s
    WHERE r.id = s.researcher_id AND r.last_known_institution_id IS NULL
    """,
]

_TOP_TOPICS = """
    SELECT researcher_id, name FROM (
        SELECT a.researcher_id, t.display_name AS name,
               row_number() OVER (
                   PARTITION BY a.researcher_id ORDER BY count(*) DESC, t.display_name
               ) AS rank
        FROM profiles_authorship a
        JOIN profiles_work w ON w.id = a.work_id
        JOIN profiles_topic t ON t.id = w.primary_topic_id
        WHERE a.researcher_id = ANY(%(ids)s::bigint[])
        GROUP BY a.researcher_id, t.display_name
    ) ranked
    WHERE rank <= %(limit)s
    ORDER BY researcher_id, rank
"""


def generated_summary(topic_names: list[str], works_count: int) -> str:
    if topic_names:
        if len(topic_names) == 1:
            listed = topic_names[0]
        else:
            listed = ", ".join(topic_names[:-1]) + " and " + topic_names[-1]
        return f"Publishes on {listed}."
    if works_count:
        noun = "work" if works_count == 1 else "works"
        return f"Author of {works_count} published {noun} indexed from OpenAlex."
    return "Researcher profile built from open scholarly metadata."


def recompute_researchers(researcher_ids: Iterable[int]) -> int:
    """Recompute counts, summary and trust score of the given researchers."""
    ids = sorted(set(researcher_ids))
    for start in range(0, len(ids), BATCH_SIZE):
        _recompute_batch(ids[start : start + BATCH_SIZE])
    return len(ids)


def _recompute_batch(ids: list[int]) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in _COUNT_STATEMENTS:
            cursor.execute(statement, {"ids": ids})
        cursor.execute(_TOP_TOPICS, {"ids": ids, "limit": SUMMARY_TOPICS})
        topics: dict[int, list[str]] = {}
        for researcher_id, name in cursor.fetchall():
            topics.setdefault(researcher_id, []).append(name)

        summaries, scores = [], []
        researchers = Researcher.objects.filter(id__in=ids).only(*TRUST_FIELDS).order_by("id")
        for researcher in researchers:
            summaries.append(generated_summary(topics.get(researcher.id, []), researcher.works_count))
            scores.append(trust_for(researcher).score)
        cursor.execute(
            """
            UPDATE profiles_researcher r SET auto_summary = u.summary, trust_score = u.score
            FROM unnest(%s::bigint[], %s::text[], %s::int[]) AS u(id, summary, score)
            WHERE r.id = u.id AND (r.auto_summary, r.trust_score) IS DISTINCT FROM (u.summary, u.score)
            """,
            [[researcher.id for researcher in researchers], summaries, scores],
        )


def mark_hyperauthored(work_ids: Iterable[int]) -> None:
    """Set authors_count and is_hyperauthored of the given works from their authorships."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE profiles_work w
            SET authors_count = s.authors, is_hyperauthored = s.authors > %(threshold)s
            FROM (
                SELECT work_id, count(*) AS authors FROM profiles_authorship
                WHERE work_id = ANY(%(ids)s::bigint[]) GROUP BY work_id
            ) s
            WHERE w.id = s.work_id
            """,
            {"ids": list(work_ids), "threshold": HYPERAUTHOR_THRESHOLD},
        )
