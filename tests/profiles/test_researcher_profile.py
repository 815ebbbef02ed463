"""The researcher profile page, on rows created through the ORM and on Rafael Müller's two bundled works."""

from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from profiles.importing import run_import
from profiles.models import Authorship, Institution, Researcher, VerificationLevel, Work
from tests.profiles.builders import make_researcher, make_work, refresh_counts, soup, text

SEED_WORKS = Path(__file__).resolve().parents[2] / "data" / "sample" / "seed_example" / "works.jsonl"

# Queries of one profile page, whatever the number of works: the researcher,
# the works count and one page of works. A logged-in visitor adds the session,
# the user and what the Actions, Identity and Direct collaboration sections
# ask about the viewer (follow, claim, verified email, own profile).
# The Research graph section reads the slice row; on a first view it also
# creates the row, claims the build and reads the row again.
PROFILE_FRAGMENT_QUERIES = 3
GRAPH_FIRST_VIEW_QUERIES = 4
GRAPH_READY_QUERIES = 1
PROFILE_QUERIES_ANONYMOUS = 3 + GRAPH_FIRST_VIEW_QUERIES
PROFILE_QUERIES_LOGGED_IN = 9 + GRAPH_FIRST_VIEW_QUERIES

SECTION_TITLES_AND_LEADS = [
    ("Trust snapshot", "Quick read"),
    ("Actions", "Decide how to stay connected"),
    ("Identity and collaboration", "How to connect with this researcher"),
    ("Direct collaboration", "Open a focused conversation when the fit is right"),
    ("Research graph", "See the researcher in context"),
]

pytestmark = pytest.mark.django_db


def profile_url(researcher: Researcher) -> str:
    return reverse("profiles:researcher", args=[researcher.pk])


@pytest.fixture
def trio():
    """Three co-authors of two works: the worked example of the trust score."""
    ada = make_researcher("Ada Lovelace")
    grace = make_researcher("Grace Hopper")
    alan = make_researcher("Alan Turing")
    make_work(ada, grace, alan, publication_year=2019, publication_date=date(2019, 5, 1), venue="arXiv")
    make_work(ada, grace, alan, publication_year=2021, publication_date=date(2021, 3, 2), venue="Nature")
    refresh_counts(ada, grace, alan)
    return ada, grace, alan


@pytest.fixture
def member(django_user_model):
    return django_user_model.objects.create_user(username="member", email="member@example.org", password="pw-12345")


def test_profile_header_identity_lines(client, trio):
    ada = trio[0]

    page = soup(client.get(profile_url(ada)))

    header = page.select_one(".profile-header")
    assert text(header.select_one(".eyebrow")) == "Researcher profile"
    assert [text(h1) for h1 in page.find_all("h1")] == ["Ada Lovelace"]
    assert text(header.select_one(".summary")) == "Author of 2 published works indexed from OpenAlex."
    assert text(header.select_one(".affiliation")) == "Affiliation not imported"
    assert text(header.select_one(".badge-open")) == "Open to collaborate"
    assert page.title.string == "Ada Lovelace · BZPEER"


def test_profile_header_affiliation_and_closed(client):
    institution = Institution.objects.create(
        openalex_id="I98000001", display_name="Université de Genève", country_code="CH"
    )
    researcher = make_researcher(
        "Marie Curie", last_known_institution=institution, open_to_collaborate=False, orcid="0000-0002-1825-0097"
    )

    page = soup(client.get(profile_url(researcher)))

    header = page.select_one(".profile-header")
    assert text(header.select_one(".affiliation")) == "Université de Genève (CH)"
    assert header.select_one(".badge-open") is None
    assert "Open to collaborate" not in text(header)
    assert header.find("a", href="https://orcid.org/0000-0002-1825-0097") is not None
    # Without works or topics the summary falls back to a neutral sentence.
    assert text(header.select_one(".summary")) == "Researcher profile built from open scholarly metadata."


def test_profile_sections_in_design_order(client, trio):
    page = soup(client.get(profile_url(trio[0])))

    sections = page.select("main section.card")
    assert sections[0] is page.select_one(".profile-header")
    titles_and_leads = [(text(section.find("h2")), text(section.select_one(".lead"))) for section in sections[1:]]
    assert titles_and_leads == [*SECTION_TITLES_AND_LEADS, ("Published work", "2 published items")]


