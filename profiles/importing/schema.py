"""A typed decoder for the fields of an OpenAlex Work that the importer stores.

Decoding a full work into Python dicts costs more than everything else the
importer does with it, and most of its bytes (concepts, referenced works,
counts by year, MeSH terms, affiliation strings) are never stored. msgspec
skips fields a struct does not declare without building them, which halves
the decoding time of real works. Values keep their JSON types (`Any`) and
only the nesting is typed. A record whose nesting differs (an author that is
a string, say) fails to decode here and goes through the generic decoder.

The structs support `get()` and `[]` like dicts, so the normaliser reads them
and plain dicts the same way.
"""

from typing import Any

import msgspec

UNSET = msgspec.UNSET
# Lines whose "id" comes first and names a work use this decoder; other
# lines (entities of other kinds, API list responses) use orjson.
WORK_ID_MARKERS = (b'{"id":"https://openalex.org/W', b'{"id": "https://openalex.org/W')


class RecordObject(msgspec.Struct, kw_only=True):
    """A JSON object decoded into declared fields only, read like a dict."""

    def get(self, key: str, default=None):
        value = getattr(self, key, UNSET)
        return default if value is UNSET else value

    def __getitem__(self, key: str):
        value = getattr(self, key, UNSET)
        if value is UNSET:
            raise KeyError(key)
        return value


class NamedObject(RecordObject, kw_only=True):
    id: Any = UNSET
    display_name: Any = UNSET


class InstitutionObject(RecordObject, kw_only=True):
    id: Any = UNSET
    display_name: Any = UNSET
    ror: Any = UNSET
    country_code: Any = UNSET
    type: Any = UNSET


class AuthorObject(RecordObject, kw_only=True):
    id: Any = UNSET
    display_name: Any = UNSET
    orcid: Any = UNSET


class AuthorshipObject(RecordObject, kw_only=True):
    author_position: Any = UNSET
    raw_author_name: Any = UNSET
    author: AuthorObject | None = UNSET
    institutions: list[InstitutionObject] | None = UNSET


class TopicObject(RecordObject, kw_only=True):
    id: Any = UNSET
    display_name: Any = UNSET
    score: Any = UNSET
    subfield: NamedObject | None = UNSET
    field: NamedObject | None = UNSET
    domain: NamedObject | None = UNSET


class SourceObject(RecordObject, kw_only=True):
    id: Any = UNSET
    display_name: Any = UNSET
    type: Any = UNSET
    host_organization_name: Any = UNSET
    publisher: Any = UNSET
    url: Any = UNSET


class LocationObject(RecordObject, kw_only=True):
    landing_page_url: Any = UNSET
    source: SourceObject | None = UNSET


class WorkObject(RecordObject, kw_only=True):
    id: Any = UNSET
    doi: Any = UNSET
    title: Any = UNSET
    display_name: Any = UNSET
    publication_year: Any = UNSET
    publication_date: Any = UNSET
    type: Any = UNSET
    primary_location: LocationObject | None = UNSET
    host_venue: SourceObject | None = UNSET
    locations: list[LocationObject] | None = UNSET
    ids: dict[str, Any] | None = UNSET
    cited_by_count: Any = UNSET
    is_retracted: Any = UNSET
    authorships: list[AuthorshipObject] | None = UNSET
    abstract_inverted_index: dict[str, list[int]] | None = UNSET
    primary_topic: TopicObject | None = UNSET
    topics: list[TopicObject] | None = UNSET


# Objects the normaliser accepts where the JSON has an object.
OBJECT_TYPES = (dict, RecordObject)
WORK_DECODER = msgspec.json.Decoder(WorkObject)


def decode_work_line(line: bytes) -> WorkObject | None:
    """Decode a work line into a WorkObject; None when it needs the generic decoder."""
    if not line.startswith(WORK_ID_MARKERS):
        return None
    try:
        return WORK_DECODER.decode(line)
    except (msgspec.ValidationError, msgspec.DecodeError):
        return None
