"""BZPEER settings, read from environment variables.

Development needs none of them: without `DATABASE_URL` and `REDIS_URL` the
project starts its own PostgreSQL and Redis (see `bzpeer/embedded.py`).
"""

import os
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import dj_database_url
from csp.constants import NONCE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean; use 1/0, true/false, yes/no or on/off.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_secret(name: str, default: str = "") -> str:
    """Read a secret from NAME, or from the file that NAME_FILE points to."""
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        try:
            return Path(file_path).read_text().strip()
        except OSError as error:
            raise ImproperlyConfigured(f"{name}_FILE={file_path!r} cannot be read: {error}") from None
    return os.environ.get(name, default)


def env_site_url(name: str) -> str:
    """Read a public site address such as https://bzpeer.example.org, or "" when unset."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return ""
    parts = urlsplit(raw)
    if parts.scheme not in {"http", "https"} or not parts.netloc or parts.path not in {"", "/"} or parts.query:
        raise ImproperlyConfigured(
            f"{name}={raw!r} is not a site address; give the scheme and host only, such as https://bzpeer.example.org."
        )
    return f"{parts.scheme}://{parts.netloc}"


def redis_database_url(base_url: str, database: int, *, for_celery: bool = False) -> str:
    """Return `base_url` pointed at one numbered Redis database.

    Cache and broker share one server but never one database, so flushing the
    cache cannot drop queued tasks.
    """
    parts = urlsplit(base_url)
    if parts.scheme == "unix":
        if for_celery:
            return f"redis+socket://{parts.path}?virtual_host={database}"
        query = dict(parse_qsl(parts.query))
        query["db"] = str(database)
        return f"unix://{parts.path}?{urlencode(query)}"
    if parts.scheme not in {"redis", "rediss"}:
        raise ImproperlyConfigured(
            f"REDIS_URL={base_url!r} has scheme {parts.scheme!r}; use redis://, rediss:// or unix://."
        )
    return urlunsplit((parts.scheme, parts.netloc, f"/{database}", parts.query, ""))


DEBUG = env_bool("DEBUG", default=True)
TESTING = env_bool("BZPEER_TESTING", default=False)

SECRET_KEY = env_secret("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off; set SECRET_KEY or SECRET_KEY_FILE.")
    SECRET_KEY = "development-only-key-never-use-in-production"  # noqa: S105

# The public address that emails link to (claim decisions, new messages).
# Emails sent without a request have no other way to know it. When it is
# unset, they name the page in words instead.
SITE_URL = env_site_url("SITE_URL")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # Django admin, logging in through allauth and requiring staff TOTP.
    "claims.admin_apps.ReviewAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.orcid",
    "allauth.mfa",
    "profiles",
    "graph",
    "claims",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "bzpeer.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "bzpeer.urls"
WSGI_APPLICATION = "bzpeer.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# Database ------------------------------------------------------------------

DATABASE_URL = env_str("DATABASE_URL")
EMBEDDED_POSTGRES = not DATABASE_URL
if EMBEDDED_POSTGRES:
    from bzpeer import embedded

    DATABASE_URL = embedded.postgres_url()

DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DATABASES["default"].setdefault("OPTIONS", {})
# A short connect timeout turns a missing database into a 503 page quickly
# instead of a request that hangs.
DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 5))
# The test database name can be set so that several test runs share a server.
if env_str("BZPEER_TEST_DATABASE_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": env_str("BZPEER_TEST_DATABASE_NAME")}
# A worker started by the test suite reads the test database by this name.
if env_str("BZPEER_DATABASE_NAME"):
    DATABASES["default"]["NAME"] = env_str("BZPEER_DATABASE_NAME")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: cache in database 1, Celery broker in database 2 ------------------

REDIS_URL = env_str("REDIS_URL")
EMBEDDED_REDIS = not REDIS_URL
if EMBEDDED_REDIS:
    from bzpeer import embedded

    REDIS_URL = embedded.redis_url()

CACHE_REDIS_DATABASE = env_int("REDIS_CACHE_DATABASE", 1)
BROKER_REDIS_DATABASE = env_int("REDIS_BROKER_DATABASE", 2)

CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": redis_database_url(REDIS_URL, CACHE_REDIS_DATABASE),
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "bzpeer"),
        "OPTIONS": {
            # Pages keep rendering while Redis is down: cache reads miss and
            # writes are dropped, and django-redis logs each error.
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": 1,
            "SOCKET_TIMEOUT": 1,
        },
    }
}
DJANGO_REDIS_IGNORE_EXCEPTIONS = True
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True

# Sessions live in PostgreSQL, so users stay logged in during a Redis outage.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Celery ----------------------------------------------------------------------

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or redis_database_url(
    REDIS_URL, BROKER_REDIS_DATABASE, for_celery=True
)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Hard limits stay well below the visibility timeout, so the broker never
# redelivers a task that is still running.
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 120)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 150)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 600),
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
}
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "bzpeer")

# Research graph (graph app) ----------------------------------------------------------

# A ready slice older than this is rebuilt on the next view; the rebuild keeps
# the stored payload when the input fingerprint is unchanged.
GRAPH_SLICE_MAX_AGE_SECONDS = env_int("GRAPH_SLICE_MAX_AGE_SECONDS", 24 * 3600)
# A queued build that no worker has started after this many seconds is shown
# as unavailable (worker down), with a retry control.
GRAPH_WORKER_WAIT_SECONDS = env_int("GRAPH_WORKER_WAIT_SECONDS", 20)
# After this many seconds in the queue a build may be enqueued again.
GRAPH_QUEUE_LEASE_SECONDS = env_int("GRAPH_QUEUE_LEASE_SECONDS", 60)
GRAPH_BUILD_SOFT_TIME_LIMIT = env_int("GRAPH_BUILD_SOFT_TIME_LIMIT", 20)
GRAPH_BUILD_TIME_LIMIT = env_int("GRAPH_BUILD_TIME_LIMIT", 30)
# A build lease outlives the hard time limit, so only the lease of a build
# whose worker died can expire.
GRAPH_BUILD_LEASE_SECONDS = GRAPH_BUILD_TIME_LIMIT + 15
# Fault injection (a delay or an exception) that the build task reads from the
# cache; only the test suite turns it on.
GRAPH_TEST_HOOKS = TESTING

# Accounts (django-allauth) ----------------------------------------------------

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
SITE_ID = 1
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[BZPEER] "
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_EMAIL_VERIFICATION = "mandatory"
# An email that ORCID returns is stored unverified; the adapter never marks
# a provider's email verified, so only allauth's own confirmation counts.
SOCIALACCOUNT_ADAPTER = "claims.adapters.SocialAccountAdapter"
ACCOUNT_USER_DISPLAY = "claims.adapters.user_display"
SOCIALACCOUNT_STORE_TOKENS = False
# allauth's rate limits (its defaults: login, failed logins, signup,
# password reset, email confirmation) are on. They live in the cache and
# fail closed: while Redis is unreachable, allauth cannot take its cache lock
# and returns 429 to logins, signups and password resets. Sessions live in
# PostgreSQL, so users who are logged in stay logged in during an outage.
# Behind a proxy the limits count the real client address: set
# TRUSTED_PROXY_COUNT to the number of proxies that append to
# X-Forwarded-For, or TRUSTED_CLIENT_IP_HEADER to a header that one trusted
# proxy sets (e.g. X-Real-IP). With neither, REMOTE_ADDR is used.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env_str("TRUSTED_CLIENT_IP_HEADER") or None
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "BZPEER"
# Staff need an active TOTP authenticator to open Django admin.
ADMIN_REQUIRE_MFA = env_bool("ADMIN_REQUIRE_MFA", default=True)

ORCID_CLIENT_ID = env_str("ORCID_CLIENT_ID")
ORCID_CLIENT_SECRET = env_secret("ORCID_CLIENT_SECRET")
ORCID_ENABLED = bool(ORCID_CLIENT_ID and ORCID_CLIENT_SECRET)
SOCIALACCOUNT_PROVIDERS = {
    "orcid": {
        "BASE_DOMAIN": env_str("ORCID_BASE_DOMAIN", "orcid.org"),
        "MEMBER_API": False,
        "VERIFIED_EMAIL": False,
        "APPS": ([{"client_id": ORCID_CLIENT_ID, "secret": ORCID_CLIENT_SECRET, "key": ""}] if ORCID_ENABLED else []),
    }
}

# Email -------------------------------------------------------------------------

EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "BZPEER <no-reply@bzpeer.localhost>")

# Static files -------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Security headers ------------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
if env_bool("TRUST_PROXY_HEADERS", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": [SELF, NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

# Internationalization ------------------------------------------------------------------

LANGUAGE_CODE = "en"
# locale/en rewords django-allauth's strings in the site's sentence case.
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
# Django's English formats give "Dec. 5, 2026, 12:11 a.m.", and these match the site's pages.
FORMAT_MODULE_PATH = ["bzpeer.formats"]
USE_I18N = True
USE_TZ = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "pgserver": {"level": "WARNING"}},
}
