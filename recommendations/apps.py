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
