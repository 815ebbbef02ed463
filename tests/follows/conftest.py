import pytest

from tests.claims import factories


@pytest.fixture
def claimant(db):
    return factories.make_user("claimant@example.org")


@pytest.fixture
def other_user(db):
    return factories.make_user("other@example.org")


@pytest.fixture
def reviewer(db):
    return factories.make_reviewer("reviewer@example.org")


@pytest.fixture
def institution(db):
    return factories.make_institution("University of Example", ["example.edu"])


@pytest.fixture
def researcher(institution):
    return factories.make_researcher("Ada Example", orcid="0000-0002-1642-628X", institution=institution, works=2)
