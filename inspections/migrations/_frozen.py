"""The SQL the explorer's old migrations ran (triggers, search index), frozen as it was
when they were written, so that moving or changing the live code (inspections/explorer/)
never changes what an old migration does. Django's loader skips this module (its name
starts with an underscore); the statements are in frozen/<migration>.json by vendor."""

import json
from pathlib import Path

FROZEN = Path(__file__).with_name("frozen")


def run(migration: str, step: str):
    """A RunPython function that executes `step` of `migration` on the database's vendor."""

    def execute(apps, schema_editor):
        connection = schema_editor.connection
        steps = json.loads((FROZEN / f"{migration}.json").read_text(encoding="utf-8"))
        with connection.cursor() as cursor:
            for statement in steps[step].get(connection.vendor, []):
                cursor.execute(statement)

    execute.__name__ = f"{step}_{migration}"
    return execute
