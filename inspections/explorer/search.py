"""Full-text search over findings, recommendations and context-figure labels, with facets.

One interface (`Search`), two backends:

- PostgreSQL: a `search_vector` tsvector column on each searched table, filled by the
  built-in `tsvector_update_trigger` and indexed with GIN; ranked by `ts_rank`, matches
  marked by `ts_headline`.
- SQLite: an FTS5 external-content table beside each searched table, kept in step by
  triggers; ranked by `bm25`, matches marked by `highlight()`.

Both live in the database, not in save(), so records that arrive by `loaddata`,
`bulk_create`, the importer, the admin or a raw UPDATE are searchable the moment they are
written. Migration 0004 installs them; `ensure_index` (run after every migrate) puts back
any trigger a later migration dropped, as SQLite does when Django remakes a table.

The user's words are parsed once (`parse_query`) into terms, phrases ("..."),
alternatives (OR) and exclusions (-word). Each backend renders that structure in its own
syntax from the words alone (letters and digits), passed as parameters: nothing the user
types can reach either query language as syntax.

The database answers only which records match the words, and how well (one query).
Narrowing them by the chosen facets, counting them by every facet and putting them in
order is done in memory (`facet_index`), so a page runs the same few queries, in about
the same time, on any size of data and either database.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode

import numpy as np
from django import forms
from django.db import connection as default_connection
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from inspections import serializers
from inspections.models import ContextFigure

from . import facet_index
from .facet_index import TYPE_CODES

MAX_QUERY_LENGTH = 200
MAX_TERMS = 24
PAGE_SIZE = 20
EXPORT_LIMIT = 20_000
FACET_SIZE = 10  # values shown per facet before "Show all"
FACET_MORE_SIZE = 200

# The searched tables and text columns: (record type, table, column).
SEARCHED = (
    ("finding", "inspections_finding", "text"),
    ("recommendation", "recommendations_recommendation", "text"),
    ("figure", "inspections_contextfigure", "label"),
)
TYPE_LABELS = {
    "finding": "Findings",
    "recommendation": "Recommendations",
    "figure": "Context figures",
}

PG_CONFIG = "pg_catalog.english"
FTS5_TOKENIZER = "porter unicode61 remove_diacritics 2"

# Private-use characters that the databases put around matches; the text is escaped
# first and only then are these turned into <mark>, so no markup in a record can leak.
START, STOP = "\ue000", "\ue001"
MARKERS = re.compile(f"[{START}{STOP}]")

CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
# A quoted phrase (the closing quote may be missing), or a run of anything but spaces.
TOKEN = re.compile(r'(-?)"([^"]*)(?:"|$)|(\S+)')
# Letters and digits, as both databases' tokenisers split words.
WORD = re.compile(r"[^\W_]+")


# --- The user's words ------------------------------------------------------------------


class SearchError(ValueError):
    """The search words cannot be searched for; the message says why, for the user."""


@dataclass(frozen=True)
class Term:
    """One word, or a phrase of several that must appear together in this order."""

    words: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.words)


@dataclass(frozen=True)
class ParsedQuery:
    """Every group must match; a group matches when any of its terms does (OR).

    A record that matches any excluded term is left out.
    """

    groups: tuple[tuple[Term, ...], ...] = ()
    excluded: tuple[Term, ...] = ()

    def __bool__(self):
        return bool(self.groups)


def clean_query_text(text: str) -> str:
    """The search as typed, without control characters (NUL included) or outer spaces."""
    return CONTROL_CHARACTERS.sub(" ", text or "").strip()


def parse_query(text: str) -> ParsedQuery:
    """Parse a search as people type one into a search engine.

    `staff vacancies` needs both words; `"management oversight"` the phrase; `police OR
    "children's services"` either; `-unpaid` leaves records with the word out. Anything
    else (quotes, brackets, operators, markup, SQL) only separates words. Raises
    SearchError when nothing searchable is left or the search is too long.
    """
    text = clean_query_text(text)
    if len(text) > MAX_QUERY_LENGTH:
        raise SearchError(f"Search for {MAX_QUERY_LENGTH} characters or fewer")
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    pending_or = False
    for match in TOKEN.finditer(text):
        negated, quoted, bare = match.group(1) == "-", match.group(2), match.group(3)
        if bare == "OR":
            pending_or = bool(groups)
            continue
        if bare is not None and bare.startswith("-") and len(bare) > 1:
            negated, bare = True, bare[1:]
        words = tuple(word.lower() for word in WORD.findall(quoted if bare is None else bare))
        if not words:
            continue
        if negated:
            excluded.append(Term(words))
        elif pending_or:
            groups[-1].append(Term(words))
        else:
            groups.append([Term(words)])
        pending_or = False
    if sum(len(t.words) for g in groups for t in g) + sum(len(t.words) for t in excluded) > (
        MAX_TERMS
    ):
        raise SearchError(f"Search for {MAX_TERMS} words or fewer")
    if text and not groups:
        if excluded:
            raise SearchError("Enter a word to search for, not only words to leave out")
        raise SearchError("Enter words or numbers to search for")
    return ParsedQuery(tuple(tuple(g) for g in groups), tuple(excluded))


def highlight(marked: str, original: str) -> SafeString:
    """`marked` (the text with START/STOP around matches) as HTML: escaped, matches in <mark>.

    If the markers do not pair up, or the record's own text contains them, the text is
    shown escaped and unmarked rather than risk unbalanced markup.
    """
    plain = str(escape(original)).replace("\n", "<br>")
    if START in original or STOP in original:
        return mark_safe(plain)  # noqa: S308 - escaped
    escaped = str(escape(marked))
    # Balanced means START, STOP, START, STOP ... in turn.
    markers = MARKERS.findall(escaped)
    if markers[0::2].count(START) + markers[1::2].count(STOP) != len(markers) or (len(markers) % 2):
        return mark_safe(plain)  # noqa: S308 - escaped
    html = escaped.replace(START, "<mark>").replace(STOP, "</mark>").replace("\n", "<br>")
    return mark_safe(html)  # noqa: S308 - built from escaped text and our own tags only


# --- The index in the database ----------------------------------------------------------


def _sqlite_statements(table: str, column: str) -> list[str]:
    fts = f"{table}_fts"
    # content="..." in double quotes is also how Datasette finds a table's FTS index.
    return [
        f'CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5({column}, content="{table}", '
        f'content_rowid="id", tokenize="{FTS5_TOKENIZER}")',
        f"CREATE TRIGGER IF NOT EXISTS {fts}_insert AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {fts}(rowid, {column}) VALUES (new.id, new.{column}); END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_delete AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {column}) VALUES ('delete', old.id, old.{column}); "
        "END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_update AFTER UPDATE OF id, {column} ON {table} "
        f"BEGIN INSERT INTO {fts}({fts}, rowid, {column}) "
        f"VALUES ('delete', old.id, old.{column}); "
        f"INSERT INTO {fts}(rowid, {column}) VALUES (new.id, new.{column}); END",
    ]


def _sqlite_trigger_names(table: str) -> set[str]:
    return {f"{table}_fts_{event}" for event in ("insert", "delete", "update")}


def _postgres_statements(table: str, column: str) -> list[str]:
    return [
        f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS search_vector tsvector",
        f"UPDATE {table} SET search_vector = to_tsvector('{PG_CONFIG}', COALESCE({column}, ''))",
        f"CREATE INDEX IF NOT EXISTS {table}_search_vector ON {table} USING GIN (search_vector)",
        f"DROP TRIGGER IF EXISTS {table}_search_vector ON {table}",
        f"CREATE TRIGGER {table}_search_vector BEFORE INSERT OR UPDATE OF {column} ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION "
        f"tsvector_update_trigger(search_vector, '{PG_CONFIG}', {column})",
    ]


def install_index(connection, tables=None) -> None:
    """Create the full-text index of every searched table (or of `tables`) and fill it."""
    with connection.cursor() as cursor:
        for _, table, column in SEARCHED:
            if tables is not None and table not in tables:
                continue
            if connection.vendor == "sqlite":
                for statement in _sqlite_statements(table, column):
                    cursor.execute(statement)
                cursor.execute(f"INSERT INTO {table}_fts({table}_fts) VALUES ('rebuild')")
            elif connection.vendor == "postgresql":
                for statement in _postgres_statements(table, column):
                    cursor.execute(statement)


def missing_index_tables(connection) -> list[str]:
    """The searched tables whose index, column or triggers are missing."""
    tables = [table for _, table, _ in SEARCHED]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
            names = {row[0] for row in cursor.fetchall()}
            return [
                t
                for t in tables
                if f"{t}_fts" not in names or not _sqlite_trigger_names(t) <= names
            ]
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid "
                "WHERE g.tgname = c.relname || '_search_vector' AND c.relname = ANY(%s)",
                [tables],
            )
            present = {row[0] for row in cursor.fetchall()}
            return [t for t in tables if t not in present]
    return []


def ensure_index(connection=None) -> list[str]:
    """Put back whatever part of the index is missing, and refill those tables' index.

    Runs after every migrate. SQLite drops a table's triggers when a migration remakes
    the table, which would leave its index silently out of step; this restores them.
    Does nothing before migration 0004 has made the explorer's tables.
    """
    connection = connection or default_connection
    if connection.vendor not in ("sqlite", "postgresql"):
        return []
    existing = set(connection.introspection.table_names())
    if "inspections_theme" not in existing or not all(t in existing for _, t, _ in SEARCHED):
        return []
    missing = missing_index_tables(connection)
    if missing:
        install_index(connection, tables=set(missing))
    return missing


# --- Backends ----------------------------------------------------------------------------


# bm25 in whole millionths of millionths: SQLite writes, and numpy reads, whole numbers in
# a third of the time of decimals (12 ms of the 42 at 35,000 matches); closer ranks tie.
BM25_SCALE = 10**12


class SQLiteBackend:
    """FTS5: a MATCH on each table's FTS index, bm25 for rank (lower is better)."""

    def __init__(self, query: ParsedQuery):
        self.query = query
        self.expression = self.match_expression(query)

    @staticmethod
    def match_expression(query: ParsedQuery) -> str:
        def term(t: Term) -> str:
            return '"' + " ".join(t.words) + '"'  # words are letters and digits only

        def group(g: tuple[Term, ...]) -> str:
            return term(g[0]) if len(g) == 1 else "(" + " OR ".join(map(term, g)) + ")"

        expression = " AND ".join(group(g) for g in query.groups)
        if query.excluded:
            expression = f"({expression}) NOT ({' OR '.join(map(term, query.excluded))})"
        return expression

    def matches_sql(self, record_types, inspections=None) -> tuple[str, list]:
        """(type, ids, ranks) of the matches of each of `record_types`, one row a type, the
        ids and ranks comma-separated: (SQL, params). A row a match cost more in Python
        than finding and ranking the matches (a third of the time at 40,000 matches).

        `inspections` (ids), when given, restricts findings and recommendations to those
        inspections' own, in the same query, so that only theirs are ranked: each match is
        looked up in the list of their records (from the inspection_id index) before it is
        ranked; `+rowid` keeps FTS5 from being asked for each of them in turn, a search
        each. (Joining each match to its row read every match's row and ranked them all.)
        """
        parts, params = [], []
        for record_type, table, _column in SEARCHED:
            if record_type not in record_types:
                continue
            fts = f"{table}_fts"
            matches = (
                f"SELECT rowid AS id, CAST(bm25({fts}) * {BM25_SCALE} AS INTEGER) AS rank "
                f"FROM {fts} WHERE {fts} MATCH %s"
            )
            params.append(self.expression)
            if inspections is not None and record_type != "figure":
                matches += (
                    f" AND +rowid IN (SELECT id FROM {table} "
                    "WHERE inspection_id IN (SELECT value FROM json_each(%s)))"
                )
                params.append(json.dumps(inspections))
            # LIMIT -1 keeps the matches a query of their own: bm25() is not allowed in an
            # aggregate's.
            parts.append(
                f"SELECT {TYPE_CODES[record_type]}, group_concat(id), group_concat(rank) "
                f"FROM ({matches} LIMIT -1)"
            )
        return " UNION ALL ".join(parts), params

    @staticmethod
    def matches_found(rows) -> dict[int, tuple[np.ndarray, np.ndarray]]:
        """{type code: (ids, ranks)} from matches_sql's rows."""
        return {
            code: (np.fromstring(ids, np.int64, sep=","), np.fromstring(ranks, np.int64, sep=","))
            for code, ids, ranks in rows
            if ids
        }

    def highlights_sql(self, ids_by_type: dict[str, list[int]]) -> tuple[str, list]:
        parts, params = [], []
        for record_type, table, _column in SEARCHED:
            ids = ids_by_type.get(record_type)
            if not ids:
                continue
            fts = f"{table}_fts"
            parts.append(
                f"SELECT '{record_type}', rowid, highlight({fts}, 0, %s, %s) FROM {fts} "
                f"WHERE {fts} MATCH %s AND rowid IN ({', '.join(['%s'] * len(ids))})"
            )
            params += [START, STOP, self.expression, *ids]
        return " UNION ALL ".join(parts), params


