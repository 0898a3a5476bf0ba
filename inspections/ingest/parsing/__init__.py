"""Parsers for HMIP report texts.

Each parser takes the plain text of one document (as converted from PDF) and
returns plain dataclasses from :mod:`inspections.ingest.parsing.types`. They know
nothing of Django, so the fixture builder and the report importer share them.
"""
