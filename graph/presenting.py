"""Shape stored payloads and explorer filters for the templates."""

from dataclasses import dataclass, field

from graph.svg import KIND_NAMES, legend_swatch, render_slice_svg

EXPLORER_KINDS = {"person": "People", "work": "Works", "topic": "Topics", "institution": "Institutions"}


def present_payload(payload: dict | None) -> dict | None:
    """Return the payload with the picture and the names the lists need."""
    if not payload:
        return None
    people = {person["id"]: person["name"] for person in payload["people"]}
    topics = {topic["id"]: topic["name"] for topic in payload["topics"]}
    nearby = [
        {
            **paper,
            "via_people": [{"id": person_id, "name": people.get(person_id, "")} for person_id in paper["via"]],
            "topic_names": [topics.get(topic_id, "") for topic_id in paper["topics"]],
        }
        for paper in payload["nearby"]
    ]
    kinds_present = {node["kind"] for node in payload["nodes"]}
    legend = [
        {"kind": kind, "name": name, "swatch": legend_swatch(kind)}
        for kind, name in KIND_NAMES.items()
        if kind in kinds_present
    ]
    totals = payload["totals"]
    return {
        **payload,
        "nearby": nearby,
        "svg": render_slice_svg(payload),
        "legend": legend,
        "people_hidden": max(totals["coauthors"] - len(payload["people"]), 0),
        "works_hidden": max(totals["works"] - len(payload["works"]), 0),
        "topics_hidden": max(totals["topics"] - len(payload["topics"]), 0),
    }


# Years the explorer's year filter accepts. Values outside are typing
# mistakes (20150, 215) rather than publication years, so they get a message.
EARLIEST_YEAR = 1000
LATEST_YEAR = 2100
YEAR_FIELDS = {"from": "From", "to": "To"}
# Maximum length of a rejected value repeated in its error message.
MAX_ECHOED_CHARS = 20


@dataclass(frozen=True)
class ExplorerFilters:
    kinds: frozenset[str]
    year_from: int | None
    year_to: int | None
    year_min: int | None
    year_max: int | None
    # The year fields as typed, shown again in the form beside any error.
    year_inputs: dict[str, str] = field(default_factory=dict)
    year_errors: tuple[str, ...] = ()

    def shows(self, kind: str) -> bool:
        return kind in self.kinds

    def in_years(self, first: int | None, last: int | None) -> bool:
        """True when the span [first, last] overlaps the chosen years; unknown years always show."""
        if first is None and last is None:
            return True
        first = first if first is not None else last
        last = last if last is not None else first
        if self.year_from is not None and last < self.year_from:
            return False
        return not (self.year_to is not None and first > self.year_to)

    @property
    def kind_choices(self) -> list[dict]:
        return [
            {"value": value, "label": label, "checked": value in self.kinds} for value, label in EXPLORER_KINDS.items()
        ]


def _echo(raw: str) -> str:
    return raw if len(raw) <= MAX_ECHOED_CHARS else raw[:MAX_ECHOED_CHARS] + "…"


def _read_year(name: str, raw: str) -> tuple[int | None, str | None]:
    """Parse one year field into (year, None), (None, None) when empty, or (None, error message)."""
    label = YEAR_FIELDS[name]
    if not raw:
        return None, None
    if not (raw.isascii() and raw.isdigit()):
        return None, f"{label} ({_echo(raw)}) is not a year. Enter a year such as 2015, or leave the box empty."
    year = int(raw)
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        return None, (
            f"{label} ({_echo(raw)}) is not between {EARLIEST_YEAR} and {LATEST_YEAR}. "
            "Enter a year in that range, or leave the box empty."
        )
    return year, None


def read_explorer_filters(query, years: tuple[int | None, int | None]) -> ExplorerFilters:
    """Read ?kind=...&from=YYYY&to=YYYY; no kind given means every kind.

    An invalid or reversed year range is reported in `year_errors`, and then
    neither year filters the lists.
    """
    chosen = frozenset(kind for kind in query.getlist("kind") if kind in EXPLORER_KINDS)
    inputs = {name: query.get(name, "").strip() for name in YEAR_FIELDS}
    year_from, from_error = _read_year("from", inputs["from"])
    year_to, to_error = _read_year("to", inputs["to"])
    errors = [error for error in (from_error, to_error) if error]
    if year_from is not None and year_to is not None and year_from > year_to:
        errors.append(f"From ({year_from}) is after To ({year_to}). Swap the years or clear one of them.")
    low, high = years
    return ExplorerFilters(
        kinds=chosen or frozenset(EXPLORER_KINDS),
        year_from=None if errors else year_from,
        year_to=None if errors else year_to,
        year_min=low,
        year_max=high,
        year_inputs=inputs,
        year_errors=tuple(errors),
    )


@dataclass(frozen=True)
class ExplorerRow:
    """One row of an explorer list, rendered hidden when the filters leave it out."""

    item: dict
    shown: bool
    first_year: int | None
    last_year: int | None


@dataclass(frozen=True)
class ExplorerList:
    """One kind's list beside the drawing. Every row is rendered, so the script can filter in place."""

    kind: str
    shown: bool
    rows: list[ExplorerRow]

    @property
    def shown_count(self) -> int:
        return sum(row.shown for row in self.rows)


def _explorer_list(kind: str, items: list[dict], filters: ExplorerFilters, years) -> ExplorerList:
    rows = []
    for item in items:
        first, last = years(item)
        rows.append(ExplorerRow(item=item, shown=filters.in_years(first, last), first_year=first, last_year=last))
    return ExplorerList(kind=kind, shown=filters.shows(kind), rows=rows)


def filter_lists(hood, filters: ExplorerFilters) -> dict[str, ExplorerList]:
    """Return the explorer's lists with each row marked shown or hidden by the chosen kinds and years.

    Topics carry no years, so the year range never hides one. The drawing
    applies the same rule to topic nodes.
    """
    return {
        "people": _explorer_list("person", hood.people, filters, lambda p: (p["first_year"], p["last_year"])),
        "works": _explorer_list("work", hood.works, filters, lambda w: (w["year"], w["year"])),
        "topics": _explorer_list("topic", hood.topics, filters, lambda t: (None, None)),
        "institutions": _explorer_list(
            "institution", hood.institutions, filters, lambda i: (i["first_year"], i["last_year"])
        ),
    }
