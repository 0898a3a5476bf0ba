from django.apps import AppConfig


class PdusConfig(AppConfig):
    name = "pdus"
    verbose_name = "Regions and PDUs"