def test_trust_snapshot_worked_example(client, trio):
    page = soup(client.get(profile_url(trio[0])))

    trust = page.select_one("section.trust")
    assert text(trust.select_one(".trust-score")) == "Trust 13 - Unverified"
    assert "Verification L1" in text(trust)
    assert "Unclaimed author" in text(trust)
    counts = {text(block.dt): text(block.dd) for block in trust.select(".counts > div")}
    assert counts == {"Works": "2", "Followers": "0", "Topics": "0", "Close collaborators": "2"}


def test_trust_breakdown_lists_components(client, trio):
    page = soup(client.get(profile_url(trio[0])))

    breakdown = page.select_one("section.trust details.breakdown")
    assert text(breakdown.summary) == "How the trust score is computed"
    rows = {text(row.th): text(row.select_one("td.number")) for row in breakdown.select("tbody tr")}
    assert rows == {
        "Verification level": "10",
        "ORCID iD": "0",
        "Known institution": "0",
        "Published works": "2",
        "Close collaborators": "1",
        "Claimed close collaborators": "0",
    }
    assert text(breakdown.select_one("tfoot td.number")) == "13"


def test_trust_snapshot_claimed_owner(client, trio, member):
    ada = trio[0]
    ada.claimed_by = member
    ada.verification_level = VerificationLevel.L2
    ada.save(update_fields=["claimed_by", "verification_level"])
    refresh_counts(ada)

    trust = soup(client.get(profile_url(ada))).select_one("section.trust")

    assert text(trust.select_one(".trust-score")) == "Trust 38 - Claimed"
    assert "Verification L2" in text(trust)
    assert "Claimed author" in text(trust)
    assert "Unclaimed author" not in text(trust)


@pytest.mark.parametrize(
    ("works", "lead"), [(0, "0 published items"), (1, "1 published item"), (2, "2 published items")]
)
def test_published_item_count_plural(client, works, lead):
    researcher = make_researcher("Count Example")
    for _ in range(works):
        make_work(researcher)

    section = soup(client.get(profile_url(researcher))).select_one("section.works")

    assert text(section.select_one(".lead")) == lead
    assert len(section.select(".work-item")) == works
    if works == 0:
        assert "No works imported for this researcher yet." in text(section)


def test_work_item_shows_type_year_venue(client):
    researcher = make_researcher("Item Example")
    make_work(
        researcher,
        type="preprint",
        publication_year=2020,
        venue="arXiv",
        title="On <i>E. coli</i> and CO<sub>2</sub>",
        abstract="Short abstract &amp; more.",
    )

    item = soup(client.get(profile_url(researcher))).select_one("section.works .work-item")

    assert text(item.select_one(".work-type")) == "preprint"
    assert text(item.select_one(".work-year")) == "2020"
    assert text(item.select_one(".work-venue")) == "arXiv"
    title = item.select_one(".work-title a")
    assert text(title) == "On E. coli and CO 2"
    assert title.i.string == "E. coli"
    assert title.sub.string == "2"
    assert text(item.select_one(".abstract")) == "Short abstract & more."
    assert item.select_one(".abstract details") is None


def test_long_abstract_folded_with_preview(client):
    researcher = make_researcher("Abstract Example")
    words = [f"word{number}" for number in range(200)]
    make_work(researcher, abstract=" ".join(words))

    abstract = soup(client.get(profile_url(researcher))).select_one("section.works .abstract")

    preview = text(abstract.select_one(".abstract-preview"))
    assert preview.startswith("word0 word1")
    assert "word49" in preview
    assert "word50" not in preview
    details = abstract.select_one("details")
    assert details is not None
    assert "open" not in details.attrs
    assert text(details.summary).startswith("Read the full abstract")
    assert text(details.p) == " ".join(words)


def test_works_newest_first_twenty_per_page(client):
    researcher = make_researcher("Prolific Example")
    for year in range(1980, 2025):  # 45 works, one per year
        make_work(researcher, publication_year=year, title=f"Paper of {year}")
    make_work(researcher, publication_year=None, title="Paper of an unknown year")

    first = soup(client.get(profile_url(researcher)))
    last = soup(client.get(profile_url(researcher), {"page": 3}))

    first_years = [text(year) for year in first.select("section.works .work-year")]
    assert first_years == [str(year) for year in range(2024, 2004, -1)]
    last_titles = [text(title) for title in last.select("section.works .work-title")]
    assert last_titles == [*(f"Paper of {year}" for year in range(1984, 1979, -1)), "Paper of an unknown year"]
    assert text(first.select_one("section.works .lead")) == "46 published items"


