"""sources.toml: what the builder cannot sensibly parse from the report texts; and
regions.toml: the probation regions of England and Wales."""

import tomllib
from datetime import date
from pathlib import Path

SOURCES_FILE = Path(__file__).with_name("sources.toml")
REGIONS_FILE = Path(__file__).with_name("regions.toml")


def load_sources() -> dict:
    with SOURCES_FILE.open("rb") as handle:
        sources = tomllib.load(handle)
    with REGIONS_FILE.open("rb") as handle:
        sources["region"] = tomllib.load(handle)["region"]
    return sources


def date_spec(value: str) -> tuple[date, str]:
    """A date from the data file: YYYY, YYYY-MM or YYYY-MM-DD, with its precision."""
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 1:
        return date(parts[0], 1, 1), "year"
    if len(parts) == 2:
        return date(parts[0], parts[1], 1), "month"
    return date(*parts), "day"
