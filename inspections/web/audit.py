"""The audit log (django-auditlog): who changed which record, when, and what, old → new.

Each app registers its models in its AppConfig.ready(); every save and delete of them is
then logged, whatever made it: the admin, the entry steps, the importer, the tracker or a
command. Who made it comes from AuditlogMiddleware for web requests (the signed-in user)
and from `AuditedCommand` for management commands, which have no user. Admins read a
record's entries on its History page in the admin (`AuditHistoryMixin`).
"""

import copy
from contextlib import contextmanager

from auditlog.context import auditlog_disabled, set_extra_data
from auditlog.diff import model_instance_diff
from auditlog.middleware import AuditlogMiddleware as BaseAuditlogMiddleware
from auditlog.models import LogEntry
from django.conf import settings
from django.core.management.base import BaseCommand
from django.core.paginator import Paginator

VIEW_AUDIT_LOG = "auditlog.view_logentry"


def mask_password(value: str) -> str:
    """A password hash in the log: only whether one is set, never the hash itself."""
    if value in ("", "None"):
        return "(none)"
    return "(unusable)" if value.startswith("!") else "(hidden)"


class AuditlogMiddleware(BaseAuditlogMiddleware):
    """auditlog's middleware, recording the address the connection came from.

    Its own choice, the first X-Forwarded-For address (and X-Forwarded-Port), is whatever
    a client writes there when no proxy of ours sets it.
    """

    def get_extra_data(self, request):
        return {
            **super().get_extra_data(request),
            "remote_addr": request.META.get("REMOTE_ADDR"),
            "remote_port": None,
        }


@contextmanager
def by_command(name: str):
    """Attribute the audit entries written inside the block to the management command
    `name`: run from a shell, it has no signed-in user to name."""
    with set_extra_data({"additional_data": {"command": name}}):
        yield


class AuditedCommand(BaseCommand):
    """A management command whose changes the audit log attributes to it, by name."""

    def execute(self, *args, **options):
        with by_command(self.__module__.rsplit(".", 1)[-1]):
            return super().execute(*args, **options)


def log_update(instance, values: dict, actor) -> None:
    """Audit a change written with QuerySet.update(), which sends no signal for auditlog
    to see: `instance` as it was, `values` what the update wrote."""
    if auditlog_disabled.get():
        return
    updated = copy.copy(instance)
    for name, value in values.items():
        setattr(updated, name, value)
    changes = model_instance_diff(
        instance, updated, use_json_for_changes=settings.AUDITLOG_STORE_JSON_CHANGES
    )
    if changes:
        LogEntry.objects.log_create(
            updated, action=LogEntry.Action.UPDATE, changes=changes, actor=actor
        )


def who(entry: LogEntry) -> str:
    """Who made a logged change: the user, or the command that ran without one."""
    if entry.actor is not None:
        name = entry.actor.get_full_name()
        return f"{entry.actor.get_username()} ({name})" if name else entry.actor.get_username()
    command = (entry.additional_data or {}).get("command")
    if command:
        return f"command {command}"
    return entry.actor_email or "no signed-in user"


def history(instance, page_number, per_page: int = 50):
    """One page of a record's audit entries, newest first, each with `who` made it."""
    entries = (
        LogEntry.objects.get_for_object(instance)
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")
    )
    page = Paginator(entries, per_page).get_page(page_number)
    page.page_links = page.paginator.get_elided_page_range(page.number)
    for entry in page:
        entry.who = who(entry)
    return page


class AuditHistoryMixin:
    """A model admin whose History page shows, below Django's own list of admin actions,
    the record's audit entries: every change however it was made, old → new. Only those
    who may read the audit log (admins) see them."""

    object_history_template = "admin/audited_object_history.html"

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        context = getattr(response, "context_data", None)  # a redirect has none
        if context and "object" in context and request.user.has_perm(VIEW_AUDIT_LOG):
            context["audit_entries"] = history(context["object"], request.GET.get("audit_page"))
        return response
