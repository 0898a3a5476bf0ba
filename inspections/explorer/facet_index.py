"""The explorer's facets, filters and document order, worked out in memory.

Every published record's facet keys (type, body, region, programme, year, standard, kind,
addressee, themes) and its place in document order are held in numpy arrays, once per
process and database. A search asks the database only which records match its words and
how well (one query); narrowing them by the chosen facets, counting them by every facet
and taking a page of them is then array arithmetic: a few milliseconds at 166,000
records, whatever the words, and no SQL plan to go wrong.

The arrays follow the data: every search reads the facet token first (one query,
`inspections/web/tokens.py`) and rebuilds the arrays when it has changed. Database
triggers renew the token on every write to a table the arrays are read from that can
change what the public sees (not a draft's records, nor a draft itself: an admin at work
on a draft cost every process a rebuild per save), at most once a transaction on
PostgreSQL.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from inspections.web import data_version
from inspections.web.memory import give_back_freed_memory
from inspections.web.tokens import Token, read_tokens

TYPE_CODES = {"finding": 1, "recommendation": 2, "figure": 3}
TYPE_NAMES = {code: name for name, code in TYPE_CODES.items()}

WATCHED = (
    (
        "inspections_inspection",
        ("is_published", "body_id", "programme_id", "fieldwork_start", "published"),
    ),
    ("inspections_finding", ("inspection_id", "section_id", "kind", "position")),
    ("recommendations_recommendation", ("inspection_id", "addressee_id", "position")),
    ("inspections_contextfigure", ("inspection_id", "body_id")),
    ("inspections_section", ("standard_id",)),
    ("inspections_theme", ("slug", "name", "bit")),
    ("pdus_body", ("slug", "name", "region_id")),
    ("pdus_region", ("slug", "name")),
    ("ratings_programme", ("slug", "name")),
    ("ratings_standard", ("code", "name")),
)

# SQL: the published inspections' ids (its parameter: True).
PUBLISHED = "(SELECT id FROM inspections_inspection WHERE is_published = %s)"
NONE = -1  # in a key array: the record has no such key
READ_BATCH = 10_000  # rows of a table read into the arrays at a time


# --- Keeping the token ---------------------------------------------------------------------

# The tables the arrays are read from, and the columns of each whose change moves them:
# all but the records' themes, which have a token of their own.
FACETS = Token(
    row=1,
    name="facets",
    watched=WATCHED,
    per_inspection=(
        "inspections_finding",
        "recommendations_recommendation",
        "inspections_contextfigure",
    ),
)
# A record's themes: what a theme override moves (and tagging). Nothing private hangs on a
# theme, so a process reads its themes array again in the background, searching the one
# it has meanwhile (an override made every process rebuild all its arrays before its next
# search: 0.3 s at 166,000 records).
THEMES = Token(
    row=3,
    name="facet_themes",
    watched=(
        ("inspections_finding", ("theme_bits",)),
        ("recommendations_recommendation", ("theme_bits",)),
    ),
    per_inspection=("inspections_finding", "recommendations_recommendation"),
)
TOKENS = (FACETS, THEMES)


def install_triggers(connection) -> None:
    for token in TOKENS:
        token.install_triggers(connection)


def ensure_triggers(connection) -> list[str]:
    return [table for token in TOKENS for table in token.ensure_triggers(connection)]


def read_token(connection) -> tuple[int | None, int | None]:
    """The facet token and the themes token, in one query."""
    return read_tokens(connection, TOKENS)


# --- The arrays ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Value:
    """One value a facet can take: what goes in the URL, and what is shown."""

    value: str
    label: str


def _meets(keep: np.ndarray, values: np.ndarray, position: int | None) -> None:
    """Keep only where `values` is `position`; nothing where it is None (a value, such as
    an unknown slug, that no record has)."""
    if position is None:
        keep[:] = False
    else:
        keep &= values == position


def _int_rows(cursor, sql: str, params, width: int) -> np.ndarray:
    """The rows of integers `sql` selects, `width` to a row, as one array, read
    READ_BATCH rows at a time: fetching them all at once made a tuple of Python ints a
    row (about 45 MB at 166,000 findings) before the array."""
    cursor.execute(sql, params)
    batches = []
    while rows := cursor.fetchmany(READ_BATCH):
        batches.append(np.array(rows, np.int64))
    if not batches:
        return np.empty((0, width), np.int64)
    return np.concatenate(batches).reshape(-1, width)


def _lookup(values: list[Value]) -> dict[str, int]:
    return {v.value: position for position, v in enumerate(values)}


class FacetIndex:
    """Every published record (findings and recommendations of published inspections, and
    context figures of published inspections or of none about a body the public may see)
    as rows of parallel arrays.

    Rows are grouped by type, each group in id order, so a record is found by binary
    search. Key arrays hold positions in the value lists (`bodies`, `regions` ...) or NONE.
    """

    def __init__(self, connection, tokens):
        self.tokens = tokens
        self._read(connection)

    # -- building --

    def _read(self, connection) -> None:
        from inspections.models import Finding, Inspection, Section, Theme
        from pdus.models import Body, Region
        from ratings.models import Programme, Standard

        using = connection.alias
        bodies = list(
            Body.objects.using(using).order_by("pk").values_list("pk", "slug", "name", "region_id")
        )
        regions = list(Region.objects.using(using).order_by("pk").values_list("pk", "slug", "name"))
        programmes = list(
            Programme.objects.using(using).order_by("pk").values_list("pk", "slug", "name")
        )
        standards = list(
            Standard.objects.using(using).order_by("pk").values_list("pk", "code", "name")
        )
        self.bodies = [Value(slug, name) for _, slug, name, _ in bodies]
        self.regions = [Value(slug, name) for _, slug, name in regions]
        self.programmes = [Value(slug, name) for _, slug, name in programmes]
        # As the standard facet has always shown them: "1.1 Leadership", or the name alone.
        self.standards = [Value(str(pk), f"{code} {name}".strip()) for pk, code, name in standards]
        # In the order a record shows its themes.
        self.theme_records = list(Theme.objects.using(using).order_by("position", "name"))
        self.themes = [(Value(t.slug, t.name), t.bit) for t in self.theme_records]
        self.kinds = [Value(kind, kind) for kind in Finding.Kind.values]
        body_at = {pk: i for i, (pk, *_rest) in enumerate(bodies)}
        region_at = {pk: i for i, (pk, *_rest) in enumerate(regions)}
        programme_at = {pk: i for i, (pk, *_rest) in enumerate(programmes)}
        standard_at = {pk: i for i, (pk, *_rest) in enumerate(standards)}
        # A body written after the bodies were read is NONE here (-1), and so is its region:
        # the last place holds NONE. The next search rebuilds with it.
        body_region = np.array(
            [region_at.get(region_id, NONE) for *_rest, region_id in bodies] + [NONE], np.int32
        )
        section_standard = {
            pk: standard_at.get(standard_id, NONE)
            for pk, standard_id in Section.objects.using(using).values_list("pk", "standard_id")
        }

        # Each published inspection: its body, programme, year and date, as columns
        # indexed by the inspection's position (0 stands for "no inspection").
        inspections = list(
            Inspection.objects.using(using)
            .filter(is_published=True)
            .order_by("pk")
            .values_list("pk", "body_id", "programme_id", "fieldwork_start", "published")
        )
        inspection_at = {pk: i for i, (pk, *_rest) in enumerate(inspections, start=1)}
        dates = [fieldwork or published for _, _, _, fieldwork, published in inspections]
        self.inspection_id = np.array([0] + [row[0] for row in inspections], np.int64)
        self.inspection_body = np.array(
            [NONE] + [body_at.get(row[1], NONE) for row in inspections], np.int32
        )
        self.inspection_region = body_region[self.inspection_body]
        self.inspection_programme = np.array(
            [NONE] + [programme_at.get(row[2], NONE) for row in inspections], np.int32
        )
        self.inspection_year = np.array([NONE] + [d.year if d else NONE for d in dates], np.int32)
        # Newest first; undated inspections and records of none after every dated one.
        inspection_sort = np.array([1] + [-d.toordinal() if d else 1 for d in dates], np.int64)

        # A figure of no inspection (a PDU's profile) waits, like a draft's, while its
        # body's only inspections are drafts.
        public_sql, public_params = (
            Body.objects.using(using).public().values("pk").query.sql_with_params()
        )
        # Each kind as its place in self.kinds (the values are the model's own choices).
        kind_code = (
            "CASE kind "
            + " ".join(f"WHEN '{v.value}' THEN {i}" for i, v in enumerate(self.kinds))
            + " ELSE -1 END"
        )
        reads = (
            (
                "finding",
                "SELECT id, inspection_id, section_id, "
                f"{kind_code}, theme_bits, position, 0 FROM inspections_finding "
                f"WHERE inspection_id IN {PUBLISHED} ORDER BY id",
                [True],
            ),
            (
                "recommendation",
                "SELECT id, inspection_id, 0, -1, theme_bits, position, addressee_id "
                f"FROM recommendations_recommendation WHERE inspection_id IN {PUBLISHED} "
                "ORDER BY id",
                [True],
            ),
            (
                "figure",
                "SELECT id, COALESCE(inspection_id, 0), 0, -1, 0, id, body_id "
                "FROM inspections_contextfigure "
                f"WHERE inspection_id IN {PUBLISHED} "
                f"OR (inspection_id IS NULL AND body_id IN ({public_sql})) ORDER BY id",
                [True, *public_params],
            ),
        )
        with connection.cursor() as cursor:
            blocks = [
                (record_type, _int_rows(cursor, sql, params, 7))
                for record_type, sql, params in reads
            ]

        def column(make, dtype=np.int32):
            return np.concatenate([np.asarray(make(t, rows), dtype) for t, rows in blocks])

        def mapped(values, mapping, default=NONE):
            return [mapping.get(value, default) for value in values.tolist()]

        self.starts, self.ends, start = {}, {}, 0
        for record_type, rows in blocks:
            self.starts[record_type], self.ends[record_type] = start, start + len(rows)
            start += len(rows)
        self.size = start
        self.type = column(lambda t, rows: np.full(len(rows), TYPE_CODES[t]), np.int8)
        self.id = column(lambda t, rows: rows[:, 0], np.int64)
        inspection = column(lambda t, rows: mapped(rows[:, 1], inspection_at, 0))
        # A figure is of the body it describes; any other record, of its inspection's body.
        own_body = column(
            lambda t, rows: (
                mapped(rows[:, 6], body_at) if t == "figure" else np.full(len(rows), NONE)
            )
        )
        self.body = np.where(
            self.type == TYPE_CODES["figure"], own_body, self.inspection_body[inspection]
        ).astype(np.int32)
        self.region = body_region[self.body]
        self.programme = self.inspection_programme[inspection]
        self.year = self.inspection_year[inspection]
        self.standard = column(
            lambda t, rows: (
                mapped(rows[:, 2], section_standard) if t == "finding" else np.full(len(rows), NONE)
            )
        )
        self.kind = column(lambda t, rows: rows[:, 3], np.int8)
        self.theme_bits = column(lambda t, rows: rows[:, 4], np.int64)
        self.addressee = column(
            lambda t, rows: (
                mapped(rows[:, 6], body_at) if t == "recommendation" else np.full(len(rows), NONE)
            )
        )
        position = column(lambda t, rows: rows[:, 5], np.int64)
        # Document order: newest inspection first (undated ones and records of none last,
        # by inspection), then each inspection's own order: findings, recommendations,
        # figures, each by position.
        self.document_order = np.lexsort(
            (
                self.id,
                position,
                self.type,
                self.inspection_id[inspection],
                inspection_sort[inspection],
            )
        )
        self.body_at = _lookup(self.bodies)
        self.region_at = _lookup(self.regions)
        self.programme_at = _lookup(self.programmes)
        self.standard_at = _lookup(self.standards)
        self.kind_at = _lookup(self.kinds)
        self.theme_bit = {value.value: bit for value, bit in self.themes}

    def with_themes_read_again(self, connection, tokens) -> FacetIndex | None:
        """This index with the records' themes read again, when only they have moved (the
        facet token has not, so the records are the same, in the same order): a fraction
        of a whole build. None if a write came between and the records differ in number."""
        theme_bits = self.theme_bits.copy()
        with connection.cursor() as cursor:
            for record_type, table in (
                ("finding", "inspections_finding"),
                ("recommendation", "recommendations_recommendation"),
            ):
                sql = (
                    f"SELECT theme_bits FROM {table} WHERE inspection_id IN {PUBLISHED} ORDER BY id"
                )
                bits = _int_rows(cursor, sql, [True], 1).reshape(-1)
                start, end = self.starts[record_type], self.ends[record_type]
                if len(bits) != end - start:
                    return None
                theme_bits[start:end] = bits
        renewed = copy.copy(self)
        renewed.tokens, renewed.theme_bits = tokens, theme_bits
        return renewed

    # -- reading --

    def rows_of(self, record_type: str, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(rows, found): the rows of the records of `record_type` with `ids`, and which of
        `ids` are in the index (records of drafts are not)."""
        start, end = self.starts[record_type], self.ends[record_type]
        block = self.id[start:end]
        at = np.searchsorted(block, ids)
        found = at < len(block)
        found[found] = block[at[found]] == ids[found]
        return start + at[found], found

    def narrow(self, filters, rows: np.ndarray | None = None) -> np.ndarray:
        """Which of `rows` (every row if None) meet the chosen facets: a boolean array."""

        def column(name):
            values = getattr(self, name)
            return values if rows is None else values[rows]

        keep = np.ones(self.size if rows is None else len(rows), bool)
        if filters.type:
            _meets(keep, column("type"), TYPE_CODES.get(filters.type))
        if filters.theme:
            bit = self.theme_bit.get(filters.theme)
            if bit is None:
                keep[:] = False
            else:
                keep &= (column("theme_bits") & (1 << bit)) != 0
        for name, position in self._places(filters):
            _meets(keep, column(name), position)
        if filters.standard is not None:
            _meets(keep, column("standard"), self.standard_at.get(str(filters.standard)))
        if filters.kind:
            _meets(keep, column("kind"), self.kind_at.get(filters.kind))
        if filters.addressee:
            _meets(keep, column("addressee"), self.body_at.get(filters.addressee))
        return keep

    def _places(self, filters) -> list[tuple[str, int | None]]:
        """The chosen facets an inspection meets or not as a whole: (key, position)."""
        places = []
        if filters.region:
            places.append(("region", self.region_at.get(filters.region)))
        if filters.body:
            places.append(("body", self.body_at.get(filters.body)))
        if filters.programme:
            places.append(("programme", self.programme_at.get(filters.programme)))
        if filters.year is not None:
            places.append(("year", filters.year))
        return places

    def inspections_meeting(self, filters) -> list[int] | None:
        """The ids of the published inspections meeting the chosen region, body, programme
        and year, for the database to search only their findings and recommendations
        (far fewer to rank); None when none of those is chosen, or when half the
        inspections or more meet them: picking their records out of every match would
        then cost more than ranking every match (the facets narrow them after)."""
        places = self._places(filters)
        if not places:
            return None
        keep = np.ones(len(self.inspection_id), bool)
        keep[0] = False  # "no inspection"
        for name, position in places:
            _meets(keep, getattr(self, f"inspection_{name}"), position)
        if 2 * np.count_nonzero(keep) >= len(keep) - 1:
            return None
        return self.inspection_id[keep].tolist()

    def counts(self, rows: np.ndarray) -> dict[str, list[tuple[str, str, int]]]:
        """{facet: [(value, label, count)]} of `rows`, values with no records left out."""

        def by(name, values):
            # Shifted by one, so that NONE (-1) is counted first and left out unpicked.
            tally = np.bincount(getattr(self, name)[rows] + 1, minlength=len(values) + 1)[1:]
            return [
                (values[i].value, values[i].label, int(tally[i]))
                for i in np.flatnonzero(tally).tolist()
            ]

        types = np.bincount(self.type[rows], minlength=4)
        bits = self.theme_bits[rows]
        years = self.year[rows]
        years = years[years != NONE]
        first = int(years.min()) if len(years) else 0
        year_tally = np.bincount(years - first)  # a sort of every year (np.unique) cost more
        themes = []
        for value, bit in self.themes:
            n = int(np.count_nonzero(bits & (1 << bit)))
            if n:
                themes.append((value.value, value.label, n))
        counts = {
            "type": [(TYPE_NAMES[c], TYPE_NAMES[c], int(types[c])) for c in TYPE_NAMES if types[c]],
            "theme": themes,
            "region": by("region", self.regions),
            "body": by("body", self.bodies),
            "programme": by("programme", self.programmes),
            "year": [
                (str(first + i), str(first + i), int(year_tally[i]))
                for i in np.flatnonzero(year_tally).tolist()
            ],
            "standard": by("standard", self.standards),
            "kind": by("kind", self.kinds),
            "addressee": by("addressee", self.bodies),
        }
        return {name: values for name, values in counts.items() if values}

    def in_document_order(self, keep: np.ndarray) -> np.ndarray:
        """The rows kept (a boolean array over every row), in document order."""
        return self.document_order[keep[self.document_order]]

    def ranked(self, rows: np.ndarray, scores: np.ndarray, stop: int) -> np.ndarray:
        """The first `stop` of `rows` best first (lowest score), ties by type and id."""
        if stop <= 0:
            return rows[:0]
        if stop < len(rows):
            # Only those scoring no worse than the stop-th best, ties with it included, can
            # be among the first: a page of 40,000 matches sorts a few dozen.
            worst = np.partition(scores, stop - 1)[stop - 1]
            rows, scores = rows[scores <= worst], scores[scores <= worst]
        return rows[np.lexsort((self.id[rows], self.type[rows], scores))][:stop]

    def themes_of(self, bits: int) -> list:
        """The themes (Theme records) of a record with theme bits `bits`, in order."""
        return [theme for theme in self.theme_records if bits >> theme.bit & 1]

    def keys(self, rows: np.ndarray) -> RecordKeys:
        return RecordKeys(self.type[rows], self.id[rows])


