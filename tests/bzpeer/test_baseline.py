"""The reliability and security baseline, pinned so that a settings change cannot drop it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from profiles.models import Researcher

PROJECT_DIR = Path(__file__).resolve().parent.parent.parent


def test_celery_task_delivery_settings():
    assert settings.CELERY_TASK_ACKS_LATE is True
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST is True
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert settings.CELERY_TASK_SOFT_TIME_LIMIT < settings.CELERY_TASK_TIME_LIMIT < visibility
    assert visibility > settings.GRAPH_BUILD_TIME_LIMIT


def test_sessions_and_cache_survive_redis_outage():
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    assert settings.CACHES["default"]["BACKEND"] == "django_redis.cache.RedisCache"
    assert settings.CACHES["default"]["OPTIONS"]["IGNORE_EXCEPTIONS"] is True
    assert settings.DJANGO_REDIS_IGNORE_EXCEPTIONS is True


def test_database_errors_become_503():
    assert "bzpeer.middleware.DatabaseUnavailableMiddleware" in settings.MIDDLEWARE
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    assert settings.DATABASES["default"]["OPTIONS"]["connect_timeout"] <= 10


@pytest.mark.django_db
def test_pages_send_security_headers(client):
    researcher = Researcher.objects.create(openalex_id="A1", display_name="Ada Example")

    # django-csp adds the nonce to the header only on pages whose scripts use
    # it, such as the explorer.
    response = client.get(f"/researchers/{researcher.pk}/explorer/")

    policy = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy
    assert "script-src 'self' 'nonce-" in policy
    nonce = policy.split("'nonce-", 1)[1].split("'", 1)[0]
    page = response.content.decode()
    assert f'nonce="{nonce}"' in page
    assert '"allowEval": false' in page
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_deploy_check_is_clean_in_production():
    # Only the production variables below: the test session's own (test
    # settings, DJANGO_ALLOW_ASYNC_UNSAFE from the browser tests) stay out.
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_URL", "REDIS_", "BZPEER_", "CACHE_KEY", "CELERY_", "DJANGO_"))
    }
    environment.update(
        DEBUG="0",
        SECRET_KEY="a-production-secret-key-that-is-long-and-random-enough-for-the-deploy-check",
        ALLOWED_HOSTS="bzpeer.example",
        SITE_URL="https://bzpeer.example",
        DATABASE_URL="postgres://bzpeer@db.internal:5432/bzpeer",
        REDIS_URL="redis://cache.internal:6379/0",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_warns_without_site_url(settings):
    from claims.checks import check_site_url

    settings.SITE_URL = ""
    assert [warning.id for warning in check_site_url(None)] == ["claims.W001"]
    settings.SITE_URL = "https://bzpeer.example"
    assert check_site_url(None) == []