class PostgresBackend:
    """tsvector columns with GIN indexes; ts_rank for rank (negated, so lower is better)."""

    def __init__(self, query: ParsedQuery):
        self.query = query
        self.tsquery, self.params = self.tsquery_sql(query)

    @staticmethod
    def tsquery_sql(query: ParsedQuery) -> tuple[str, list]:
        params: list[str] = []

        def term(t: Term) -> str:
            params.append(t.text)
            return f"phraseto_tsquery('{PG_CONFIG}', %s)"

        def group(g: tuple[Term, ...]) -> str:
            return "(" + " || ".join(map(term, g)) + ")"

        sql = " && ".join(group(g) for g in query.groups)
        if query.excluded:
            sql = f"({sql}) && !!({' || '.join(map(term, query.excluded))})"
        return sql, params

    def matches_sql(self, record_types, inspections=None) -> tuple[str, list]:
        """(type, id, rank) of every match of each of `record_types`, a row each: (SQL,
        params); `inspections` as for SQLiteBackend.matches_sql."""
        # The query is written out where it is used rather than taken from a CTE, so the
        # planner can estimate from the column's statistics how many rows match.
        parts, params = [], []
        for record_type, table, _column in SEARCHED:
            if record_type not in record_types:
                continue
            parts.append(
                f"SELECT {TYPE_CODES[record_type]}, id, -ts_rank(search_vector, "
                f"{self.tsquery}) FROM {table} WHERE search_vector @@ ({self.tsquery})"
            )
            params += [*self.params, *self.params]
            if inspections is not None and record_type != "figure":
                parts[-1] += " AND inspection_id = ANY(%s)"
                params.append(inspections)
        return " UNION ALL ".join(parts), params

    @staticmethod
    def matches_found(rows) -> dict[int, tuple[np.ndarray, np.ndarray]]:
        """{type code: (ids, ranks)} from matches_sql's rows."""
        matches = np.array(rows, np.float64).reshape(-1, 3)
        found = {}
        for code in np.unique(matches[:, 0]).astype(int).tolist():
            of_type = matches[matches[:, 0] == code]
            found[code] = (of_type[:, 1].astype(np.int64), of_type[:, 2])
        return found

    def highlights_sql(self, ids_by_type: dict[str, list[int]]) -> tuple[str, list]:
        options = f"StartSel={START}, StopSel={STOP}, HighlightAll=true"
        parts, params = [], []
        for record_type, table, column in SEARCHED:
            ids = ids_by_type.get(record_type)
            if not ids:
                continue
            parts.append(
                f"SELECT '{record_type}', t.id, ts_headline('{PG_CONFIG}', t.{column}, q.query, "
                f"%s) FROM {table} t CROSS JOIN q WHERE t.id IN ({', '.join(['%s'] * len(ids))})"
            )
            params += [options, *ids]
        if not parts:
            return "", []
        return f"WITH q AS (SELECT {self.tsquery} AS query) " + " UNION ALL ".join(parts), [
            *self.params,
            *params,
        ]