class RecordKeys(Sequence):
    """(type, id) of records, in order, made as they are asked for: a download's 20,000
    or 100,000 as tuples were 2 or 9 MiB held for as long as it took to send."""

    def __init__(self, types: np.ndarray, ids: np.ndarray):
        self.types, self.ids = types, ids

    def __len__(self) -> int:
        return len(self.ids)

    def __iter__(self):
        return iter(self[:])

    def __getitem__(self, at):
        if isinstance(at, slice):
            types, ids = self.types[at].tolist(), self.ids[at].tolist()
            return [(TYPE_NAMES[t], i) for t, i in zip(types, ids, strict=True)]
        return TYPE_NAMES[int(self.types[at])], int(self.ids[at])


_indexes: dict[tuple[str, str], FacetIndex] = {}
_lock = threading.Lock()
_renewing: set[tuple[str, str]] = set()


def current(connection) -> FacetIndex:
    """The index of `connection`'s database as it is now: one query when it is up to date.

    The tokens are read before the records, so a write that comes between them leaves the
    index marked older than its data, and the next search rebuilds it again. One build
    at a time: a search that waited for another's finds it done. When only the records'
    themes have moved, their array is read again in the background and this search uses
    the index there is (the request is marked behind the data, so no cache keeps what it shows);
    not inside a transaction, which sees writes of its own that no other connection does.
    """
    key = (connection.alias, str(connection.settings_dict["NAME"]))
    tokens = read_token(connection)
    index = _indexes.get(key)
    if index is not None and None not in tokens and index.tokens == tokens:
        return index
    if (
        index is not None
        and None not in tokens
        and index.tokens[0] == tokens[0]
        and not connection.in_atomic_block
    ):
        data_version.behind()
        _renew_in_background(key, connection.alias, tokens)
        return index
    with _lock:
        index = _indexes.get(key)
        if index is None or None in tokens or index.tokens != tokens:
            index = FacetIndex(connection, tokens)
            _indexes[key] = index
            give_back_freed_memory()  # the build's rows, and the old index's arrays
    return index


def _renew_in_background(key, alias: str, tokens) -> None:
    with _lock:
        if key in _renewing:
            return
        _renewing.add(key)

    renewed = _indexes.get(key)

    def renew():
        from django.db import connections

        try:
            connection = connections[alias]
            index = renewed.with_themes_read_again(connection, tokens) or FacetIndex(
                connection, tokens
            )
            with _lock:
                if _indexes.get(key) is renewed:  # else a search has built a newer one
                    _indexes[key] = index
            give_back_freed_memory()
        finally:
            connections[alias].close()  # this thread's own connection
            with _lock:
                _renewing.discard(key)

    threading.Thread(target=renew, name="facet-themes", daemon=True).start()
