"""Themes: the topics that run through the reports, and which records are on each; and
recurring recommendations. The one theme system and the one recurring grouping: the
recommendation tracker uses both, so it and the explorer never disagree.

The rules are readable data in inspections/explorer/themes.toml (words and phrases, optional
exclusions and report sections, and where each theme's findings sit for the tracker). A
record's themes are the rules' verdict with the admins' overrides applied on top. Tags are
stored (ThemeTag) so the explorer can count and filter them in SQL, and kept in step like
the search index, by the database:

- triggers queue every finding and recommendation inserted or changed (UntaggedRecord),
  whatever wrote it: loaddata, bulk_create, the importer, the admin, raw SQL;
- what writes tags the queued records when it finishes (`tag_pending`), so pages only
  read: every request that may write (POST, PUT, PATCH, DELETE: the admin, the entry
  steps, an upload) after its view (inspections/explorer/tagging.py; one query when it wrote no
  record), the importer inside its transaction, `load_published_data`, `tag_themes` and
  migrate at their end. A write made elsewhere (a shell, raw SQL) stays queued until
  the next of these;
- saving or deleting an override retags the records it names at once;
- `tag_themes` retags everything, as needed after editing the rules.

Overrides name their record by inspection and exact text rather than id, so they keep
applying after `build_fixtures` renumbers records and `load_published_data --reload`
loads them.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path

from django.db import transaction
from django.db.models import Count

from inspections.web.tokens import present_triggers
from ratings.charts import bar, bar_marker, chart_html, wrapped_categories

RULES_FILE = Path(__file__).with_name("themes.toml")

# Record types that carry themes, and the ThemeTag/ThemeOverride field for each.
TAGGED_TYPES = ("finding", "recommendation")

APOSTROPHES = re.compile(r"['’‘`]")
NOT_WORD = re.compile(r"[^a-z0-9]+")


def normalise(text: str) -> str:
    """Lower case, apostrophes dropped, any other run of non-letters one space, padded."""
    text = APOSTROPHES.sub("", (text or "").lower())
    return f" {NOT_WORD.sub(' ', text).strip()} "


def _pattern(phrases: Iterable[str]) -> re.Pattern | None:
    """One regex matching any of `phrases` as whole words; a trailing * matches any ending."""
    parts = []
    for phrase in phrases:
        wildcard = phrase.rstrip().endswith("*")
        words = normalise(phrase.rstrip().rstrip("*")).strip()
        if not words:
            continue
        parts.append(re.escape(f" {words}") + (r"[a-z0-9]*" if wildcard else "") + "(?= )")
    return re.compile("|".join(parts)) if parts else None


# The framework version whose standards [theme.related]'s codes name: the PDU programme's
# 2021 standards (see ratings.Programme; 2023's number theirs otherwise).
RELATED_STANDARDS_VERSION = "pdu"


@dataclass(frozen=True)
class Related:
    """Where the reports' findings on a theme sit (themes.toml's [theme.related]): the
    tracker shows them beside a recommendation on the theme.

    standards: codes of the PDU programme's 2021 standards (RELATED_STANDARDS_VERSION)
    whose findings and key questions bear on it; another version's standards of the
    same names count for its recommendations. sections: report headings whose findings
    bear on it, for findings under no PDU standard (the regional letter's, Quality &
    Impact reports'). key_questions: a
    key question of those standards counts only if it contains one of these words; empty
    for all.
    """

    standards: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    key_questions: tuple[str, ...] = ()


@dataclass(frozen=True)
class ThemeRules:
    """One theme as themes.toml defines it, with its rules compiled."""

    slug: str
    name: str
    description: str
    position: int
    match: tuple[str, ...]
    unless: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    related: Related = Related()

    @property
    def fingerprint(self) -> str:
        """What decides which records are on the theme: when it changes, every record is
        tagged again (at the next migrate; see sync_themes)."""
        rules = [self.match, self.unless, self.sections]
        return hashlib.sha256(json.dumps(rules).encode()).hexdigest()

    def applies_to_normalised(self, text: str, section: str) -> bool:
        """Whether a record with `text` (under report heading `section`), both already
        normalise()d, is on the theme."""
        unless = _compiled(self.unless)
        if unless is not None and unless.search(text):
            return False
        if section.strip() and section in _normalised(self.sections):
            return True
        match = _compiled(self.match)
        return match is not None and bool(match.search(text))


@lru_cache(maxsize=256)
def _compiled(phrases: tuple[str, ...]):
    return _pattern(phrases)


@lru_cache(maxsize=256)
def _normalised(sections: tuple[str, ...]) -> frozenset[str]:
    return frozenset(normalise(s) for s in sections)


class RulesError(ValueError):
    pass


def load_rules(path: Path = RULES_FILE) -> list[ThemeRules]:
    """The themes in the rules file, in its order; RulesError says what is wrong with it."""
    return list(_load_rules(str(path), path.stat().st_mtime))


@lru_cache(maxsize=8)
def _load_rules(path: str, _mtime: float) -> tuple[ThemeRules, ...]:
    with open(path, "rb") as handle:
        data = tomllib.load(handle)
    rules, seen = [], set()
    for position, entry in enumerate(data.get("theme", []), start=1):
        missing = {"slug", "name", "match"} - entry.keys()
        if missing:
            raise RulesError(f"Theme {position} in {path} has no {', '.join(sorted(missing))}.")
        if entry["slug"] in seen:
            raise RulesError(f"Theme {entry['slug']!r} appears twice in {path}.")
        seen.add(entry["slug"])
        unknown = sorted(entry.get("related", {}).keys() - {f.name for f in fields(Related)})
        if unknown:
            raise RulesError(
                f"Theme {entry['slug']!r} in {path} has unknown related {', '.join(unknown)}."
            )
        rules.append(
            ThemeRules(
                slug=entry["slug"],
                name=entry["name"],
                description=entry.get("description", ""),
                position=position,
                match=tuple(entry["match"]),
                unless=tuple(entry.get("unless", ())),
                sections=tuple(entry.get("sections", ())),
                related=Related(
                    **{key: tuple(words) for key, words in entry.get("related", {}).items()}
                ),
            )
        )
    return tuple(rules)


def related_by_theme() -> dict[str, Related]:
    """Where the findings on each theme sit, by slug, for the themes that say."""
    return {rule.slug: rule.related for rule in load_rules() if rule.related != Related()}


def rule_themes(text: str, section: str | None = None, rules=None) -> list[str]:
    """Slugs of the themes the rules put a record on."""
    rules = load_rules() if rules is None else rules
    text, section = normalise(text), normalise(section or "")
    return [rule.slug for rule in rules if rule.applies_to_normalised(text, section)]


# --- Keeping the stored tags in step ------------------------------------------------------


def sync_themes(rules=None, using="default") -> dict[str, int]:
    """Create or update a Theme for each theme in the rules file; how many were created,
    updated, and made or given other rules (`rules_changed`: the records' tags are then
    out of date).

    Themes no longer in the file are kept, with any overrides admins made on them.
    """
    from django.db import connections

    from inspections.models import Theme

    connection = connections[using]
    table = Theme._meta.db_table
    if table not in connection.introspection.table_names():
        return {"created": 0, "updated": 0, "rules_changed": 0}
    with connection.cursor() as cursor:
        columns = {c.name for c in connection.introspection.get_table_description(cursor, table)}
    if not {f.column for f in Theme._meta.concrete_fields} <= columns:
        # Migrated part way (to before a column the model has): nothing to sync yet.
        return {"created": 0, "updated": 0, "rules_changed": 0}
    rules = load_rules() if rules is None else rules
    existing = {t.slug: t for t in Theme.objects.using(using).all()}
    created = updated = rules_changed = 0
    for rule in rules:
        fields = {
            "name": rule.name,
            "description": rule.description,
            "position": rule.position,
            "rules_fingerprint": rule.fingerprint,
        }
        theme = existing.get(rule.slug)
        rules_changed += theme is None or theme.rules_fingerprint != rule.fingerprint
        if theme is None:
            # A theme renamed in the file may still hold the name under an old slug.
            Theme.objects.using(using).filter(name=rule.name).exclude(slug=rule.slug).update(
                name=f"{rule.name} (renamed)"
            )
            Theme.objects.using(using).create(slug=rule.slug, **fields)
            created += 1
        elif any(getattr(theme, k) != v for k, v in fields.items()):
            for key, value in fields.items():
                setattr(theme, key, value)
            theme.save(using=using)
            updated += 1
    return {"created": created, "updated": updated, "rules_changed": rules_changed}


def override_key(record_type: str, inspection_slug: str, text: str) -> tuple[str, str, str]:
    """How an override finds its record: type, inspection and text with spacing ignored."""
    return record_type, inspection_slug, " ".join((text or "").split())


def _records(record_type: str, pks: Iterable[int] | None):
    """(pk, text, inspection slug, section name) of findings or recommendations."""
    from inspections.models import Finding, Section
    from recommendations.models import Recommendation

    if record_type == "finding":
        queryset = Finding.objects.all()
        fields = ["pk", "text", "inspection__slug", "section_id"]
    else:
        queryset = Recommendation.objects.all()
        fields = ["pk", "text", "inspection__slug"]
    if pks is not None:
        queryset = queryset.filter(pk__in=list(pks))
    rows = list(queryset.order_by().values_list(*fields))
    if record_type != "finding":
        return [(pk, text, slug, None) for pk, text, slug in rows]
    # Section names apart: a fixture may load a finding before its section.
    names = dict(Section.objects.filter(pk__in={r[3] for r in rows}).values_list("pk", "name"))
    return [(pk, text, slug, names.get(section)) for pk, text, slug, section in rows]


def _retag(record_type: str, pks: Iterable[int] | None, rules=None) -> int:
    """Rewrite the tags of the given records (all when `pks` is None); the tag count."""
    from inspections.models import Theme, ThemeOverride, ThemeTag

    rules = load_rules() if rules is None else rules
    records = _records(record_type, pks)
    if not records:
        if pks is not None:
            ThemeTag.objects.filter(**{f"{record_type}_id__in": list(pks)}).delete()
        return 0
    theme_ids = dict(Theme.objects.values_list("slug", "pk"))
    overrides = ThemeOverride.objects.filter(record_type=record_type)
    if pks is not None:
        overrides = overrides.filter(inspection_slug__in={r[2] for r in records})
    by_key = defaultdict(list)
    for override in overrides.select_related("theme"):
        by_key[override_key(record_type, override.inspection_slug, override.text)].append(override)
    tags, repoint = [], defaultdict(list)
    for pk, text, slug, section in records:
        chosen = dict.fromkeys(rule_themes(text, section, rules), ThemeTag.Source.RULE)
        for override in sorted(
            by_key.get(override_key(record_type, slug, text), []), key=lambda o: o.created_at
        ):
            if override.action == ThemeOverride.Action.ADD:
                chosen[override.theme.slug] = ThemeTag.Source.ADMIN
            else:
                chosen.pop(override.theme.slug, None)
            if getattr(override, f"{record_type}_id") != pk:
                repoint[pk].append(override.pk)
        tags += [
            ThemeTag(theme_id=theme_ids[s], source=source, **{f"{record_type}_id": pk})
            for s, source in chosen.items()
            if s in theme_ids
        ]
    with transaction.atomic():
        stale = ThemeTag.objects.filter(**{f"{record_type}__isnull": False})
        if pks is not None:
            stale = stale.filter(**{f"{record_type}_id__in": [r[0] for r in records]})
        stale.delete()
        # Two pages tagging the same queued records at once write the same tags.
        ThemeTag.objects.bulk_create(tags, batch_size=2000, ignore_conflicts=True)
        # Point each override at the record it now matches (after a renumbering rebuild).
        for pk, override_pks in repoint.items():
            ThemeOverride.objects.filter(pk__in=override_pks).update(**{f"{record_type}_id": pk})
    return len(tags)


def tag_all(rules=None) -> dict[str, int]:
    """Sync the themes and rewrite every finding's and recommendation's tags; the counts."""
    from inspections.models import UntaggedRecord

    rules = load_rules() if rules is None else rules
    with transaction.atomic():
        last = UntaggedRecord.objects.order_by("-pk").values_list("pk", flat=True).first()
        sync_themes(rules)
        counts = {record_type: _retag(record_type, None, rules) for record_type in TAGGED_TYPES}
        if last is not None:
            UntaggedRecord.objects.filter(pk__lte=last).delete()
    return counts


# Above this many queued records of a type, retag them all rather than list their ids.
RETAG_ALL_ABOVE = 2000


def tag_pending(using="default", *, check_tables=False) -> int:
    """Tag the records queued since they were last tagged; how many were queued.

    One query when nothing is queued, which is what every request that may write pays.
    `check_tables` first makes sure the tables exist (after a partial migrate).
    """
    from django.db import connections

    from inspections.models import UntaggedRecord

    if using != "default":
        return 0
    if check_tables and UntaggedRecord._meta.db_table not in (
        connections[using].introspection.table_names()
    ):
        return 0
    queued = list(
        UntaggedRecord.objects.order_by("pk").values_list("pk", "record_type", "record_id")
    )
    if not queued:
        return 0
    ids = defaultdict(set)
    for _, record_type, record_id in queued:
        ids[record_type].add(record_id)
    with transaction.atomic():
        for record_type in TAGGED_TYPES:
            if ids[record_type]:
                many = len(ids[record_type]) > RETAG_ALL_ABOVE
                _retag(record_type, None if many else ids[record_type])
        # Only the rows read: a record queued meanwhile stays queued for the next call.
        UntaggedRecord.objects.filter(pk__lte=queued[-1][0]).delete()
    return len(queued)


def apply_override_change(override) -> None:
    """Retag the records an override names, after it was saved or deleted."""
    from inspections.models import Finding
    from recommendations.models import Recommendation

    model = Finding if override.record_type == "finding" else Recommendation
    matching = model.objects.filter(inspection__slug=override.inspection_slug)
    wanted = override_key(override.record_type, override.inspection_slug, override.text)
    pks = [
        pk
        for pk, text in matching.values_list("pk", "text")
        if override_key(override.record_type, override.inspection_slug, text) == wanted
    ]
    record_pk = getattr(override, f"{override.record_type}_id", None)
    if record_pk:
        pks.append(record_pk)
    if pks:
        _retag(override.record_type, set(pks))


# --- The triggers that queue records for tagging ------------------------------------------

QUEUE = "inspections_untaggedrecord"
# (record type, table, the columns whose change can change the record's themes)
QUEUED_TABLES = (
    ("finding", "inspections_finding", ("text", "section_id", "inspection_id")),
    ("recommendation", "recommendations_recommendation", ("text", "inspection_id")),
)


def _trigger_statements(connection, record_type, table, columns) -> list[str]:
    of = ", ".join(columns)
    if connection.vendor == "sqlite":
        insert = f"INSERT INTO {QUEUE} (record_type, record_id) VALUES ('{record_type}', new.id);"
        return [
            f"CREATE TRIGGER IF NOT EXISTS {table}_untagged_insert AFTER INSERT ON {table} "
            f"BEGIN {insert} END",
            f"CREATE TRIGGER IF NOT EXISTS {table}_untagged_update AFTER UPDATE OF {of} "
            f"ON {table} BEGIN {insert} END",
        ]
    return [
        f"DROP TRIGGER IF EXISTS {table}_untagged ON {table}",
        f"CREATE TRIGGER {table}_untagged AFTER INSERT OR UPDATE OF {of} ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION inspections_queue_untagged('{record_type}')",
    ]


POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION inspections_queue_untagged() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {QUEUE} (record_type, record_id) VALUES (TG_ARGV[0], NEW.id);
    RETURN NULL;
END
$$
"""


def _trigger_names(connection, table) -> set[str]:
    if connection.vendor == "sqlite":
        return {f"{table}_untagged_insert", f"{table}_untagged_update"}
    return {f"{table}_untagged"}


def install_triggers(connection, tables=None) -> None:
    """Create the triggers that queue records for tagging, and queue every record."""
    if connection.vendor not in ("sqlite", "postgresql"):
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(POSTGRES_FUNCTION)
        for record_type, table, columns in QUEUED_TABLES:
            if tables is not None and table not in tables:
                continue
            for statement in _trigger_statements(connection, record_type, table, columns):
                cursor.execute(statement)
            # Records written before the triggers existed need tagging too.
            cursor.execute(
                f"INSERT INTO {QUEUE} (record_type, record_id) "
                f"SELECT '{record_type}', id FROM {table}"
            )


def ensure_triggers(connection) -> list[str]:
    """Put back missing queueing and theme-bit triggers (a remade SQLite table loses them);
    the tables they were missing on."""
    if connection.vendor not in ("sqlite", "postgresql"):
        return []
    existing = set(connection.introspection.table_names())
    if QUEUE not in existing or not all(t in existing for _, t, _ in QUEUED_TABLES):
        return []
    present = present_triggers(connection)
    missing = [
        table for _, table, _ in QUEUED_TABLES if not _trigger_names(connection, table) <= present
    ]
    if missing:
        install_triggers(connection, tables=set(missing))
    # The bits arrive in a later migration than the queue: only once their columns exist.
    with connection.cursor() as cursor:
        has_bits = all(
            "theme_bits"
            in {c.name for c in connection.introspection.get_table_description(cursor, table)}
            for _, table in BIT_TABLES
        )
    if has_bits and not _bit_trigger_names(connection) <= present:
        install_bit_triggers(connection)
        missing.append(TAGS)
    return missing


# --- Each record's themes as bits, kept by the database -----------------------------------
#
# The explorer counts and filters records by theme many thousand at a time; reading the
# bits on the record itself costs nothing next to looking up each record's tags. Like the
# queue above, the database keeps them in step with every write to ThemeTag, whatever
# makes it. A tag is unique for its theme and record, so setting a bit on insert and
# clearing it on delete is exact.

TAGS = "inspections_themetag"
BIT_TABLES = (
    ("finding_id", "inspections_finding"),
    ("recommendation_id", "recommendations_recommendation"),
)


def _bit(row: str) -> str:
    # No bit (0) when the theme is gone: a flush may empty the themes before the tags.
    return (
        f"COALESCE(CAST(1 AS BIGINT) << (SELECT bit FROM inspections_theme "
        f"WHERE id = {row}.theme_id), 0)"
    )


def _bit_updates(row: str, operation: str) -> str:
    change = f"theme_bits | {_bit(row)}" if operation == "set" else f"theme_bits & ~{_bit(row)}"
    return " ".join(
        f"UPDATE {table} SET theme_bits = {change} WHERE id = {row}.{column};"
        for column, table in BIT_TABLES
    )


POSTGRES_BITS_FUNCTION = f"""
CREATE OR REPLACE FUNCTION inspections_theme_bits() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        {_bit_updates("OLD", "clear")}
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        {_bit_updates("NEW", "set")}
    END IF;
    RETURN NULL;
END
$$
"""


def _bit_trigger_statements(connection) -> list[str]:
    if connection.vendor == "sqlite":
        return [
            f"CREATE TRIGGER IF NOT EXISTS {TAGS}_bits_insert AFTER INSERT ON {TAGS} "
            f"BEGIN {_bit_updates('new', 'set')} END",
            f"CREATE TRIGGER IF NOT EXISTS {TAGS}_bits_delete AFTER DELETE ON {TAGS} "
            f"BEGIN {_bit_updates('old', 'clear')} END",
            f"CREATE TRIGGER IF NOT EXISTS {TAGS}_bits_update AFTER UPDATE ON {TAGS} "
            f"BEGIN {_bit_updates('old', 'clear')} {_bit_updates('new', 'set')} END",
        ]
    return [
        POSTGRES_BITS_FUNCTION,
        f"DROP TRIGGER IF EXISTS {TAGS}_bits ON {TAGS}",
        f"CREATE TRIGGER {TAGS}_bits AFTER INSERT OR UPDATE OR DELETE ON {TAGS} "
        "FOR EACH ROW EXECUTE FUNCTION inspections_theme_bits()",
    ]


def _bit_trigger_names(connection) -> set[str]:
    if connection.vendor == "sqlite":
        return {f"{TAGS}_bits_{event}" for event in ("insert", "delete", "update")}
    return {f"{TAGS}_bits"}


def install_bit_triggers(connection) -> None:
    """Create the triggers that keep theme_bits, and set every record's bits from its tags."""
    if connection.vendor not in ("sqlite", "postgresql"):
        return
    with connection.cursor() as cursor:
        for statement in _bit_trigger_statements(connection):
            cursor.execute(statement)
        for column, table in BIT_TABLES:
            cursor.execute(
                f"UPDATE {table} SET theme_bits = CAST(COALESCE(("
                f"SELECT SUM(CAST(1 AS BIGINT) << th.bit) FROM {TAGS} tt "
                f"JOIN inspections_theme th ON th.id = tt.theme_id "
                f"WHERE tt.{column} = {table}.id), 0) AS BIGINT)"
            )


# --- Worked out once per version of the data ----------------------------------------------
#
# The theme pages' counts and the recurring recommendations read every tag or every
# recommendation, so pages read them from the default cache under the published data's
# version (inspections/web/data_version: any public write moves it; the key has the
# release in it too, as a deploy does not move the version), worked out by the first
# request after a write.


def query_key(queryset, *, rows_only: bool = True) -> str | None:
    """A digest of what `queryset` selects, for a cache name: its SQL and parameters (the
    filters, dates and all), without its order or related rows when `rows_only`; None
    when it selects nothing (`none()`, an empty `__in`)."""
    from django.core.exceptions import EmptyResultSet

    if rows_only and not queryset.query.is_sliced:  # a slice's rows depend on its order
        queryset = queryset.order_by().values_list("pk")
    query = queryset.query
    try:
        sql, params = query.sql_with_params()
    except EmptyResultSet:
        return None
    return hashlib.sha256(f"{queryset.db}\n{sql}\n{params!r}".encode()).hexdigest()[:40]


def _cached(name: str, queryset, compute, *, rows_only: bool = True):
    """compute(), cached per data version under `name` and the query's key."""
    from inspections.web.data_version import cached

    key = query_key(queryset, rows_only=rows_only)
    if key is None:
        return compute()
    return cached(f"{name}:{key}", compute)


# --- The theme pages ----------------------------------------------------------------------


def themes_with_counts() -> list:
    """Every theme with `findings` and `recommendations`: how many published ones it has.

    Counted as all tags, in one pass, less those of unpublished inspections (drafts are
    few), so no tag is joined to its record: four queries whatever the size of the data,
    once per data version (inspections/web/data_version), and one (the version's) after.
    """
    from inspections.web.data_version import cached

    return cached("themes-with-counts", _themes_with_counts)


def _themes_with_counts() -> list:
    from inspections.models import Inspection, Theme, ThemeTag

    counted = Count("finding"), Count("recommendation")
    every = {
        theme: [findings, recommendations]
        for theme, findings, recommendations in ThemeTag.objects.values_list("theme")
        .annotate(*counted)
        .order_by()
    }
    drafts = Inspection.objects.filter(is_published=False)
    for index, record_type in enumerate(TAGGED_TYPES):
        unpublished = ThemeTag.objects.filter(**{f"{record_type}__inspection__in": drafts})
        for theme, n in unpublished.values_list("theme").annotate(n=Count("pk")).order_by():
            every[theme][index] -= n
    themes = list(Theme.objects.order_by("position", "name"))
    for theme in themes:
        theme.findings, theme.recommendations = every.get(theme.pk, (0, 0))
    return themes


@dataclass
class CountRow:
    """Counts of a theme's records for one body or standard."""

    label: str
    url: str = ""
    strengths: int = 0
    improvements: int = 0
    others: int = 0
    recommendations: int = 0

    @property
    def findings(self) -> int:
        return self.strengths + self.improvements + self.others

    @property
    def total(self) -> int:
        return self.findings + self.recommendations


def _add(row: CountRow, kind: str, count: int) -> None:
    if kind == "strength":
        row.strengths += count
    elif kind == "improvement":
        row.improvements += count
    else:
        row.others += count


def theme_counts(theme) -> tuple[list[CountRow], list[CountRow]]:
    """The theme's published findings (by kind) and recommendations for each inspected body,
    most first, and its findings by the standard (or, failing one, the report section) they
    sit under, in the programmes' order.

    Tags are counted by inspection and section in the database, and the groups are matched
    to bodies and standards here: four queries whatever the size of the data, once per
    data version (inspections/web/data_version), and one (the version's) after.
    """
    from inspections.web.data_version import cached

    return cached(f"theme-counts:{theme.pk}", lambda: _theme_counts(theme))


def _theme_counts(theme) -> tuple[list[CountRow], list[CountRow]]:
    from django.urls import reverse

    from inspections.models import Inspection, Section, ThemeTag

    tags = ThemeTag.objects.filter(theme=theme)
    findings = list(
        tags.filter(finding__isnull=False)
        .values_list("finding__inspection_id", "finding__section_id", "finding__kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    recommendations = list(
        tags.filter(recommendation__isnull=False)
        .values_list("recommendation__inspection_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    bodies_of = {
        pk: (body_id, slug, name, kind)
        # Every published inspection: fewer rows than records, and no list of ids to send.
        for pk, body_id, slug, name, kind in Inspection.objects.filter(
            is_published=True
        ).values_list("pk", "body_id", "body__slug", "body__name", "body__kind")
    }
    sections = {
        pk: (name, code, standard, position, programme)
        for pk, name, code, standard, position, programme in Section.objects.filter(
            pk__in={row[1] for row in findings}
        ).values_list(
            "pk",
            "name",
            "standard__code",
            "standard__name",
            "standard__position",
            "standard__programme__name",
        )
    }
    by_body: dict[int, CountRow] = {}

    def body_row(inspection_id):
        body_id, slug, name, kind = bodies_of[inspection_id]
        if body_id not in by_body:
            url = reverse("pdus:pdu_detail", args=[slug]) if kind == "pdu" else ""
            by_body[body_id] = CountRow(name, url)
        return by_body[body_id]

    by_standard: dict[tuple, CountRow] = {}
    for inspection_id, section_id, kind, n in findings:
        if inspection_id not in bodies_of:  # a draft
            continue
        _add(body_row(inspection_id), kind, n)
        name, code, standard, position, programme = sections[section_id]
        if standard is not None:
            key, label = (0, programme, position), f"{code} {standard}".strip()
        else:
            key, label = (1, "", name), f"{name} (section, no standard)"
        _add(by_standard.setdefault(key, CountRow(label)), kind, n)
    for inspection_id, n in recommendations:
        if inspection_id in bodies_of:
            body_row(inspection_id).recommendations += n
    bodies = sorted(by_body.values(), key=lambda r: (-r.total, r.label))
    standards = [by_standard[k] for k in sorted(by_standard, key=lambda k: (k[0], k[1], str(k[2])))]
    return bodies, standards


# Okabe and Ito's colour-blind-safe bluish green for strengths, orange for areas for
# improvement, blue for recommendations, and a light grey for other findings: any two stay
# apart under simulated protanopia, deuteranopia and tritanopia, and in greyscale
# (tests/ratings/test_charts_colour_vision.py). Each kind has a pattern too.
KIND_COLOURS = (
    ("Strengths", "strengths", "#009e73", ""),
    ("Areas for improvement", "improvements", "#e69f00", "/"),
    ("Other findings", "others", "#dddddd", "."),
    ("Recommendations", "recommendations", "#0072b2", "x"),
)


# Bars a chart draws at most, and the rows of the table beside it until every row is asked for.
CHART_ROWS = 25


def theme_chart(rows: list[CountRow], div_id: str, *, title: str) -> str:
    """Stacked horizontal bars: a theme's findings by kind and its recommendations for each
    body, first row at the top, the first CHART_ROWS rows; an HTML fragment like
    ratings.charts draws."""
    rows = rows[:CHART_ROWS]
    if not rows:
        return ""
    labels = [row.label for row in rows]
    if len(set(labels)) != len(labels):
        raise ValueError("Each row label must be unique.")
    traces = []
    for name, attribute, colour, pattern in KIND_COLOURS:
        values = [getattr(row, attribute) for row in rows]
        if not any(values):
            continue
        traces.append(
            bar(
                name=name,
                x=values,
                y=labels,
                orientation="h",
                marker=bar_marker(colour, pattern),
                hovertemplate=f"%{{y}}<br>{name}: %{{x}}<extra></extra>",
            )
        )
    categories, lines = wrapped_categories(labels)
    xaxis = {"title": {"text": "Number of records"}, "rangemode": "tozero"}
    if max(row.total for row in rows) <= 10:
        xaxis["dtick"] = 1  # whole ticks; plotly picks whole steps above 10
    layout = {
        "barmode": "stack",
        "height": 130 + (16 + 18 * lines) * len(rows),
        "margin": {"t": 10, "b": 50, "l": 10, "r": 20},
        "xaxis": xaxis,
        "yaxis": {"autorange": "reversed", **categories},
    }
    return chart_html({"data": traces, "layout": layout}, div_id, title=title)


# --- Recurring recommendations -------------------------------------------------------------

# An abbreviation in brackets, e.g. "(RAR)", is dropped: the regional letter's annex
# repeats the reports' recommendations with and without them.
ABBREVIATION = re.compile(r"\(\s*[A-Z][A-Za-z]*[A-Z]s?\s*\)")
# Small words that differ between wordings of the same advice ("rates for"/"rates of").
FILLER = frozenset(
    {"a", "an", "the", "that", "at", "all", "its", "their", "and", "of", "to", "for", "in"}
    | {"on", "with", "as", "by", "is", "are", "be"}
)
# Wordings whose words overlap at least this much (shared words / all words) are one group.
SAME_ADVICE = 0.8
# Above this many different wordings, only identical ones are grouped (the comparison
# of every pair would take too long).
MAX_WORDINGS_COMPARED = 2000


def _stem(word: str) -> str:
    """A light stem, so "programme" matches "programmes" and "sharing" matches "shared"."""
    for suffix in ("ing", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def _body_names(*bodies) -> tuple[str, ...]:
    names = set()
    for body in bodies:
        names |= {body.name, body.short_name, body.abbreviation}
    return tuple(sorted((n for n in names if n and len(n) > 2), key=len, reverse=True))


def recurring_words(text: str, bodies=()) -> frozenset[str]:
    """The words that make a recommendation's advice, to compare wordings.

    The names of `bodies` (the inspected PDU, the addressee) are replaced by one word, so
    "ensure Lambeth PDU has sufficient staffing resource" matches the same advice to
    Newham. Case, punctuation, bracketed abbreviations, small words and word endings
    are ignored.
    """
    return _advice_words(text or "", _body_names(*bodies))


@lru_cache(maxsize=8192)
def _advice_words(text: str, names: tuple[str, ...]) -> frozenset[str]:
    text = ABBREVIATION.sub(" ", text)
    lowered = text.lower()
    for name in names:
        if name.lower() in lowered:
            text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", " thebody ", text, flags=re.I)
    return frozenset(_stem(w) for w in normalise(text).split() if w not in FILLER)


def body_names() -> tuple[str, ...]:
    """Every body's names, longest first: masked in recommendations' texts (one query)."""
    from pdus.models import Body

    names = set()
    for row in Body.objects.values_list("name", "short_name", "abbreviation"):
        names |= set(row)
    return tuple(sorted((n for n in names if n and len(n) > 2), key=len, reverse=True))


def cluster_texts(texts, names: tuple[str, ...]) -> list[list[str]]:
    """Wordings that give the same advice, grouped: the same words (recurring_words, with
    any body's name masked), or words overlapping by SAME_ADVICE or more."""
    by_words: dict[frozenset, list[str]] = defaultdict(list)
    for text in texts:
        words = _advice_words(text or "", names)
        if words:
            by_words[words].append(text)
    wordings = list(by_words)
    parent = {w: w for w in wordings}

    def root(w):
        while parent[w] != w:
            parent[w] = parent[parent[w]]
            w = parent[w]
        return w

    if len(wordings) <= MAX_WORDINGS_COMPARED:
        for i, a in enumerate(wordings):
            for b in wordings[i + 1 :]:
                if len(a & b) >= SAME_ADVICE * len(a | b):
                    parent[root(b)] = root(a)
    clusters = defaultdict(list)
    for w in wordings:
        clusters[root(w)].extend(by_words[w])
    return list(clusters.values())


# The recommendations of a group a page lists; a download has them all.
RECURRING_SHOWN = 10


@dataclass
class RecurringGroup:
    """Recommendations that give the same advice, made in more than one inspection.

    `recommendations` are those listed, newest inspection first: all of them for a
    download, the newest RECURRING_SHOWN on a page.
    """

    text: str  # the commonest wording as published
    recommendations: list
    inspection_count: int
    recommendation_count: int
    addressees: list[str]
    themes: list = field(default_factory=list)

    @property
    def not_shown(self) -> int:
        return self.recommendation_count - len(self.recommendations)


def _newest_first(recommendation):
    inspection = recommendation.inspection
    return _newest_key(inspection.fieldwork_start, inspection.published, inspection.title) + (
        recommendation.position,
    )


def _newest_key(fieldwork_start, published, title) -> tuple:
    date = fieldwork_start or published
    return (-(date.toordinal() if date else 0), title)


def _ordered_groups(groups: list[RecurringGroup]) -> list[RecurringGroup]:
    for group in groups:
        group.recommendations.sort(key=_newest_first)
    return sorted(groups, key=lambda g: (-g.inspection_count, -g.recommendation_count, g.text))


def _commonest_wording(counts: dict[str, int]) -> str:
    """The wording most recommendations of a group use, as published less a closing full
    stop; the shortest of equally common ones."""
    wordings = Counter()
    for text, n in counts.items():
        wordings[text.rstrip(". ")] += n
    return max(wordings, key=lambda t: (wordings[t], -len(t), t))


# The grouping compares every wording with every other and loads every recommendation: its
# index (plain numbers and strings) is worked out once for a set of recommendations,
# whatever rows a page then wants, and each page's groups, with their rows, beside it.


def _text_key(text: str) -> bytes:
    """A wording's short digest: the index finds a recommendation's group by its text."""
    return hashlib.blake2b((text or "").encode(), digest_size=12).digest()


@dataclass
class IndexedGroup:
    """One group of wordings that give the same advice, as numbers: `pks` every
    recommendation, newest inspection first; `by_wording` each wording's, newest
    fieldwork first (the order the page picks its newest of each wording in)."""

    text: str
    pks: list[int]
    by_wording: list[list[int]]
    inspection_count: int
    addressees: list[str]

    @property
    def recommendation_count(self) -> int:
        return len(self.pks)


@dataclass
class RecurringIndex:
    """Every group of a set of recommendations, most inspections first, including those
    one inspection made (a caller asks for at least two); `group_of` finds a wording's."""

    groups: list[IndexedGroup]
    group_of: dict[bytes, int]

    def recurring(self, min_inspections: int = 2) -> list[IndexedGroup]:
        """The groups at least `min_inspections` inspections gave, in order."""
        return [group for group in self.groups if group.inspection_count >= min_inspections]

    def group_for(self, text: str, min_inspections: int = 2) -> int | None:
        number = self.group_of.get(_text_key(text))
        if number is None or self.groups[number].inspection_count < min_inspections:
            return None
        return number


def recurring_index(queryset) -> RecurringIndex:
    """The groups of `queryset`'s recommendations, worked out once per data version for
    the recommendations it selects (so the tracker's queryset and the explorer's, the same
    rows, share one): two queries when it is worked out, none after."""
    return _cached("recurring-index", queryset, lambda: _recurring_index(queryset))


def _recurring_index(queryset) -> RecurringIndex:
    names = body_names()
    rows = list(
        queryset.order_by().values_list(
            "pk",
            "text",
            "inspection_id",
            "addressee__name",
            "inspection__fieldwork_start",
            "inspection__published",
            "inspection__title",
            "position",
        )
    )
    cluster_of = {}
    for number, texts in enumerate(cluster_texts({row[1] for row in rows}, names)):
        cluster_of.update(dict.fromkeys(texts, number))
    members = defaultdict(list)
    for row in rows:
        if row[1] in cluster_of:
            members[cluster_of[row[1]]].append(row)
    groups = []
    for number, group in members.items():
        # Newest inspection first, as _newest_first orders rows (the pk settles a tie).
        group.sort(key=lambda r: (*_newest_key(r[4], r[5], r[6]), r[7], r[0]))
        by_wording = defaultdict(list)
        for row in sorted(group, key=_window_key):
            by_wording[row[1]].append(row[0])
        groups.append(
            (
                number,
                IndexedGroup(
                    text=_commonest_wording(Counter(r[1] for r in group)),
                    pks=[r[0] for r in group],
                    by_wording=list(by_wording.values()),
                    inspection_count=len({r[2] for r in group}),
                    addressees=sorted({r[3] for r in group}),
                ),
            )
        )
    groups.sort(key=lambda g: (-g[1].inspection_count, -g[1].recommendation_count, g[1].text))
    position = {number: i for i, (number, _) in enumerate(groups)}
    return RecurringIndex(
        groups=[group for _, group in groups],
        group_of={_text_key(t): position[n] for t, n in cluster_of.items() if n in position},
    )


def _window_key(row) -> tuple:
    """Newest fieldwork first, none last, then by pk: the order in which the page took
    each wording's newest (a window over the rows, before the grouping was cached)."""
    fieldwork_start, pk = row[4], row[0]
    return (fieldwork_start is None, -(fieldwork_start.toordinal() if fieldwork_start else 0), pk)


def _share_related(instances: Iterable) -> None:
    """Point the rows of one query at one instance of each related row (one Body for
    every row of its inspections, not one a row): a cached copy is then a fraction of the
    size and quick to unpickle. What any copy of a related row had loaded is kept."""
    canonical: dict[tuple, object] = {}
    seen: set[int] = set()
    stack = list(instances)
    while stack:
        instance = stack.pop()
        if id(instance) in seen:
            continue
        seen.add(id(instance))
        loaded = instance._state.fields_cache
        for name, related in list(loaded.items()):
            if related is None or not hasattr(related, "_state"):
                continue
            first = canonical.setdefault((type(related), related.pk), related)
            if first is not related:
                for inner, value in related._state.fields_cache.items():
                    first._state.fields_cache.setdefault(inner, value)
                loaded[name] = first
            stack.append(first)


def recurring_groups(recommendations, names=None, min_inspections: int = 2):
    """`recommendations` (with inspection and addressee loaded) grouped by the advice they
    give, where at least `min_inspections` inspections gave it; most inspections first.
    `names`: the body names to mask (default: every body's, body_names()).

    A queryset's groups, with its rows, are worked out once per data version (and the
    grouping itself is shared with other querysets of the same recommendations): one
    query (the version's) while the data is unchanged."""
    from django.db.models import QuerySet

    if isinstance(recommendations, QuerySet) and names is None:
        return _cached(
            f"recurring-groups:{min_inspections}",
            recommendations,
            lambda: _indexed_groups(recommendations, min_inspections),
            rows_only=False,
        )
    return _grouped(
        list(recommendations), body_names() if names is None else names, min_inspections
    )


def _indexed_groups(queryset, min_inspections: int) -> list[RecurringGroup]:
    index = recurring_index(queryset)
    rows = list(queryset)
    _share_related(rows)
    by_pk = {row.pk: row for row in rows}
    return [
        RecurringGroup(
            text=group.text,
            recommendations=[by_pk[pk] for pk in group.pks],
            inspection_count=group.inspection_count,
            recommendation_count=group.recommendation_count,
            addressees=group.addressees,
        )
        for group in index.recurring(min_inspections)
    ]


def _grouped(recommendations: list, names, min_inspections: int) -> list[RecurringGroup]:
    cluster_of = {}
    for number, texts in enumerate(cluster_texts({r.text for r in recommendations}, names)):
        cluster_of.update(dict.fromkeys(texts, number))
    members = defaultdict(list)
    for recommendation in recommendations:
        if recommendation.text in cluster_of:
            members[cluster_of[recommendation.text]].append(recommendation)
    groups = []
    for group in members.values():
        inspections = {r.inspection_id for r in group}
        if len(inspections) < min_inspections:
            continue
        themes = {}
        for r in group:
            for theme in getattr(r, "explorer_themes", []):
                themes.setdefault(theme.pk, theme)
        groups.append(
            RecurringGroup(
                text=_commonest_wording(Counter(r.text for r in group)),
                recommendations=group,
                inspection_count=len(inspections),
                recommendation_count=len(group),
                addressees=sorted({r.addressee.name for r in group}),
                themes=sorted(themes.values(), key=lambda t: t.position),
            )
        )
    return _ordered_groups(groups)


def recurring_group(recommendation, queryset) -> RecurringGroup | None:
    """The group of recurring_groups(queryset) that `recommendation`'s wording is in, with
    all its recommendations loaded from `queryset`; None when no other inspection gave
    its advice.

    Which wordings are one group depends on every wording (a group is whatever its
    wordings' overlaps link), so the group is found in the index of all of `queryset`
    (recurring_index), and only its recommendations loaded; both are cached per data
    version: one query (the version's) while the data is unchanged, four when it has
    changed, whatever its size."""
    index = recurring_index(queryset)
    number = index.group_for(recommendation.text)
    if number is None:
        return None
    group = index.groups[number]

    def load() -> RecurringGroup:
        rows = list(queryset.filter(pk__in=group.pks))
        _share_related(rows)
        by_pk = {row.pk: row for row in rows}
        return RecurringGroup(
            text=group.text,
            recommendations=[by_pk[pk] for pk in group.pks if pk in by_pk],
            inspection_count=group.inspection_count,
            recommendation_count=group.recommendation_count,
            addressees=group.addressees,
        )

    return _cached(f"recurring-group:{number}", queryset, load, rows_only=False)


def recurring_groups_for_page(queryset, shown: int = RECURRING_SHOWN) -> list[RecurringGroup]:
    """recurring_groups() for a page: with only the newest `shown` recommendations of each
    group loaded, those of its wordings' newest `shown` each. Worked out once per data
    version, from recurring_index: one query (the version's) while the data is unchanged,
    and five when it has changed, the rows loaded not growing with the number of
    inspections that repeat a recommendation."""
    return _cached(f"recurring-page:{shown}", queryset, lambda: _page_groups(queryset, shown))


def _page_groups(queryset, shown: int) -> list[RecurringGroup]:
    from inspections.models import ThemeTag

    index = recurring_index(queryset)
    recurring = index.recurring()
    picked = []
    for group in recurring:
        rank = {pk: i for i, pk in enumerate(group.pks)}
        candidates = {pk for pks in group.by_wording for pk in pks[:shown]}
        picked.append(sorted(candidates, key=rank.__getitem__)[:shown])
    listed = [pk for pks in picked for pk in pks]
    rows = {
        row.pk: row
        for row in queryset.filter(pk__in=listed or [0])
        .order_by()
        .select_related("inspection__body", "addressee")
    }
    themes = defaultdict(dict)
    for tag in ThemeTag.objects.filter(recommendation_id__in=listed or [0]).select_related("theme"):
        themes[tag.recommendation_id][tag.theme.pk] = tag.theme
    _share_related(rows.values())
    groups = []
    for group, pks in zip(recurring, picked, strict=True):
        group_themes = {}
        for pk in pks:
            group_themes.update(themes[pk])
        groups.append(
            RecurringGroup(
                text=group.text,
                recommendations=[rows[pk] for pk in pks],
                inspection_count=group.inspection_count,
                recommendation_count=group.recommendation_count,
                addressees=group.addressees,
                themes=sorted(group_themes.values(), key=lambda t: t.position),
            )
        )
    return groups
