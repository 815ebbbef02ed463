"""Django admin pages for researchers, works, reference records and import runs."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse

from profiles.models import ImportRun, Institution, Source, Topic, WorkTopic
from tests.profiles.builders import make_researcher, make_work, refresh_counts, soup, text

# Changelists: session, user, the second-factor check (twice), the counts,
# one page of rows with their related records, and the values of each filter
# (and the date drill-down for import runs). None grows with the rows.
CHANGELIST_QUERIES = {
    "researcher": 7,
    "work": 7,
    "institution": 8,
    "topic": 9,
    "source": 8,
    "importrun": 10,
}

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, django_user_model):
    user = django_user_model.objects.create_superuser(username="staff", email="staff@example.org", password="pw-12345")
    # Staff need a second factor before any admin page opens.
    TOTP.activate(user, generate_totp_secret())
    client.force_login(user)
    return user


@pytest.fixture
def records():
    institution = Institution.objects.create(openalex_id="I98000020", display_name="Universität Wien")
    topic = Topic.objects.create(openalex_id="T98000020", display_name="Label smoothing")
    Source.objects.create(openalex_id="S98000020", display_name="arXiv (Cornell University)")
    researchers = [
        make_researcher(f"Researcher Müller {number}", last_known_institution=institution) for number in range(5)
    ]
    for number in range(5):
        work = make_work(*researchers, title=f"Distillation part {number}", primary_topic=topic)
        WorkTopic.objects.create(work=work, topic=topic, is_primary=True)
    refresh_counts(*researchers)
    ImportRun.objects.create(
        paths=["data/broken.jsonl"],
        status=ImportRun.Status.FINISHED_WITH_ERRORS,
        records_read=3,
        records_rejected=2,
        rejections=[
            {"file": "data/broken.jsonl", "line": 2, "reason": "invalid JSON: unexpected end of data"},
            {"file": "data/broken.jsonl", "line": 3, "reason": "`id` 'X1' is not an OpenAlex work id"},
        ],
    )
    return researchers


@pytest.mark.parametrize("model", sorted(CHANGELIST_QUERIES))
def test_changelist_query_count(client, staff, records, django_assert_num_queries, model):
    with django_assert_num_queries(CHANGELIST_QUERIES[model]):
        response = client.get(reverse(f"admin:profiles_{model}_changelist"))

    assert response.status_code == 200


def test_researcher_search_ignores_accents(client, staff, records):
    response = client.get(reverse("admin:profiles_researcher_changelist"), {"q": "muller 3"})

    names = [text(cell) for cell in soup(response).select("#result_list th.field-display_name")]
    assert names == ["Researcher Müller 3"]


def test_researcher_page_keeps_imports_readonly(client, staff, records):
    researcher = records[0]

    page = soup(client.get(reverse("admin:profiles_researcher_change", args=[researcher.pk])))

    assert page.select_one("textarea[name=summary]") is not None
    assert page.select_one("input[name=open_to_collaborate]") is not None
    assert page.select_one("input[name=display_name]") is None
    assert page.select_one("[name=claimed_by]") is None
    works_link = page.select_one(".field-works_link a")
    assert text(works_link) == "5 works"


def test_researcher_works_link_filters(client, staff, records):
    url = reverse("admin:profiles_work_changelist")

    response = client.get(url, {"authorships__researcher__id__exact": records[0].pk})

    titles = sorted(text(cell) for cell in soup(response).select("#result_list .field-short_title"))
    assert titles == [f"Distillation part {number}" for number in range(5)]


def test_work_page_lists_authors(client, staff, records):
    work = records[0].authorships.first().work

    page = soup(client.get(reverse("admin:profiles_work_change", args=[work.pk])))

    authors = [text(item) for item in page.select(".field-authors li")]
    assert authors == [f"Researcher Müller {number}" for number in range(5)]


def test_import_run_shows_rejections(client, staff, records):
    run = ImportRun.objects.get()

    page = soup(client.get(reverse("admin:profiles_importrun_change", args=[run.pk])))

    rows = [[text(cell) for cell in row.select("td")] for row in page.select(".field-rejections_table tbody tr")]
    assert rows == [
        ["data/broken.jsonl", "2", "invalid JSON: unexpected end of data"],
        ["data/broken.jsonl", "3", "`id` 'X1' is not an OpenAlex work id"],
    ]
    assert page.select_one("input[type=submit][name=_save]") is None


def test_imported_records_cannot_be_added(client, staff):
    for model in ["researcher", "work", "institution", "topic", "source", "importrun"]:
        assert client.get(reverse(f"admin:profiles_{model}_add")).status_code == 403


def test_admin_refuses_anonymous(client):
    response = client.get(reverse("admin:profiles_researcher_changelist"))

    assert response.status_code == 302
