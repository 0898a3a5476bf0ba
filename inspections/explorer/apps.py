from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save


class ExplorerConfig(AppConfig):
    """The findings explorer: full-text search, facets, themes and recurring
    recommendations over the inspection data (its models live in `inspections`)."""

    name = "inspections.explorer"
    label = "explorer"

    def ready(self):
        from inspections.models import ThemeOverride

        post_save.connect(_retag_overridden, sender=ThemeOverride, dispatch_uid="override")
        post_delete.connect(
            _retag_overridden, sender=ThemeOverride, dispatch_uid="override_deleted"
        )
        post_migrate.connect(_after_migrate, dispatch_uid="inspections_after_migrate")


def _retag_overridden(sender, instance, **kwargs):
    from . import themes

    themes.apply_override_change(instance)


def _after_migrate(sender, app_config=None, using="default", **kwargs):
    # After every migrate or flush of the inspections app: the triggers (SQLite drops a
    # table's triggers when a migration remakes it: the explorer's, and the published
    # data's version, which every cache is keyed by), the themes from themes.toml, and
    # tags for queued records, or for every record when the rules have changed.
    if app_config is None or app_config.label != "inspections":
        return
    from django.db import connections

    from inspections.web import data_version

    from . import facet_index, search, themes

    search.ensure_index(connections[using])
    themes.ensure_triggers(connections[using])
    facet_index.ensure_triggers(connections[using])
    data_version.PAGES.ensure_triggers(connections[using])
    if themes.sync_themes(using=using)["rules_changed"] and using == "default":
        themes.tag_all()  # a release changed themes.toml: every record's tags may move
    else:
        themes.tag_pending(using=using, check_tables=True)
