from django.contrib.admin.apps import AdminConfig


class ReviewAdminConfig(AdminConfig):
    """Django's admin with the allauth login and the staff second factor (see claims.admin_site)."""

    default_site = "claims.admin_site.ReviewAdminSite"
