import pytest
from django.contrib.auth import get_user_model

from tests.claims import factories

pytestmark = pytest.mark.django_db


def test_admin_refuses_non_staff_with_reason(client):
    user = get_user_model().objects.create_user("reader", "reader@example.org", "a-long-password-1")
    client.force_login(user)

    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 403
    page = response.content.decode()
    assert "reader@example.org is not a staff account" in page
    assert "create_reviewer" in page
    assert page.count("<h1") == 1


def test_admin_refuses_staff_without_permission_with_reason(client):
    reviewer = factories.make_reviewer("reviewer@example.org")
    client.force_login(reviewer)

    response = client.get("/admin/claims/conversation/")

    assert response.status_code == 403
    page = response.content.decode()
    assert "Your staff account (reviewer@example.org) does not have the permission for this admin page." in page
    assert "is not a staff account" not in page


def test_favicon_request_leads_to_site_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response.url.endswith("img/favicon.svg")
