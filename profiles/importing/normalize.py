"""Map OpenAlex entity objects to plain rows.

One normaliser per entity kind. Every field is optional, because many
records were fetched with `select=` and carry only a few keys. Both the
2022 schema (`host_venue`, Crossref-style types) and the 2023+ schema
(`primary_location`, `topics`) are read. A record that cannot become a row
raises `RecordError` with the reason.
"""

import datetime
import hashlib
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import orjson

from profiles.importing.markup import clean_name, sanitize_inline
from profiles.importing.schema import OBJECT_TYPES
from profiles.models import HYPERAUTHOR_THRESHOLD
from profiles.text import fold_for_search

OPENALEX_ID = re.compile(r"^(?:https?://openalex\.org/)?([WAITSCFPV])(\d{1,12})$", re.IGNORECASE)
ORCID_ID = re.compile(r"(\d{4}-\d{4}-\d{4}-\d{3}[\dX])$", re.IGNORECASE)
ARXIV_FROM_DOI = re.compile(r"^10\.48550/arxiv\.(.+)$", re.IGNORECASE)
ARXIV_FROM_URL = re.compile(r"arxiv\.org/(?:abs|pdf)/([^?#]+?)(?:v\d+)?(?:\.pdf)?$", re.IGNORECASE)
# Abstract positions at or beyond this are ignored (a guard against corrupt
# indexes; real abstracts have a few hundred words).
MAX_ABSTRACT_WORDS = 100_000
# OpenAlex's id for a deleted or unknown author.
PLACEHOLDER_AUTHOR_ID = "A9999999999"
# 2022 records use Crossref's type names; the 2023+ schema renamed them.
LEGACY_TYPES = {
    "journal-article": "article",
    "proceedings-article": "article",
    "posted-content": "preprint",
    "book-chapter": "book-chapter",
    "monograph": "book",
    "edited-book": "book",
    "reference-entry": "reference-entry",
    "dissertation": "dissertation",
}
KIND_NAMES = {"W": "work", "A": "author", "I": "institution", "T": "topic", "S": "source"}
UNSUPPORTED_KINDS = {"C": "concept", "F": "funder", "P": "publisher", "V": "venue"}


class RecordError(ValueError):
    """A record that cannot be imported, with the reason."""


class UnsupportedRecord(Exception):
    """A valid OpenAlex record of a kind this importer does not store."""


@dataclass(slots=True)
class InstitutionRow:
    openalex_id: str
    display_name: str
    ror: str = ""
    country_code: str = ""
    type: str = ""
    homepage_url: str = ""
    web_domains: list[str] = field(default_factory=list)


@dataclass(slots=True)
class TopicRow:
    openalex_id: str
    display_name: str
    subfield: str = ""
    field: str = ""
    domain: str = ""


@dataclass(slots=True)
class SourceRow:
    openalex_id: str
    display_name: str
    type: str = ""
    host_organization_name: str = ""


@dataclass(slots=True)
class AuthorRow:
    openalex_id: str
    display_name: str
    orcid: str = ""
    name_variants: list[str] = field(default_factory=list)
    institution: InstitutionRow | None = None
    # The display name and variants folded for search; computed here so that
    # worker processes, not the writer, pay for it.
    search_name: str = ""


@dataclass(slots=True)
class AuthorshipRow:
    position: int
    author_position: str
    printed_name: str
    author: AuthorRow | None
    institutions: list[InstitutionRow]


@dataclass(slots=True)
class WorkTopicRow:
    topic: TopicRow
    score: float
    is_primary: bool


@dataclass(slots=True)
class WorkRow:
    openalex_id: str
    record_hash: str
    title: str
    abstract: str
    type: str
    publication_year: int | None
    publication_date: datetime.date | None
    doi: str
    arxiv_id: str
    venue: str
    landing_page_url: str
    source: SourceRow | None
    cited_by_count: int
    is_retracted: bool
    authorships: list[AuthorshipRow]
    topics: list[WorkTopicRow]

    @property
    def authors_count(self) -> int:
        return len(self.authorships)

    @property
    def is_hyperauthored(self) -> bool:
        return self.authors_count > HYPERAUTHOR_THRESHOLD

    @property
    def primary_topic(self) -> TopicRow | None:
        for work_topic in self.topics:
            if work_topic.is_primary:
                return work_topic.topic
        return None