def test_works_page_links_without_javascript(client):
    researcher = make_researcher("Paged Example")
    for year in range(1980, 2025):
        make_work(researcher, publication_year=year)

    page = soup(client.get(profile_url(researcher), {"page": 2}))

    nav = page.select_one("section.works nav.pagination")
    assert nav["aria-label"] == "Pages of published work"
    links = {text(link): link["href"] for link in nav.select("a")}
    assert links == {
        "Previous page": "?page=1#works",
        "Page 1": "?page=1#works",
        "Page 3": "?page=3#works",
        "Next page": "?page=3#works",
    }
    assert text(nav.select_one("[aria-current=page]")) == "Page 2"
    assert "Page 2 of 3, items 21–40 of 45" in text(nav)
    # An out-of-range page number shows the last page.
    beyond = soup(client.get(profile_url(researcher), {"page": 99}))
    assert len(beyond.select("section.works .work-item")) == 5


@pytest.mark.parametrize("number", ["0", "-1", "many"])
def test_works_page_below_one_shows_first(client, number):
    researcher = make_researcher("Paged Example")
    for year in range(1980, 2025):
        make_work(researcher, publication_year=year)

    page = soup(client.get(profile_url(researcher), {"page": number}))

    assert "Page 1 of 3, items 1–20 of 45" in text(page.select_one("section.works nav.pagination"))
    assert text(page.select_one("section.works .work-year")) == "2024"


def test_trust_counts_use_singular_and_plural(client):
    single = make_researcher("Single Example", works_count=1, followers_count=1, topics_count=1)
    several = make_researcher("Several Example", works_count=2, followers_count=0, topics_count=3)

    single_labels = [text(label) for label in soup(client.get(profile_url(single))).select("section.trust dt")]
    several_labels = [text(label) for label in soup(client.get(profile_url(several))).select("section.trust dt")]

    assert single_labels == ["Work", "Follower", "Topic", "Close collaborators"]
    assert several_labels == ["Works", "Followers", "Topics", "Close collaborators"]


def test_works_fragment_for_htmx(client, django_assert_num_queries):
    researcher = make_researcher("Fragment Example")
    for year in range(1990, 2015):
        make_work(researcher, publication_year=year)

    with django_assert_num_queries(PROFILE_FRAGMENT_QUERIES):
        response = client.get(
            profile_url(researcher), {"page": 2}, headers={"HX-Request": "true", "HX-Target": "works"}
        )

    body = response.content.decode()
    assert "<html" not in body
    assert body.strip().startswith('<section class="card works" id="works"')
    assert [text(year) for year in soup(response).select(".work-year")] == [str(year) for year in range(1994, 1989, -1)]
    assert "HX-Request" in response["Vary"]


def test_history_restore_gets_full_page(client):
    researcher = make_researcher("History Example")
    make_work(researcher)

    response = client.get(
        profile_url(researcher),
        headers={"HX-Request": "true", "HX-Target": "works", "HX-History-Restore-Request": "true"},
    )

    assert "<html" in response.content.decode()
    assert [text(h1) for h1 in soup(response).find_all("h1")] == ["History Example"]


def test_hyperauthored_work_listed_for_author(client):
    researcher = make_researcher("Collaboration Member")
    others = [f"Physicist {number}" for number in range(60)]
    make_work(researcher, *others, title="Observation of a new particle")
    refresh_counts(researcher)

    page = soup(client.get(profile_url(researcher)))

    assert [text(title) for title in page.select("section.works .work-title")] == ["Observation of a new particle"]
    assert text(page.select_one("section.works .lead")) == "1 published item"


def test_retracted_work_flagged_in_list(client):
    researcher = make_researcher("Retraction Example")
    make_work(researcher, is_retracted=True)

    item = soup(client.get(profile_url(researcher))).select_one(".work-item")

    assert text(item.select_one(".badge-retracted")) == "Retracted"


def test_merged_profile_redirects_to_target(client):
    target = make_researcher("Kept Record")
    merged = make_researcher("Merged Record", merged_into=target)

    response = client.get(profile_url(merged))

    assert response.status_code == 301
    assert response["Location"] == profile_url(target)


def test_unknown_profile_not_found_page(client):
    response = client.get(reverse("profiles:researcher", args=[987654321]))

    assert response.status_code == 404
    page = soup(response)
    assert [text(h1) for h1 in page.find_all("h1")] == ["Page not found"]
    assert page.select_one("a.skip-link")["href"] == "#main"


