"""The slice builder: a pure function from loaded rows to a JSON payload.

Nothing here touches the database. `graph.loading` reads the rows, the task
stores the result, and `graph.svg` draws the payload. The same rows always
give the same payload, byte for byte once serialised by `canonical_json()`:
every list is sorted on a total key, and coordinates and weights are rounded.
"""

import hashlib
import json
import math
from collections import defaultdict
from dataclasses import dataclass, field

import networkx as nx

from profiles.text import strip_markup

# Bump when the payload format or the ranking changes, so that stored slices
# get a new fingerprint and are rebuilt.
BUILDER_VERSION = 1

MAX_PEOPLE = 25
MAX_WORKS = 20
MAX_NEARBY = 15
MAX_TOPICS = 10
MAX_INSTITUTIONS = 10

# Labels drawn in the picture; the lists beside it name every node.
LABELLED_PEOPLE = 8
LABELLED_TOPICS = 5
LABELLED_INSTITUTIONS = 3
LABEL_MAX_CHARS = 24
# Estimated size of a 15 px label in picture units, for the overlap check.
LABEL_CHAR_WIDTH = 8.0
LABEL_HEIGHT = 20.0

LAYOUT_SEED = 20240601
LAYOUT_ITERATIONS = 40
LAYOUT_WIDTH = 800
LAYOUT_HEIGHT = 560
LAYOUT_MARGIN = 40

# Starting radius (in layout units) of each kind's ring around the researcher.
_RING_RADIUS = {"person": 0.45, "institution": 0.7, "work": 0.8, "topic": 1.0, "nearby": 1.2}


@dataclass(frozen=True)
class WorkRow:
    id: int
    # Sanitized HTML as stored; the builder keeps the text of the works it draws.
    title: str
    year: int | None
    type: str
    cited_by: int
    authors_count: int
    is_hyperauthored: bool


@dataclass(frozen=True)
class NearbyRow:
    id: int
    title: str
    year: int | None
    cited_by: int
    # Selected co-authors who wrote it, and the researcher's topics it carries.
    via: tuple[int, ...]
    topic_ids: tuple[int, ...]


@dataclass(frozen=True)
class SliceInputs:
    researcher_id: int
    researcher_name: str
    works: tuple[WorkRow, ...]
    # (work id, co-author id) for every other known author of a work that is
    # not hyperauthored.
    coauthorships: tuple[tuple[int, int], ...]
    # (researcher id, display name) of the selected co-authors.
    people: tuple[tuple[int, str], ...]
    # (work id, topic id, score, is primary) for the researcher's works.
    work_topics: tuple[tuple[int, int, float, bool], ...]
    # (topic id, display name, OpenAlex id).
    topics: tuple[tuple[int, str, str], ...]
    # (researcher id, institution id, works) for the researcher and the
    # selected co-authors; co-authors count shared works only.
    affiliations: tuple[tuple[int, int, int], ...] = ()
    # (institution id, display name, country code, OpenAlex id).
    institutions: tuple[tuple[int, str, str, str], ...] = ()
    nearby: tuple[NearbyRow, ...] = field(default=())


@dataclass(frozen=True)
class RankedPerson:
    id: int
    name: str
    weight: float
    shared_works: int


