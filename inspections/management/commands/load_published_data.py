"""Load the published inspection data into a database that does not have it yet.

`make run` calls this every time. Loading fixtures over an existing database
would overwrite whatever admins have entered or corrected since, so an existing
database is left alone unless --reload is given.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from inspections.models import Inspection

FIXTURES = ["pdus", "ratings", "inspections", "recommendations"]


class Command(BaseCommand):
    help = "Load fixtures/ into an empty database; leave a loaded one alone unless --reload."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reload",
            action="store_true",
            help="Load the fixtures again, overwriting the published records they contain.",
        )

    def handle(self, *args, reload, **options):
        if Inspection.objects.exists() and not reload:
            self.stdout.write("Published data already loaded; use --reload to load it again.")
            return
        call_command("loaddata", *FIXTURES, verbosity=0)
        self.stdout.write(f"Loaded {Inspection.objects.count()} inspections from fixtures/.")
