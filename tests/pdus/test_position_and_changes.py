"""A PDU's position against its region and England and Wales, its ratings and key
questions over time, and the national view of how ratings moved between inspections: on
the published data (one region, one inspection each) and on generated national data
(every region, two inspections each), each figure checked against a count made here."""

import re
from collections import Counter, defaultdict

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inspections.ingest import demo
from inspections.models import Inspection
from pdus import changes as changes_module
from pdus import rules
from pdus.changes import national_changes
from pdus.dashboard import rated_inspections
from pdus.history import latest_first
from pdus.models import Body
from pdus.standing import Position
from ratings.models import KeyQuestionScore, StandardRating
from ratings.rules import POINTS
from ratings.statistics import mean_interval
from recommendations.models import FollowUp, Recommendation
from tests.pdus.test_framework_versions_pages import lambeth_again, pdu_2023  # noqa: F401
from tests.pdus.test_national_overview import words_of
from tests.pdus.test_second_inspections import inspect_again


@pytest.fixture
def national_data(db, settings):
    """Generated data in every region: 2 or 3 PDUs each, each inspected twice."""
    settings.DEMO = True
    assert demo.build(seed=7, pdus_per_region=(2, 3)) is not None


def latest_of_each_pdu() -> list[Inspection]:
    latest = {}
    for inspection in latest_first(rated_inspections().select_related("body__region")):
        latest.setdefault(inspection.body_id, inspection)
    return list(latest.values())


def expected_position(values: dict, own_key, better) -> Position:
    """Counted by hand: how many of `values` ({pdu: value}) are better than the PDU's."""
    own = values[own_key]
    return Position(
        sum(better(v, own) for v in values.values()),
        sum(v == own for v in values.values()),
        len(values),
    )


# --- Rules ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "text"),
    [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"), (21, "21st")],
)
def test_ordinals(number, text):
    assert rules.ordinal(number) == text


def test_a_position_says_joint_only_when_another_pdu_did_the_same():
    assert str(Position(better=3, same=1, of=9)) == "4th of 9"
    assert str(Position(better=30, same=46, of=105)) == "joint 31st of 105"
    assert Position(better=30, same=46, of=105).worse == 29


@pytest.mark.parametrize(
    ("previous", "current", "change"),
    [(40, 52, rules.IMPROVED), (52, 40, rules.DECLINED), (52, 52, rules.UNCHANGED)],
)
def test_a_percentage_moves_up_down_or_not(previous, current, change):
    assert rules.percent_change(previous, current) == change


# --- The published data: one region, one inspection each ------------------------------------


def test_lambeth_stands_among_the_six_published_pdus(client, published_data):
    response = client.get("/pdus/lambeth/")
    standing = response.context["standing"]
    assert (standing.pdus, standing.regions, standing.region_pdus) == (6, 1, 6)
    assessment = next(s for s in standing.standards if s.result.standard.code == "2.2")
    ratings = dict(
        StandardRating.objects.filter(standard__code="2.2", rating__in=list(POINTS)).values_list(
            "inspection__body__slug", "rating"
        )
    )
    expected = expected_position(ratings, "lambeth", lambda v, own: POINTS[v] > POINTS[own])
    assert assessment.rating.nation == expected
    assert assessment.rating.region == expected  # the published data is one region
    words = words_of(response)
    assert f"2.2 Assessment Inadequate {expected} nationally, {expected} in London" in words
    assert "6 PDUs in 1 region of England and Wales in this data" in words


def test_lambeths_key_questions_have_the_regional_and_national_averages(client, published_data):
    response = client.get("/pdus/lambeth/")
    assessment = next(
        s for s in response.context["standing"].standards if s.result.standard.code == "2.2"
    )
    row = assessment.key_questions[2]
    assert (
        row.key_question.text == "Does assessment focus sufficiently on keeping other people safe?"
    )
    # Lewisham and Bromley is the only other PDU with this table: 21% against Lambeth's 12%.
    assert row.region.mean == pytest.approx(21) and row.region.others == 1
    assert row.nation.mean == pytest.approx(21) and row.nation.others == 1
    assert row.region.low is None  # one figure says nothing of how PDUs vary
    assert str(row.region.position) == "2nd of 2"
    words = words_of(response)
    assert "Average of other PDUs in England and Wales" in words
    assert "21% of 1 other PDU; Lambeth is 2nd of 2 in England and Wales" in words


