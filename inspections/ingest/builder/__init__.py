"""Build the project's fixtures from the published report texts.

`build(reports_dir)` parses every document listed in `sources.toml`, checks the
documents against each other, and returns Django fixture records. The parsers
in :mod:`inspections.ingest.parsing` do the reading, :mod:`inspections.ingest.records`
maps a report to its records as the importer does, and this package writes them as
fixtures and records where sources disagree.
"""

from .build import build
from .errors import BuildError

__all__ = ["BuildError", "build"]
