# The same people and records as the claim tests.
from tests.claims.conftest import claimant, institution, other_user, researcher, reviewer  # noqa: F401
