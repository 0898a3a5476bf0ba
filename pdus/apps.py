from django.apps import AppConfig


class PdusConfig(AppConfig):
    name = "pdus"
    verbose_name = "Regions and PDUs"

    def ready(self):
        from auditlog.registry import auditlog

        from .models import Body, Borough, CommissionedService, District, Region, Site

        # Logged with every change (inspections/web/audit.py).
        for model in (Region, District, Borough, Site, CommissionedService):
            auditlog.register(model)
        auditlog.register(Body, m2m_fields={"boroughs"})
