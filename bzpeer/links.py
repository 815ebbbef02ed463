"""Absolute links for messages sent outside a request, such as emails."""

from django.conf import settings


def site_link(path: str) -> str:
    """Return `path` on the public address in settings.SITE_URL, or "" when SITE_URL is unset."""
    if not settings.SITE_URL:
        return ""
    return f"{settings.SITE_URL}{path}"