def backend_for(connection, query: ParsedQuery):
    if connection.vendor == "postgresql":
        return PostgresBackend(query)
    if connection.vendor == "sqlite":
        return SQLiteBackend(query)
    raise NotImplementedError(f"Search does not support {connection.vendor}.")


# --- Filters and facets ------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """The facet values chosen, as they appear in the URL (slugs, a year, a standard's id)."""

    type: str = ""
    theme: str = ""
    region: str = ""
    body: str = ""
    programme: str = ""
    year: int | None = None
    standard: int | None = None
    kind: str = ""
    addressee: str = ""

    def chosen(self) -> list[tuple[str, object]]:
        return [
            (name, getattr(self, name))
            for name in FACET_NAMES
            if getattr(self, name) not in ("", None)
        ]

    def allows(self, record_type: str) -> bool:
        """Whether records of `record_type` can match: some facets apply to one type only."""
        if self.type and self.type != record_type:
            return False
        if record_type != "finding" and (self.standard is not None or self.kind):
            return False
        if record_type != "recommendation" and self.addressee:
            return False
        return not (record_type == "figure" and self.theme)


FACETS = (
    ("type", "Type of record"),
    ("theme", "Theme"),
    ("region", "Region"),
    ("body", "Inspected body"),
    ("programme", "Programme"),
    ("year", "Year of inspection"),
    ("standard", "Standard"),
    ("kind", "Finding kind"),
    ("addressee", "Recommendation addressee"),
)
FACET_NAMES = [name for name, _ in FACETS]
FACET_LABELS = dict(FACETS)
# Facets with many values show the commonest first and offer the rest on request.
LONG_FACETS = {"body", "addressee"}

