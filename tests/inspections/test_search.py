"""The findings explorer's search: parsing, safety, the index kept in step, facets, exports.

Every test runs on the database the suite runs on, so CI proves each on SQLite (FTS5)
and on PostgreSQL (tsvector and GIN).
"""

import csv
import io
import json
import re
from collections import Counter

import openpyxl
import pytest
from django.db import connection

from inspections.explorer import search
from inspections.explorer.search import Filters, ParsedQuery, Search, SearchError, Term, parse_query
from inspections.models import ContextFigure, Finding, Inspection, ThemeTag
from inspections.web.exports import download_filename
from recommendations.models import Recommendation
from tests.factories import InspectionFactory, SectionFactory

STAFF_INCENTIVES = "consider incentives to improve recruitment and retention of staff"


def found(q, **filters):
    """(type, text) of every record the search finds, in order."""
    finder = Search(parse_query(q), Filters(**filters))
    hits = finder.hydrate(finder.keys(search.EXPORT_LIMIT), highlight_matches=False)
    return [(hit.type, hit.text) for hit in hits]


def texts(q, **filters):
    return [text for _, text in found(q, **filters)]


# Words as search.py splits them (runs of letters and digits; case ignored), written out
# again here so that the oracle below shares no code with the engine it checks.
ORACLE_WORD = re.compile(r"[^\W_]+")


def published_records():
    """(type, record) of every record the explorer may show, read by plain ORM queries:
    the findings and recommendations of published inspections, and the context figures of
    published inspections or of none."""
    return (
        [("finding", f) for f in Finding.objects.filter(inspection__is_published=True)]
        + [
            ("recommendation", r)
            for r in Recommendation.objects.filter(inspection__is_published=True)
        ]
        + [
            ("figure", f)
            for f in ContextFigure.objects.select_related("inspection")
            if f.inspection is None or f.inspection.is_published
        ]
    )


def records_with(*words):
    """(type, record) of every published record whose text has, for each of `words`, one of
    its forms: the search worked out by plain Python over the ORM's rows, to check the
    engine against. Each of `words` is a set of forms that both backends' stemmers reduce
    to one stem ("staff" and "staffs"; not "staffing", whose stem is "staf")."""
    matches = []
    for record_type, record in published_records():
        text = record.label if record_type == "figure" else record.text
        present = set(ORACLE_WORD.findall(text.lower()))
        if all(present & forms for forms in words):
            matches.append((record_type, record))
    return matches


STAFF = {"staff", "staffs"}


# --- Parsing the user's words ---------------------------------------------------------------


def test_words_phrases_alternatives_and_exclusions():
    parsed = parse_query('staff "management oversight" police OR "children\'s services" -unpaid')
    assert parsed.groups == (
        (Term(("staff",)),),
        (Term(("management", "oversight")),),
        (Term(("police",)), Term(("children", "s", "services"))),
    )
    assert parsed.excluded == (Term(("unpaid",)),)


def test_operators_and_punctuation_only_separate_words():
    parsed = parse_query("NEAR(staff police) text:risk ^harm* {a} AND NOT")
    words = [t.words for g in parsed.groups for t in g]
    assert words == [("near", "staff"), ("police",), ("text", "risk"), ("harm",), ("a",),
                     ("and",), ("not",)]  # fmt: skip


def test_an_unclosed_quote_runs_to_the_end():
    assert parse_query('"risk of harm').groups == ((Term(("risk", "of", "harm")),),)


def test_a_hyphenated_word_is_a_phrase():
    assert parse_query("risk-related").groups == ((Term(("risk", "related")),),)


def test_control_characters_and_nul_are_spaces():
    assert parse_query("staff\x00ing\x1fpolice").groups == (
        (Term(("staff",)),),
        (Term(("ing",)),),
        (Term(("police",)),),
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x" * 201, "200 characters or fewer"),
        (" ".join(["word"] * 25), "24 words or fewer"),
        ('"" *** <>', "Enter words or numbers to search for"),
        ("-police -court", "not only words to leave out"),
    ],
)
def test_searches_that_cannot_run_say_why(text, message):
    with pytest.raises(SearchError, match=message):
        parse_query(text)


