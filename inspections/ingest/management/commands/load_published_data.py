"""Load the published inspection data into a database that does not have it yet.

`make run` calls this every time. Loading fixtures over an existing database
would overwrite whatever admins have entered or corrected since, so an existing
database is left alone unless --reload is given.

The records loaded are not each put in the audit log: thousands of entries saying
what the fixtures say, made by no one. One entry records that the data was loaded.
"""

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError

from inspections.explorer import themes
from inspections.models import Inspection
from inspections.web.audit import AuditedCommand

FIXTURES = ["pdus", "ratings", "inspections", "recommendations"]


class Command(AuditedCommand):
    help = "Load fixtures/ into an empty database; leave a loaded one alone unless --reload."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reload",
            action="store_true",
            help="Load the fixtures again, overwriting the published records they contain.",
        )

    def handle(self, *args, reload, **options):
        if settings.DEMO:
            raise CommandError(
                "DJANGO_DEMO=true: this is the generated demonstration's database; the "
                "published data never goes into it."
            )
        if Inspection.objects.exists() and not reload:
            self.stdout.write("Published data already loaded; use --reload to load it again.")
            return
        before = Inspection.objects.count()
        with disable_auditlog():
            call_command("loaddata", *FIXTURES, verbosity=0)
            # Pages only read, so the loaded records get their themes here (themes.py).
            themes.tag_pending()
        after = Inspection.objects.count()
        LogEntry.objects.create(
            content_type=ContentType.objects.get_for_model(Inspection),
            object_pk="",
            object_repr=f"Published data ({', '.join(FIXTURES)} from fixtures/)",
            action=LogEntry.Action.UPDATE if before else LogEntry.Action.CREATE,
            changes={"inspections": [str(before), str(after)]},
        )
        self.stdout.write(f"Loaded {after} inspections from fixtures/.")