KIND_LABELS = {
    "strength": "Strength",
    "improvement": "Area for improvement",
    "other": "Other finding",
}


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False
    url: str = ""  # the page with this value chosen, or, if chosen, without it


@dataclass
class Facet:
    name: str
    label: str
    values: list[FacetValue]
    truncated: bool = False  # more values than shown
    more_url: str = ""
    chosen: bool = False


# --- Results -----------------------------------------------------------------------------


@dataclass
class Hit:
    """One record in the results: a finding, recommendation or context figure."""

    type: str
    record: object
    highlighted: SafeString | str = ""
    themes: list = field(default_factory=list)
    theme_links: list = field(default_factory=list)  # (theme, its address) of each

    @property
    def inspection(self):
        return self.record.inspection

    @property
    def body(self):
        if self.type == "figure":
            return self.record.body
        return self.record.inspection.body

    @property
    def kind_label(self) -> str:
        if self.type == "finding":
            return self.record.get_kind_display()
        return {"recommendation": "Recommendation", "figure": "Context figure"}[self.type]

    @property
    def tag_class(self) -> str:
        """GOV.UK tag colour for the record's kind."""
        if self.type == "finding":
            return {"strength": "govuk-tag--green", "improvement": "govuk-tag--orange"}.get(
                self.record.kind, "govuk-tag--grey"
            )
        return {"recommendation": "govuk-tag--blue", "figure": "govuk-tag--purple"}[self.type]

    @property
    def where(self) -> str:
        """The heading the record sits under: its standard or section, or its category."""
        if self.type == "finding":
            return self.record.section.name
        if self.type == "recommendation":
            return f"Recommendation {self.record.number} to {self.record.addressee.name}"
        return self.record.get_category_display()

    @property
    def year(self):
        inspection = self.record.inspection
        if inspection is None:
            return None
        date = inspection.fieldwork_start or inspection.published
        return date.year if date else None

    @property
    def url(self) -> str:
        return record_url(self.type, self.record)

    @property
    def link_text(self) -> str:
        return {
            "finding": "Open this finding",
            "recommendation": "Open this recommendation",
            "figure": "Open this figure",
        }[self.type]

    @property
    def text(self) -> str:
        return self.record.label if self.type == "figure" else self.record.text


