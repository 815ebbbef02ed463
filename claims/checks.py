"""System checks for the settings that claim and message emails depend on."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def check_site_url(app_configs, **kwargs):
    """Warn in `check --deploy` when SITE_URL is unset, so that emails would carry no links."""
    if settings.SITE_URL:
        return []
    return [
        Warning(
            "SITE_URL is not set, so claim decision and message emails name pages without linking to them.",
            hint="Set SITE_URL to the site's public address, such as https://bzpeer.example.org.",
            id="claims.W001",
        )
    ]
