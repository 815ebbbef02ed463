"""Build graph slices ahead of visits, in this process, with a progress bar.

Each slice is claimed and stored on its own, like a worker's build, so the
command is safe to interrupt (the slice in progress is released) and to run
again: slices that are ready and current are skipped.
"""

import sys
import uuid

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from graph import services
from graph.models import GraphSlice
from profiles.models import Researcher


class Command(BaseCommand):
    help = "Build the graph slices of many researchers now, so that profiles show them at once."

    def add_arguments(self, parser):
        parser.add_argument("researcher_ids", nargs="*", type=int, help="Researcher ids to build (default: all).")
        parser.add_argument(
            "--top", type=int, metavar="N", help="Only the N researchers with the most works (default: all)."
        )
        parser.add_argument("--force", action="store_true", help="Rebuild slices that are ready and current too.")
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")

    def handle(self, *args, **options):
        researchers = Researcher.objects.filter(merged_into__isnull=True)
        if options["researcher_ids"]:
            researchers = researchers.filter(pk__in=options["researcher_ids"])
        if options["top"] is not None:
            if options["top"] < 1:
                raise CommandError(f"--top must be at least 1, not {options['top']}.")
            researchers = researchers.order_by("-works_count", "id")[: options["top"]]
        ids = (
            list(researchers.order_by().values_list("pk", flat=True))
            if options["top"] is None
            else [researcher.pk for researcher in researchers]
        )
        if not options["force"]:
            ids = self._due(ids)

        counts = {"stored": 0, "unchanged": 0, "skipped": 0, "missing": 0, "failed": 0}
        progress = tqdm(
            total=len(ids), unit="slice", disable=options["no_progress"], file=sys.stderr, desc="Graph slices"
        )
        token = None
        researcher_id = None
        try:
            for researcher_id in ids:
                token = uuid.uuid4().hex
                try:
                    outcome = services.run_build(researcher_id, token, any_state=options["force"])
                    counts[outcome.result] += 1
                except Exception as error:  # the slice is marked failed with the reason; go on with the rest
                    counts["failed"] += 1
                    self.stderr.write(f"Researcher {researcher_id}: {services.describe_error(error)}")
                token = None
                progress.update(1)
        except KeyboardInterrupt:
            if token is not None and researcher_id is not None:
                services.release_build(researcher_id, token)
            progress.close()
            self.stdout.write(self._summary(counts, interrupted=True))
            raise CommandError("Interrupted; run the command again to build the remaining slices.") from None
        progress.close()
        self.stdout.write(self._summary(counts))

    def _due(self, ids: list[int]) -> list[int]:
        """Keep the researchers whose slice is missing or due for a build."""
        now = timezone.now()
        current = {
            row.pk
            for row in GraphSlice.objects.filter(pk__in=ids, status=GraphSlice.Status.READY).only(
                "researcher_id", "status", "is_stale", "computed_at"
            )
            if not services.needs_build(row, now)
        }
        return [researcher_id for researcher_id in ids if researcher_id not in current]

    @staticmethod
    def _summary(counts: dict, *, interrupted: bool = False) -> str:
        head = "Interrupted after" if interrupted else "Done:"
        return (
            f"{head} {counts['stored']} stored, {counts['unchanged']} unchanged, "
            f"{counts['skipped']} skipped (built elsewhere), {counts['failed']} failed."
        )