def _theme_bits(record) -> int:
    return getattr(record, "theme_bits", 0)  # a context figure has no themes


def record_url(record_type: str, record) -> str:
    """Where a record is shown: a finding's own page; a recommendation's page where the
    tracker provides one, otherwise its inspection's recommendations; a figure's inspection
    or, for a figure from a PDU's own profile, the PDU's page."""
    if record_type == "finding":
        return record.get_absolute_url()
    if record_type == "recommendation":
        try:
            return record.get_absolute_url()
        except NoReverseMatch:
            return f"{record.inspection.get_absolute_url()}#recommendations"
    if record.inspection is not None:
        return f"{record.inspection.get_absolute_url()}#context-figures"
    if record.body.kind == "pdu":
        return reverse("pdus:pdu_detail", args=[record.body.slug])
    return reverse("inspections:inspection_list")


@dataclass
class SearchPage:
    hits: list[Hit]
    number: int
    total: int

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))

    @property
    def start(self) -> int:
        return (self.number - 1) * PAGE_SIZE + 1 if self.hits else 0

    @property
    def end(self) -> int:
        return self.start + len(self.hits) - 1 if self.hits else 0


class Search:
    """Records matching the words and the chosen facets.

    Each of `results()`, `facet_counts()` and `keys()` reads the facet index's token and,
    with words, the matches (two queries); `page()` adds one to mark the matches and one
    for each type of record the facets allow (their themes come with them); `hydrate()` of
    keys for a download the same without marking. None of these grows with the data.
    """

    def __init__(
        self, query: ParsedQuery | None = None, filters: Filters | None = None, connection=None
    ):
        self.query = query or ParsedQuery()
        self.filters = filters or Filters()
        self.connection = connection or default_connection
        self.backend = backend_for(self.connection, self.query)
        self._index = None  # the facet index the matches were found in

    def _matching(self, stop: int) -> tuple[facet_index.FacetIndex, np.ndarray, np.ndarray]:
        """(the index, the rows of the records that match, the first `stop` of them in order).

        Without words, every record meeting the facets, in document order; with words, the
        database's matches (one query) that meet them, best first.
        """
        index = self._index = facet_index.current(self.connection)
        if not self.query:
            rows = index.in_document_order(index.narrow(self.filters))
            return index, rows, rows[:stop]
        record_types = [t for t, _table, _column in SEARCHED if self.filters.allows(t)]
        found = {}
        if record_types:
            inspections = index.inspections_meeting(self.filters)
            sql, params = self.backend.matches_sql(record_types, inspections)
            found = self.backend.matches_found(self._execute(sql, params))
        rows, scores = [], []
        for record_type in record_types:
            ids, ranks = found.get(TYPE_CODES[record_type], (np.zeros(0, np.int64), np.zeros(0)))
            at, present = index.rows_of(record_type, ids)
            rows.append(at)
            scores.append(ranks[present])
        rows = np.concatenate(rows) if rows else np.zeros(0, np.int64)
        scores = np.concatenate(scores) if scores else np.zeros(0)
        keep = index.narrow(self.filters, rows)
        rows, scores = rows[keep], scores[keep]
        return index, rows, index.ranked(rows, scores, stop)

    def _execute(self, sql: str, params: list) -> list[tuple]:
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def results(self, limit: int, offset: int = 0, more: str = ""):
        """Every facet's counts and the keys of one page of results.

        Returns ({facet: [(value, label, count)]}, [(type, id)] in order). Facets with
        many values (LONG_FACETS) keep their commonest FACET_SIZE + 1, so that the page can
        tell there are more, unless `more` names them; the others up to FACET_MORE_SIZE.
        """
        index, rows, first = self._matching(offset + limit)
        counts = defaultdict(list)
        for name, values in index.counts(rows).items():
            size = FACET_SIZE + 1 if name in LONG_FACETS and name != more else FACET_MORE_SIZE
            counts[name] = sorted(values, key=lambda v: (-v[2], v[1]))[:size]
        return counts, index.keys(first[offset:])

    def facet_counts(self, more: str = "") -> dict[str, list[tuple[str, str, int]]]:
        """{facet: [(value, label, count)]} for the current results."""
        return self.results(0, 0, more)[0]

    def keys(self, limit: int, offset: int = 0) -> facet_index.RecordKeys:
        """(type, id) of the matching records in order."""
        index, _rows, first = self._matching(offset + limit)
        return index.keys(first[offset:])

    def page(self, number: int, total: int) -> SearchPage:
        keys = self.keys(PAGE_SIZE, (number - 1) * PAGE_SIZE)
        return SearchPage(self.hydrate(keys, highlight_matches=True), number, total)

    def hydrate(self, keys, *, highlight_matches: bool) -> list[Hit]:
        """The records behind `keys`, in order, with their themes and marked matches."""
        from inspections.models import ContextFigure, Finding
        from recommendations.models import Recommendation

        ids = defaultdict(list)
        for record_type, pk in keys:
            ids[record_type].append(pk)
        records = {}
        querysets = {
            "finding": Finding.objects.select_related(
                "inspection__body__region",
                "inspection__programme",
                "section__standard",
                "source_document",
            ),
            "recommendation": Recommendation.objects.select_related(
                "inspection__body__region",
                "inspection__programme",
                "addressee",
                "source_document",
            ),
            "figure": ContextFigure.objects.select_related(
                "body__region", "inspection__programme", "inspection__body", "source_document"
            ),
        }
        # One query per type of record the chosen facets allow, even when the page has none
        # of it ([0] matches no record), so a page's query count depends on the facets
        # chosen, never on which records it happens to show.
        for record_type, queryset in querysets.items():
            if self.filters.allows(record_type):
                # Unordered: the keys give the order, and a model's own costs a sort to compile.
                for record in queryset.filter(pk__in=ids[record_type] or [0]).order_by():
                    records[record_type, record.pk] = record
        # A record's themes are its theme bits (kept in step with its tags by triggers):
        # read with it, and named from the facet index's themes, no query of their own.
        index = self._index or facet_index.current(self.connection)
        theme_urls = {}

        def linked(theme):  # with its address, worked out once a page rather than a record
            if theme.pk not in theme_urls:
                theme_urls[theme.pk] = theme.get_absolute_url()
            return theme, theme_urls[theme.pk]

        marked = {}
        if highlight_matches and self.query and keys:
            sql, params = self.backend.highlights_sql(ids)
            if sql:
                marked = {(t, pk): text for t, pk, text in self._execute(sql, params)}
        hits = []
        for record_type, pk in keys:
            record = records.get((record_type, pk))
            if record is None:  # deleted since the search ran
                continue
            hit = Hit(record_type, record, themes=index.themes_of(_theme_bits(record)))
            hit.theme_links = [linked(theme) for theme in hit.themes]
            text = hit.text
            hit.highlighted = highlight(marked.get((record_type, pk), text), text)
            hits.append(hit)
        return hits


