"""What the explorer's trigger sets (search index, tagging queue, theme bits, facet token)
share: reading which triggers exist, and dropping a set of them."""

from __future__ import annotations

from collections.abc import Iterable


def present(connection) -> set[str]:
    """The names of the user-made triggers in the database."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        return {row[0] for row in cursor.fetchall()}


def drop(connection, triggers: Iterable[tuple[str, Iterable[str]]], function: str = "") -> None:
    """Drop each (table, trigger names) of `triggers`, then `function` on PostgreSQL."""
    with connection.cursor() as cursor:
        for table, names in triggers:
            for name in sorted(names):
                if connection.vendor == "sqlite":
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
                elif connection.vendor == "postgresql":
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        if function and connection.vendor == "postgresql":
            cursor.execute(f"DROP FUNCTION IF EXISTS {function}()")
