"""Denormalized researcher counts, summaries and trust scores.

`recompute_researchers()` writes them all. Imports call it for the
researchers they touched, and claim approvals and merges for the researchers
and their co-authors. A follow only rewrites `followers_count`, from a count
of Follow rows (profiles.follows).

Per batch of researchers, one statement reads every count and the top
topics, Python computes the trust score and summary, and one UPDATE writes
the rows whose values changed. So the cost grows with the researchers
touched, not with the rows in the tables, and an unchanged researcher is not
written.
"""

import logging
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

from django.db import connection, transaction

from profiles.models import HYPERAUTHOR_THRESHOLD
from profiles.trust import TrustFacts, compute_trust

logger = logging.getLogger(__name__)

# Large batches let PostgreSQL run each statement as one hash join over the
# batch's authorships instead of one index probe per researcher. Each batch
# scans the authorship table once, so an import of 100,000 works (about
# 130,000 researchers) takes a single batch.
BATCH_SIZE = 250_000
# Memory for the sorts and hashes of one batch; PostgreSQL's default (4 MB)
# spills them to disk on large imports. Set for the batch's transaction only.
RECOMPUTE_WORK_MEM = "64MB"
# From this many researchers on, batches run on this many connections at once.
PARALLEL_FROM_RESEARCHERS = 20_000
PARALLEL_CONNECTIONS = 2
SUMMARY_TOPICS = 3

# Current values and fresh counts of the researchers in %(ids)s (a bigint[]),
# with the names of their most frequent primary topics.
_COUNTS = """
    WITH topic_works AS (
        SELECT a.researcher_id, w.primary_topic_id, count(*) AS works
        FROM profiles_authorship a
        JOIN profiles_work w ON w.id = a.work_id
        WHERE a.researcher_id = ANY(%(ids)s::bigint[])
        GROUP BY a.researcher_id, w.primary_topic_id
    ),
    works AS (
        SELECT tw.researcher_id, sum(tw.works)::int AS works, count(tw.primary_topic_id) AS topics,
               (array_agg(t.display_name ORDER BY tw.works DESC, t.display_name)
                    FILTER (WHERE t.id IS NOT NULL))[1:%(topics)s] AS top_topics
        FROM topic_works tw
        LEFT JOIN profiles_topic t ON t.id = tw.primary_topic_id
        GROUP BY tw.researcher_id
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
           coalesce(works.top_topics, '{}'),
           r.last_known_institution_id, r.works_count, r.topics_count, r.close_collaborators_count,
           r.claimed_close_collaborators_count, r.followers_count, r.auto_summary, r.trust_score
    FROM profiles_researcher r
    LEFT JOIN works ON works.researcher_id = r.id
    LEFT JOIN close ON close.researcher_id = r.id
    LEFT JOIN followers ON followers.researcher_id = r.id
    LEFT JOIN institution ON institution.researcher_id = r.id
    WHERE r.id = ANY(%(ids)s::bigint[])
"""

# The changed rows go to PostgreSQL by COPY into this temporary table, and
# one UPDATE joins it: COPY sends 100,000 rows several times faster than
# psycopg formats the same values as array parameters.
_CHANGED_COLUMNS = (
    "id", "institution_id", "works", "topics", "close", "claimed", "followers", "summary", "score",
)  # fmt: skip
_CREATE_CHANGED = """
    CREATE TEMP TABLE IF NOT EXISTS recompute_changed (
        id bigint, institution_id bigint, works int, topics int, close int, claimed int, followers int,
        summary text, score int
    ) ON COMMIT DELETE ROWS
"""
_UPDATE = """
    UPDATE profiles_researcher r
    SET last_known_institution_id = u.institution_id, works_count = u.works, topics_count = u.topics,
        close_collaborators_count = u.close, claimed_close_collaborators_count = u.claimed,
        followers_count = u.followers, auto_summary = u.summary, trust_score = u.score
    FROM recompute_changed u
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
    """Recompute counts, summary and trust score of the given researchers; return how many were given.

    Large sets outside a transaction are split between PARALLEL_CONNECTIONS
    database connections working at once, one thread each: PostgreSQL runs
    the aggregation of one statement in one process, so a single connection
    leaves the other cores idle. Inside a transaction the work stays on the
    caller's connection, because only that connection can read the rows the
    transaction has written.
    """
    ids = sorted(set(researcher_ids))
    parallel = len(ids) >= PARALLEL_FROM_RESEARCHERS and not connection.in_atomic_block
    parts = PARALLEL_CONNECTIONS if parallel else 1
    batch_size = max(1, min(BATCH_SIZE, -(-len(ids) // parts)))
    batches = [ids[start : start + batch_size] for start in range(0, len(ids), batch_size)]
    if not parallel:
        for batch in batches:
            _recompute_batch(batch)
        return len(ids)
    with ThreadPoolExecutor(PARALLEL_CONNECTIONS, thread_name_prefix="recompute") as pool:
        # list() re-raises the first error of any batch.
        list(pool.map(_recompute_batch_on_own_connection, batches))
    return len(ids)


def _recompute_batch_on_own_connection(ids: list[int]) -> None:
    # Django opens one connection per thread, so close it before the thread ends.
    try:
        _recompute_batch(ids)
    finally:
        connection.close()


def _recompute_batch(ids: list[int]) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('work_mem', %s, true)", [RECOMPUTE_WORK_MEM])
        cursor.execute(_COUNTS, {"ids": ids, "topics": SUMMARY_TOPICS})
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
                generated_summary(row[9], works),
                compute_trust(facts).score,
            )
            if fresh != tuple(row[10:]):
                changed.append((researcher_id, *fresh))
        if changed:
            cursor.execute(_CREATE_CHANGED)
            # ON COMMIT DELETE ROWS empties the table only at commit, and a second
            # batch inside the caller's transaction would find the first one's rows.
            cursor.execute("TRUNCATE recompute_changed")
            with cursor.copy(f"COPY recompute_changed ({', '.join(_CHANGED_COLUMNS)}) FROM STDIN") as copy:
                for values in changed:
                    copy.write_row(values)
            cursor.execute("ANALYZE recompute_changed")
            cursor.execute(_UPDATE)


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
