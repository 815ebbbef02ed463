"""Claiming a real record from the sample data, end to end through the services."""

from pathlib import Path

import pytest
from django.db.models import Count

from claims import services
from profiles.importing import run_import
from profiles.models import Researcher, VerificationLevel

pytestmark = pytest.mark.django_db

SEED_WORKS = Path(__file__).resolve().parents[2] / "data" / "sample" / "seed_example" / "works.jsonl"


def test_sample_record_claim_and_approval(claimant, reviewer):
    run_import([SEED_WORKS])
    rafael = Researcher.objects.get(display_name="Rafael Müller")
    # The worked example: L1 10 + 2 works + 2 close collaborators at 0.5 = 13.
    assert rafael.trust_score == 13
    # Close collaborators share at least two works with Rafael; their trust
    # score gains 2 points once Rafael's profile is claimed.
    close = list(
        Researcher.objects.filter(authorships__work__authorships__researcher=rafael)
        .exclude(pk=rafael.pk)
        .annotate(shared=Count("authorships"))
        .filter(shared__gte=2)
    )
    assert len(close) == 2
    before = {coauthor.pk: coauthor.trust_score for coauthor in close}

    claim = services.submit_claim(
        claimant, rafael, links=["https://example.org/rafael"], statement="These are my two papers."
    )
    services.approve_claim(claim.pk, reviewer, "The linked page lists both papers.")

    rafael.refresh_from_db()
    assert rafael.claimed_by == claimant
    assert rafael.verification_level == VerificationLevel.L2
    # L2 35 + 2 works + 1 for the close collaborators = 38.
    assert rafael.trust_score == 38
    for coauthor in Researcher.objects.filter(pk__in=before):
        assert coauthor.claimed_close_collaborators_count == 1
        assert coauthor.trust_score == before[coauthor.pk] + 2