def test_an_empty_search_finds_everything():
    assert not parse_query("   ")
    assert parse_query("") == ParsedQuery()


def test_sqlite_match_quotes_every_word():
    parsed = parse_query('staff "risk of harm" police OR court -unpaid')
    assert search.SQLiteBackend(parsed).expression == (
        '("staff" AND "risk of harm" AND ("police" OR "court")) NOT ("unpaid")'
    )


def test_postgres_query_passes_words_as_parameters():
    parsed = parse_query('staff OR "risk of harm" -\'; DROP TABLE x; --')
    sql, params = search.PostgresBackend.tsquery_sql(parsed)
    assert params == ["staff", "risk of harm", "drop", "table", "x"]
    assert "DROP" not in sql and "%s" in sql


# --- Any input gives results or a clear message ------------------------------------------------

# Each input and what it must give: a search that runs (200) and finds something (FOUND) or
# nothing (NOTHING), or one that cannot run (400) and the message saying why.
FOUND, NOTHING = "found", "nothing"
# An English stop word: SQLite's FTS5 indexes it, so it is found; PostgreSQL's english
# configuration drops it from the query, which then matches nothing. Either way it runs.
STOP_WORD = "stop word"
NO_WORDS = "Enter words or numbers to search for"

NASTY = [
    ('"', NO_WORDS),
    ('""', NO_WORDS),
    ('"unbalanced', NOTHING),  # the phrase runs to the end: "unbalanced"
    ("'", NO_WORDS),
    ("OR", NO_WORDS),  # OR between nothing
    ("AND", STOP_WORD),  # only OR is an operator: "and" is a word
    ("NOT", STOP_WORD),
    ("-", NO_WORDS),
    ("--", NO_WORDS),
    ("*", NO_WORDS),
    ("^", NO_WORDS),
    ("NEAR(staff police)", NOTHING),  # the phrase "near staff", and police
    ("staff:police", NOTHING),  # the phrase "staff police"
    ("text:staff", NOTHING),  # the phrase "text staff"
    ("'; DROP TABLE inspections_finding; --", NOTHING),
    ("1' OR '1'='1", FOUND),  # 1, or the phrase "1 1"
    ("<script>alert(1)</script>", NOTHING),
    ("<b>staff</b>", NOTHING),  # the phrase "b staff b"
    ("x" * 5000, "Search for 200 characters or fewer"),
    ("staff\x00", FOUND),
    ("\x00", FOUND),  # only a space: no words, so every record
    ("()", NO_WORDS),
    ("(((", NO_WORDS),
    ("{staff police}", FOUND),
    ("+staff", FOUND),
    ("@@ staff", FOUND),
    ("!!staff", FOUND),
    ("staff & police | risk", FOUND),
    ("\\", NO_WORDS),
    ("😀 staff", FOUND),
    ("%", NO_WORDS),
    ("_", NO_WORDS),
    ("%s %(q)s", NOTHING),  # s, and the phrase "q s"
    ("staff*", FOUND),
    ("*staff", FOUND),
    ("ñandú", NOTHING),
    ("ｓｔａｆｆ", NOTHING),  # full-width letters are a word of their own, not "staff"
    ("١٢٣", NOTHING),  # Arabic-Indic digits are a word of their own, not 123
    ("OR OR OR", NO_WORDS),
    ("- - -", NO_WORDS),
    ('"-"', NO_WORDS),
    ("?", NO_WORDS),
    (":1 $1", FOUND),
    ("staff\u2028police", FOUND),  # a line separator separates words
    ("the", STOP_WORD),
    ("a " * 30, "Search for 24 words or fewer"),
]


