from graph.builder import MAX_PEOPLE, build_payload, canonical_json, fingerprint, rank_coauthors
from graph.loading import load_slice_inputs
from profiles.models import Authorship
from tests.graph.conftest import make_researcher, make_work


def test_builder_ranks_coauthors_by_weight(small_network):
    inputs = load_slice_inputs(small_network["ada"].pk)

    ranked = rank_coauthors(inputs)

    # Ben: 1/(2-1) + 1/(3-1) = 1.5; Cy: 1/2 + 1/(5-1) = 0.75; Dee: 1/4.
    assert [(person.name, round(person.weight, 4)) for person in ranked] == [
        ("Ben Babbage", 1.5),
        ("Cy Somerville", 0.75),
        ("Dee Faraday", 0.25),
    ]
    assert [person.shared_works for person in ranked] == [2, 2, 1]


def test_builder_hyperauthored_work_adds_no_coauthors(small_network):
    payload = build_payload(load_slice_inputs(small_network["ada"].pk))

    names = [person["name"] for person in payload["people"]]
    assert not any(name.startswith("Crowd Member") for name in names)
    assert payload["totals"]["hyperauthored_works"] == 1
    assert "Large collaboration" in [work["title"] for work in payload["works"]]
    crowd_nodes = [node for node in payload["nodes"] if node["label"].startswith("Crowd Member")]
    assert crowd_nodes == []


def test_builder_lists_topics_institutions_nearby(small_network):
    payload = build_payload(load_slice_inputs(small_network["ada"].pk))

    assert [topic["name"] for topic in payload["topics"]] == [
        "Analytical engines",
        "Punched-card looms",
        "Poetical science",
    ]
    assert [(item["name"], item["works"], item["people"]) for item in payload["institutions"]] == [
        ("University of London", 1, 1)
    ]
    # Ben's own paper on a topic Ada works on is nearby; his paper on tides is not.
    assert [paper["title"] for paper in payload["nearby"]] == ["Babbage's own engine"]
    assert payload["nearby"][0]["via"] == [small_network["ben"].pk]


def test_builder_payload_is_deterministic(small_network):
    first = canonical_json(build_payload(load_slice_inputs(small_network["ada"].pk)))
    second = canonical_json(build_payload(load_slice_inputs(small_network["ada"].pk)))

    assert first == second
    assert '"x":' in first


def test_builder_layout_stays_inside_picture(small_network):
    payload = build_payload(load_slice_inputs(small_network["ada"].pk))

    width, height = payload["layout"]["width"], payload["layout"]["height"]
    center = payload["nodes"][0]
    assert (center["kind"], center["x"], center["y"]) == ("researcher", width / 2, height / 2)
    for node in payload["nodes"]:
        assert 0 <= node["x"] <= width
        assert 0 <= node["y"] <= height


def test_fingerprint_changes_with_authorship(small_network):
    ada = small_network["ada"]
    before = fingerprint(load_slice_inputs(ada.pk))
    work = Authorship.objects.filter(researcher=ada).first().work
    Authorship.objects.create(work=work, researcher=make_researcher("Eve Newcomer"), position=99)

    after = fingerprint(load_slice_inputs(ada.pk))

    assert before != after
    assert fingerprint(load_slice_inputs(ada.pk)) == after


def test_builder_caps_people_at_limit(db):
    hub = make_researcher("Hub Person")
    others = [make_researcher(f"Partner {index:03d}") for index in range(40)]
    for index, other in enumerate(others):
        make_work(f"Paper {index}", [hub, other])

    payload = build_payload(load_slice_inputs(hub.pk))

    assert len(payload["people"]) == MAX_PEOPLE
    assert payload["totals"]["coauthors"] == 40
    assert payload["people"][0]["name"] == "Partner 000"


def test_builder_researcher_without_works(db):
    loner = make_researcher("Lone Author")

    payload = build_payload(load_slice_inputs(loner.pk))

    assert [node["kind"] for node in payload["nodes"]] == ["researcher"]
    assert payload["people"] == []
    assert payload["totals"] == {"coauthors": 0, "works": 0, "hyperauthored_works": 0, "topics": 0}
