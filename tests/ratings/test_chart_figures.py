"""The chart builders make their figures as plain data (issue 15), and emit exactly what
they emitted when they built plotly.graph_objects figures; plotly's own validator passes
every figure, so a wrong property name still fails here.

chart_figures.json holds, for each case, a builder's arguments and the HTML and figure it
returned before the change (the JSON data block shown as {figure} in the HTML). They were
captured on 2026-12-04 from the pages on the published data, by recording every call to
the builders while requesting the national overview, the London region's overview, every
PDU page, compare with 2 and with 6 PDUs, six theme pages and the tracker (one progress
update made), then from generated inputs for what that data does not reach: scores of 0
(their notes), Decimals and gaps, intervals not known, counts above 10 (no whole-number
ticks), eight series, more rows than a theme chart draws, a year of tracker months.
"""

import json
import os
import re
import subprocess
import sys
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

import plotly.graph_objects as go
import pytest

from inspections.explorer import themes
from ratings import charts
from recommendations import charts as recommendation_charts
from tests.ratings.test_charts import plot_args

CASES = json.loads((Path(__file__).with_name("chart_figures.json")).read_text(encoding="utf-8"))
BUILDERS = {
    "score_ranking_chart": charts.score_ranking_chart,
    "rating_distribution_chart": charts.rating_distribution_chart,
    "key_question_chart": charts.key_question_chart,
    "theme_chart": themes.theme_chart,
    "status_over_time_chart": recommendation_charts.status_over_time_chart,
}
ROOT = Path(__file__).resolve().parents[2]
BLOCK = re.compile(r'(<script id="[^"]+" type="application/json">)(.*?)(</script>)', re.DOTALL)


def decoded(value):
    """An argument as the builder was given it (the capture wrote Decimals, dates,
    Counters, theme rows and mappings as tagged objects)."""
    if isinstance(value, list):
        return [decoded(item) for item in value]
    if not isinstance(value, dict):
        return value
    (tag, content), *_ = value.items()
    if tag == "decimal":
        return Decimal(content)
    if tag == "date":
        return date.fromisoformat(content)
    if tag == "counter":
        return Counter(dict(content))
    if tag == "count_row":
        return themes.CountRow(**content)
    if tag == "mapping":
        return {decoded(key): decoded(item) for key, item in content}
    raise ValueError(f"unknown tag {tag!r}")


def built(case):
    args, kwargs = decoded(case["args"]), decoded(case["kwargs"])
    return BUILDERS[case["builder"]](*args, **kwargs)


def figure_in(html):
    return json.loads(BLOCK.search(html).group(2))


def assert_same(new, old, path="figure"):
    """Equal as JSON values, types and all: 1 is not 1.0 or true, nor null a missing key."""
    assert type(new) is type(old), f"{path}: {new!r} is not {old!r}"
    if isinstance(old, dict):
        assert new.keys() == old.keys(), f"{path}: keys {sorted(new)} are not {sorted(old)}"
        for key in old:
            assert_same(new[key], old[key], f"{path}.{key}")
    elif isinstance(old, list):
        assert len(new) == len(old), f"{path}: {len(new)} items, not {len(old)}"
        for index, (a, b) in enumerate(zip(new, old, strict=True)):
            assert_same(a, b, f"{path}[{index}]")
    else:
        assert new == old, f"{path}: {new!r} is not {old!r}"


def case_id(case):
    index = CASES.index(case)
    return f"{index}-{case['builder']}-{case['page'].strip('/') or 'overview'}"


@pytest.fixture(params=CASES, ids=case_id)
def case(request):
    return request.param


def test_the_cases_cover_every_builder_and_page():
    assert {c["builder"] for c in CASES} == set(BUILDERS)
    pages = {c["page"] for c in CASES}
    assert {"/", "/regions/london/", "/tracker/", "generated"} <= pages
    assert {len(c["args"][1]) for c in CASES if c["page"].startswith("/compare/")} == {2, 6}
    assert any(p.startswith("/pdus/") for p in pages)
    assert any(p.startswith("/explore/themes/") for p in pages)


def test_builders_emit_the_figure_plotly_did(case):
    html = built(case)
    if case["figure"] is None:
        assert html == ""
        return
    assert_same(figure_in(html), case["figure"])


def test_builders_emit_the_same_html_around_the_figure(case):
    html = built(case)
    assert BLOCK.sub(r"\1{figure}\3", html) == case["html"]


def test_every_figure_passes_plotlys_validator_unchanged(case):
    if case["figure"] is None:
        return
    figure = figure_in(built(case))
    data, layout = figure["data"], figure["layout"]
    # Raises on any property plotly.js does not have, or a value it would not take.
    validated = go.Figure({"data": data, "layout": layout})
    # And plotly, having checked it, would write the same figure back: it adds nothing.
    assert_same(json.loads(validated.to_json()), {"data": data, "layout": layout})


def test_plotlys_validator_refuses_a_wrong_property_name():
    html = charts.score_ranking_chart([("Leeds", 6, 24, "Good")], "x")
    data, layout, _ = plot_args(html, "x")
    data[0]["marker"]["colour"] = data[0]["marker"].pop("color")
    with pytest.raises(ValueError, match="colour"):
        go.Figure({"data": data, "layout": layout})


def test_a_figure_writes_decimals_as_numbers():
    html = charts.rating_distribution_chart(["1.1 Leadership"], {"Good": [Decimal("3")]}, "x")
    (trace,), _, _ = plot_args(html, "x")
    assert trace["x"] == [3.0]


def test_a_figure_writes_a_number_that_is_not_one_as_a_gap():
    # As plotly's encoder did: NaN is not JSON, and the browser would refuse the block.
    html = charts.key_question_chart(
        ["Engaging", "Risk"], [("Leeds", [float("nan"), 50], [None, 40], [None, 60])], "x"
    )
    (trace,), _, _ = plot_args(html, "x")
    assert trace["y"] == [None, 50.0]


def test_a_score_of_0_gets_one_note_each_however_many_pdus():
    rows = [(f"PDU {i}", 0, 24, "Inadequate") for i in range(600)]
    _, layout, _ = plot_args(charts.score_ranking_chart(rows, "x"), "x")
    assert [note["y"] for note in layout["annotations"]] == [row[0] for row in rows]


def test_serving_pages_does_not_import_plotly():
    # Every view and chart builder loaded, and a chart drawn: plotly's Python package (a
    # second of import, and validation on every call) stays out of the serving processes.
    code = (
        "import sys, django; django.setup()\n"
        "from django.urls import get_resolver\n"
        "def walk(patterns):\n"
        "    for p in patterns:\n"
        "        walk(getattr(p, 'url_patterns', []))\n"
        "walk(get_resolver().url_patterns)\n"
        "from ratings import charts\n"
        "charts.score_ranking_chart([('Leeds', 6, 24, 'Good')], 'x')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'plotly'))\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
