from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "inspections"

    def ready(self):
        from auditlog.registry import auditlog

        from .models import (
            ContextFigure,
            DataQualityNote,
            Finding,
            Inspection,
            Section,
            SourceDocument,
            Theme,
            ThemeOverride,
        )

        # Logged with every change (inspections/web/audit.py). Not ThemeTag, UntaggedRecord,
        # FacetState: derived from these, rewritten by tagging and triggers. Nor
        # theme_bits, which triggers keep in step with the tags.
        for model in (
            SourceDocument,
            Inspection,
            Section,
            ContextFigure,
            DataQualityNote,
            Theme,
            ThemeOverride,
        ):
            auditlog.register(model)
        auditlog.register(Finding, exclude_fields=["theme_bits"])