def canonical_json(value) -> str:
    """Serialise `value` with sorted keys and no spaces: the stored form of a payload."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def fingerprint(inputs: SliceInputs) -> str:
    """Return the SHA-256 of the input rows and the builder version.

    The repr of the frozen dataclasses lists every field in order and is
    several times faster to produce than JSON for a few thousand rows.
    """
    return hashlib.sha256(f"{BUILDER_VERSION}:{inputs!r}".encode()).hexdigest()


# Ranking ----------------------------------------------------------------------


def rank_coauthors(inputs: SliceInputs) -> list[RankedPerson]:
    """Rank co-authors by shared works, each weighted by 1 / (authors - 1).

    A work shared by two authors adds 1; one shared by eleven adds 0.1.
    Hyperauthored works never reach `coauthorships`, so they add nothing.
    """
    authors_per_work = {work.id: work.authors_count for work in inputs.works}
    known_per_work: dict[int, int] = defaultdict(lambda: 1)  # the researcher
    for work_id, _ in inputs.coauthorships:
        known_per_work[work_id] += 1
    names = dict(inputs.people)
    weights: dict[int, float] = defaultdict(float)
    shared: dict[int, int] = defaultdict(int)
    for work_id, person_id in inputs.coauthorships:
        # authors_count also counts authors without an id; it can lag behind
        # the known authorships only in inconsistent data.
        authors = max(authors_per_work.get(work_id, 0), known_per_work[work_id])
        weights[person_id] += 1 / (authors - 1)
        shared[person_id] += 1
    ranked = [
        RankedPerson(id=person_id, name=names.get(person_id, ""), weight=weights[person_id], shared_works=count)
        for person_id, count in shared.items()
    ]
    ranked.sort(key=lambda person: (-round(person.weight, 9), -person.shared_works, person.id))
    return ranked


def select_coauthors(inputs: SliceInputs) -> list[RankedPerson]:
    return rank_coauthors(inputs)[:MAX_PEOPLE]


def rank_topics(inputs: SliceInputs) -> list[dict]:
    """Rank the researcher's topics by how many of their works carry each one."""
    names = {topic_id: (name, openalex_id) for topic_id, name, openalex_id in inputs.topics}
    works: dict[int, int] = defaultdict(int)
    primary: dict[int, int] = defaultdict(int)
    for _work_id, topic_id, _score, is_primary in inputs.work_topics:
        works[topic_id] += 1
        primary[topic_id] += int(is_primary)
    ranked = [
        {
            "id": topic_id,
            "name": names.get(topic_id, ("", ""))[0],
            "openalex_id": names.get(topic_id, ("", ""))[1],
            "works": count,
            "primary_works": primary[topic_id],
        }
        for topic_id, count in works.items()
    ]
    ranked.sort(key=lambda topic: (-topic["works"], -topic["primary_works"], topic["name"], topic["id"]))
    return ranked


def select_topic_ids(inputs: SliceInputs) -> list[int]:
    return [topic["id"] for topic in rank_topics(inputs)[:MAX_TOPICS]]


def nearby_sort_key(row: NearbyRow) -> tuple:
    """Order nearby papers: most shared topics, most collaborators, most cited, newest."""
    return (-len(row.topic_ids), -len(row.via), -row.cited_by, -(row.year or 0), row.id)


# Building -------------------------------------------------------------------------


