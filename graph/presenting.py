"""Shape stored payloads and explorer filters for the templates."""

from dataclasses import dataclass

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


@dataclass(frozen=True)
class ExplorerFilters:
    kinds: frozenset[str]
    year_from: int | None
    year_to: int | None
    year_min: int | None
    year_max: int | None

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


def _year(raw: str | None, low: int | None, high: int | None) -> int | None:
    try:
        value = int(raw or "")
    except ValueError:
        return None
    if low is not None and high is not None:
        value = max(low, min(value, high))
    return value


def read_explorer_filters(query, years: tuple[int | None, int | None]) -> ExplorerFilters:
    """Read ?kind=...&from=YYYY&to=YYYY; no kind given means every kind."""
    chosen = frozenset(kind for kind in query.getlist("kind") if kind in EXPLORER_KINDS)
    low, high = years
    return ExplorerFilters(
        kinds=chosen or frozenset(EXPLORER_KINDS),
        year_from=_year(query.get("from"), low, high),
        year_to=_year(query.get("to"), low, high),
        year_min=low,
        year_max=high,
    )


def filter_lists(hood, filters: ExplorerFilters) -> dict:
    """Return the explorer's lists narrowed to the chosen kinds and years; None for a hidden kind."""
    return {
        "people": [p for p in hood.people if filters.in_years(p["first_year"], p["last_year"])]
        if filters.shows("person")
        else None,
        "works": [w for w in hood.works if filters.in_years(w["year"], w["year"])] if filters.shows("work") else None,
        "topics": hood.topics if filters.shows("topic") else None,
        "institutions": [i for i in hood.institutions if filters.in_years(i["first_year"], i["last_year"])]
        if filters.shows("institution")
        else None,
    }
