from django.apps import AppConfig


class IngestConfig(AppConfig):
    """Getting reports in: the parsers, the fixture builder, the importer and the entry
    steps (their models live in `inspections`)."""

    name = "inspections.ingest"
    label = "ingest"
