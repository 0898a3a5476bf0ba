"""Data tokens: a row of `inspections_facetstate` that database triggers give a new random
number on every write, to watched tables, that can change what the public sees; whatever
makes the write (the admin, loaddata, bulk_create, a raw UPDATE). A process that keeps
something worked out from the data (the explorer's facet arrays, a cached page) keeps the
token it was worked out under, and reads the token again (one query) to know whether it is
still good. A random number rather than a counter, as a rolled-back transaction puts the
old token back together with the old data.

What the public cannot see does not move a token: a draft inspection, and the rows of a
draft's inspection (a table with an `inspection_id` is checked row by row). On PostgreSQL
a token moves at most once between two reads of it in a transaction (a transaction-local
setting marks it moved; a read clears it): tagging sets theme bits with one UPDATE per
tag, and renewing the one row on each made a transaction of thousands of them quadratic
(the row's dead versions pile up). A read inside a savepoint that is rolled back is
forgotten with it: a transaction that writes, reads the token inside such a savepoint,
writes again and reads again would see the token of before its second write. No page
does that; reads never write.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db.models.expressions import RawSQL

STATE = "inspections_facetstate"
INSPECTIONS = "inspections_inspection"
VENDORS = ("sqlite", "postgresql")


def present_triggers(connection) -> set[str]:
    """The names of the user-made triggers in the database."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        return {row[0] for row in cursor.fetchall()}


