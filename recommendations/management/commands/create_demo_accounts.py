"""Create one demo account of each tracker role, for trying the tracker locally.

`make run` calls this every time, so it is idempotent: existing accounts keep their
passwords unless --reset-passwords is given. It refuses to run with DEBUG off, so a
production database never gets accounts whose password is written in the code.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import CommandError
from django.db import transaction

from inspections.web.audit import AuditedCommand
from pdus.models import Region
from recommendations.models import DirectorProfile
from recommendations.roles import ADMINS, INSPECTORATE_STAFF, REGIONAL_DIRECTORS, ensure_roles

DEMO_PASSWORD = "tracker-demo-password"


def demo_accounts():
    """(username, full name, group, region or None, is superuser) for each demo account."""
    accounts = [
        ("admin", ("Ada", "Admin"), ADMINS, None, True),
        ("inspector", ("Ines", "Inspector"), INSPECTORATE_STAFF, None, False),
    ]
    for region in Region.objects.order_by("name"):
        accounts.append(
            (
                f"director-{region.slug}",
                ("Regional director", region.name),
                REGIONAL_DIRECTORS,
                region,
                False,
            )
        )
    return accounts


class Command(AuditedCommand):
    help = "Create demo accounts (admin, inspector, a director per region); local use only."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help=f"Set existing demo accounts' passwords back to {DEMO_PASSWORD!r}.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Say what would be done.")
        parser.add_argument(
            "--if-debug",
            action="store_true",
            help="With DEBUG off, say so and do nothing instead of failing (for make run).",
        )

    def handle(self, *args, reset_passwords, dry_run, if_debug, **options):
        if not settings.DEBUG:
            if if_debug:
                self.stdout.write("DJANGO_DEBUG is off: no demo accounts created.")
                return
            raise CommandError("Demo accounts are for local use: DJANGO_DEBUG is off.")
        User = get_user_model()
        accounts = demo_accounts()
        if dry_run:
            for username, *_ in accounts:
                exists = User.objects.filter(username=username).exists()
                self.stdout.write(f"{username}: {'exists' if exists else 'would be created'}")
            return
        ensure_roles()
        with transaction.atomic():
            for username, (first, last), group_name, region, is_superuser in accounts:
                user, created = User.objects.get_or_create(
                    username=username,
                    defaults={
                        "first_name": first,
                        "last_name": last,
                        "email": f"{username}@example.org",
                        "is_staff": is_superuser,
                        "is_superuser": is_superuser,
                    },
                )
                if created or reset_passwords:
                    user.set_password(DEMO_PASSWORD)
                    user.save()
                user.groups.add(Group.objects.get(name=group_name))
                if region is not None:
                    DirectorProfile.objects.update_or_create(user=user, defaults={"region": region})
                role = f"{group_name}{f', {region.name}' if region else ''}"
                self.stdout.write(f"{username:<24} {role}{' (new)' if created else ''}")
        self.stdout.write(f"Password for new demo accounts: {DEMO_PASSWORD}")
