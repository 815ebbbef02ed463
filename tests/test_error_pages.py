import pytest
from django.contrib.auth import get_user_model

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