def build_payload(inputs: SliceInputs) -> dict:
    """Compute the slice payload (nodes with layout, edges and lists) from `inputs`."""
    all_people = rank_coauthors(inputs)
    people = all_people[:MAX_PEOPLE]
    person_ids = {person.id for person in people}
    all_topics = rank_topics(inputs)
    topics = all_topics[:MAX_TOPICS]
    topic_ids = {topic["id"] for topic in topics}

    coauthors_by_work: dict[int, set[int]] = defaultdict(set)
    for work_id, person_id in inputs.coauthorships:
        if person_id in person_ids:
            coauthors_by_work[work_id].add(person_id)
    topics_by_work: dict[int, set[int]] = defaultdict(set)
    for work_id, topic_id, _score, _primary in inputs.work_topics:
        if topic_id in topic_ids:
            topics_by_work[work_id].add(topic_id)

    works = sorted(
        inputs.works,
        key=lambda work: (-len(coauthors_by_work[work.id]), -work.cited_by, -(work.year or 0), work.id),
    )[:MAX_WORKS]
    nearby = sorted(
        (row for row in inputs.nearby if set(row.via) & person_ids and set(row.topic_ids) & topic_ids),
        key=nearby_sort_key,
    )[:MAX_NEARBY]
    institutions, affiliation_edges = _select_institutions(inputs, person_ids)

    center = f"researcher:{inputs.researcher_id}"
    nodes: list[dict] = [
        {"id": center, "kind": "researcher", "ref": inputs.researcher_id, "label": inputs.researcher_name}
    ]
    edges: list[tuple[str, str, str, float]] = []
    for rank, person in enumerate(people):
        node_id = f"researcher:{person.id}"
        nodes.append({"id": node_id, "kind": "person", "ref": person.id, "label": person.name, "rank": rank})
        edges.append((center, node_id, "coauthor", person.weight))
    for rank, work in enumerate(works):
        node_id = f"work:{work.id}"
        nodes.append({"id": node_id, "kind": "work", "ref": work.id, "label": strip_markup(work.title), "rank": rank})
        edges.append((center, node_id, "authored", 1.0))
        edges.extend((f"researcher:{person_id}", node_id, "authored", 0.5) for person_id in coauthors_by_work[work.id])
        edges.extend((node_id, f"topic:{topic_id}", "about", 0.5) for topic_id in topics_by_work[work.id])
    for rank, row in enumerate(nearby):
        node_id = f"nearby:{row.id}"
        nodes.append({"id": node_id, "kind": "nearby", "ref": row.id, "label": strip_markup(row.title), "rank": rank})
        edges.extend(
            (f"researcher:{person_id}", node_id, "authored", 0.5) for person_id in row.via if person_id in person_ids
        )
        edges.extend(
            (node_id, f"topic:{topic_id}", "about", 0.5) for topic_id in row.topic_ids if topic_id in topic_ids
        )
    for rank, topic in enumerate(topics):
        node_id = f"topic:{topic['id']}"
        nodes.append({"id": node_id, "kind": "topic", "ref": topic["id"], "label": topic["name"], "rank": rank})
        # Every topic is one of the researcher's, and the edge keeps topics
        # whose works are not drawn from drifting off on their own.
        edges.append((center, node_id, "studies", 0.3))
    for rank, institution in enumerate(institutions):
        node_id = f"institution:{institution['id']}"
        nodes.append(
            {"id": node_id, "kind": "institution", "ref": institution["id"], "label": institution["name"], "rank": rank}
        )
    edges.extend(affiliation_edges)

    positions = _layout(nodes, edges, center)
    for node in nodes:
        node["x"], node["y"] = positions[node["id"]]
        node["short_label"] = _shorten(node["label"])
    _choose_labels(nodes)

    edge_rows = sorted({(source, target, kind) for source, target, kind, _ in edges})
    hyperauthored = sum(1 for work in inputs.works if work.is_hyperauthored)
    return {
        "builder": BUILDER_VERSION,
        "researcher": {"id": inputs.researcher_id, "name": inputs.researcher_name},
        "layout": {"width": LAYOUT_WIDTH, "height": LAYOUT_HEIGHT, "seed": LAYOUT_SEED},
        "nodes": nodes,
        "edges": [{"source": source, "target": target, "kind": kind} for source, target, kind in edge_rows],
        "people": [
            {
                "id": person.id,
                "name": person.name,
                "weight": round(person.weight, 4),
                "shared_works": person.shared_works,
            }
            for person in people
        ],
        "works": [
            {
                "id": work.id,
                "title": strip_markup(work.title),
                "year": work.year,
                "type": work.type,
                "cited_by": work.cited_by,
                "hyperauthored": work.is_hyperauthored,
            }
            for work in works
        ],
        "nearby": [
            {
                "id": row.id,
                "title": strip_markup(row.title),
                "year": row.year,
                "cited_by": row.cited_by,
                "via": [person.id for person in people if person.id in row.via],
                "topics": [topic["id"] for topic in topics if topic["id"] in row.topic_ids],
            }
            for row in nearby
        ],
        "topics": topics,
        "institutions": institutions,
        "totals": {
            "coauthors": len(all_people),
            "works": len(inputs.works),
            "hyperauthored_works": hyperauthored,
            "topics": len(all_topics),
        },
    }


def _select_institutions(inputs: SliceInputs, person_ids: set[int]) -> tuple[list[dict], list[tuple]]:
    """Pick the researcher's institutions first, then those of the selected co-authors."""
    details = {row[0]: row for row in inputs.institutions}
    own: dict[int, int] = defaultdict(int)
    members: dict[int, set[int]] = defaultdict(set)
    shared_works: dict[int, int] = defaultdict(int)
    for researcher_id, institution_id, works in inputs.affiliations:
        if researcher_id == inputs.researcher_id:
            own[institution_id] += works
        elif researcher_id in person_ids:
            members[institution_id].add(researcher_id)
            shared_works[institution_id] += works

    def sort_key(institution_id: int) -> tuple:
        name = details.get(institution_id, (0, ""))[1]
        return (
            -own[institution_id],
            -len(members[institution_id]),
            -shared_works[institution_id],
            name,
            institution_id,
        )

    chosen = sorted(set(own) | set(members), key=sort_key)[:MAX_INSTITUTIONS]
    institutions = []
    edges = []
    for institution_id in chosen:
        _, name, country, openalex_id = details.get(institution_id, (institution_id, "", "", ""))
        institutions.append(
            {
                "id": institution_id,
                "name": name,
                "country": country,
                "openalex_id": openalex_id,
                "works": own[institution_id],
                "people": len(members[institution_id]),
            }
        )
        node_id = f"institution:{institution_id}"
        if own[institution_id]:
            edges.append((f"researcher:{inputs.researcher_id}", node_id, "affiliated", 1.0))
        edges.extend(
            (f"researcher:{person_id}", node_id, "affiliated", 0.5) for person_id in sorted(members[institution_id])
        )
    return institutions, edges