# --- The explorer's URL: the form that reads it, and facets that link back to it --------------


def _choice_errors(what: str) -> dict[str, str]:
    message = f"Choose {what} from the list"
    return {"invalid": message, "invalid_choice": message, "max_length": message}


class QueryField(forms.CharField):
    """The search words: control characters (NUL included) become spaces, not an error."""

    def to_python(self, value):
        return clean_query_text(super().to_python(value))


class ExploreForm(forms.Form):
    """The explorer's state, all in the URL: the words, the facets chosen, the page."""

    q = QueryField(required=False, label="Search")
    type = forms.ChoiceField(
        required=False,
        choices=[("", "Any"), *TYPE_LABELS.items()],
        error_messages=_choice_errors("a type of record"),
    )
    theme = forms.SlugField(
        required=False, max_length=100, error_messages=_choice_errors("a theme")
    )
    region = forms.SlugField(
        required=False, max_length=100, error_messages=_choice_errors("a region")
    )
    body = forms.SlugField(
        required=False, max_length=100, error_messages=_choice_errors("an inspected body")
    )
    programme = forms.SlugField(
        required=False, max_length=100, error_messages=_choice_errors("a programme")
    )
    year = forms.IntegerField(
        required=False,
        min_value=1900,
        max_value=2100,
        error_messages={
            "invalid": "Enter the year as a number, like 2022",
            "min_value": "Enter a year from 1900 to 2100",
            "max_value": "Enter a year from 1900 to 2100",
        },
    )
    standard = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        error_messages={
            "invalid": "Choose a standard from the list",
            "min_value": "Choose a standard from the list",
            "max_value": "Choose a standard from the list",
        },
    )
    kind = forms.ChoiceField(
        required=False,
        choices=[("", "Any"), *KIND_LABELS.items()],
        error_messages=_choice_errors("a kind of finding"),
    )
    addressee = forms.SlugField(
        required=False, max_length=100, error_messages=_choice_errors("an addressee")
    )
    page = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=100_000,
        error_messages={
            "invalid": "Enter the page as a whole number, like 2",
            "min_value": "Enter a page number from 1",
            "max_value": "Enter a page number up to 100,000",
        },
    )
    more = forms.ChoiceField(
        required=False,
        choices=[("", "")] + [(name, name) for name in sorted(LONG_FACETS)],
        error_messages=_choice_errors("a facet"),
    )
    format = forms.ChoiceField(
        required=False,
        choices=[("", "Web page"), ("csv", "CSV"), ("xlsx", "Excel"), ("json", "JSON")],
        error_messages={"invalid_choice": "Choose CSV, Excel or JSON to download"},
    )

    parsed = ParsedQuery()

    def clean_q(self):
        text = self.cleaned_data["q"]
        try:
            self.parsed = parse_query(text)
        except SearchError as error:
            raise forms.ValidationError(str(error)) from error
        return text

    def filters(self) -> Filters:
        data = self.cleaned_data
        numbers = {"year", "standard"}
        return Filters(
            **{name: data.get(name) or (None if name in numbers else "") for name in FACET_NAMES}
        )


