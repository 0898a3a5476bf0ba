"""Rebuild fixtures/ from the published report texts.

The fixtures are committed so that a fresh clone loads the data without the
reports; this command is how they are made, so every record traces back to a
document, a section and a line rather than to someone's typing.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from inspections.ingest.builder import BuildError, build


class Command(BaseCommand):
    help = "Parse the report texts in REPORTS_DIR and write the fixtures."

    def add_arguments(self, parser):
        parser.add_argument(
            "reports_dir",
            nargs="?",
            type=Path,
            default=settings.REPORTS_DIR,
            help="Folder holding the report texts (default: %(default)s).",
        )
        parser.add_argument(
            "--output",
            type=Path,
            default=Path(settings.BASE_DIR) / "fixtures",
            help="Folder to write the fixtures to (default: %(default)s).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Parse and check, but write nothing."
        )

    def handle(self, *args, reports_dir, output, dry_run, **options):
        try:
            fixtures = build(reports_dir)
        except BuildError as error:
            raise CommandError(str(error)) from error
        for app_label, records in sorted(fixtures.by_app().items()):
            self.stdout.write(f"{app_label}: {len(records)} records")
        if dry_run:
            self.stdout.write("Dry run: nothing written.")
            return
        for path in fixtures.write(output):
            self.stdout.write(f"Wrote {path}")
