"""Tag every finding and recommendation with its themes, from inspections/explorer/themes.toml.

Records are tagged when they are written (database triggers queue them; see themes.py),
so this is needed only after the rules file changes. Admins' overrides are applied on
top of the rules, so running it never undoes a correction.
"""

from django.core.management.base import CommandError
from django.db import transaction

from inspections.explorer import themes
from inspections.models import Theme, ThemeOverride, ThemeTag
from inspections.web.audit import AuditedCommand


class Command(AuditedCommand):
    help = "Tag every finding and recommendation with its themes (rules in themes.toml)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Report what the tags would be, and change nothing.",
        )

    def handle(self, *args, dry_run, **options):
        try:
            rules = themes.load_rules()
        except (themes.RulesError, ValueError) as error:
            raise CommandError(f"The rules file is not valid: {error}") from error
        with transaction.atomic():
            counts = themes.tag_all(rules)
            by_theme = {
                theme.name: theme.tags.count() for theme in Theme.objects.order_by("position")
            }
            overrides = ThemeOverride.objects.count()
            if dry_run:
                transaction.set_rollback(True)
        for name, count in by_theme.items():
            self.stdout.write(f"  {count:6d}  {name}")
        verb = "Would tag" if dry_run else "Tagged"
        self.stdout.write(
            f"{verb} {counts['finding']} finding and {counts['recommendation']} recommendation "
            f"themes from {len(rules)} themes, with {overrides} admin override(s)."
        )
        if not dry_run:
            self.stdout.write(f"{ThemeTag.objects.count()} tags stored.")
