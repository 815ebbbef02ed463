"""Merge two researcher records that are the same person.

OpenAlex sometimes splits one person into several author ids (one ORCID iD
on two records). Staff merge the duplicate into the record that stays: its
authorships, follows, name and ORCID iD move over, and the duplicate keeps
only a pointer (`merged_into`) so that old links redirect.
"""

import logging

from django.db import transaction

from profiles.models import Authorship, Follow, Researcher
from profiles.stats import recompute_researchers

logger = logging.getLogger(__name__)


class MergeError(ValueError):
    """A merge that would lose or mix up data, with the reason."""


def merge_researchers(duplicate_id: int, target_id: int) -> Researcher:
    """Move everything of researcher `duplicate_id` onto `target_id` and return the target."""
    if duplicate_id == target_id:
        raise MergeError("A researcher cannot be merged into itself; choose two different records.")

    with transaction.atomic():
        # Lock both rows in id order, so two merges of the same pair cannot deadlock.
        rows = Researcher.objects.select_for_update().filter(pk__in=[duplicate_id, target_id]).order_by("pk")
        locked = {researcher.pk: researcher for researcher in rows}
        if len(locked) != 2:
            raise MergeError(f"Researcher {duplicate_id} or {target_id} does not exist.")
        duplicate, target = locked[duplicate_id], locked[target_id]
        _check_mergeable(duplicate, target)

        co_authors = set(
            Authorship.objects.filter(work__authorships__researcher_id__in=[duplicate.pk, target.pk])
            .exclude(researcher__isnull=True)
            .values_list("researcher_id", flat=True)
        )

        # The same person twice on one work counts once: drop the duplicate's
        # authorship where the target already has one.
        target_works = Authorship.objects.filter(researcher=target).values("work_id")
        Authorship.objects.filter(researcher=duplicate, work_id__in=target_works).delete()
        moved_authorships = Authorship.objects.filter(researcher=duplicate).update(researcher=target)

        target_followers = Follow.objects.filter(researcher=target).values("user_id")
        Follow.objects.filter(researcher=duplicate, user_id__in=target_followers).delete()
        moved_follows = Follow.objects.filter(researcher=duplicate).update(researcher=target)

        variants = [*target.name_variants]
        for name in [duplicate.display_name, *duplicate.name_variants]:
            if name != target.display_name and name not in variants:
                variants.append(name)
        target.name_variants = variants
        update_fields = ["name_variants"]
        if not target.orcid and duplicate.orcid:
            target.orcid = duplicate.orcid
            update_fields.append("orcid")
        if target.last_known_institution_id is None and duplicate.last_known_institution_id is not None:
            target.last_known_institution_id = duplicate.last_known_institution_id
            update_fields.append("last_known_institution")
        if duplicate.claimed_by_id and not target.claimed_by_id:
            target.claimed_by_id = duplicate.claimed_by_id
            target.verification_level = duplicate.verification_level
            update_fields += ["claimed_by", "verification_level"]
        elif (
            duplicate.claimed_by_id == target.claimed_by_id and duplicate.verification_level > target.verification_level
        ):
            target.verification_level = duplicate.verification_level
            update_fields.append("verification_level")
        target.save(update_fields=update_fields)

        duplicate.merged_into = target
        duplicate.claimed_by = None
        duplicate.save(update_fields=["merged_into", "claimed_by"])

        affected = co_authors | {duplicate.pk, target.pk}
        recompute_researchers(affected)
        transaction.on_commit(lambda: _invalidate_graph_slices(affected))

    logger.info(
        "Merged researcher %s into %s: %s authorships and %s follows moved",
        duplicate.pk,
        target.pk,
        moved_authorships,
        moved_follows,
    )
    target.refresh_from_db()
    return target


def _check_mergeable(duplicate: Researcher, target: Researcher) -> None:
    if duplicate.merged_into_id:
        raise MergeError(f"Researcher {duplicate.pk} is already merged into {duplicate.merged_into_id}.")
    if target.merged_into_id:
        raise MergeError(
            f"Researcher {target.pk} is itself merged into {target.merged_into_id}; merge into that record instead."
        )
    if duplicate.claimed_by_id and target.claimed_by_id and duplicate.claimed_by_id != target.claimed_by_id:
        raise MergeError(
            f"Researchers {duplicate.pk} and {target.pk} are claimed by two different users; "
            "resolve the claims before merging."
        )
    if duplicate.orcid and target.orcid and duplicate.orcid != target.orcid:
        raise MergeError(
            f"Researchers {duplicate.pk} and {target.pk} carry different ORCID iDs "
            f"({duplicate.orcid} and {target.orcid}); they are not the same person."
        )


def _invalidate_graph_slices(researcher_ids: set[int]) -> None:
    try:
        from graph.services import invalidate_slices
    except ImportError:
        return
    invalidate_slices(researcher_ids)
