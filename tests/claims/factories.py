"""Users, researchers and claims built with the ORM for the accounts, claims and follows tests."""

import itertools

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from profiles.models import Authorship, Institution, Researcher, VerificationLevel, Work

PASSWORD = "correct-horse-battery-staple"
_sequence = itertools.count(1)


def make_user(email=None, *, verified=True, **fields):
    email = email or f"user{next(_sequence)}@example.org"
    user = get_user_model().objects.create_user(username=email, email=email, password=PASSWORD, **fields)
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    return user


def add_email(user, email, *, verified=True):
    return EmailAddress.objects.create(user=user, email=email, verified=verified, primary=False)


def make_reviewer(email=None, *, with_totp=True, with_permission=True):
    user = make_user(email or f"staff{next(_sequence)}@example.org", is_staff=True)
    if with_permission:
        codenames = ["view_claim", "review_claim"]
        user.user_permissions.add(*Permission.objects.filter(content_type__app_label="claims", codename__in=codenames))
    if with_totp:
        activate_totp(user)
    return user


def activate_totp(user) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    return secret


def make_institution(name="University of Example", domains=("example.edu",)):
    number = next(_sequence)
    return Institution.objects.create(
        openalex_id=f"I{9000 + number}",
        display_name=name,
        web_domains=list(domains),
        is_complete=True,
    )


def make_researcher(name="Ada Example", *, orcid="", institution=None, works=0, **fields):
    number = next(_sequence)
    researcher = Researcher.objects.create(
        openalex_id=f"A{5000000 + number}",
        display_name=name,
        orcid=orcid,
        last_known_institution=institution,
        verification_level=fields.pop("verification_level", VerificationLevel.L1),
        **fields,
    )
    for _ in range(works):
        add_work(researcher)
    return researcher


def add_work(*researchers, hyperauthored=False):
    number = next(_sequence)
    work = Work.objects.create(
        openalex_id=f"W{7000000 + number}",
        title=f"Work number {number}",
        publication_year=2020,
        authors_count=len(researchers),
        is_hyperauthored=hyperauthored,
    )
    for position, researcher in enumerate(researchers):
        Authorship.objects.create(
            work=work, researcher=researcher, position=position, printed_name=researcher.display_name
        )
    return work
