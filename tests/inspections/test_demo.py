"""`make demo`'s generated data: national in shape, following HMIP's rating rules, in a
database of its own that every page labels as generated."""

from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from inspections.ingest import demo
from inspections.models import Inspection
from pdus.models import Body, Region
from ratings import rules
from ratings.models import KeyQuestionScore, StandardRating

BANNER = "Demonstration: every PDU, rating, finding and recommendation on this site is generated"


@pytest.fixture
def demo_data(db, settings):
    settings.DEMO = True
    built = demo.build(seed=7, pdus_per_region=(1, 2))
    assert built is not None
    return built


def test_every_region_has_pdus_each_inspected_twice(demo_data):
    assert Region.objects.count() == 12
    pdus = Body.objects.filter(kind=Body.Kind.PDU)
    assert {pdu.region_id for pdu in pdus} == set(Region.objects.values_list("pk", flat=True))
    assert Counter(Inspection.objects.values_list("body", flat=True)) == {pdu.pk: 2 for pdu in pdus}
    assert demo_data.pdus == pdus.count() and demo_data.inspections == 2 * pdus.count()


def test_no_published_inspection_or_pdu_comes_with_it(demo_data):
    assert not Inspection.objects.exclude(source_document__author=demo.AUTHOR).exists()
    assert not Body.objects.filter(kind=Body.Kind.PDU, slug="lambeth").exists()
    assert all(inspection.title.endswith("(generated)") for inspection in Inspection.objects.all())


def test_ratings_follow_the_rules(demo_data):
    for inspection in Inspection.objects.select_related("programme"):
        programme = inspection.programme
        ratings = StandardRating.objects.filter(inspection=inspection).select_related("standard")
        for rating in ratings:
            if rating.standard.rated_from_key_questions:
                shares = KeyQuestionScore.objects.filter(
                    inspection=inspection, key_question__standard=rating.standard
                ).values_list("percent_yes", flat=True)
                assert rating.rating == rules.rating_from_key_questions(
                    shares, programme.key_question_bands
                )
        score, maximum = rules.score(r.rating for r in ratings)
        assert (inspection.score, inspection.max_score) == (score, maximum)
        assert inspection.overall_rating == rules.overall_rating(score, programme.score_bands)


def test_ratings_vary_as_real_ones_do(demo_data):
    overall = set(Inspection.objects.values_list("overall_rating", flat=True))
    assert len(overall) >= 3, overall


def test_the_same_seed_gives_the_same_data(db, settings):
    def snapshot():
        return list(
            Inspection.objects.order_by("slug").values_list("slug", "score", "overall_rating")
        )

    demo.build(seed=3, pdus_per_region=(1, 1))
    first = snapshot()
    Inspection.objects.all().delete()
    Body.objects.filter(kind=Body.Kind.PDU).delete()
    demo.build(seed=3, pdus_per_region=(1, 1))
    assert snapshot() == first


def test_built_again_it_is_left_as_it_is(demo_data):
    assert demo.build(seed=7) is None


def test_refused_beside_the_published_data(published_data, settings):
    settings.DEMO = True
    with pytest.raises(CommandError, match="not generated"):
        call_command("build_demo_data")


def test_only_made_when_pages_will_say_so(db, settings):
    settings.DEMO = False
    with pytest.raises(CommandError, match="DJANGO_DEMO=true"):
        call_command("build_demo_data")
    assert not Inspection.objects.exists()


def test_the_published_data_never_goes_into_the_demo_database(db, settings):
    settings.DEMO = True
    with pytest.raises(CommandError, match="demonstration"):
        call_command("load_published_data")
    assert not Inspection.objects.exists()


def test_every_page_says_the_data_is_generated(demo_data, client):
    pdu = Body.objects.filter(kind=Body.Kind.PDU).first()
    for url in ["/", "/pdus/", pdu.get_absolute_url(), "/explore/", "/glossary/"]:
        assert BANNER in client.get(url).content.decode(), url


def test_published_pages_have_no_banner(published_data, client, settings):
    settings.DEMO = False
    assert BANNER not in client.get("/").content.decode()