@pytest.mark.parametrize(("q", "expected"), NASTY)
def test_any_search_gives_results_or_a_clear_message(client, published_data, q, expected):
    response = client.get("/explore/", {"q": q})
    page = response.content.decode()
    if expected == STOP_WORD:
        expected = FOUND if connection.vendor == "sqlite" else NOTHING
    if expected in (FOUND, NOTHING):
        assert response.status_code == 200, response.status_code
        assert "There is a problem" not in page
        total = response.context["total"]
        assert total > 0 if expected == FOUND else total == 0, total
        assert f'id="results">{total} result' in page
    else:
        assert response.status_code == 400, response.status_code
        # The error summary names the problem and links to the search box, which says it too.
        assert "There is a problem" in page
        assert f'<a href="#id_q">{expected}</a>' in page
        assert f'govuk-visually-hidden">Error:</span> {expected}</p>' in page
    assert "<script>alert(1)</script>" not in page
    assert "<b>staff</b>" not in page


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"year": "twenty"}, "Enter the year as a number"),
        ({"year": "99999"}, "Enter a year from 1900 to 2100"),
        ({"standard": "-1"}, "Choose a standard from the list"),
        ({"page": "0"}, "Enter a page number from 1"),
        ({"page": "one"}, "Enter the page as a whole number"),
        ({"format": "pdf"}, "Choose CSV, Excel or JSON"),
        ({"region": "<script>"}, "Choose a region from the list"),
        ({"kind": "weakness"}, "Choose a kind of finding from the list"),
        ({"type": "rating"}, "Choose a type of record from the list"),
        ({"body": "x" * 500}, "Choose an inspected body from the list"),
        ({"region": "london\x00"}, "Null characters are not allowed"),
    ],
)
def test_bad_facet_values_are_explained(client, published_data, params, message):
    response = client.get("/explore/", params)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_facet_value_nobody_has_finds_nothing(client, published_data):
    response = client.get("/explore/", {"q": "staff", "region": "atlantis"})
    assert response.status_code == 200
    assert "0 results" in response.content.decode()


def test_the_heading_quotes_the_search_once(client, published_data):
    words = client.get("/explore/", {"q": "staff"}).content.decode()
    phrase = client.get("/explore/", {"q": '"management oversight"'}).content.decode()
    assert re.search(r"\d+ results for “staff”</h2>", words)
    assert re.search(r"\d+ results? for &quot;management oversight&quot;</h2>", phrase)


def test_a_page_past_the_end_is_not_found(client, published_data):
    assert client.get("/explore/", {"q": "staff", "page": 500}).status_code == 404


# --- What the search finds ---------------------------------------------------------------------


def test_loaded_fixtures_are_searchable(published_data):
    assert STAFF_INCENTIVES in texts("incentives recruitment")


def test_words_match_their_other_forms(published_data):
    # "recruiting" and "recruitment" share a stem on both backends.
    assert STAFF_INCENTIVES in texts("recruiting")


def test_a_phrase_matches_only_its_words_in_order(published_data):
    results = texts('"management oversight"')
    assert results
    assert all("management oversight" in text.lower() for text in results)
    assert len(results) < len(texts("management oversight"))


def test_or_finds_either_and_minus_leaves_out(published_data):
    either = set(texts("accommodation OR housing"))
    assert either == set(texts("accommodation")) | set(texts("housing"))
    without = texts("accommodation -housing")
    assert without and not any("housing" in text.lower() for text in without)


def test_context_figure_labels_are_searchable(published_data):
    label = ContextFigure.objects.filter(inspection__isnull=False).first().label
    assert ("figure", label) in found(f'"{label}"')


def test_drafts_are_never_found(published_data):
    everything = Finding.objects.count() + Recommendation.objects.count()
    everything += ContextFigure.objects.count()
    assert len(found("")) == everything  # every inspection in the published data is published
    assert STAFF_INCENTIVES in texts("incentives")
    Inspection.objects.update(is_published=False)
    assert found("incentives") == []
    # A PDU's own profile figures belong to no inspection; with the PDU's only
    # inspection a draft, the PDU is not public and neither are they.
    assert found("") == []
    unattached = ContextFigure.objects.filter(inspection=None)
    Inspection.objects.filter(body__in=unattached.values("body")).update(is_published=True)
    profile = [("figure", f.label) for f in unattached]
    assert profile and len(profile) < everything
    assert set(profile) <= set(found(""))