@dataclass(frozen=True)
class Token:
    """One token: its row, the name its triggers and its PostgreSQL function are made
    from, and the tables it watches, each with the columns whose change moves it (None:
    any column). `per_inspection`: the watched tables whose rows belong to an inspection
    through `inspection_id` (a row of none, such as a body's context figure, may be public)."""

    row: int
    name: str
    watched: tuple[tuple[str, tuple[str, ...] | None], ...]
    per_inspection: tuple[str, ...]

    @property
    def function(self) -> str:
        return f"inspections_{self.name}_changed"

    @property
    def renewed(self) -> str:
        """The transaction-local setting: this transaction has renewed the token."""
        return f"inspections.{self.name}_renewed"

    def _public(self, table: str, row: str) -> str:
        """SQL: whether `row` (NEW or OLD) of `table` is public; the rows of a table of
        no inspection (bodies, regions, themes) always are."""
        if table == INSPECTIONS:
            return f"{row}.is_published"
        if table in self.per_inspection:
            return (
                f"({row}.inspection_id IS NULL OR EXISTS (SELECT 1 FROM {INSPECTIONS} "
                f"WHERE id = {row}.inspection_id AND is_published))"
            )
        return "TRUE"

    def _row_by_row(self, table: str) -> bool:
        return table == INSPECTIONS or table in self.per_inspection

    def trigger_names(self, vendor: str, table: str) -> set[str]:
        if vendor == "sqlite":
            return {f"{table}_{self.name}_{event}" for event in ("insert", "update", "delete")}
        return {f"{table}_{self.name}"}

    def postgres_function(self) -> str:
        # One function for every table. Row by row on an inspection and the rows of one,
        # to see whether the row is public, returning at once after the transaction's
        # first renewal; once a statement on the others. (OLD is NULL in an INSERT
        # trigger, NEW in a DELETE's.)
        record = next(iter(self.per_inspection), INSPECTIONS)
        return f"""
CREATE OR REPLACE FUNCTION {self.function}() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    public boolean := TRUE;
BEGIN
    IF current_setting('{self.renewed}', true) = '1' THEN
        RETURN NULL;
    END IF;
    IF TG_LEVEL = 'ROW' AND TG_TABLE_NAME = '{INSPECTIONS}' THEN
        public := (TG_OP <> 'INSERT' AND {self._public(INSPECTIONS, "OLD")})
            OR (TG_OP <> 'DELETE' AND {self._public(INSPECTIONS, "NEW")});
    ELSIF TG_LEVEL = 'ROW' THEN
        public := (TG_OP <> 'INSERT' AND {self._public(record, "OLD")})
            OR (TG_OP <> 'DELETE' AND {self._public(record, "NEW")});
    END IF;
    IF NOT COALESCE(public, FALSE) THEN
        RETURN NULL;
    END IF;
    PERFORM set_config('{self.renewed}', '1', true);
    INSERT INTO {STATE} (id, token) VALUES ({self.row}, CAST(random() * 4e18 AS BIGINT))
    ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token;
    RETURN NULL;
END
$$
"""

    def trigger_statements(self, vendor: str, table: str, columns) -> list[str]:
        updated = f"UPDATE OF {', '.join(columns)}" if columns else "UPDATE"
        if vendor == "sqlite":
            renew = f"INSERT OR REPLACE INTO {STATE} (id, token) VALUES ({self.row}, random());"
            events = {
                "insert": ("INSERT", self._public(table, "NEW")),
                "update": (
                    updated,
                    f"{self._public(table, 'OLD')} OR {self._public(table, 'NEW')}",
                ),
                "delete": ("DELETE", self._public(table, "OLD")),
            }
            statements = []
            for name, (event, public) in events.items():
                when = f"WHEN {public} " if self._row_by_row(table) else ""
                statements += [
                    f"DROP TRIGGER IF EXISTS {table}_{self.name}_{name}",
                    f"CREATE TRIGGER {table}_{self.name}_{name} AFTER {event} ON {table} "
                    f"{when}BEGIN {renew} END",
                ]
            return statements
        # Not TRUNCATE row by row (it has no rows): only flush truncates these tables, and
        # it empties the state table too, and no token matches no token.
        events, each = (
            (f"INSERT OR DELETE OR {updated}", "ROW")
            if self._row_by_row(table)
            else (f"INSERT OR DELETE OR TRUNCATE OR {updated}", "STATEMENT")
        )
        return [
            f"DROP TRIGGER IF EXISTS {table}_{self.name} ON {table}",
            f"CREATE TRIGGER {table}_{self.name} AFTER {events} ON {table} FOR EACH {each} "
            f"EXECUTE FUNCTION {self.function}()",
        ]

    def install_statements(self, vendor: str, tables=None) -> list[str]:
        """SQL that (re)makes the triggers, on every watched table or those in `tables`."""
        statements = [self.postgres_function()] if vendor == "postgresql" else []
        for table, columns in self.watched:
            if tables is None or table in tables:
                statements += self.trigger_statements(vendor, table, columns)
        return statements

    def install_triggers(self, connection, tables=None) -> None:
        if connection.vendor not in VENDORS:
            return
        with connection.cursor() as cursor:
            for statement in self.install_statements(connection.vendor, tables):
                cursor.execute(statement)

    def ensure_triggers(self, connection) -> list[str]:
        """Put back missing triggers (SQLite drops a table's triggers when a migration
        remakes it); the tables they were missing on. Nothing before the state table exists."""
        if connection.vendor not in VENDORS:
            return []
        existing = set(connection.introspection.table_names())
        if STATE not in existing:
            return []
        present = present_triggers(connection)
        missing = [
            table
            for table, _ in self.watched
            if table in existing and not self.trigger_names(connection.vendor, table) <= present
        ]
        if missing:
            self.install_triggers(connection, tables=set(missing))
            self.renew(connection)  # whatever was written meanwhile was not noticed
        return missing

    def renew(self, connection) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {STATE} WHERE id = %s", [self.row])
            cursor.execute(
                f"INSERT INTO {STATE} (id, token) VALUES (%s, %s)",
                [self.row, secrets.randbits(62)],
            )

    def read(self, connection) -> int | None:
        """The token; None when there is none (just after a flush), which never matches."""
        return read_tokens(connection, (self,))[0]

    def expression(self, vendor: str) -> RawSQL:
        """The token as a column of another query (to read it with something else). As
        read() does, on PostgreSQL it must then move again at this transaction's next
        public write."""
        sql, params = f"SELECT token FROM {STATE} WHERE id = %s", [self.row]
        if vendor == "postgresql":
            sql += " AND set_config(%s, '', true) = ''"
            params.append(self.renewed)
        return RawSQL(sql, params)


def read_tokens(connection, tokens) -> tuple[int | None, ...]:
    """Several tokens in one query (see Token.read)."""
    rows = ", ".join(f"(SELECT token FROM {STATE} WHERE id = %s)" for _ in tokens)
    params = [token.row for token in tokens]
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(f"SELECT {rows}", params)
            return tuple(cursor.fetchone())
        # Read, a token must move again at this transaction's next public write.
        cleared = ", ".join("set_config(%s, '', true)" for _ in tokens)
        cursor.execute(f"SELECT {rows}, {cleared}", [*params, *(t.renewed for t in tokens)])
        return tuple(cursor.fetchone()[: len(tokens)])