def test_the_changes_page_says_when_no_pdu_was_inspected_twice(client, published_data):
    response = client.get("/changes/")
    assert response.status_code == 200
    assert "No PDU has been inspected twice under one version" in words_of(response)


def test_the_changes_page_counts_a_second_published_inspection(client, published_data):
    inspect_again()  # Lambeth: 1.1 RI to Good, 1.2 Inadequate again, 2.2 Inadequate to RI
    changes = national_changes()
    moves = {t.key: (t.up, t.same, t.down) for t in changes.transitions}
    assert moves["1-1-leadership"] == (1, 0, 0)
    assert moves["1-2-staff"] == (0, 1, 0)
    assert moves["2-2-assessment"] == (1, 0, 0)
    assert moves["2-3-planning"] == (0, 0, 0)  # not rated the second time
    assert moves["overall"] == (1, 0, 0)  # Inadequate to Requires improvement
    response = client.get("/changes/?standard=1-1-leadership&move=up")
    assert "Lambeth PDU (London): Requires improvement to Good" in words_of(response)


def test_the_changes_page_refuses_an_unknown_version_or_standard(client, published_data):
    inspect_again()
    assert client.get("/changes/?version=nope").status_code == 404
    assert client.get("/changes/?standard=nope").status_code == 404


# --- Generated national data -----------------------------------------------------------------


def test_each_standings_figure_is_the_count_made_by_hand(client, national_data):
    body = Body.objects.filter(kind=Body.Kind.PDU).order_by("name")[3]
    response = client.get(body.get_absolute_url())
    standing = response.context["standing"]
    latest = latest_of_each_pdu()
    assert standing.pdus == len(latest) == Body.objects.filter(kind=Body.Kind.PDU).count()
    assert standing.regions == 12
    by_pk = {i.pk: i for i in latest}
    ratings = defaultdict(dict)
    for rating in StandardRating.objects.filter(inspection__in=by_pk, rating__in=list(POINTS)):
        ratings[rating.standard_id][by_pk[rating.inspection_id].body_id] = rating.rating
    scores = defaultdict(dict)
    for score in KeyQuestionScore.objects.filter(inspection__in=by_pk).select_related(
        "key_question"
    ):
        scores[score.key_question.text][by_pk[score.inspection_id].body_id] = score.percent_yes
    region_of = {i.body_id: i.body.region_id for i in latest}
    checked = 0
    for position in standing.standards:
        standard = position.result.standard
        if position.rating is not None:
            everyone = ratings[standard.pk]

            def better(v, own):
                return POINTS[v] > POINTS[own]

            assert position.rating.nation == expected_position(everyone, body.pk, better)
            in_region = {b: v for b, v in everyone.items() if region_of[b] == body.region_id}
            assert position.rating.region == expected_position(in_region, body.pk, better)
            checked += 1
        for row in position.key_questions:
            everyone = scores[row.key_question.text]
            others = [v for b, v in everyone.items() if b != body.pk]
            expected = mean_interval(others)
            assert row.nation.mean == pytest.approx(expected.mean)
            assert row.nation.low == pytest.approx(expected.low)
            assert row.nation.high == pytest.approx(expected.high)
            assert row.nation.others == len(others)
            assert row.nation.position == expected_position(everyone, body.pk, lambda v, o: v > o)
            in_region = [
                v for b, v in everyone.items() if b != body.pk and region_of[b] == body.region_id
            ]
            assert row.region.mean == pytest.approx(sum(in_region) / len(in_region))
            checked += 1
    assert checked > 20
    words = words_of(response)
    assessment = next(s for s in standing.standards if s.result.standard.code == "2.2")
    assert f"{assessment.rating.nation} nationally" in words
    assert f"in {body.region.name}" in words


