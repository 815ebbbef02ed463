"""Load normalized rows into PostgreSQL in batches.

Works are keyed by OpenAlex id and carry the hash of the normalized row
they came from. A work whose hash is unchanged is skipped without a single
write, so a second import of the same file changes no row. New works and
their authorships go in with COPY, with ids taken from the sequences up
front so that authorships can point at them. A changed work is updated in
place and its authorships and topics replaced. Referenced institutions, topics, sources
and authors are created as stubs when missing and never overwrite a full
record. Each batch is one transaction.

An import passes one KnownRows to every batch, so that referenced rows
written or found by an earlier batch are not staged and looked up again.
"""

import logging
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from profiles.importing.normalize import AuthorRow, InstitutionRow, SourceRow, TopicRow, WorkRow

logger = logging.getLogger(__name__)

WORK_COLUMNS = (
    "id", "openalex_id", "record_hash", "title", "abstract", "type", "publication_year", "publication_date",
    "doi", "arxiv_id", "venue", "landing_page_url", "source_id", "cited_by_count", "is_retracted",
    "authors_count", "is_hyperauthored", "primary_topic_id", "created_at", "updated_at",
)  # fmt: skip
AUTHORSHIP_COLUMNS = ("id", "work_id", "researcher_id", "position", "author_position", "printed_name")


