import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from bzpeer.settings import env_bool, env_int, env_list, env_secret, env_site_url, redis_database_url

PROJECT_DIR = Path(__file__).resolve().parent.parent.parent


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("yes", True), ("On", True), ("0", False), ("false", False)]
)
def test_env_bool_reads_common_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("BZPEER_FLAG", raw)
    assert env_bool("BZPEER_FLAG", default=not expected) is expected


def test_env_bool_rejects_unknown_value(monkeypatch):
    monkeypatch.setenv("BZPEER_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match=r"BZPEER_FLAG='maybe' is not a boolean"):
        env_bool("BZPEER_FLAG", default=False)


def test_env_int_rejects_text(monkeypatch):
    monkeypatch.setenv("BZPEER_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match=r"BZPEER_NUMBER='ten' is not an integer"):
        env_int("BZPEER_NUMBER", 3)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", ""),
        ("https://bzpeer.example.org", "https://bzpeer.example.org"),
        (" https://bzpeer.example.org/ ", "https://bzpeer.example.org"),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
    ],
)
def test_env_site_url_keeps_scheme_and_host(monkeypatch, raw, expected):
    monkeypatch.setenv("SITE_URL", raw)
    assert env_site_url("SITE_URL") == expected


@pytest.mark.parametrize("raw", ["bzpeer.example.org", "ftp://bzpeer.example.org", "https://example.org/bzpeer"])
def test_env_site_url_rejects_other_values(monkeypatch, raw):
    monkeypatch.setenv("SITE_URL", raw)
    with pytest.raises(ImproperlyConfigured, match=r"is not a site address; give the scheme and host only"):
        env_site_url("SITE_URL")


def test_env_list_splits_and_trims(monkeypatch):
    monkeypatch.setenv("BZPEER_HOSTS", " a.example , b.example,, ")
    assert env_list("BZPEER_HOSTS", []) == ["a.example", "b.example"]


def test_env_secret_reads_file(monkeypatch, tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text("from-a-file\n")
    monkeypatch.setenv("BZPEER_TOKEN_FILE", str(secret_file))
    assert env_secret("BZPEER_TOKEN") == "from-a-file"


def test_env_secret_missing_file_is_clear(monkeypatch, tmp_path):
    monkeypatch.setenv("BZPEER_TOKEN_FILE", str(tmp_path / "absent"))
    with pytest.raises(ImproperlyConfigured, match=r"BZPEER_TOKEN_FILE=.*cannot be read"):
        env_secret("BZPEER_TOKEN")


def test_redis_url_gets_database_number():
    assert redis_database_url("redis://cache.internal:6379/0", 2) == "redis://cache.internal:6379/2"
    assert redis_database_url("rediss://:pw@cache.internal:6380", 1) == "rediss://:pw@cache.internal:6380/1"


def test_redis_socket_url_for_cache_and_celery():
    assert redis_database_url("unix:///srv/redis.sock", 1) == "unix:///srv/redis.sock?db=1"
    assert redis_database_url("unix:///srv/redis.sock", 2, for_celery=True) == (
        "redis+socket:///srv/redis.sock?virtual_host=2"
    )


def test_redis_url_rejects_other_scheme():
    with pytest.raises(ImproperlyConfigured, match=r"use redis://, rediss:// or unix://"):
        redis_database_url("http://cache.internal", 1)


def _load_settings(tmp_path, **env):
    """Import the settings in a fresh interpreter and print what they started."""
    script = (
        "import bzpeer.settings as s, bzpeer.embedded as e;"
        "print(sorted(e.started_here), s.DATABASES['default']['HOST'], s.CACHES['default']['LOCATION'])"
    )
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "REDIS_CACHE_DATABASE", "REDIS_BROKER_DATABASE"}
    }
    environment.update(BZPEER_DATA_DIR=str(tmp_path / "data"), **env)
    return subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT_DIR, env=environment, capture_output=True, text=True, check=False
    )


def test_settings_with_urls_start_nothing(tmp_path):
    result = _load_settings(
        tmp_path, DATABASE_URL="postgres://bzpeer@db.internal:5432/bzpeer", REDIS_URL="redis://cache.internal:6379/0"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["[]", "db.internal", "redis://cache.internal:6379/1"]
    assert not (tmp_path / "data" / "postgres").exists()
    assert not (tmp_path / "data" / "redis.sock").exists()


def test_production_settings_require_secret_key(tmp_path):
    result = _load_settings(
        tmp_path,
        DEBUG="0",
        SECRET_KEY="",
        DATABASE_URL="postgres://bzpeer@db.internal:5432/bzpeer",
        REDIS_URL="redis://cache.internal:6379/0",
    )
    assert result.returncode != 0
    assert "SECRET_KEY is required when DEBUG is off" in result.stderr