def test_the_pdu_page_shows_key_questions_side_by_side_with_their_moves(client, national_data):
    body = Body.objects.filter(kind=Body.Kind.PDU).order_by("name")[0]
    response = client.get(body.get_absolute_url())
    history = response.context["ratings_by_inspection"]
    later, earlier = history.inspections
    assert later.fieldwork_start > earlier.fieldwork_start
    row = next(r for r in history.rows if r.standard.code == "2.2")
    assert len(row.key_questions) == 3
    for question in row.key_questions:
        now, before = question.cells
        expected = KeyQuestionScore.objects.get(
            inspection=earlier, key_question=question.key_question
        ).percent_yes
        assert now.previous.percent_yes == expected and before.previous is None
        assert now.change == rules.percent_change(expected, now.score.percent_yes)
    words = words_of(response)
    table = words[words.index("Ratings by inspection 2 inspections") :]
    assert "2.2 key question: Does assessment focus sufficiently on engaging" in table
    assert re.search(r"(Up|Down) \d+(\.\d)? points? from \d+(\.\d)?%|Same as before", table)


def test_the_changes_page_counts_every_pdus_move_by_hand(client, national_data):
    response = client.get("/changes/")
    assert response.status_code == 200
    changes = response.context["changes"]
    pairs = {}
    for inspection in latest_first(rated_inspections().select_related("body")):
        pairs.setdefault(inspection.body_id, []).append(inspection)
    expected = Counter()
    for later, earlier in (found[:2] for found in pairs.values()):
        change = rules.rating_change(earlier.overall_rating, later.overall_rating)
        expected[change] += 1
    overall = changes.find("overall")
    assert (overall.up, overall.same, overall.down) == (
        expected[rules.IMPROVED],
        expected[rules.UNCHANGED],
        expected[rules.DECLINED],
    )
    assert overall.compared == len(pairs)
    assessment = changes.find("2-2-assessment")
    assert sum(count for _, cells in assessment.table for count, _, _ in cells) == len(pairs)
    # A cell of the table lists exactly its PDUs.
    count, before, after = next(
        cell for _, cells in assessment.table for cell in cells if cell[0] > 0
    )
    listed = client.get(
        f"/changes/?standard=2-2-assessment&from={before.value}&to={after.value}"
    ).context["listed"]
    assert len(listed) == count
    assert all((m.before, m.after) == (before, after) for m in listed)


def test_pages_run_the_same_queries_whatever_the_size(client, national_data):
    body = Body.objects.filter(kind=Body.Kind.PDU).order_by("name")[0]
    urls = [body.get_absolute_url(), "/changes/", "/changes/?standard=overall&move=up"]
    before = {}
    for url in urls:
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        before[url] = len(context.captured_queries)
    # Another region's worth of PDUs, each inspected twice.
    for number in range(1, 9):
        twin = Body.objects.create(
            name=f"{body.region.name} PDU extra {number}",
            short_name=f"Extra {number}",
            slug=f"extra-{number}",
            kind=Body.Kind.PDU,
            region=body.region,
        )
        for inspection in Inspection.objects.filter(body=body):
            ratings = list(inspection.ratings.all())
            scores = list(inspection.key_question_scores.all())
            year = inspection.fieldwork_start.year
            inspection.pk, inspection.slug, inspection.body = None, f"{twin.slug}-{year}", twin
            inspection.save()
            for record in [*ratings, *scores]:
                record.pk, record.inspection = None, inspection
            StandardRating.objects.bulk_create(ratings)
            KeyQuestionScore.objects.bulk_create(scores)
    for url in urls:
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        assert len(context.captured_queries) == before[url], url
    assert before[body.get_absolute_url()] <= 16  # with the data's version
    assert before["/changes/"] <= 4  # with the data's version


def test_the_changes_are_under_the_one_generated_version(national_data):
    changes = national_changes()
    assert len(changes.versions) == 1
    assert national_changes("no-such-version") is None


# --- What the later report says of the earlier recommendations --------------------------------


