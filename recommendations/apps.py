from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_delete


class RecommendationsConfig(AppConfig):
    name = "recommendations"

    def ready(self):
        from .deletions import record_deletion, recorded_models
        from .roles import ensure_roles

        post_migrate.connect(ensure_roles, sender=self, dispatch_uid="recommendations_roles")
        for model in recorded_models():
            pre_delete.connect(
                record_deletion, sender=model, dispatch_uid=f"record_deletion_{model._meta.label}"
            )
        self.register_audit_log()

    def register_audit_log(self):
        """Log every change to these (inspections/web/audit.py).

        Not ProgressUpdate: it is itself the tracking's history (who, when, each value
        before and after), never changed, and its deletion is a DeletionRecord.
        """
        from auditlog.registry import auditlog
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group

        from .models import DirectorProfile, FollowUp, Recommendation, Tracking

        auditlog.register(
            Recommendation, exclude_fields=["theme_bits"], m2m_fields={"co_addressees"}
        )
        # The log entry's own time and actor say when and by whom.
        auditlog.register(Tracking, exclude_fields=["updated_at", "updated_by"])
        auditlog.register(DirectorProfile)
        # What a later report says of a recommendation: entered by admins, so logged.
        auditlog.register(FollowUp)
        # A changed password shows as changed, never as its hash; signing in is not a change.
        auditlog.register(
            get_user_model(),
            exclude_fields=["last_login"],
            mask_fields=["password"],
            mask_callable="inspections.web.audit.mask_password",
            m2m_fields={"groups", "user_permissions"},
        )
        auditlog.register(Group, m2m_fields={"permissions"})
