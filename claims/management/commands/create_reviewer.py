"""Create or update a staff account that reviews claims in Django admin."""

import getpass
import os

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

REVIEWERS_GROUP = "Claim reviewers"
REVIEWER_PERMISSIONS = ["view_claim", "review_claim", "view_claimevent"]
PASSWORD_ENVIRONMENT_VARIABLE = "BZPEER_REVIEWER_PASSWORD"  # noqa: S105 (a variable name, not a secret)


class Command(BaseCommand):
    help = (
        "Create (or update) a staff account in the 'Claim reviewers' group, with a verified email. "
        f"The password is asked twice, or read from {PASSWORD_ENVIRONMENT_VARIABLE} when set. "
        "On first admin visit the reviewer sets up an authenticator app (TOTP)."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="The reviewer's email address; it is also the login.")

    def handle(self, *args, email, **options):
        email = email.strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"{email!r} is not a valid email address.") from None

        User = get_user_model()  # noqa: N806
        user = User.objects.filter(email__iexact=email).first() or User(username=email, email=email)
        password = self._read_password(user)

        with transaction.atomic():
            user.is_staff = True
            user.is_active = True
            user.set_password(password)
            user.save()
            EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
            group, _ = Group.objects.get_or_create(name=REVIEWERS_GROUP)
            group.permissions.add(
                *Permission.objects.filter(content_type__app_label="claims", codename__in=REVIEWER_PERMISSIONS)
            )
            user.groups.add(group)

        self.stdout.write(self.style.SUCCESS(f"Reviewer {email} is ready in the group {REVIEWERS_GROUP!r}."))
        self.stdout.write(
            "Next: log in at /accounts/login/ and open /admin/. The first visit asks you to set up an "
            "authenticator app (TOTP); later logins ask for its code."
        )

    def _read_password(self, user) -> str:
        password = os.environ.get(PASSWORD_ENVIRONMENT_VARIABLE)
        if not password:
            if not os.isatty(0):
                raise CommandError(f"No terminal to ask for a password; set {PASSWORD_ENVIRONMENT_VARIABLE} instead.")
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords differ; nothing was changed.")
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError("Password rejected: " + " ".join(error.messages)) from None
        return password
