import copy

import pytest
from django.conf import settings
from django.db import OperationalError
from django.test import RequestFactory, override_settings

from bzpeer.middleware import DatabaseUnavailableMiddleware
from profiles.models import Researcher

# The project's own cache settings, pointed at a socket where no Redis listens.
UNREACHABLE_REDIS = copy.deepcopy(settings.CACHES)
UNREACHABLE_REDIS["default"]["LOCATION"] = "unix:///nonexistent/redis.sock?db=1"


@pytest.mark.django_db
def test_database_error_gives_503_page():
    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    request = RequestFactory().get("/researchers/")
    response = middleware.process_exception(request, OperationalError("connection refused"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "temporarily unavailable" in response.content.decode()


def test_other_errors_pass_through():
    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    request = RequestFactory().get("/")
    assert middleware.process_exception(request, ValueError("bug")) is None


@pytest.mark.django_db
def test_profile_renders_without_redis(client):
    researcher = Researcher.objects.create(openalex_id="A1", display_name="Ada Example")
    with override_settings(CACHES=UNREACHABLE_REDIS):
        from django.core.cache import caches

        caches["default"].close()
        response = client.get(researcher.get_absolute_url())
    assert response.status_code == 200
    assert "Ada Example" in response.content.decode()
