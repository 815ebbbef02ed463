"""Evidence a user has for a researcher record: ORCID sign-in and institutional email.

Only facts the site checked itself count: the uid of an ORCID sign-in (the
ORCID iD that ORCID's OAuth flow returned) and email addresses that allauth
marks verified. Emails that ORCID returns are stored unverified and never count.
"""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount

ORCID_PROVIDER = "orcid"


@dataclass(frozen=True)
class Evidence:
    # The claimant's ORCID iD from ORCID sign-in, whether or not it matches.
    orcid_signed_in: str
    # That iD when it equals the record's ORCID iD, else "".
    orcid_match: str
    # The first verified email of the claimant at a web domain of the
    # record's institution, else "".
    institutional_email: str
    verified_emails: tuple[str, ...]

    @property
    def proves_identity(self) -> bool:
        """True when the evidence earns verification level L3."""
        return bool(self.orcid_match or self.institutional_email)


def normalize_orcid(value: str) -> str:
    value = value.strip().upper()
    for prefix in ("HTTPS://ORCID.ORG/", "HTTP://ORCID.ORG/"):
        if value.startswith(prefix):
            value = value[len(prefix) :]
    return value


def normalize_domain(domain: str) -> str:
    domain = domain.strip().lower().rstrip(".")
    return domain.removeprefix("www.")


def email_matches_domains(email: str, domains: list[str]) -> bool:
    """True when the email's domain is one of `domains` or a subdomain of one."""
    email_domain = email.rpartition("@")[2].lower()
    for domain in map(normalize_domain, domains):
        if domain and (email_domain == domain or email_domain.endswith("." + domain)):
            return True
    return False


def verified_emails(user) -> list[str]:
    return list(
        EmailAddress.objects.filter(user=user, verified=True)
        .order_by("-primary", "email")
        .values_list("email", flat=True)
    )


def has_verified_email(user) -> bool:
    return user.is_authenticated and EmailAddress.objects.filter(user=user, verified=True).exists()


def orcid_of(user) -> str:
    uid = (
        SocialAccount.objects.filter(user=user, provider=ORCID_PROVIDER)
        .order_by("pk")
        .values_list("uid", flat=True)
        .first()
    )
    return normalize_orcid(uid) if uid else ""


def institution_domains(researcher) -> list[str]:
    institution = researcher.last_known_institution
    return list(institution.web_domains) if institution else []


def find_evidence(user, researcher) -> Evidence:
    signed_in = orcid_of(user)
    record_orcid = normalize_orcid(researcher.orcid) if researcher.orcid else ""
    emails = verified_emails(user)
    domains = institution_domains(researcher)
    institutional = next((email for email in emails if email_matches_domains(email, domains)), "")
    return Evidence(
        orcid_signed_in=signed_in,
        orcid_match=signed_in if signed_in and signed_in == record_orcid else "",
        institutional_email=institutional,
        verified_emails=tuple(emails),
    )
