from django.core.management.base import BaseCommand, CommandError

from profiles.importing import run_import


class Command(BaseCommand):
    help = (
        "Import OpenAlex works, authors, institutions, topics and sources from JSON lines, gzipped JSON "
        "lines, API list responses or single-object files. Importing the same file twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="Files to import (.jsonl, .jsonl.gz, .json).")
        parser.add_argument("--no-progress", action="store_true", help="Do not show the progress bar.")
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="Number of processes that parse records (0: parse in the importing process). "
            "Default: one per available CPU, up to 8, for inputs of 16 MiB or more; 0 for smaller ones.",
        )

    def handle(self, *args, **options):
        paths = options["paths"]
        if options["workers"] is not None and options["workers"] < 0:
            raise CommandError(f"--workers must be 0 or more, not {options['workers']}.")

        def report(file, line, reason):
            self.stderr.write(f"Rejected {file}:{line}: {reason}")

        try:
            run = run_import(
                paths,
                progress=False if options["no_progress"] else None,
                on_reject=report,
                workers=options["workers"],
            )
        except FileNotFoundError as error:
            raise CommandError(str(error)) from None

        self.stdout.write(
            f"Import {run.pk} {run.get_status_display().lower()}: {run.records_read} records read, "
            f"{run.records_created} created, {run.records_updated} updated, {run.records_unchanged} unchanged, "
            f"{run.records_skipped} skipped (kinds not imported), {run.records_rejected} rejected."
        )
