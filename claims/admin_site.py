"""The Django admin site: login through allauth, and staff need a second factor.

Admin login goes through allauth's login view (with its rate limits and the
TOTP step) instead of the admin's own password form. A staff account without
an active TOTP authenticator is sent to set one up before any admin page opens,
unless ADMIN_REQUIRE_MFA is off.
"""

from allauth.account.decorators import secure_admin_login
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import admin, messages
from django.shortcuts import redirect

MFA_REQUIRED_MESSAGE = (
    "Staff accounts need two-factor authentication. Set up an authenticator app here, then open the admin again."
)


def has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class ReviewAdminSite(admin.AdminSite):
    site_header = "BZPEER staff"
    site_title = "BZPEER staff"
    index_title = "Review and data"

    def has_permission(self, request):
        if not super().has_permission(request):
            return False
        return not settings.ADMIN_REQUIRE_MFA or has_totp(request.user)

    def login(self, request, extra_context=None):
        user = request.user
        if user.is_authenticated and user.is_active and user.is_staff and not self.has_permission(request):
            messages.warning(request, MFA_REQUIRED_MESSAGE)
            return redirect("mfa_activate_totp")
        return secure_admin_login(super().login)(request, extra_context)