@dataclass
class WriteCounts:
    """Rows created, updated and left unchanged, and the researchers whose counts need a recompute."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # NOTE: the one part of an import's memory that grows with the input:
    # about 60 bytes per researcher touched (an estimate for a set of ints).
    researcher_ids: set[int] = field(default_factory=set)

    def add(self, other: "WriteCounts") -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.researcher_ids |= other.researcher_ids


def _ids_by_openalex(cursor, table: str, openalex_ids) -> dict[str, int]:
    """Return {OpenAlex id: primary key} of the rows of `table` among `openalex_ids`."""
    if not openalex_ids:
        return {}
    _stage(cursor, "key", ("openalex_id",), ((openalex_id,) for openalex_id in openalex_ids))
    cursor.execute(f"SELECT s.openalex_id, t.id FROM import_stage_key s JOIN {table} t USING (openalex_id)")
    return dict(cursor.fetchall())


def _take_ids(cursor, table: str, count: int) -> list[int]:
    if count == 0:
        return []
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
        [table, count],
    )
    return [row[0] for row in cursor.fetchall()]


def _stage(cursor, name: str, columns: tuple[str, ...], rows) -> None:
    """Replace the content of the session's temporary table import_stage_<name> with `rows` by COPY.

    Staging by COPY, then joining in SQL, avoids binding thousands of values
    as array parameters, which psycopg formats in Python.
    """
    table = f"import_stage_{name}"
    cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {table} ({', '.join(f'{column} text' for column in columns)})")
    cursor.execute(f"TRUNCATE {table}")
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


# Stubs: rows seen only as references inside another record -----------------


@dataclass(frozen=True)
class _StubTable:
    table: str
    # Columns copied from the row, OpenAlex id first.
    columns: tuple[str, ...]
    # The other NOT NULL columns and the SQL values a stub gets.
    defaults: dict[str, str]


_STUB_TABLES = {
    "institution": _StubTable(
        "profiles_institution",
        ("openalex_id", "display_name", "ror", "country_code", "type"),
        {"homepage_url": "''", "web_domains": "'{}'", "is_complete": "false"},
    ),
    "topic": _StubTable(
        "profiles_topic",
        ("openalex_id", "display_name", "subfield", "field", "domain"),
        {"is_complete": "false"},
    ),
    "source": _StubTable(
        "profiles_source",
        ("openalex_id", "display_name", "type", "host_organization_name"),
        {"is_complete": "false"},
    ),
    "researcher": _StubTable(
        "profiles_researcher",
        ("openalex_id", "orcid", "display_name", "search_name"),
        {
            "name_variants": "'{}'",
            "summary": "''",
            "auto_summary": "''",
            "open_to_collaborate": "true",
            "verification_level": "1",
            "works_count": "0",
            "topics_count": "0",
            "close_collaborators_count": "0",
            "claimed_close_collaborators_count": "0",
            "followers_count": "0",
            "trust_score": "0",
            "created_at": "now()",
            "updated_at": "now()",
        },
    ),
}


def _stub_values(kind: str, row) -> tuple:
    if kind == "institution":
        return (row.openalex_id, row.display_name, row.ror, row.country_code, row.type)
    if kind == "topic":
        return (row.openalex_id, row.display_name, row.subfield, row.field, row.domain)
    if kind == "source":
        return (row.openalex_id, row.display_name, row.type, row.host_organization_name)
    return (row.openalex_id, row.orcid, row.display_name[:500], row.search_name)


# KnownRows is cleared once one kind reaches this many ids. That bounds an
# import's memory (about 150 bytes per id, an estimate).
MAX_KNOWN_ROWS = 1_000_000


@dataclass
class KnownRows:
    """Primary keys of the referenced rows that earlier batches of one import wrote or found.

    Authors recur across the works of a file, and a handful of institutions,
    topics and sources recur in nearly every work. A batch stages and looks
    up only the OpenAlex ids that are not here yet. A known key stays valid
    while the import runs, because merges keep both records. A row deleted
    by hand meanwhile makes the next batch that names it fail on a foreign
    key, and the import stops with that error.
    """

    ids: dict[str, dict[str, int]] = field(default_factory=lambda: {kind: {} for kind in _STUB_TABLES})
    # Researchers whose stored ORCID iD may be empty: an iD printed on a
    # later work goes through the database again to fill it.
    researchers_without_orcid: set[str] = field(default_factory=set)

    def unknown(self, kind: str, rows: dict[str, tuple]) -> dict[str, tuple]:
        """Return the rows of `rows` that have to go to the database."""
        known = self.ids[kind]
        if kind == "researcher":
            without_orcid = self.researchers_without_orcid
            return {
                openalex_id: values
                for openalex_id, values in rows.items()
                if openalex_id not in known or (values[1] and openalex_id in without_orcid)
            }
        return {openalex_id: values for openalex_id, values in rows.items() if openalex_id not in known}

    def remember(self, kind: str, written: dict[str, tuple], keys: dict[str, int]) -> None:
        """Record the keys of rows that went to the database, their values as `written`."""
        known = self.ids[kind]
        if len(known) + len(keys) > MAX_KNOWN_ROWS:
            known.clear()
            if kind == "researcher":
                self.researchers_without_orcid.clear()
        known.update(keys)
        if kind == "researcher":
            for openalex_id, values in written.items():
                if values[1]:
                    self.researchers_without_orcid.discard(openalex_id)
                else:
                    self.researchers_without_orcid.add(openalex_id)


def _insert_stubs(cursor, kind: str, rows: dict[str, tuple], known: KnownRows | None = None) -> dict[str, int]:
    """Insert the rows of `kind` that do not exist yet; return {OpenAlex id: primary key} of all of them.

    `rows` maps each OpenAlex id to its `_stub_values`. Ids in `known` are
    neither written nor looked up again.

    An existing row is never overwritten, with one exception: an ORCID iD
    printed on a work fills a researcher that has none.
    """
    if not rows:
        return {}
    if known is None:
        return _write_stubs(cursor, kind, rows)
    unknown = known.unknown(kind, rows)
    if unknown:
        known.remember(kind, unknown, _write_stubs(cursor, kind, unknown))
    keys = known.ids[kind]
    return {openalex_id: keys[openalex_id] for openalex_id in rows}


def _write_stubs(cursor, kind: str, rows: dict[str, tuple]) -> dict[str, int]:
    spec = _STUB_TABLES[kind]
    _stage(cursor, kind, spec.columns, rows.values())
    copied = ", ".join(spec.columns)
    cursor.execute(
        f"""
        INSERT INTO {spec.table} ({copied}, {", ".join(spec.defaults)})
        SELECT {copied}, {", ".join(spec.defaults.values())} FROM import_stage_{kind}
        ON CONFLICT (openalex_id) DO NOTHING
        RETURNING openalex_id, id
        """
    )
    keys = dict(cursor.fetchall())
    existing = [openalex_id for openalex_id in rows if openalex_id not in keys]
    if not existing:
        return keys
    if kind == "researcher":
        cursor.execute(
            """
            UPDATE profiles_researcher r SET orcid = s.orcid, updated_at = now()
            FROM import_stage_researcher s
            WHERE r.openalex_id = s.openalex_id AND r.orcid = '' AND s.orcid <> ''
            """
        )
    cursor.execute(f"SELECT openalex_id, id FROM {spec.table} WHERE openalex_id = ANY(%s)", [existing])
    keys.update(cursor.fetchall())
    return keys


# Works ----------------------------------------------------------------------


@dataclass(slots=True)
class PackedWorks:
    """A batch of work rows flattened to plain tuples keyed by OpenAlex id.

    Plain tuples travel between processes far faster than nested dataclasses
    (pickle rebuilds a slotted dataclass field by field in Python), and the
    referenced entities come deduplicated, so the writing process only maps
    ids and streams COPY rows. Made by `pack_works`.
    """

    # OpenAlex work id -> the WORK_COLUMNS values after "openalex_id", with
    # the source and primary topic as OpenAlex ids (mapped on write).
    works: dict[str, tuple] = field(default_factory=dict)
    # OpenAlex work id -> [(position, author_position, printed name, author id or None, institution ids)]
    authorships: dict[str, list[tuple]] = field(default_factory=dict)
    # OpenAlex work id -> [(topic id, score, is primary)]
    topics: dict[str, list[tuple]] = field(default_factory=dict)
    # Referenced entities: OpenAlex id -> the stub's column values (see _STUB_TABLES).
    institution_stubs: dict[str, tuple] = field(default_factory=dict)
    topic_stubs: dict[str, tuple] = field(default_factory=dict)
    source_stubs: dict[str, tuple] = field(default_factory=dict)
    researcher_stubs: dict[str, tuple] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.works)


def pack_works(rows: list[WorkRow]) -> PackedWorks:
    """Flatten work rows for `write_works`; a work id given twice keeps its last row."""
    packed = PackedWorks()
    for row in rows:
        primary = row.primary_topic
        packed.works[row.openalex_id] = (
            row.record_hash,
            row.title,
            row.abstract,
            row.type,
            row.publication_year,
            row.publication_date,
            row.doi,
            row.arxiv_id,
            row.venue[:500],
            row.landing_page_url,
            row.source.openalex_id if row.source else None,
            row.cited_by_count,
            row.is_retracted,
            row.authors_count,
            row.is_hyperauthored,
            primary.openalex_id if primary else None,
        )
        if row.source:
            packed.source_stubs.setdefault(row.source.openalex_id, _stub_values("source", row.source))
        authorships = []
        for authorship in row.authorships:
            author = authorship.author
            if author:
                known = packed.researcher_stubs.get(author.openalex_id)
                # Keep the first printed form of a name, but take an ORCID iD
                # from whichever authorship carries one.
                if known is None or (not known[1] and author.orcid):
                    packed.researcher_stubs[author.openalex_id] = _stub_values("researcher", author)
            institution_ids = []
            for institution in authorship.institutions:
                packed.institution_stubs.setdefault(institution.openalex_id, _stub_values("institution", institution))
                institution_ids.append(institution.openalex_id)
            authorships.append(
                (
                    authorship.position,
                    authorship.author_position,
                    authorship.printed_name[:500],
                    author.openalex_id if author else None,
                    institution_ids,
                )
            )
        packed.authorships[row.openalex_id] = authorships
        topics = []
        for work_topic in row.topics:
            packed.topic_stubs.setdefault(work_topic.topic.openalex_id, _stub_values("topic", work_topic.topic))
            topics.append((work_topic.topic.openalex_id, work_topic.score, work_topic.is_primary))
        packed.topics[row.openalex_id] = topics
    return packed


def write_works(batch: PackedWorks | list[WorkRow], known: KnownRows | None = None) -> WriteCounts:
    """Write one batch of works: new ones by COPY, changed ones updated, unchanged ones skipped.

    `known` carries the referenced rows of earlier batches of the same import.
    """
    packed = batch if isinstance(batch, PackedWorks) else pack_works(batch)
    counts = WriteCounts()
    with transaction.atomic(), connection.cursor() as cursor:
        # A batch's commit need not wait for its WAL flush: after a crash the
        # last batches may be missing, and importing the file again restores
        # them, because the import is idempotent.
        cursor.execute("SET LOCAL synchronous_commit TO OFF")
        _stage(cursor, "key", ("openalex_id",), ((openalex_id,) for openalex_id in packed.works))
        cursor.execute(
            "SELECT w.openalex_id, w.id, w.record_hash FROM import_stage_key s JOIN profiles_work w USING (openalex_id)"
        )
        existing = {openalex_id: (work_id, record_hash) for openalex_id, work_id, record_hash in cursor.fetchall()}

        new_ids, changed_ids = [], []
        for openalex_id, values in packed.works.items():
            if openalex_id not in existing:
                new_ids.append(openalex_id)
            elif existing[openalex_id][1] != values[0]:
                changed_ids.append(openalex_id)
            else:
                counts.unchanged += 1
        if not new_ids and not changed_ids:
            return counts

        maps = {
            "institution": _insert_stubs(cursor, "institution", packed.institution_stubs, known),
            "topic": _insert_stubs(cursor, "topic", packed.topic_stubs, known),
            "source": _insert_stubs(cursor, "source", packed.source_stubs, known),
            "researcher": _insert_stubs(cursor, "researcher", packed.researcher_stubs, known),
        }
        work_ids = dict(zip(new_ids, _take_ids(cursor, "profiles_work", len(new_ids)), strict=True))
        if changed_ids:
            changed_keys = [existing[openalex_id][0] for openalex_id in changed_ids]
            counts.researcher_ids |= _remove_work_children(cursor, changed_keys)
            _update_works(cursor, packed, changed_ids, existing, maps)
            work_ids.update(zip(changed_ids, changed_keys, strict=True))
        _copy_new_works(cursor, packed, new_ids, work_ids, maps)
        counts.researcher_ids |= _copy_children(cursor, packed, work_ids, maps)

        counts.created = len(new_ids)
        counts.updated = len(changed_ids)
    return counts


def _work_values(values: tuple, maps) -> tuple:
    # The source id sits at index 10 and the primary topic id last.
    source, primary = values[10], values[15]
    return (
        *values[:10],
        maps["source"].get(source) if source else None,
        *values[11:15],
        maps["topic"].get(primary) if primary else None,
    )


def _copy_new_works(cursor, packed: PackedWorks, new_ids: list[str], work_ids: dict[str, int], maps) -> None:
    if not new_ids:
        return
    now = timezone.now()
    with cursor.copy(f"COPY profiles_work ({', '.join(WORK_COLUMNS)}) FROM STDIN") as copy:
        for openalex_id in new_ids:
            copy.write_row(
                (work_ids[openalex_id], openalex_id, *_work_values(packed.works[openalex_id], maps), now, now)
            )


def _update_works(cursor, packed: PackedWorks, changed_ids: list[str], existing, maps) -> None:
    assignments = ", ".join(f"{column} = %s" for column in WORK_COLUMNS[2:-2])
    now = timezone.now()
    cursor.executemany(
        f"UPDATE profiles_work SET {assignments}, updated_at = %s WHERE id = %s",
        [
            (*_work_values(packed.works[openalex_id], maps), now, existing[openalex_id][0])
            for openalex_id in changed_ids
        ],
    )


def _remove_work_children(cursor, work_ids: list[int]) -> set[int]:
    """Delete the authorships and topics of changed works; return their researchers."""
    cursor.execute(
        "SELECT DISTINCT researcher_id FROM profiles_authorship WHERE work_id = ANY(%s) AND researcher_id IS NOT NULL",
        [work_ids],
    )
    researchers = {row[0] for row in cursor.fetchall()}
    cursor.execute(
        """
        DELETE FROM profiles_authorship_institutions
        WHERE authorship_id IN (SELECT id FROM profiles_authorship WHERE work_id = ANY(%s))
        """,
        [work_ids],
    )
    cursor.execute("DELETE FROM profiles_authorship WHERE work_id = ANY(%s)", [work_ids])
    cursor.execute("DELETE FROM profiles_worktopic WHERE work_id = ANY(%s)", [work_ids])
    return researchers


def _copy_children(cursor, packed: PackedWorks, work_ids: dict[str, int], maps) -> set[int]:
    """COPY the authorships, their institutions and the topics of the works in `work_ids`."""
    researchers: set[int] = set()
    researcher_map, institution_map, topic_map = maps["researcher"], maps["institution"], maps["topic"]
    authorship_count = sum(len(packed.authorships[openalex_id]) for openalex_id in work_ids)
    authorship_ids = iter(_take_ids(cursor, "profiles_authorship", authorship_count))
    institution_links = []
    with cursor.copy(f"COPY profiles_authorship ({', '.join(AUTHORSHIP_COLUMNS)}) FROM STDIN") as copy:
        for openalex_id, work_id in work_ids.items():
            for position, author_position, printed_name, author_id, institution_ids in packed.authorships[openalex_id]:
                authorship_id = next(authorship_ids)
                researcher_id = researcher_map[author_id] if author_id else None
                if researcher_id:
                    researchers.add(researcher_id)
                copy.write_row((authorship_id, work_id, researcher_id, position, author_position, printed_name))
                for institution_id in institution_ids:
                    institution_links.append((authorship_id, institution_map[institution_id]))
    if institution_links:
        with cursor.copy("COPY profiles_authorship_institutions (authorship_id, institution_id) FROM STDIN") as copy:
            for link in institution_links:
                copy.write_row(link)
    with cursor.copy("COPY profiles_worktopic (work_id, topic_id, score, is_primary) FROM STDIN") as copy:
        for openalex_id, work_id in work_ids.items():
            for topic_id, score, is_primary in packed.topics[openalex_id]:
                copy.write_row((work_id, topic_map[topic_id], score, is_primary))
    return researchers


# Full entity records ----------------------------------------------------------


def _write_complete_records(table: str, columns: tuple[str, ...], rows) -> WriteCounts:
    """Upsert full records of one kind by OpenAlex id, writing only rows whose values differ.

    A full record replaces the stub that a work's reference created, and sets
    `is_complete`, so later stubs never overwrite it.
    """
    latest = {row.openalex_id: row for row in rows}
    assignments = ", ".join(f"{column} = EXCLUDED.{column}" for column in columns)
    current = ", ".join(f"t.{column}" for column in columns)
    incoming = ", ".join(f"EXCLUDED.{column}" for column in columns)
    # Table and column names are constants of this module, never input.
    statement = f"""
        INSERT INTO {table} AS t (openalex_id, {", ".join(columns)}, is_complete)
        VALUES (%s, {", ".join(["%s"] * len(columns))}, true)
        ON CONFLICT (openalex_id) DO UPDATE SET {assignments}, is_complete = true
        WHERE ({current}, t.is_complete) IS DISTINCT FROM ({incoming}, true)
    """
    with transaction.atomic(), connection.cursor() as cursor:
        before = _ids_by_openalex(cursor, table, latest)
        changed = 0
        for row in latest.values():
            cursor.execute(statement, [row.openalex_id, *(getattr(row, column) for column in columns)])
            changed += cursor.rowcount
        return _entity_counts(len(latest), len(latest) - len(before), changed)


def write_institutions(rows: list[InstitutionRow]) -> WriteCounts:
    columns = ("display_name", "ror", "country_code", "type", "homepage_url", "web_domains")
    return _write_complete_records("profiles_institution", columns, rows)


def write_topics(rows: list[TopicRow]) -> WriteCounts:
    return _write_complete_records("profiles_topic", ("display_name", "subfield", "field", "domain"), rows)


def write_sources(rows: list[SourceRow]) -> WriteCounts:
    return _write_complete_records("profiles_source", ("display_name", "type", "host_organization_name"), rows)


def write_authors(rows: list[AuthorRow]) -> WriteCounts:
    latest = {row.openalex_id: row for row in rows}
    with transaction.atomic(), connection.cursor() as cursor:
        institutions = {
            row.institution.openalex_id: _stub_values("institution", row.institution)
            for row in latest.values()
            if row.institution
        }
        institution_ids = _insert_stubs(cursor, "institution", institutions)
        before = _ids_by_openalex(cursor, "profiles_researcher", latest)
        now = timezone.now()
        changed = 0
        researcher_ids = set()
        for row in latest.values():
            institution_id = institution_ids.get(row.institution.openalex_id) if row.institution else None
            search_name = row.search_name
            cursor.execute(
                """
                INSERT INTO profiles_researcher AS r
                    (openalex_id, orcid, display_name, name_variants, search_name, summary, auto_summary,
                     open_to_collaborate, verification_level, works_count, topics_count, close_collaborators_count,
                     claimed_close_collaborators_count, followers_count, trust_score, last_known_institution_id,
                     created_at, updated_at)
                VALUES (%s, %s, %s, %s, %s, '', '', true, 1, 0, 0, 0, 0, 0, 0, %s, %s, %s)
                ON CONFLICT (openalex_id) DO UPDATE SET
                    display_name = EXCLUDED.display_name, name_variants = EXCLUDED.name_variants,
                    search_name = EXCLUDED.search_name,
                    orcid = CASE WHEN EXCLUDED.orcid <> '' THEN EXCLUDED.orcid ELSE r.orcid END,
                    last_known_institution_id =
                        coalesce(EXCLUDED.last_known_institution_id, r.last_known_institution_id),
                    updated_at = EXCLUDED.updated_at
                WHERE (r.display_name, r.name_variants, r.search_name, r.orcid, r.last_known_institution_id)
                      IS DISTINCT FROM (EXCLUDED.display_name, EXCLUDED.name_variants, EXCLUDED.search_name,
                                        CASE WHEN EXCLUDED.orcid <> '' THEN EXCLUDED.orcid ELSE r.orcid END,
                                        coalesce(EXCLUDED.last_known_institution_id, r.last_known_institution_id))
                RETURNING id
                """,
                [
                    row.openalex_id,
                    row.orcid,
                    row.display_name[:500],
                    row.name_variants,
                    search_name,
                    institution_id,
                    now,
                    now,
                ],
            )
            returned = cursor.fetchone()
            if returned:
                changed += 1
                researcher_ids.add(returned[0])
        counts = _entity_counts(len(latest), len(latest) - len(before), changed)
        counts.researcher_ids = researcher_ids
        return counts


def _entity_counts(total: int, created: int, changed: int) -> WriteCounts:
    return WriteCounts(created=created, updated=changed - created, unchanged=total - changed)
