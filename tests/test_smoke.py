"""Site-wide checks: migrations, and every page in the site frame for every kind of visitor."""

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.template.loader import render_to_string
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from claims.models import Claim, Conversation, Message
from profiles.models import VerificationLevel
from tests.profiles.builders import make_researcher, make_work, refresh_counts

# Named routes that are not pages: POST-only actions, JSON and the admin.
NOT_PAGES = {
    "profiles:follow",
    "graph:retry",
    "graph:explorer_neighbours",
    "claims:withdraw",
}
# Pages a logged-out visitor cannot open: they redirect to the login page,
# which the smoke test then checks in place of the page.
LOGIN_REQUIRED = {
    "claims:submit",
    "claims:edit_profile",
    "claims:my_claims",
    "claims:detail",
    "claims:start_conversation",
    "claims:conversations",
    "claims:conversation",
}
ACCOUNT_PAGES = ["account_login", "account_signup", "account_reset_password"]


@pytest.mark.django_db
def test_no_pending_migrations():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.fixture
def site(django_user_model):
    """One member who owns a claimed record and has a pending claim on another."""
    member = django_user_model.objects.create_user(username="member", email="member@example.org", password="pw-12345")
    owned = make_researcher("Owned Record", claimed_by=member, verification_level=VerificationLevel.L2)
    other = make_researcher("Rafael Müller")
    work = make_work(other, owned, "Unlinked Author", title="Subclass <i>Distillation</i>", abstract="Text.")
    refresh_counts(owned, other)
    claim = Claim.objects.create(researcher=other, user=member, statement="These are my papers.")
    colleague = django_user_model.objects.create_user(
        username="colleague", email="colleague@example.org", password="pw-12345"
    )
    colleague_record = make_researcher(
        "Colleague Record", claimed_by=colleague, verification_level=VerificationLevel.L2
    )
    conversation = Conversation.objects.create(
        initiator=member,
        initiator_researcher=owned,
        recipient=colleague,
        recipient_researcher=colleague_record,
        subject="Shared data",
    )
    Message.objects.create(conversation=conversation, sender=member, body="Hello.")
    return {
        "member": member,
        "owned": owned,
        "other": other,
        "work": work,
        "claim": claim,
        "colleague_record": colleague_record,
        "conversation": conversation,
    }


def page_urls(site) -> dict[str, str]:
    """Return the URL of every page of the project's apps, by route name."""
    other, owned, work = site["other"], site["owned"], site["work"]
    return {
        "profiles:home": reverse("profiles:home"),
        "profiles:researcher_index": reverse("profiles:researcher_index"),
        "profiles:researcher_index?q": reverse("profiles:researcher_index") + "?q=muller",
        "profiles:researcher": reverse("profiles:researcher", args=[other.pk]),
        "profiles:work": reverse("profiles:work", args=[work.pk]),
        "profiles:work_authors": reverse("profiles:work_authors", args=[work.pk]),
        "graph:slice": reverse("graph:slice", args=[other.pk]),
        "graph:explorer": reverse("graph:explorer", args=[other.pk]),
        "claims:submit": reverse("claims:submit", args=[other.pk]),
        "claims:edit_profile": reverse("claims:edit_profile", args=[owned.pk]),
        "claims:my_claims": reverse("claims:my_claims"),
        "claims:detail": reverse("claims:detail", args=[site["claim"].pk]),
        "claims:start_conversation": reverse("claims:start_conversation", args=[site["colleague_record"].pk]),
        "claims:conversations": reverse("claims:conversations"),
        "claims:conversation": reverse("claims:conversation", args=[site["conversation"].pk]),
        **{name: reverse(name) for name in ACCOUNT_PAGES},
    }


def named_routes(patterns, namespace="") -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in {"admin"}:
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= named_routes(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name and namespace in {"profiles:", "graph:", "claims:"}:
            names.add(f"{namespace}{pattern.name}")
    return names


def assert_site_frame(response, url):
    page = BeautifulSoup(response.content.decode(), "html.parser")
    assert len(page.find_all("h1")) == 1, url
    skip_link = page.select_one("a.skip-link")
    assert skip_link is not None, url
    assert skip_link["href"] == "#main", url
    main = page.find_all("main")
    assert len(main) == 1, url
    assert main[0]["id"] == "main", url
    assert page.html["lang"] == "en", url


@pytest.mark.django_db
def test_every_app_route_is_smoked(site):
    covered = {name.split("?")[0] for name in page_urls(site)} | NOT_PAGES

    assert named_routes(get_resolver().url_patterns) <= covered


@pytest.mark.django_db
def test_pages_render_for_anonymous(client, site):
    for name, url in page_urls(site).items():
        response = client.get(url, follow=True)

        assert response.status_code == 200, url
        if name.split("?")[0] in LOGIN_REQUIRED:
            assert response.redirect_chain[-1][0].startswith(reverse("account_login")), url
        assert_site_frame(response, url)


@pytest.mark.django_db
def test_pages_render_for_member(client, site):
    client.force_login(site["member"])

    for url in page_urls(site).values():
        response = client.get(url, follow=True)

        assert response.status_code == 200, url
        assert_site_frame(response, url)


@pytest.mark.django_db
@pytest.mark.parametrize("logged_in", [False, True])
def test_not_found_page_in_site_frame(client, site, logged_in):
    if logged_in:
        client.force_login(site["member"])

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert_site_frame(response, "/no-such-page/")
    assert "Page not found" in response.content.decode()


def test_unavailable_page_needs_no_database():
    # Rendered without a request, as the middleware does while PostgreSQL is away.
    body = render_to_string("503.html", request=None)

    page = BeautifulSoup(body, "html.parser")
    assert [h1.get_text(strip=True) for h1 in page.find_all("h1")] == ["BZPEER is temporarily unavailable"]
    assert page.select_one("a.skip-link")["href"] == "#main"
    assert page.find("main")["id"] == "main"