def entity_kind(data: dict) -> str:
    """Return "work", "author", "institution", "topic" or "source" for a record."""
    raw_id = data.get("id")
    if not isinstance(raw_id, str) or not raw_id:
        raise RecordError("missing the OpenAlex `id` field")
    match = OPENALEX_ID.match(raw_id.strip())
    if not match:
        if "openalex.org/" in raw_id and "/" in raw_id.rsplit("openalex.org/", 1)[1]:
            raise UnsupportedRecord(raw_id.rsplit("openalex.org/", 1)[1].split("/", 1)[0])
        raise RecordError(f"`id` {raw_id!r} is not an OpenAlex id such as https://openalex.org/W2741809807")
    letter = match.group(1).upper()
    if letter in UNSUPPORTED_KINDS:
        raise UnsupportedRecord(UNSUPPORTED_KINDS[letter])
    return KIND_NAMES[letter]


def short_id(raw) -> str:
    """Return "W123" from "https://openalex.org/W123"; "" when absent or malformed."""
    if not isinstance(raw, str):
        return ""
    match = OPENALEX_ID.match(raw.strip())
    return f"{match.group(1).upper()}{match.group(2)}" if match else ""


def normalize_orcid(raw) -> str:
    if not isinstance(raw, str):
        return ""
    match = ORCID_ID.search(raw.strip())
    return match.group(1).upper() if match else ""


def search_name(text: str) -> str:
    """Return `text` folded for search, as profiles.text.fold_for_search does, faster for ASCII."""
    if text.isascii():
        # ASCII has no accents to drop and casefolds to lower case.
        return " ".join(text.lower().split())
    return fold_for_search(text)


def _text(value, limit: int = 500) -> str:
    return clean_name(value)[:limit] if isinstance(value, str) else ""


def _int(value, default=None):
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return default


def _date(value) -> datetime.date | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError:
        return None


