"""A set of fixture records with stable primary keys, written as one file per app."""

import json
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.apps import apps


class FixtureSet:
    """Collects records in the order they are added and numbers them per model.

    Numbering by order of addition keeps rebuilds byte-identical, which is what
    lets a test compare a fresh build with the committed fixtures.
    """

    def __init__(self):
        self._records: dict[str, list[dict]] = defaultdict(list)

    def add(self, model_label: str, **fields) -> int:
        model = apps.get_model(model_label)
        known = {f.name for f in model._meta.get_fields() if f.concrete}
        unknown = set(fields) - known
        if unknown:
            raise ValueError(f"{model_label} has no field(s) {sorted(unknown)}")
        pk = len(self._records[model_label]) + 1
        self._records[model_label].append(
            {"model": model_label, "pk": pk, "fields": {k: _plain(v) for k, v in fields.items()}}
        )
        return pk

    def records(self, model_label: str) -> list[dict]:
        return self._records[model_label]

    def fields(self, model_label: str, pk: int) -> dict:
        """The fields of a record added earlier, to read or to complete."""
        return self._records[model_label][pk - 1]["fields"]

    def by_app(self) -> dict[str, list[dict]]:
        grouped: dict[str, list[dict]] = defaultdict(list)
        for label, records in self._records.items():
            grouped[label.split(".")[0]].extend(records)
        return dict(grouped)

    def write(self, directory: Path) -> list[Path]:
        directory.mkdir(parents=True, exist_ok=True)
        written = []
        for app_label, records in sorted(self.by_app().items()):
            path = directory / f"{app_label}.json"
            path.write_text(dumps(records), encoding="utf-8")
            written.append(path)
        return written


def dumps(records: list[dict]) -> str:
    return json.dumps(records, indent=1, ensure_ascii=False) + "\n"


def _plain(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
