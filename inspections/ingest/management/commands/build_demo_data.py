"""Fill a database of its own with generated national data for `make demo`."""

from auditlog.context import disable_auditlog
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from inspections.explorer import search, themes
from inspections.ingest import demo


class Command(BaseCommand):
    help = (
        "Generate the demonstration data (12 regions, about 110 PDUs, two inspections each) "
        "into an empty database. Only with DJANGO_DEMO=true, which shows every page's banner."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="Same seed, same data.")

    def handle(self, *args, seed, **options):
        if not settings.DEMO:
            raise CommandError(
                "Generated data is only made with DJANGO_DEMO=true (make demo), so that every "
                "page that shows it says it is generated."
            )
        try:
            # Thousands of generated records made by no one: not the audit log's business.
            with disable_auditlog():
                built = demo.build(seed)
        except demo.DemoRefused as refusal:
            raise CommandError(str(refusal)) from refusal
        if built is None:
            self.stdout.write("The demonstration data is already here; left as it is.")
            return
        themes.tag_pending()
        search.ensure_index()
        self.stdout.write(
            f"Generated {built.pdus} PDUs in {built.regions} regions: {built.inspections} "
            f"inspections, {built.findings} findings, {built.recommendations} recommendations."
        )