def _layout(nodes: list[dict], edges: list[tuple], center: str) -> dict[str, tuple[float, float]]:
    """Place nodes with a seeded spring layout, started from one ring per kind.

    The researcher stays fixed in the middle. Coordinates are scaled to the
    picture and rounded to 0.1, so tiny floating-point differences between
    runs do not reach the payload.
    """
    graph = nx.Graph()
    by_kind: dict[str, list[str]] = defaultdict(list)
    for node in nodes:
        graph.add_node(node["id"])
        by_kind[node["kind"]].append(node["id"])
    for source, target, _kind, weight in edges:
        if graph.has_edge(source, target):
            graph[source][target]["weight"] += weight
        else:
            graph.add_edge(source, target, weight=weight)

    start = {center: (0.0, 0.0)}
    for kind, radius in _RING_RADIUS.items():
        members = by_kind.get(kind, [])
        # Each ring starts at its own angle so that kinds interleave.
        offset = list(_RING_RADIUS).index(kind) * 0.7
        for index, node_id in enumerate(members):
            angle = offset + 2 * math.pi * index / max(len(members), 1)
            start[node_id] = (radius * math.cos(angle), radius * math.sin(angle))

    if len(nodes) > 1:
        positions = nx.spring_layout(
            graph,
            pos=start,
            fixed=[center],
            k=1.5 / math.sqrt(len(nodes)),
            iterations=LAYOUT_ITERATIONS,
            weight="weight",
            seed=LAYOUT_SEED,
        )
    else:
        positions = start
    return _fit_to_picture({node_id: (float(x), float(y)) for node_id, (x, y) in positions.items()}, center)


def _fit_to_picture(positions: dict[str, tuple[float, float]], center: str) -> dict[str, tuple[float, float]]:
    """Spread the nodes evenly around the researcher, then scale them to the picture.

    A spring layout packs well-connected nodes into a dense core. Each node
    keeps its direction from the researcher, but its distance becomes its
    rank among all distances, so the core opens up and outliers come in.
    """
    center_x, center_y = positions[center]
    polar = sorted(
        (math.hypot(x - center_x, y - center_y), node_id, math.atan2(y - center_y, x - center_x))
        for node_id, (x, y) in positions.items()
        if node_id != center
    )
    half_width = LAYOUT_WIDTH / 2 - LAYOUT_MARGIN
    half_height = LAYOUT_HEIGHT / 2 - LAYOUT_MARGIN
    placed = {center: (LAYOUT_WIDTH / 2, LAYOUT_HEIGHT / 2)}
    for rank, (_distance, node_id, angle) in enumerate(polar):
        radius = 0.25 + 0.75 * (rank + 1) / len(polar)
        placed[node_id] = (
            round(LAYOUT_WIDTH / 2 + radius * math.cos(angle) * half_width, 1),
            round(LAYOUT_HEIGHT / 2 + radius * math.sin(angle) * half_height, 1),
        )
    return placed


def _choose_labels(nodes: list[dict]) -> None:
    """Set `show_label` on the nodes whose label is drawn: the highest ranked, without overlaps.

    Label boxes are estimated (LABEL_CHAR_WIDTH per character); a label that
    would overlap one already placed is left to the lists and the tooltip.
    """
    limits = {"person": LABELLED_PEOPLE, "topic": LABELLED_TOPICS, "institution": LABELLED_INSTITUTIONS}
    priority = {"researcher": 0, "person": 1, "topic": 2, "institution": 3}
    candidates = sorted(
        (
            node
            for node in nodes
            if node["kind"] == "researcher" or node.get("rank", math.inf) < limits.get(node["kind"], 0)
        ),
        key=lambda node: (priority[node["kind"]], node.get("rank", 0)),
    )
    placed: list[tuple[float, float, float, float]] = []
    for node in nodes:
        node["show_label"] = False
    for node in candidates:
        width = LABEL_CHAR_WIDTH * len(node["short_label"]) + 16
        # Labels run right of the node, or left of it near the right edge
        # (as graph.svg draws them).
        left = node["x"] + 10 if node["x"] <= LAYOUT_WIDTH - 160 else node["x"] - 10 - width
        box = (left, node["y"] - LABEL_HEIGHT / 2, left + width, node["y"] + LABEL_HEIGHT / 2)
        if any(box[0] < other[2] and other[0] < box[2] and box[1] < other[3] and other[1] < box[3] for other in placed):
            continue
        placed.append(box)
        node["show_label"] = True


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= LABEL_MAX_CHARS:
        return text
    return text[: LABEL_MAX_CHARS - 1].rstrip() + "…"