def _researcher_with_works(count: int) -> Researcher:
    researcher = make_researcher(f"Author of {count}")
    works = Work.objects.bulk_create(
        Work(
            openalex_id=f"W97{count:04d}{number:05d}",
            title=f"Work {number}",
            abstract="word " * (150 if number % 2 else 10),
            type="article",
            publication_year=1900 + number % 120,
            venue="Journal of Examples",
        )
        for number in range(count)
    )
    Authorship.objects.bulk_create(
        Authorship(work=work, researcher=researcher, position=0, printed_name=researcher.display_name) for work in works
    )
    refresh_counts(researcher)
    return researcher


@pytest.mark.parametrize("works", [2, 500])
def test_profile_queries_independent_of_works(client, django_assert_num_queries, works):
    researcher = _researcher_with_works(works)

    with django_assert_num_queries(PROFILE_QUERIES_ANONYMOUS):
        response = client.get(profile_url(researcher))

    assert text(soup(response).select_one("section.works .lead")) == f"{works} published items"


def test_profile_renders_ready_slice_inline(client, django_assert_num_queries):
    from graph.services import run_build

    researcher = _researcher_with_works(2)
    assert run_build(researcher.pk, any_state=True).result == "stored"

    with django_assert_num_queries(PROFILE_QUERIES_ANONYMOUS - GRAPH_FIRST_VIEW_QUERIES + GRAPH_READY_QUERIES):
        response = client.get(profile_url(researcher))

    graph = soup(response).select_one("section.graph")
    assert graph.select_one("svg") is not None
    assert "Building this graph slice" not in text(graph)


@pytest.mark.parametrize("works", [2, 500])
def test_profile_queries_logged_in(client, member, django_assert_num_queries, works):
    researcher = _researcher_with_works(works)
    client.force_login(member)

    with django_assert_num_queries(PROFILE_QUERIES_LOGGED_IN):
        response = client.get(profile_url(researcher))

    assert response.status_code == 200


def test_seed_example_profile_values(client):
    run_import([SEED_WORKS])
    rafael = Researcher.objects.get(display_name="Rafael Müller")

    page = soup(client.get(profile_url(rafael)))

    assert [text(h1) for h1 in page.find_all("h1")] == ["Rafael Müller"]
    assert text(page.select_one(".profile-header .affiliation")) == "Affiliation not imported"
    trust = page.select_one("section.trust")
    assert text(trust.select_one(".trust-score")) == "Trust 13 - Unverified"
    assert "Verification L1" in text(trust)
    assert "Unclaimed author" in text(trust)
    counts = {text(block.dt): text(block.dd) for block in trust.select(".counts > div")}
    assert counts == {"Works": "2", "Followers": "0", "Topic": "1", "Close collaborators": "2"}
    works = page.select_one("section.works")
    assert text(works.select_one(".lead")) == "2 published items"
    items = works.select(".work-item")
    assert len(items) == 2
    for item in items:
        assert text(item.select_one(".work-type")) == "preprint"
        assert text(item.select_one(".work-year")) == "2020"
        assert text(item.select_one(".work-venue")) == "arXiv"


def test_seed_example_titles_and_abstracts(client):
    run_import([SEED_WORKS])
    rafael = Researcher.objects.get(display_name="Rafael Müller")

    page = soup(client.get(profile_url(rafael)))

    titles = sorted(text(title) for title in page.select("section.works .work-title"))
    assert titles == ["Subclass Distillation", "When Does Label Smoothing Help?"]
    for item in page.select("section.works .work-item"):
        assert text(item.select_one(".abstract")) != ""
    summary = text(page.select_one(".profile-header .summary"))
    assert summary.startswith("Publishes on ")


def test_profile_search_engine_description(client, trio):
    page = soup(client.get(profile_url(trio[0])))

    description = page.find("meta", attrs={"name": "description"})["content"]
    assert description == "Ada Lovelace: Author of 2 published works indexed from OpenAlex."


def test_profile_user_model_is_django_default():
    # The tests above create users with a username; the project keeps Django's user model.
    assert get_user_model()._meta.label == "auth.User"


def test_work_without_type_says_so(client):
    researcher = make_researcher("Untyped Example")
    make_work(researcher, type="", publication_year=2020)

    page = soup(client.get(profile_url(researcher)))

    assert text(page.select_one("section.works .work-type")) == "type not imported"