def web_domain(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower() if url else ""
    return host.removeprefix("www.")


def normalize_institution(data: dict) -> InstitutionRow | None:
    openalex_id = short_id(data.get("id"))
    if not openalex_id.startswith("I"):
        return None
    homepage = data.get("homepage_url") if isinstance(data.get("homepage_url"), str) else ""
    domain = web_domain(homepage)
    return InstitutionRow(
        openalex_id=openalex_id,
        display_name=_text(data.get("display_name")) or openalex_id,
        ror=_text(data.get("ror"), 64),
        country_code=_text(data.get("country_code"), 2).upper(),
        type=_text(data.get("type"), 40),
        homepage_url=homepage[:500],
        web_domains=[domain] if domain else [],
    )


def _named(value, key="display_name") -> str:
    return _text(value.get(key), 255) if isinstance(value, OBJECT_TYPES) else ""


def normalize_topic(data: dict) -> TopicRow | None:
    openalex_id = short_id(data.get("id"))
    if not openalex_id.startswith("T"):
        return None
    return TopicRow(
        openalex_id=openalex_id,
        display_name=_text(data.get("display_name")) or openalex_id,
        subfield=_named(data.get("subfield")),
        field=_named(data.get("field")),
        domain=_named(data.get("domain")),
    )


def normalize_source(data: dict) -> SourceRow | None:
    openalex_id = short_id(data.get("id"))
    if not openalex_id.startswith(("S", "V")):
        return None
    return SourceRow(
        openalex_id=openalex_id,
        display_name=_text(data.get("display_name")) or openalex_id,
        type=_text(data.get("type"), 40),
        host_organization_name=_text(data.get("host_organization_name") or data.get("publisher")),
    )


def normalize_author(data: dict) -> AuthorRow:
    openalex_id = short_id(data.get("id"))
    if not openalex_id.startswith("A"):
        raise RecordError(f"`id` {data.get('id')!r} is not an OpenAlex author id")
    name = _text(data.get("display_name"))
    if not name:
        raise RecordError("author record without a `display_name`")
    alternatives = data.get("display_name_alternatives")
    variants = []
    if isinstance(alternatives, list):
        seen = {name}
        for alternative in alternatives:
            text = _text(alternative)
            if text and text not in seen:
                seen.add(text)
                variants.append(text)
    return AuthorRow(
        openalex_id=openalex_id,
        display_name=name,
        orcid=normalize_orcid(data.get("orcid") or (data.get("ids") or {}).get("orcid")),
        name_variants=variants,
        institution=_author_institution(data),
        search_name=search_name(" ".join([name, *variants])),
    )


def _author_institution(data: dict) -> InstitutionRow | None:
    candidates = []
    if isinstance(data.get("last_known_institution"), OBJECT_TYPES):
        candidates.append(data["last_known_institution"])
    if isinstance(data.get("last_known_institutions"), list):
        candidates.extend(item for item in data["last_known_institutions"] if isinstance(item, OBJECT_TYPES))
    if isinstance(data.get("affiliations"), list):
        # Affiliations list the most recent years first.
        candidates.extend(
            item["institution"]
            for item in data["affiliations"]
            if isinstance(item, OBJECT_TYPES) and isinstance(item.get("institution"), OBJECT_TYPES)
        )
    for candidate in candidates:
        institution = normalize_institution(candidate)
        if institution:
            return institution
    return None


def rebuild_abstract(inverted_index) -> str:
    """Rebuild abstract text from OpenAlex's `abstract_inverted_index`.

    Positions that are not integers in [0, MAX_ABSTRACT_WORDS) are ignored.
    """
    if not isinstance(inverted_index, dict) or not inverted_index:
        return ""
    placed: dict[int, str] = {}
    try:
        for word, positions in inverted_index.items():
            if not isinstance(positions, list):
                raise RecordError("`abstract_inverted_index` maps a word to something other than a list of positions")
            for position in positions:
                placed[position] = word
        order = sorted(placed)
    except TypeError:
        # Unhashable or mutually unorderable positions: keep the valid ones.
        placed = {
            position: word
            for word, positions in inverted_index.items()
            for position in positions
            if _is_word_position(position)
        }
        order = sorted(placed)
    # Sorted, so checking both ends shows whether every position is valid.
    if order and not (_is_word_position(order[0]) and _is_word_position(order[-1])):
        order = [position for position in order if _is_word_position(position)]
    return " ".join([placed[position] for position in order])


def _is_word_position(position) -> bool:
    return type(position) is int and 0 <= position < MAX_ABSTRACT_WORDS


def _venue(data: dict) -> tuple[SourceRow | None, str, str]:
    location = data.get("primary_location")
    landing = ""
    source_data = None
    if isinstance(location, OBJECT_TYPES):
        landing = location.get("landing_page_url") if isinstance(location.get("landing_page_url"), str) else ""
        source_data = location.get("source") if isinstance(location.get("source"), OBJECT_TYPES) else None
    elif isinstance(data.get("host_venue"), OBJECT_TYPES):
        source_data = data["host_venue"]
        landing = source_data.get("url") if isinstance(source_data.get("url"), str) else ""
    if not source_data:
        return None, "", landing[:1000]
    name = _text(source_data.get("display_name"))
    host = _text(source_data.get("host_organization_name") or source_data.get("publisher"))
    # "arXiv (Cornell University)" reads "arXiv": the host organisation in
    # brackets repeats what the source already is. Repositories name their
    # host in brackets under other spellings too ("Zenodo (CERN European
    # Organization for Nuclear Research)"), so theirs always goes; a
    # journal's brackets ("Series B (Statistical Methodology)") stay.
    if host and name.endswith(f"({host})"):
        name = name[: -len(host) - 2].rstrip()
    elif source_data.get("type") == "repository" and name.endswith(")") and " (" in name:
        name = name[: name.rindex(" (")].rstrip()
    return normalize_source(source_data), name, landing[:1000]


def _arxiv_id(data: dict, doi: str) -> str:
    match = ARXIV_FROM_DOI.match(doi)
    if match:
        return match.group(1)[:64]
    ids = data.get("ids") if isinstance(data.get("ids"), OBJECT_TYPES) else {}
    urls = [ids.get("arxiv")]
    for location in data.get("locations") or []:
        if isinstance(location, OBJECT_TYPES):
            urls.append(location.get("landing_page_url"))
    for url in urls:
        if isinstance(url, str):
            found = ARXIV_FROM_URL.search(url)
            if found:
                return found.group(1)[:64]
    return ""


def _authorships(data: dict) -> list[AuthorshipRow]:
    raw = data.get("authorships")
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise RecordError(f"`authorships` is a {type(raw).__name__}, expected a list")
    rows: list[AuthorshipRow] = []
    seen_authors: set[str] = set()
    for item in raw:
        if not isinstance(item, OBJECT_TYPES):
            raise RecordError("an entry of `authorships` is not an object")
        author_data = item.get("author") if isinstance(item.get("author"), OBJECT_TYPES) else {}
        author_id = short_id(author_data.get("id"))
        printed = _text(item.get("raw_author_name")) or _text(author_data.get("display_name"))
        author = None
        if author_id.startswith("A") and author_id != PLACEHOLDER_AUTHOR_ID:
            if author_id in seen_authors:
                continue  # the same author twice on one work counts once
            seen_authors.add(author_id)
            display_name = _text(author_data.get("display_name")) or printed or author_id
            author = AuthorRow(
                openalex_id=author_id,
                display_name=display_name,
                orcid=normalize_orcid(author_data.get("orcid")),
                search_name=search_name(display_name),
            )
        institutions = []
        seen_institutions = set()
        for institution_data in item.get("institutions") or []:
            if isinstance(institution_data, OBJECT_TYPES):
                institution = normalize_institution(institution_data)
                if institution and institution.openalex_id not in seen_institutions:
                    seen_institutions.add(institution.openalex_id)
                    institutions.append(institution)
        rows.append(
            AuthorshipRow(
                position=len(rows),
                author_position=_text(item.get("author_position"), 10),
                printed_name=printed,
                author=author,
                institutions=institutions,
            )
        )
    return rows


def _topics(data: dict) -> list[WorkTopicRow]:
    primary = normalize_topic(data["primary_topic"]) if isinstance(data.get("primary_topic"), OBJECT_TYPES) else None
    rows: dict[str, WorkTopicRow] = {}
    for item in data.get("topics") or []:
        if not isinstance(item, OBJECT_TYPES):
            continue
        topic = normalize_topic(item)
        if topic and topic.openalex_id not in rows:
            score = item.get("score")
            rows[topic.openalex_id] = WorkTopicRow(
                topic=topic,
                score=float(score) if isinstance(score, int | float) else 0.0,
                is_primary=primary is not None and topic.openalex_id == primary.openalex_id,
            )
    if primary and primary.openalex_id not in rows:
        score = data["primary_topic"].get("score")
        rows[primary.openalex_id] = WorkTopicRow(
            topic=primary, score=float(score) if isinstance(score, int | float) else 0.0, is_primary=True
        )
    return list(rows.values())


def row_hash(row: WorkRow) -> str:
    """Hash every value a work row stores.

    The writer skips a work whose stored hash is equal, so an import of an
    unchanged record writes nothing, even when the file re-serialised it or
    changed fields that are not stored.
    """
    return hashlib.blake2b(orjson.dumps(row), digest_size=16).hexdigest()


def normalize_work(data: dict) -> WorkRow:
    openalex_id = short_id(data.get("id"))
    if not openalex_id.startswith("W"):
        raise RecordError(f"`id` {data.get('id')!r} is not an OpenAlex work id")
    raw_title = data.get("title") if data.get("title") is not None else data.get("display_name")
    if raw_title is not None and not isinstance(raw_title, str):
        raise RecordError(f"`title` is a {type(raw_title).__name__}, expected a string")
    doi = data.get("doi") if isinstance(data.get("doi"), str) else ""
    doi = re.sub(r"^https?://(dx\.)?doi\.org/", "", doi.strip(), flags=re.IGNORECASE)[:255]
    year = _int(data.get("publication_year"))
    if year is not None and not -9999 < year < 10000:
        raise RecordError(f"`publication_year` {year} is out of range")
    work_type = _text(data.get("type"), 40)
    source, venue, landing = _venue(data)
    row = WorkRow(
        openalex_id=openalex_id,
        record_hash="",
        title=sanitize_inline(raw_title),
        abstract=sanitize_inline(rebuild_abstract(data.get("abstract_inverted_index"))),
        type=LEGACY_TYPES.get(work_type, work_type),
        publication_year=year,
        publication_date=_date(data.get("publication_date")),
        doi=doi,
        arxiv_id=_arxiv_id(data, doi),
        venue=venue,
        landing_page_url=landing,
        source=source,
        cited_by_count=max(_int(data.get("cited_by_count"), 0), 0),
        is_retracted=data.get("is_retracted") is True,
        authorships=_authorships(data),
        topics=_topics(data),
    )
    row.record_hash = row_hash(row)
    return row
