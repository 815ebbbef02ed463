"""Denormalized researcher counts, summaries and trust scores.

`recompute_researchers()` writes them all. Imports call it for the
researchers they touched, and claim approvals and merges for the researchers
and their co-authors. A follow only rewrites `followers_count`, from a count
of Follow rows (profiles.follows).

Per batch of researchers, one statement reads every count, Python computes
the trust score and summary, and one UPDATE writes the rows whose values
changed. So the cost grows with the researchers touched, not with the rows
in the tables, and an unchanged researcher is not written.
"""

import logging
from collections.abc import Iterable

from django.db import connection, transaction

from profiles.models import HYPERAUTHOR_THRESHOLD
from profiles.trust import TrustFacts, compute_trust

logger = logging.getLogger(__name__)

# Large batches let PostgreSQL run each statement as one hash join over the
# batch's authorships instead of one index probe per researcher. Each batch
# scans the authorship table once, so an import of 100,000 works (about
# 130,000 researchers) takes two batches rather than seven.
BATCH_SIZE = 100_000
# Memory for the sorts and hashes of one batch; PostgreSQL's default (4 MB)
# spills them to disk on large imports. Set for the batch's transaction only.
RECOMPUTE_WORK_MEM = "64MB"
SUMMARY_TOPICS = 3

# Current values and fresh counts of the researchers in %(ids)s (a bigint[]).
_COUNTS = """
    WITH works AS (
        SELECT a.researcher_id, count(*) AS works, count(DISTINCT w.primary_topic_id) AS topics
        FROM profiles_authorship a
        JOIN profiles_work w ON w.id = a.work_id
        WHERE a.researcher_id = ANY(%(ids)s::bigint[])
        GROUP BY a.researcher_id
    ),
    -- Close collaborators: co-authors with at least two shared works that are
    -- not hyperauthored; and how many of them are claimed.
    mine AS (
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
    close AS (
        SELECT pairs.researcher_id, count(*) AS close,
               count(*) FILTER (WHERE other.claimed_by_id IS NOT NULL) AS claimed
        FROM pairs
        JOIN profiles_researcher other ON other.id = pairs.other_id
        GROUP BY pairs.researcher_id
    ),
    followers AS (
        SELECT researcher_id, count(*) AS followers
        FROM profiles_follow
        WHERE researcher_id = ANY(%(ids)s::bigint[])
        GROUP BY researcher_id
    ),
    -- Last known institution, used when no author record set one: the first
    -- institution on the researcher's most recent work that names one.
    institution AS (
        SELECT DISTINCT ON (a.researcher_id) a.researcher_id, ai.institution_id
        FROM profiles_authorship a
        JOIN profiles_authorship_institutions ai ON ai.authorship_id = a.id
        JOIN profiles_work w ON w.id = a.work_id
        WHERE a.researcher_id = ANY(%(ids)s::bigint[])
        ORDER BY a.researcher_id, w.publication_date DESC NULLS LAST,
                 w.publication_year DESC NULLS LAST, w.id DESC, ai.id
    )
    SELECT r.id, r.verification_level, r.orcid <> '',
           coalesce(r.last_known_institution_id, institution.institution_id),
           coalesce(works.works, 0), coalesce(works.topics, 0),
           coalesce(close.close, 0), coalesce(close.claimed, 0), coalesce(followers.followers, 0),
           r.last_known_institution_id, r.works_count, r.topics_count, r.close_collaborators_count,
           r.claimed_close_collaborators_count, r.followers_count, r.auto_summary, r.trust_score
    FROM profiles_researcher r
    LEFT JOIN works ON works.researcher_id = r.id
    LEFT JOIN close ON close.researcher_id = r.id
    LEFT JOIN followers ON followers.researcher_id = r.id
    LEFT JOIN institution ON institution.researcher_id = r.id
    WHERE r.id = ANY(%(ids)s::bigint[])
"""

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

_UPDATE = """
    UPDATE profiles_researcher r
    SET last_known_institution_id = u.institution_id, works_count = u.works, topics_count = u.topics,
        close_collaborators_count = u.close, claimed_close_collaborators_count = u.claimed,
        followers_count = u.followers, auto_summary = u.summary, trust_score = u.score
    FROM unnest(%s::bigint[], %s::bigint[], %s::int[], %s::int[], %s::int[], %s::int[], %s::int[], %s::text[],
                %s::int[])
         AS u(id, institution_id, works, topics, close, claimed, followers, summary, score)
    WHERE r.id = u.id
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
    """Recompute counts, summary and trust score of the given researchers; return how many were given."""
    ids = sorted(set(researcher_ids))
    for start in range(0, len(ids), BATCH_SIZE):
        _recompute_batch(ids[start : start + BATCH_SIZE])
    return len(ids)


def _recompute_batch(ids: list[int]) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('work_mem', %s, true)", [RECOMPUTE_WORK_MEM])
        cursor.execute(_TOP_TOPICS, {"ids": ids, "limit": SUMMARY_TOPICS})
        topics: dict[int, list[str]] = {}
        for researcher_id, name in cursor.fetchall():
            topics.setdefault(researcher_id, []).append(name)

        cursor.execute(_COUNTS, {"ids": ids})
        changed = []
        for row in cursor.fetchall():
            researcher_id, level, has_orcid, institution_id, works, topics_count, close, claimed, followers = row[:9]
            facts = TrustFacts(
                verification_level=level,
                has_orcid=has_orcid,
                has_institution=institution_id is not None,
                works_count=works,
                close_collaborators_count=close,
                claimed_close_collaborators_count=claimed,
            )
            fresh = (
                institution_id,
                works,
                topics_count,
                close,
                claimed,
                followers,
                generated_summary(topics.get(researcher_id, []), works),
                compute_trust(facts).score,
            )
            if fresh != tuple(row[9:]):
                changed.append((researcher_id, *fresh))
        if changed:
            cursor.execute(_UPDATE, [list(column) for column in zip(*changed, strict=True)])


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