def test_best_matches_come_first(published_data):
    # A recommendation that is almost only the words outranks long findings that mention them.
    first_type, first_text = found("incentives recruitment retention")[0]
    assert first_type == "recommendation"
    assert first_text.startswith("consider incentives to improve recruitment")


@pytest.fixture
def inspection(db):
    return InspectionFactory()


def make_finding(inspection, text, position=1):
    return Finding.objects.create(
        inspection=inspection,
        section=SectionFactory(),
        kind=Finding.Kind.IMPROVEMENT,
        text=text,
        position=position,
        source_document=inspection.source_document,
        source_section="Generated",
        source_line=1,
    )


def test_records_created_through_the_orm_are_searchable_at_once(inspection):
    make_finding(inspection, "Zanzibar workshops were oversubscribed.")
    assert texts("zanzibar") == ["Zanzibar workshops were oversubscribed."]


def test_bulk_created_records_are_searchable(inspection):
    section = SectionFactory()
    Finding.objects.bulk_create(
        Finding(
            inspection=inspection,
            section=section,
            kind=Finding.Kind.STRENGTH,
            text=f"Quokka number {i}.",
            position=i,
            source_document=inspection.source_document,
            source_section="Generated",
        )
        for i in range(1, 4)
    )
    assert len(texts("quokka")) == 3


def test_changed_and_deleted_records_leave_the_index(inspection):
    finding = make_finding(inspection, "Wombat caseloads were high.")
    Finding.objects.filter(pk=finding.pk).update(text="Platypus caseloads were high.")
    assert texts("wombat") == []
    assert texts("platypus") == ["Platypus caseloads were high."]
    Finding.objects.filter(pk=finding.pk).delete()
    assert texts("platypus") == []


def test_recommendations_saved_one_by_one_are_searchable(inspection):
    Recommendation.objects.create(
        inspection=inspection,
        number=1,
        position=1,
        addressee=inspection.body,
        addressee_label=inspection.body.name,
        text="ensure every narwhal is seen",
        source_document=inspection.source_document,
        source_section="Recommendations",
    )
    assert found("narwhals") == [("recommendation", "ensure every narwhal is seen")]


def test_the_index_repairs_itself_after_a_migration_drops_its_triggers(inspection):
    # SQLite drops a table's triggers when a migration remakes it; ensure_index runs after
    # every migrate and puts them back, refilling that table's index.
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER inspections_finding_fts_insert")
        else:
            cursor.execute("DROP TRIGGER inspections_finding_search_vector ON inspections_finding")
    make_finding(inspection, "Axolotl referrals were slow.")
    assert texts("axolotl") == []
    if connection.vendor == "postgresql":
        # As after a migration: no foreign-key checks still waiting in the transaction.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert search.ensure_index(connection) == ["inspections_finding"]
    assert texts("axolotl") == ["Axolotl referrals were slow."]
    make_finding(inspection, "Axolotl referrals sped up.", position=2)
    assert len(texts("axolotl")) == 2
    assert search.ensure_index(connection) == []


# --- Highlighting --------------------------------------------------------------------------------


def test_matches_are_marked_and_markup_in_the_text_is_escaped(client, inspection):
    make_finding(inspection, 'Staffing <script>alert("x")</script> & <b>workloads</b>.')
    page = client.get("/explore/", {"q": "staffing"}).content.decode()
    assert "<mark>Staffing</mark>" in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;workloads" in page
    assert '<script>alert("x")' not in page


def test_highlight_never_emits_unbalanced_markup():
    start, stop = search.START, search.STOP
    for marked in (
        f"{start}a{start}b",
        f"{stop}x",
        f"{start}a{stop}{stop}b{start}",
        f"{start}ab",
        f"{stop}a{start}b",
    ):
        assert search.highlight(marked, "ab" if "b" in marked else "x") in ("ab", "x")
    assert search.highlight(f"{start}a{stop}b{start}c{stop}", "abc") == (
        "<mark>a</mark>b<mark>c</mark>"
    )