def query_string(params, **changes) -> str:
    """The explorer's query string from `params` (a QueryDict) with `changes` (None removes a
    key), always back on page 1 and as a web page; as QueryDict.urlencode() writes it, but
    without copying the QueryDict (deep), which a page of facets did for every value."""
    query = {key: values for key, values in params.lists() if key not in ("page", "format")}
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = [value]
    return "?" + urlencode([(key, value) for key, values in query.items() for value in values])


def _value_label(name: str, value: str, label: str) -> str:
    if name == "type":
        return TYPE_LABELS.get(value, value)
    if name == "kind":
        return KIND_LABELS.get(value, value)
    return label


def build_facets(counts, filters: Filters, params, more: str = "") -> list[Facet]:
    """The facets to show beside the results, each value linking to the results with it
    chosen (or, when chosen, without it). Facets with no values are left out."""
    facets = []
    for name, label in FACETS:
        chosen = getattr(filters, name)
        chosen = "" if chosen in ("", None) else str(chosen)
        rows = counts.get(name, [])
        if name == "year":
            rows = sorted(rows, key=lambda r: -int(r[0]))
        else:
            rows = sorted(rows, key=lambda r: (-r[2], _value_label(name, r[0], r[1])))
        truncated = name in LONG_FACETS and name != more and len(rows) > FACET_SIZE
        if truncated:
            rows = rows[:FACET_SIZE]
        values = [
            FacetValue(
                value,
                _value_label(name, value, row_label),
                count,
                selected=value == chosen,
                url=query_string(params, more=None, **{name: None if value == chosen else value}),
            )
            for value, row_label, count in rows
        ]
        if chosen and not any(v.selected for v in values):
            remove = query_string(params, **{name: None})
            values.insert(0, FacetValue(chosen, chosen, 0, selected=True, url=remove))
        if not values:
            continue
        facets.append(
            Facet(
                name,
                label,
                values,
                truncated=truncated,
                more_url=query_string(params, more=name) if truncated else "",
                chosen=bool(chosen),
            )
        )
    return facets


# --- Downloads -------------------------------------------------------------------------

# Each type of record's fields, as the JSON API gives them.
RECORD_FIELDS = {
    "finding": serializers.finding,
    "recommendation": serializers.recommendation,
    "figure": serializers.context_figure,
}
RECORD_NAMES = {
    "finding": "Finding",
    "recommendation": "Recommendation",
    "figure": "Context figure",
}


def export_json(hit: Hit, absolute_url) -> dict:
    """A record as the API gives it (its fields and `source`, with a citation), and where it
    sits among the results: its type, id, text, body, inspection, themes and page."""
    inspection = hit.inspection
    return (
        {"type": hit.type, "id": hit.record.pk, "text": hit.text}
        | RECORD_FIELDS[hit.type](hit.record)
        | {
            # Every result gives its body as an object, whatever its type: for a figure, the
            # figure's own body, which the API (within an inspection) gives by name.
            "body": serializers.body(hit.body),
            # Which inspection, with its page; the API gives the rest of it.
            "inspection": (
                {
                    "slug": inspection.slug,
                    "title": inspection.title,
                    "programme": inspection.programme.name,
                    "year": hit.year,
                    "url": absolute_url(inspection.get_absolute_url()),
                }
                if inspection
                else None
            ),
            "themes": [theme.slug for theme in hit.themes],
            "theme_names": [theme.name for theme in hit.themes],
            "url": absolute_url(hit.url),
        }
    )


