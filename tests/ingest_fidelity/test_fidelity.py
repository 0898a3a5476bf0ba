"""How faithfully the PDU report parser reads reports it has never seen.

The corpus (`variants.py`) is the two published reports changed as new reports will
differ: other PDUs and regions, ratings and percentages, line endings, wrapping, page
footers, a lost heading, Windows-1252 and C1 controls, reflowed tables. Each variant is
decoded as an upload is (`decode_report`) and parsed, and its facts are compared with
those expected. A wrong fact is flagged when a problem names its place, by the rule in
`variants.py`'s docstring: the admin is then told where to look. The bar: at least 99% of
facts right, and no wrong fact left unflagged.
"""

import pytest

from inspections.ingest.importer import import_report
from inspections.ingest.parsing.text import decode_report
from pdus.models import Region

from .variants import OTHER_PDUS, RECIPES, SOURCES, check, corpus, figures, make, misses_table

needs_reports = pytest.mark.skipif(
    not all(path.exists() for path in SOURCES.values()),
    reason="the published PDU report texts are not beside the checkout",
)


@pytest.fixture(scope="module")
def results():
    return [check(variant) for variant in corpus()]


@needs_reports
def test_at_least_99_per_cent_of_facts_right(results):
    figures_ = figures(results)
    assert figures_["right %"] >= 99, f"{figures_}\n{misses_table(results)}"


@needs_reports
def test_no_wrong_fact_unflagged(results):
    unflagged = [(result, miss) for result in results for miss in result.misses if not miss.flagged]
    assert not unflagged, f"{figures(results)}\n{misses_table(results)}"


@needs_reports
def test_the_untouched_reports_are_read_as_the_reference(results):
    untouched = [result for result in results if result.variant.name.endswith(": untouched")]
    assert len(untouched) == 2
    assert all(result.misses == [] for result in untouched)


@needs_reports
def test_the_corpus_is_the_same_on_every_run():
    assert [v.data for v in corpus()] == [v.data for v in corpus()]
    assert [v.data for v in corpus(seed=1)] != [v.data for v in corpus()]


@needs_reports
def test_every_variant_differs_from_its_published_text():
    for variant in corpus():
        published = SOURCES[variant.source].read_bytes()
        assert (variant.data == published) == variant.name.endswith(": untouched"), variant.name


@needs_reports
@pytest.mark.parametrize("source", SOURCES)
def test_a_lost_recommendations_heading_is_read_and_flagged(source):
    recipe = next(recipe for recipe in RECIPES if recipe.drop == "Recommendations")
    result = check(make(source, recipe))
    assert result.misses == []
    assert any(p.startswith("No 'Recommendations' heading") for p in result.problems)


@needs_reports
def test_footers_are_reported_where_they_were_cut_out_of_findings():
    recipe = next(recipe for recipe in RECIPES if recipe.name == "footers, glued mid-sentence")
    result = check(make("lambeth", recipe))
    assert result.misses == []
    cuts = [p for p in result.problems if "by a page header or footer" in p]
    assert cuts and all("Inspection of probation services: Lambeth PDU" in p for p in cuts)


@needs_reports
@pytest.mark.parametrize(
    "recipe",
    # Renamed only: the published PDUs' inspections are published, and an import refused.
    [recipe for recipe in RECIPES if recipe.rename_to is not None],
    ids=lambda recipe: recipe.name,
)
def test_the_importer_drafts_the_variant(recipe, published_data):
    """End to end, as an upload: the draft holds the expected counts of each kind of fact."""
    variant = make("lambeth", recipe)
    text, reading_notes = decode_report(variant.data)
    # Saved, not a dry run, to count what was saved: the test's transaction is rolled back.
    # No region given: the new PDU goes to the region its recommendations address.
    result = import_report(text, "variant.txt", reading_notes=reading_notes)
    inspection = result.inspection
    assert inspection.body.region == Region.objects.get(name=OTHER_PDUS[recipe.rename_to][1])
    expected = [fact.key[0] for fact in variant.expected]
    assert inspection.findings.count() == expected.count("finding")
    assert inspection.recommendations.count() == expected.count("recommendation")
    assert inspection.ratings.count() == expected.count("rating")
    pdu = next(fact.value for fact in variant.expected if fact.key == ("PDU name",))
    assert inspection.body.name == pdu
    # The parser's problems become the draft's notes (the decoder's are the upload's).
    assert set(check(variant).report.problems) <= set(result.problems)
