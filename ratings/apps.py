from django.apps import AppConfig


class RatingsConfig(AppConfig):
    name = "ratings"
    verbose_name = "Standards and ratings"

    def ready(self):
        from auditlog.registry import auditlog

        from .models import KeyQuestion, KeyQuestionScore, Programme, Standard, StandardRating

        # Logged with every change (inspections/web/audit.py).
        for model in (Programme, Standard, KeyQuestion, StandardRating, KeyQuestionScore):
            auditlog.register(model)