# The CSV and Excel columns: each heading and where its value is in export_json()'s result.
EXPORT_FIELDS = {
    "Type": ("type",),
    "Kind": ("kind",),
    "Text": ("text",),
    "Value": ("value_as_published",),
    "Unit": ("unit",),
    "Inspected body": ("body", "name"),
    "Region": ("body", "region"),
    "Inspection": ("inspection", "title"),
    "Programme": ("inspection", "programme"),
    "Year": ("inspection", "year"),
    "Standard": ("standard",),
    "Section": ("section",),
    "Addressee": ("addressee",),
    "Recommendation number": ("number",),
    "Themes": ("theme_names",),
    "Source document": ("source", "title"),
    "Source file": ("source", "document"),
    "Source section": ("source", "section"),
    "Source line": ("source", "line"),
    "Citation": ("source", "citation"),
    "URL": ("url",),
}
EXPORT_COLUMNS = list(EXPORT_FIELDS)
# Codes that a spreadsheet shows by their labels.
EXPORT_LABELS = {
    "Type": RECORD_NAMES,
    "Kind": KIND_LABELS,
    "Unit": dict(ContextFigure.Unit.choices),
}


def export_row(result: dict, columns=EXPORT_COLUMNS) -> dict:
    """export_json()'s `result` as a flat row of `columns`: labels for codes, lists joined,
    and blanks where the JSON has null or the record has no such field."""
    row = {}
    for heading in columns:
        value = result
        for key in EXPORT_FIELDS[heading]:
            value = value.get(key) if value else None
        if isinstance(value, list):
            value = "; ".join(value)
        value = EXPORT_LABELS.get(heading, {}).get(value, value)
        # Blank rather than None, so that a column of whole numbers with gaps is not written
        # as decimals.
        row[heading] = "" if value is None else value
    return row


def json_download(data, filename: str):
    """`data` as a JSON file download of `filename`, named with today's date."""
    from django.core.serializers.json import DjangoJSONEncoder
    from django.http import JsonResponse

    from inspections.web.exports import attach

    response = JsonResponse(
        data, encoder=DjangoJSONEncoder, safe=False, json_dumps_params={"ensure_ascii": False}
    )
    return attach(response, filename, "json")


# Records read from the database at a time for a download: each batch is four queries (one
# per type of record and one for their themes). 1,000 at a time peaked 7 MiB higher in the
# serving process than 400, in the same time (bench/downloads.py).
EXPORT_BATCH = 400
JSON_CHUNK = 64 * 1024


def export_hits(finder: Search, keys: Sequence[tuple[str, int]], batch: int | None = None):
    """The records behind `keys`, in order, read `batch` (EXPORT_BATCH) at a time as they
    are asked for.

    The keys come from the facet index, which holds published records only; a record whose
    inspection has been unpublished since (a long download reads for a while) is left out.
    """
    batch = batch or EXPORT_BATCH
    for start in range(0, len(keys), batch):
        for hit in finder.hydrate(keys[start : start + batch], highlight_matches=False):
            if hit.inspection is None or hit.inspection.is_published:
                yield hit


def json_chunks(head: dict, results, key: str = "results") -> Iterator[bytes]:
    """`head` (not empty) with `results` as its last member, `key`, as JsonResponse would
    write them (DjangoJSONEncoder, not ASCII-escaped), in UTF-8 pieces of about JSON_CHUNK
    characters, the results read only as the file is."""
    from django.core.serializers.json import DjangoJSONEncoder

    encoder = DjangoJSONEncoder(ensure_ascii=False)
    pending, size = [encoder.encode(head)[:-1], f', "{key}": ['], 0
    for number, result in enumerate(results):
        text = encoder.encode(result)
        pending.append(f", {text}" if number else text)
        size += len(text)
        if size >= JSON_CHUNK:
            yield "".join(pending).encode("utf-8")
            pending, size = [], 0
    pending.append("]}")
    yield "".join(pending).encode("utf-8")


def download(
    finder: Search, keys: Sequence[tuple[str, int]], file_format: str, absolute_url, *, query, total
):
    """The records behind `keys` as a CSV, Excel or JSON download, a citation of its source
    in each row; read and written a batch at a time (`export_hits`), never all at once."""
    from django.http import StreamingHttpResponse

    from inspections.web.exports import attach, streamed_response

    filename = "inspection-findings-explorer"
    results = (export_json(hit, absolute_url) for hit in export_hits(finder, keys))
    if file_format == "json":
        head = {
            "query": query,
            "count": total,
            "truncated": total > len(keys),
            "licence": "Contains public sector information licensed under the Open "
            "Government Licence v3.0.",
        }
        response = StreamingHttpResponse(
            json_chunks(head, results), content_type="application/json"
        )
        return attach(response, filename, "json")
    rows = (list(export_row(result).values()) for result in results)
    return streamed_response(EXPORT_COLUMNS, rows, filename, file_format)
