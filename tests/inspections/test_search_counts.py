"""The explorer's facet counts and order, checked against the same facts read through the ORM.

The explorer counts and orders records in SQL written for speed; these tests work the
same answers out plainly, record by record, on the published data and on a generated
dataset with many inspections, so that any shortcut in the SQL has to agree with them.
"""

from collections import Counter

import pytest

from inspections.explorer import themes
from inspections.explorer.search import Filters, ParsedQuery, Search, parse_query
from inspections.models import ContextFigure, Finding
from recommendations.models import Recommendation
from tests.factories import multiply_published_data

TYPE_ORDER = {"finding": 1, "recommendation": 2, "figure": 3}


def records():
    """Every published record with what the facets count it by and what orders it."""
    found = []

    def add(record_type, record, inspection, body, **facts):
        date = (inspection.fieldwork_start or inspection.published) if inspection else None
        found.append(
            {
                "key": (record_type, record.pk),
                "order": (
                    date is None,
                    -date.toordinal() if date else 0,
                    inspection.pk if inspection else 0,
                    TYPE_ORDER[record_type],
                    record.pk if record_type == "figure" else record.position,
                    record.pk,
                ),
                "type": record_type,
                "region": body.region.slug if body.region else None,
                "body": body.slug,
                "programme": inspection.programme.slug if inspection else None,
                "year": str(date.year) if date else None,
                **facts,
            }
        )

    for finding in (
        Finding.objects.filter(inspection__is_published=True)
        .select_related("inspection__body__region", "inspection__programme", "section")
        .prefetch_related("theme_tags__theme")
    ):
        add(
            "finding",
            finding,
            finding.inspection,
            finding.inspection.body,
            standard=str(finding.section.standard_id) if finding.section.standard_id else None,
            kind=finding.kind,
            themes=[tag.theme.slug for tag in finding.theme_tags.all()],
        )
    for recommendation in (
        Recommendation.objects.published()
        .select_related("inspection__body__region", "inspection__programme", "addressee")
        .prefetch_related("theme_tags__theme")
    ):
        add(
            "recommendation",
            recommendation,
            recommendation.inspection,
            recommendation.inspection.body,
            addressee=recommendation.addressee.slug,
            themes=[tag.theme.slug for tag in recommendation.theme_tags.all()],
        )
    for figure in ContextFigure.objects.select_related(
        "body__region", "inspection__programme"
    ).exclude(inspection__is_published=False):
        add("figure", figure, figure.inspection, figure.body)
    return found


def matches(record, filters: Filters) -> bool:
    for name, value in filters.chosen():
        if name == "theme":
            if value not in record.get("themes", ()):
                return False
        elif record.get(name) != str(value):
            return False
    return True


def expected_counts(chosen) -> dict[str, Counter]:
    counts = {}
    for name in ("type", "region", "body", "programme", "year", "standard", "kind", "addressee"):
        counts[name] = Counter(r[name] for r in chosen if r.get(name) is not None)
    counts["theme"] = Counter(theme for r in chosen for theme in r.get("themes", ()))
    return {name: counter for name, counter in counts.items() if counter}


def explorer_counts(search: Search) -> dict[str, Counter]:
    facets = search.results(0, 0, more="body")[0]
    # The addressee facet is long too: ask for it in full separately.
    addressees = search.results(0, 0, more="addressee")[0]["addressee"]
    counts = {
        name: Counter({value: count for value, _, count in rows}) for name, rows in facets.items()
    }
    counts["addressee"] = Counter({value: count for value, _, count in addressees})
    return {name: counter for name, counter in counts.items() if counter}


FILTERS = [
    Filters(),
    Filters(kind="strength"),
    Filters(type="recommendation"),
    Filters(theme="staffing-and-workloads"),
    Filters(region="london", kind="improvement"),
    Filters(programme="quality-impact"),
    Filters(year=2022, type="figure"),
    Filters(addressee="hmpps"),
]


@pytest.fixture
def many_inspections(published_data):
    """The published data four times over, tagged with themes."""
    multiply_published_data(4)
    themes.tag_all()


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: repr(f.chosen()))
def test_counts_and_order_without_words(many_inspections, filters):
    chosen = sorted((r for r in records() if matches(r, filters)), key=lambda r: r["order"])
    search = Search(ParsedQuery(), filters)
    assert explorer_counts(search) == expected_counts(chosen)
    keys = [r["key"] for r in chosen]
    assert list(search.keys(len(keys) + 1)) == keys
    # Each page, wherever it starts and ends among the inspections, is its slice.
    for offset in (0, 20, 137, max(0, len(keys) - 7)):
        assert list(search.results(20, offset)[1]) == keys[offset : offset + 20]


@pytest.mark.parametrize("q", ["staff", "domestic abuse", '"management oversight"', "risk -harm"])
@pytest.mark.parametrize(
    "filters", [*FILTERS[:5], Filters(region="london"), FILTERS[6]], ids=lambda f: repr(f.chosen())
)
def test_counts_with_words_count_what_was_found(many_inspections, q, filters):
    search = Search(parse_query(q), filters)
    keys = search.keys(100_000)
    by_key = {r["key"]: r for r in records()}
    found = [by_key[key] for key in keys]
    # Exactly the matches of the words alone that meet the facets, whichever the database
    # was asked to leave out itself.
    unfiltered = Search(parse_query(q), Filters()).keys(100_000)
    assert set(keys) == {key for key in unfiltered if matches(by_key[key], filters)}
    assert explorer_counts(search) == expected_counts(found)
    assert list(search.results(20, 40)[1]) == keys[40:60]