def test_marker_characters_in_a_record_are_shown_plainly():
    text = f"odd {search.START}text <b>"
    shown = search.highlight(f"{search.START}odd{search.STOP} {search.START}text <b>", text)
    assert "<mark>" not in shown and "&lt;b&gt;" in shown


# --- Facets ---------------------------------------------------------------------------------


def facet(response, name):
    return next((f for f in response.context["facets"] if f.name == name), None)


def test_facets_count_the_current_results(client, published_data):
    expected = records_with(STAFF)
    response = client.get("/explore/", {"q": "staff"})
    total = response.context["total"]
    assert total == len(expected) > 0
    types = {v.value: v.count for v in facet(response, "type").values}
    assert types == Counter(record_type for record_type, _ in expected)
    assert sum(v.count for v in facet(response, "region").values) == total
    kinds = {v.value: v.count for v in facet(response, "kind").values}
    assert kinds == Counter(r.kind for record_type, r in expected if record_type == "finding")
    assert len(kinds) > 1  # so choosing one narrows the results


def test_two_facets_narrow_the_results(client, published_data):
    response = client.get("/explore/", {"body": "lambeth", "kind": "strength"})
    expected = Finding.objects.filter(inspection__body__slug="lambeth", kind="strength").count()
    assert response.context["total"] == expected
    assert all(
        hit.body.slug == "lambeth" and hit.record.kind == "strength"
        for hit in response.context["page"].hits
    )
    assert [v.label for v in facet(response, "kind").values] == ["Strength"]
    assert len(response.context["chosen"]) == 2


def test_a_facet_value_links_to_the_narrowed_results_and_back(client, published_data):
    response = client.get("/explore/", {"q": "staff"})
    lambeth = next(v for v in facet(response, "body").values if v.value == "lambeth")
    narrowed = client.get(f"/explore/{lambeth.url}")
    assert narrowed.context["total"] == lambeth.count
    chosen = next(v for v in facet(narrowed, "body").values if v.selected)
    back = client.get(f"/explore/{chosen.url}").content.decode()
    assert f'id="results">{response.context["total"]} result' in back


def test_the_theme_facet_counts_tagged_records(client, published_data):
    response = client.get("/explore/", {"theme": "staffing-and-workloads"})
    tagged = ThemeTag.objects.filter(theme__slug="staffing-and-workloads").count()
    assert response.context["total"] == tagged


def test_choosing_an_addressee_shows_recommendations_only(client, published_data):
    response = client.get("/explore/", {"addressee": "hmpps"})
    hits = response.context["page"].hits
    assert hits and all(hit.type == "recommendation" for hit in hits)
    assert (
        response.context["total"] == Recommendation.objects.filter(addressee__slug="hmpps").count()
    )


def test_standard_year_and_programme_facets(client, published_data):
    response = client.get("/explore/", {"q": "assessment"})
    standard = facet(response, "standard").values[0]
    narrowed = client.get(f"/explore/{standard.url}")
    assert {h.record.section.standard_id for h in narrowed.context["page"].hits} == {
        int(standard.value)
    }
    years = [v.value for v in facet(response, "year").values]
    assert years == sorted(years, reverse=True)
    assert {v.value for v in facet(response, "programme").values} <= {"pdu", "quality-impact"}


def test_long_facets_show_the_commonest_and_offer_the_rest(client, db):
    # Three more inspected bodies than a facet shows; body n has n findings, so the
    # commonest are the last made.
    section = SectionFactory()
    inspections = InspectionFactory.create_batch(search.FACET_SIZE + 3)
    for n, inspection in enumerate(inspections, 1):
        Finding.objects.bulk_create(
            Finding(
                inspection=inspection,
                section=section,
                kind=Finding.Kind.STRENGTH,
                text=f"Finding {position} of body {n}.",
                position=position,
                source_document=inspection.source_document,
                source_section="Generated",
            )
            for position in range(1, n + 1)
        )
    counts = {inspection.body.slug: n for n, inspection in enumerate(inspections, 1)}
    commonest = sorted(counts, key=counts.get, reverse=True)[: search.FACET_SIZE]

    response = client.get("/explore/")
    bodies = facet(response, "body")
    assert [(v.value, v.count) for v in bodies.values] == [(b, counts[b]) for b in commonest]
    assert bodies.truncated
    assert 'href="?more=body#facet-body">Show every inspected body</a>' in (
        response.content.decode()
    )

    expanded = client.get("/explore/", {"more": "body"})
    every = facet(expanded, "body")
    assert {v.value: v.count for v in every.values} == counts
    assert not every.truncated
    assert "Show every inspected body" not in expanded.content.decode()


