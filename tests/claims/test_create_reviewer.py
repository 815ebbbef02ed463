"""The create_reviewer command: a staff account that can review claims."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def test_creates_staff_reviewer(monkeypatch):
    monkeypatch.setenv("BZPEER_REVIEWER_PASSWORD", "a-long-reviewer-passphrase")
    call_command("create_reviewer", "Reviewer@Example.org")
    user = get_user_model().objects.get(email="reviewer@example.org")
    assert user.is_staff
    assert not user.is_superuser
    assert user.check_password("a-long-reviewer-passphrase")
    assert user.has_perm("claims.review_claim")
    assert user.has_perm("claims.view_claim")
    assert EmailAddress.objects.get(user=user).verified


def test_rerun_updates_existing_reviewer(monkeypatch):
    monkeypatch.setenv("BZPEER_REVIEWER_PASSWORD", "a-long-reviewer-passphrase")
    call_command("create_reviewer", "reviewer@example.org")
    monkeypatch.setenv("BZPEER_REVIEWER_PASSWORD", "another-long-passphrase")
    call_command("create_reviewer", "reviewer@example.org")
    users = get_user_model().objects.filter(email="reviewer@example.org")
    assert users.count() == 1
    assert users.get().check_password("another-long-passphrase")


def test_weak_password_rejected(monkeypatch):
    monkeypatch.setenv("BZPEER_REVIEWER_PASSWORD", "123")
    with pytest.raises(CommandError, match="Password rejected"):
        call_command("create_reviewer", "reviewer@example.org")
    assert not get_user_model().objects.exists()


def test_invalid_email_rejected(monkeypatch):
    monkeypatch.setenv("BZPEER_REVIEWER_PASSWORD", "a-long-reviewer-passphrase")
    with pytest.raises(CommandError, match="not a valid email address"):
        call_command("create_reviewer", "not-an-email")
