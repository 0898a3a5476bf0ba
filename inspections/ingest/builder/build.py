"""Turn the report texts into fixture records."""

from pathlib import Path

from . import documents
from .fixtures import FixtureSet
from .sources import load_sources
from .state import Builder


def build(reports_dir: Path) -> FixtureSet:
    """Parse every listed document in `reports_dir` and return the fixture records."""
    builder = Builder(Path(reports_dir), load_sources())
    builder.add_places()
    builder.add_programmes()
    builder.add_documents()
    documents.add_all(builder)
    return builder.out
