"""The trust score: one pure function from a researcher's facts to a score.

Claims and imports change the facts (level, ORCID iD, counts); the formula
lives only here.
"""

from dataclasses import dataclass

LEVEL_POINTS = {0: 0, 1: 10, 2: 35, 3: 50}
LEVEL_LABELS = {0: "Unverified", 1: "Unverified", 2: "Claimed", 3: "Verified"}
ORCID_POINTS = 5
INSTITUTION_POINTS = 5
WORK_POINTS, WORK_CAP = 1, 15
COLLABORATOR_POINTS, COLLABORATOR_CAP = 0.5, 10
CLAIMED_COLLABORATOR_POINTS, CLAIMED_COLLABORATOR_CAP = 2, 10


@dataclass(frozen=True)
class TrustFacts:
    verification_level: int
    has_orcid: bool
    has_institution: bool
    works_count: int
    close_collaborators_count: int
    claimed_close_collaborators_count: int


@dataclass(frozen=True)
class TrustComponent:
    name: str
    points: float
    explanation: str


@dataclass(frozen=True)
class TrustScore:
    score: int
    label: str
    level: int
    components: tuple[TrustComponent, ...]

    @property
    def level_name(self) -> str:
        return f"L{self.level}"


def _plural(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"


def compute_trust(facts: TrustFacts) -> TrustScore:
    level = facts.verification_level
    level_explanations = {
        0: "Level L0: a name only, with no persistent author id from any source.",
        1: "Level L1: tied to a persistent author id from OpenAlex or ORCID, not yet claimed.",
        2: "Level L2: claimed by a user with a verified email, approved by staff.",
        3: "Level L3: claimed, and the owner proved the ORCID iD or an institutional email.",
    }
    works = min(facts.works_count * WORK_POINTS, WORK_CAP)
    collaborators = min(facts.close_collaborators_count * COLLABORATOR_POINTS, COLLABORATOR_CAP)
    claimed = min(facts.claimed_close_collaborators_count * CLAIMED_COLLABORATOR_POINTS, CLAIMED_COLLABORATOR_CAP)
    components = (
        TrustComponent("Verification level", LEVEL_POINTS[level], level_explanations[level]),
        TrustComponent(
            "ORCID iD",
            ORCID_POINTS if facts.has_orcid else 0,
            "The source record carries an ORCID iD."
            if facts.has_orcid
            else "No ORCID iD in the source record (5 points when present).",
        ),
        TrustComponent(
            "Known institution",
            INSTITUTION_POINTS if facts.has_institution else 0,
            "An institution is known for this researcher."
            if facts.has_institution
            else "No institution imported (5 points when known).",
        ),
        TrustComponent(
            "Published works",
            works,
            f"{_plural(facts.works_count, 'work')}, 1 point each up to {WORK_CAP}.",
        ),
        TrustComponent(
            "Close collaborators",
            collaborators,
            f"{_plural(facts.close_collaborators_count, 'close collaborator')} "
            f"(at least two shared works), 0.5 points each up to {COLLABORATOR_CAP}.",
        ),
        TrustComponent(
            "Claimed close collaborators",
            claimed,
            f"{_plural(facts.claimed_close_collaborators_count, 'close collaborator')} "
            f"with a claimed profile, 2 points each up to {CLAIMED_COLLABORATOR_CAP}.",
        ),
    )
    # Half points from collaborators are rounded down once, at the end.
    score = int(sum(component.points for component in components))
    return TrustScore(score=min(score, 100), label=LEVEL_LABELS[level], level=level, components=components)


def facts_for(researcher) -> TrustFacts:
    return TrustFacts(
        verification_level=researcher.verification_level,
        has_orcid=bool(researcher.orcid),
        has_institution=researcher.last_known_institution_id is not None,
        works_count=researcher.works_count,
        close_collaborators_count=researcher.close_collaborators_count,
        claimed_close_collaborators_count=researcher.claimed_close_collaborators_count,
    )


def trust_for(researcher) -> TrustScore:
    return compute_trust(facts_for(researcher))
