"""Build the project's fixtures from the published report texts.

`build(reports_dir)` parses every document listed in `sources.toml`, checks the
documents against each other, and returns Django fixture records. The parsers
in :mod:`inspections.ingest.parsing` do the reading; this package maps what they read
onto the models and records where sources disagree.
"""

from .build import BuildError, build

__all__ = ["BuildError", "build"]