def test_pages_hold_twenty_in_order(client, published_data):
    first = client.get("/explore/").context["page"]
    second = client.get("/explore/", {"page": 2}).context["page"]
    assert len(first.hits) == search.PAGE_SIZE
    assert second.start == search.PAGE_SIZE + 1
    assert not {h.record.pk for h in first.hits if h.type == "finding"} & {
        h.record.pk for h in second.hits if h.type == "finding"
    }


# --- Downloads -------------------------------------------------------------------------------


def test_csv_has_every_result_with_its_citation(client, published_data):
    response = client.get("/explore/", {"q": "staff", "kind": "improvement", "format": "csv"})
    assert response["Content-Disposition"] == (
        f'attachment; filename="{download_filename("inspection-findings-explorer", "csv")}"'
    )
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    staff = records_with(STAFF)
    expected = [r for t, r in staff if t == "finding" and r.kind == Finding.Kind.IMPROVEMENT]
    assert expected and len(expected) < len(staff)
    assert sorted(row["URL"] for row in rows) == sorted(
        f"http://testserver{r.get_absolute_url()}" for r in expected
    )
    assert all(row["Kind"] == "Area for improvement" for row in rows)
    assert all(row["Citation"] and row["Source file"] and row["Source line"] for row in rows)
    assert all(row["URL"].startswith("http://testserver/findings/") for row in rows)


def test_excel_download_opens(client, published_data):
    response = client.get("/explore/", {"q": "domestic abuse", "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    header = [cell.value for cell in sheet[1]]
    assert header == search.EXPORT_COLUMNS
    expected = records_with({"domestic"}, {"abuse", "abused", "abuses"})
    assert expected
    text = header.index("Text")
    assert sorted(row[text] for row in sheet.iter_rows(min_row=2, values_only=True)) == sorted(
        r.label if t == "figure" else r.text for t, r in expected
    )


def test_json_download_cites_every_record(client, published_data):
    response = client.get("/explore/", {"q": "incentives", "format": "json"})
    data = json.loads(response.getvalue())
    expected = records_with({"incentive", "incentives"})
    assert data["count"] == len(data["results"]) == len(expected) > 0
    assert sorted((r["type"], r["id"]) for r in data["results"]) == sorted(
        (t, r.pk) for t, r in expected
    )
    assert data["query"] == {"q": "incentives"}
    recommendation = next(r for r in data["results"] if r["text"] == STAFF_INCENTIVES)
    assert recommendation["addressee"] == "HM Prison and Probation Service"
    assert recommendation["source"]["document"].endswith(".txt")
    assert recommendation["source"]["citation"]
    assert "staffing-and-workloads" in recommendation["themes"]


def test_an_empty_result_downloads_an_empty_table(client, published_data):
    response = client.get("/explore/", {"q": "zzzzqqq", "format": "csv"})
    assert response.getvalue().decode("utf-8-sig").splitlines() == [",".join(search.EXPORT_COLUMNS)]


# --- The page -------------------------------------------------------------------------------


def test_the_explorer_is_in_the_navigation(client, published_data):
    page = client.get("/explore/").content.decode()
    assert 'href="/explore/" aria-current="page"' in page


def test_results_link_to_their_records(client, published_data):
    response = client.get("/explore/", {"q": "incentives"})
    page = response.content.decode()
    hit = response.context["page"].hits[0]
    assert hit.url in page
    finding = Finding.objects.filter(text__icontains="staff").first()
    phrase = " ".join(finding.text.split()[:8])
    response = client.get("/explore/", {"q": f'"{phrase}"'})
    assert finding.get_absolute_url() in response.content.decode()
