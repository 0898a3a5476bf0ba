"""The tracker's roles as Django groups, each holding its permissions.

Groups are data, not code, so they are (re)made after every migrate: a new database gets
them, and a permission added later reaches its group on the next migrate.
"""

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db import transaction

INSPECTORATE_STAFF = "Inspectorate staff"
REGIONAL_DIRECTORS = "Regional directors"
ADMINS = "Admins"

# Everyone with a role may read the tracking tables in the admin's terms.
READ_TRACKING = [
    "view_tracking",
    "view_progressupdate",
]

ROLE_PERMISSIONS = {
    INSPECTORATE_STAFF: ["verify_progress", *READ_TRACKING],
    REGIONAL_DIRECTORS: ["record_progress", *READ_TRACKING],
}


def ensure_roles(**kwargs):
    """Create the groups and give each its permissions; safe to run any number of times.

    Admins get every permission of every app, inspection data and users included.
    """
    # The permissions of a new model exist only once auth has made them; on the very
    # first migrate this may run before that, so make sure they are there.
    create_permissions(apps.get_app_config("recommendations"), verbosity=0)
    with transaction.atomic():
        for name, codenames in ROLE_PERMISSIONS.items():
            group, _ = Group.objects.get_or_create(name=name)
            group.permissions.set(
                Permission.objects.filter(
                    content_type__app_label="recommendations", codename__in=codenames
                )
            )
        admins, _ = Group.objects.get_or_create(name=ADMINS)
        admins.permissions.set(Permission.objects.all())
