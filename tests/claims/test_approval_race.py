"""Two staff approving rival claims of one record at the same moment."""

import threading

import pytest
from django.db import IntegrityError, connection, transaction

from claims import services
from claims.models import Claim
from profiles.models import Researcher
from tests.claims import factories

STATEMENT = "These are my papers."
LINKS = ["https://example.edu/people/ada"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_leave_one_approved():
    researcher = factories.make_researcher("Ada Example", works=1)
    first_reviewer = factories.make_reviewer("first-reviewer@example.org")
    second_reviewer = factories.make_reviewer("second-reviewer@example.org")
    claims = [
        services.submit_claim(
            factories.make_user(f"rival{number}@example.org"), researcher, links=LINKS, statement=STATEMENT
        )
        for number in range(2)
    ]
    barrier = threading.Barrier(2)
    outcomes: dict[int, str] = {}

    def approve(claim, reviewer):
        try:
            barrier.wait(timeout=10)
            services.approve_claim(claim.pk, reviewer, "Evidence checked.")
            outcomes[claim.pk] = "approved"
        except services.ClaimError as error:
            outcomes[claim.pk] = f"refused: {error}"
        finally:
            connection.close()

    threads = [
        threading.Thread(target=approve, args=(claims[0], first_reviewer)),
        threading.Thread(target=approve, args=(claims[1], second_reviewer)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcome.split(":")[0] for outcome in outcomes.values()) == ["approved", "refused"]
    assert Claim.objects.filter(researcher=researcher, status="approved").count() == 1
    winner = Claim.objects.get(researcher=researcher, status="approved")
    loser = Claim.objects.exclude(pk=winner.pk).get(researcher=researcher)
    assert loser.status == Claim.Status.REJECTED
    assert Researcher.objects.get(pk=researcher.pk).claimed_by_id == winner.user_id


@pytest.mark.django_db
def test_database_allows_one_approved_claim():
    researcher = factories.make_researcher("Ada Example")
    Claim.objects.create(researcher=researcher, user=factories.make_user(), status="approved")
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.create(researcher=researcher, user=factories.make_user(), status="approved")


@pytest.mark.django_db
def test_database_allows_one_pending_claim_per_user():
    researcher = factories.make_researcher("Ada Example")
    user = factories.make_user()
    Claim.objects.create(researcher=researcher, user=user)
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.create(researcher=researcher, user=user)
    Claim.objects.create(researcher=researcher, user=user, status="withdrawn")
