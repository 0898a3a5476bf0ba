"""Import a published PDU report's text as a draft inspection for review.

The draft stays invisible until an admin publishes it from the review page; an
import that fails, or a dry run, changes nothing.
"""

from pathlib import Path

from django.core.management.base import CommandError

from inspections.ingest.importer import ImportRefused, Outcome, import_report, report_text
from inspections.ingest.parsing.types import ParseError
from inspections.ingest.reading import UnreadableFile
from inspections.web.audit import AuditedCommand
from pdus.models import Region


class Command(AuditedCommand):
    help = "Read a PDU inspection report (.pdf, or its text as .txt) into a draft inspection."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The report's PDF, or its text (UTF-8, .txt).")
        parser.add_argument(
            "--region", help="Region slug, needed when the report is of a PDU not yet known."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Read and check, but save nothing."
        )

    def handle(self, *args, file, region, dry_run, **options):
        try:
            read = report_text(file.read_bytes(), file.name)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error}") from error
        except UnreadableFile as error:
            raise CommandError(f"{file}: {error}") from error
        region_obj = None
        if region:
            region_obj = Region.objects.filter(slug=region).first()
            if region_obj is None:
                raise CommandError(f"No region has the slug {region!r}.")
        try:
            result = import_report(
                read.text, file.name, region=region_obj, dry_run=dry_run, reading_notes=read.notes
            )
        except (ParseError, ImportRefused) as error:
            raise CommandError(str(error)) from error
        inspection = result.inspection
        if result.outcome == Outcome.UNCHANGED:
            where = f" ({inspection.slug})" if inspection else ""
            self.stdout.write(f"Unchanged: this text is already in the database{where}.")
            return
        verb = "Would import" if dry_run else ("Imported" if result.created else "Re-imported")
        self.stdout.write(f"{verb} {inspection.title} as a draft ({inspection.slug}).")
        self.stdout.write(
            f"{inspection.ratings.count()} ratings, {inspection.key_question_scores.count()} "
            f"key-question percentages, {inspection.findings.count()} findings, "
            f"{inspection.recommendations.count()} recommendations."
            if not dry_run
            else f"Score {inspection.score}/{inspection.max_score}."
        )
        for problem in result.problems:
            self.stdout.write(f"  To check: {problem}")