def test_the_pdu_page_says_what_the_later_report_says_of_each_earlier_recommendation(
    client, national_data
):
    body = Body.objects.filter(kind=Body.Kind.PDU).order_by("name")[1]
    later, earlier = latest_first(Inspection.objects.filter(body=body))
    verdicts = Counter(
        FollowUp.objects.filter(recommendation__inspection=earlier, inspection=later).values_list(
            "verdict", flat=True
        )
    )
    assert sum(verdicts.values()) == Recommendation.objects.filter(inspection=earlier).count()
    response = client.get(body.get_absolute_url())
    [summary] = response.context["follow_ups"]
    assert (summary.earlier, summary.later) == (earlier, later)
    labels = dict(FollowUp.Verdict.choices)
    assert summary.counts == [
        (labels[v], verdicts[v]) for v in FollowUp.Verdict.values if verdicts[v]
    ]
    words = words_of(response)
    counted = ", ".join(f"{n} {label.lower()}" for label, n in summary.counts)
    when = earlier.fieldwork_start_display
    assert f"recommendations made after the inspection of {when}: {counted}." in words
    assert words.count("The next inspection's report:") == sum(verdicts.values())


def test_a_draft_reports_verdicts_stay_hidden_until_it_is_published(client, national_data):
    body = Body.objects.filter(kind=Body.Kind.PDU).order_by("name")[1]
    later, _ = latest_first(Inspection.objects.filter(body=body))
    Inspection.objects.filter(pk=later.pk).update(is_published=False)
    response = client.get(body.get_absolute_url())
    assert response.context["follow_ups"] == []
    assert "The next inspection's report:" not in words_of(response)


def test_a_pdu_without_a_later_report_has_no_follow_ups(client, published_data):
    response = client.get("/pdus/lambeth/")
    assert response.context["follow_ups"] == []
    assert "The next inspection's report" not in response.content.decode()


def test_a_follow_up_must_be_by_a_later_inspection_of_the_same_body(published_data):
    later = inspect_again()
    recommendation = Recommendation.objects.filter(inspection__body__slug="lambeth").first()
    other = Inspection.objects.exclude(body=later.body).first()
    fields = {
        "recommendation": recommendation,
        "verdict": FollowUp.Verdict.MET,
        "source_document": later.source_document,
        "source_section": "Progress since the last inspection",
    }
    FollowUp(inspection=later, **fields).full_clean()
    with pytest.raises(ValidationError, match="the recommendation's body"):
        FollowUp(inspection=other, **fields).full_clean()
    with pytest.raises(ValidationError, match="later than the recommendation's"):
        FollowUp(inspection=recommendation.inspection, **fields).full_clean()


def test_the_pdus_behind_a_count_are_paged(client, national_data, monkeypatch):
    monkeypatch.setattr(changes_module, "LISTED_PER_PAGE", 2)
    overall = national_changes().find("overall")
    move, count = max(
        [("up", overall.up), ("same", overall.same), ("down", overall.down)], key=lambda m: m[1]
    )
    assert count > 2
    first = client.get(f"/changes/?standard=overall&move={move}").context["listed"]
    second = client.get(f"/changes/?standard=overall&move={move}&page=2").context["listed"]
    assert first.paginator.count == count and len(first) == 2
    assert {m.inspection.pk for m in first}.isdisjoint(m.inspection.pk for m in second)


# --- Framework versions: never compared across -------------------------------------------------


def test_key_questions_of_another_version_are_not_compared(client, lambeth_again):  # noqa: F811
    response = client.get("/pdus/lambeth/")
    history = response.context["ratings_by_inspection"]
    assert [i.programme.slug for i in history.inspections] == ["pdu-2023", "pdu"]
    assessment = next(
        row for row in history.rows if row.standard.code == "2.2" and row.version.slug == "pdu"
    )
    for question in assessment.key_questions:
        later, earlier = question.cells
        assert later == "Not a key question of this inspection's standards"
        assert earlier.previous is None and earlier.change == ""
    # Placed only among PDUs inspected under the 2023 standards: Lambeth alone.
    standing = response.context["standing"]
    assert standing.version.slug == "pdu-2023" and standing.pdus == 1


def test_inspections_under_two_versions_are_no_change(client, lambeth_again):  # noqa: F811
    assert national_changes().version is None
    assert "No PDU has been inspected twice under one version" in words_of(client.get("/changes/"))


def test_a_pdu_of_no_region_is_not_placed_with_national_figures_as_its_regions(
    client, published_data
):
    Body.objects.filter(slug="lambeth").update(region=None)
    response = client.get("/pdus/lambeth/")
    assert response.status_code == 200
    assert response.context["standing"] is None
    assert "nationally" not in words_of(response)
