import pytest
from django.contrib.auth import get_user_model

from profiles.merging import MergeError, merge_researchers
from profiles.models import Authorship, Follow, Researcher, Work

pytestmark = pytest.mark.django_db


def _researcher(openalex_id, name, **fields):
    return Researcher.objects.create(openalex_id=openalex_id, display_name=name, **fields)


def _work(openalex_id, *authors):
    work = Work.objects.create(openalex_id=openalex_id, title=openalex_id, authors_count=len(authors))
    for position, author in enumerate(authors):
        Authorship.objects.create(work=work, researcher=author, position=position, printed_name=author.display_name)
    return work


@pytest.fixture
def users():
    user_model = get_user_model()
    return [user_model.objects.create_user(f"user{number}", f"user{number}@example.org") for number in range(3)]


def test_merge_moves_works_and_counts():
    target = _researcher("A1", "Maria Silva")
    duplicate = _researcher("A2", "M. Silva", orcid="0000-0002-1825-0097")
    colleague = _researcher("A3", "João Costa")
    shared = _work("W1", target, duplicate)
    _work("W2", duplicate, colleague)
    _work("W3", target, colleague)

    merged = merge_researchers(duplicate.pk, target.pk)

    assert merged.works_count == 3
    assert list(shared.authorships.values_list("researcher_id", flat=True)) == [target.pk]
    assert merged.close_collaborators_count == 1  # João Costa shares W2 and W3 now
    assert merged.orcid == "0000-0002-1825-0097"
    assert merged.name_variants == ["M. Silva"]
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id == target.pk
    assert duplicate.works_count == 0
    colleague.refresh_from_db()
    assert colleague.close_collaborators_count == 1


def test_merge_moves_follows_once(users):
    target = _researcher("A1", "Maria Silva")
    duplicate = _researcher("A2", "M. Silva")
    Follow.objects.create(user=users[0], researcher=target)
    Follow.objects.create(user=users[0], researcher=duplicate)
    Follow.objects.create(user=users[1], researcher=duplicate)

    merged = merge_researchers(duplicate.pk, target.pk)

    assert merged.followers_count == 2
    assert Follow.objects.filter(researcher=target).count() == 2
    assert Follow.objects.filter(researcher=duplicate).count() == 0


def test_merge_carries_claim_over(users):
    target = _researcher("A1", "Maria Silva")
    duplicate = _researcher("A2", "M. Silva", claimed_by=users[0], verification_level=3)

    merged = merge_researchers(duplicate.pk, target.pk)

    assert merged.claimed_by_id == users[0].pk
    assert merged.verification_level == 3
    duplicate.refresh_from_db()
    assert duplicate.claimed_by_id is None


def test_merge_rejects_rival_owners(users):
    target = _researcher("A1", "Maria Silva", claimed_by=users[0], verification_level=2)
    duplicate = _researcher("A2", "M. Silva", claimed_by=users[1], verification_level=2)
    with pytest.raises(MergeError, match="claimed by two different users"):
        merge_researchers(duplicate.pk, target.pk)
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id is None


def test_merge_rejects_different_orcids():
    target = _researcher("A1", "Maria Silva", orcid="0000-0002-1825-0097")
    duplicate = _researcher("A2", "M. Silva", orcid="0000-0001-5109-3700")
    with pytest.raises(MergeError, match="different ORCID iDs"):
        merge_researchers(duplicate.pk, target.pk)


def test_merge_rejects_self_and_chains():
    target = _researcher("A1", "Maria Silva")
    duplicate = _researcher("A2", "M. Silva")
    other = _researcher("A3", "Maria S.")
    with pytest.raises(MergeError, match="cannot be merged into itself"):
        merge_researchers(target.pk, target.pk)
    merge_researchers(duplicate.pk, target.pk)
    with pytest.raises(MergeError, match="already merged"):
        merge_researchers(duplicate.pk, other.pk)
    with pytest.raises(MergeError, match="merge into that record instead"):
        merge_researchers(other.pk, duplicate.pk)
