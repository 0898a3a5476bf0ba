"""E-mail each region's directors the recommendations they must chase.

Meant for a daily or weekly scheduler. Directors receive it only where it is configured:
an active regional director with an e-mail address, and an EMAIL_BACKEND that delivers
(the default writes to the console). A region with nothing overdue or due soon gets no
e-mail. Sending changes no data, so there is no transaction to roll back.
"""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from pdus.models import Region
from recommendations.digest import build_digest, digest_recipients, send_digest


class Command(BaseCommand):
    help = "E-mail the overdue digest of each region (or one) to its regional directors."

    def add_arguments(self, parser):
        parser.add_argument("--region", help="Only this region (its slug, e.g. london).")
        parser.add_argument(
            "--date", help="Count overdue as at this date (YYYY-MM-DD) instead of today."
        )
        parser.add_argument("--dry-run", action="store_true", help="Say who would receive what.")

    def handle(self, *args, region, date, dry_run, **options):
        try:
            today = datetime.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError:
            raise CommandError(f"--date must be YYYY-MM-DD, not {date!r}.") from None
        regions = Region.objects.order_by("name")
        if region:
            regions = regions.filter(slug=region)
            if not regions.exists():
                raise CommandError(f"No region {region!r}.")
        sent = 0
        for each in regions:
            digest = build_digest(each, today)
            recipients = digest_recipients(each)
            summary = f"{len(digest.overdue)} overdue, {len(digest.due_soon)} due soon"
            if digest.is_empty:
                self.stdout.write(f"{each.name}: nothing overdue or due soon; no e-mail.")
                continue
            if not recipients:
                self.stdout.write(f"{each.name}: {summary}; no director with an e-mail address.")
                continue
            names = ", ".join(user.email for user in recipients)
            if dry_run:
                self.stdout.write(f"{each.name}: {summary}; would e-mail {names}.")
                continue
            sent += send_digest(digest, recipients, settings.SITE_URL)
            self.stdout.write(f"{each.name}: {summary}; e-mailed {names}.")
        if not dry_run:
            self.stdout.write(f"{sent} e-mail{'' if sent == 1 else 's'} sent.")
