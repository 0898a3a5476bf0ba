"""Every deletion of a tracking record is recorded, with who made it.

Only admins can delete (the views offer no delete and the admin checks
rules.can_delete_tracking), but cascades and the shell can delete too, so the record is
written by a pre_delete signal, which sees every deletion however it is made. Who made
it comes from `deletions_by(user)`, which the admin wraps around its deletes.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.core import serializers

_deleting_user = ContextVar("deleting_user", default=None)


@contextmanager
def deletions_by(user):
    """Attribute the deletions made inside the block to `user`."""
    token = _deleting_user.set(user)
    try:
        yield
    finally:
        _deleting_user.reset(token)


def record_deletion(sender, instance, **kwargs):
    from .models import DeletionRecord

    user = _deleting_user.get()
    data = serializers.serialize("python", [instance])[0]["fields"]
    DeletionRecord.objects.create(
        model=instance._meta.label,
        object_pk=str(instance.pk),
        description=str(instance)[:300],
        data=data,
        deleted_by=user if user is not None and user.pk else None,
        deleted_by_name=user.get_username() if user is not None else "",
    )


def recorded_models():
    # Not users: their record holds a password hash. A user who wrote history cannot be
    # deleted (ProgressUpdate.author protects them); deactivate them instead. Not the
    # published recommendations either: a tracked one cannot be deleted (Tracking protects
    # it), and the inspection data's own changes are the admin log's and the importer's.
    from .models import DirectorProfile, ProgressUpdate, Tracking

    return [Tracking, ProgressUpdate, DirectorProfile]
