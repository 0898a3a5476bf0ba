"""Every kind of chart fits a phone (375 px) and a laptop (1280 px): its title is whole,
its legend sits clear of the plot, no label is cut off at the chart's edge or drawn over
another, and the chart needs no sideways scrolling. Measured on the drawn SVG, in the
browser, against the chart's div.
"""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from tests.recommendations.helpers import track_all

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (375, 1280)
LONDON_PDUS = [
    "lambeth",
    "newham",
    "barking-dagenham-and-havering",
    "ealing-and-hillingdon",
    "lewisham-and-bromley",
    "hfkcw",
]

# Problems with one drawn chart, as sentences; none is the answer wanted. Boxes are the
# rendered ones (getBoundingClientRect), so a rotated label is measured as drawn.
CHART_PROBLEMS = """
(id) => {
  const div = document.getElementById(id);
  const chart = div.closest(".app-chart");
  const box = div.getBoundingClientRect();
  const rect = (element) => element.getBoundingClientRect();
  const shown = (element) => rect(element).width > 0 && element.textContent.trim() !== "";
  const inside = (inner, outer) =>
    inner.left >= outer.left - 1 && inner.right <= outer.right + 1 &&
    inner.top >= outer.top - 1 && inner.bottom <= outer.bottom + 1;
  const overlap = (a, b) =>
    Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 &&
    Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
  const texts = (selector) => [...div.querySelectorAll(selector)].filter(shown);
  const problems = [];

  // The title is the page's HTML, whole: plotly's own would not wrap.
  for (const title of texts(".gtitle")) problems.push(`plotly title "${title.textContent}"`);
  const title = document.getElementById(`${id}-title`);
  if (!title || !title.checkVisibility()) problems.push("no title shown");
  else if (title.scrollWidth > title.clientWidth || !inside(rect(title), rect(chart)))
    problems.push(`title cut off: "${title.textContent}"`);

  if (chart.scrollWidth > chart.clientWidth) problems.push("the chart scrolls sideways");

  for (const text of texts("svg text"))
    if (!inside(rect(text), box)) problems.push(`"${text.textContent}" is cut off`);

  const plot = rect(div.querySelector(".nsewdrag"));  // the plot area
  // Every chart has a legend, even for one series: it names the colours and patterns.
  const legend = div.querySelector(".legend .bg");
  if (!legend) problems.push("no legend");
  else {
    const legendBox = rect(legend);
    if (!inside(legendBox, box)) problems.push("the legend is cut off");
    if (overlap(legendBox, plot)) problems.push("the legend overlaps the plot");
    for (const label of texts(".xtick text, .ytick text, .g-xtitle text, .g-ytitle text"))
      if (overlap(legendBox, rect(label)))
        problems.push(`the legend overlaps "${label.textContent}"`);
  }

  const ticks = texts(".xtick text, .ytick text");
  const titles = texts(".g-xtitle text, .g-ytitle text");
  for (const axisTitle of titles)
    for (const tick of ticks)
      if (overlap(rect(axisTitle), rect(tick)))
        problems.push(`"${axisTitle.textContent}" overlaps "${tick.textContent}"`);
  // Numbers on or beside bars, and notes, each clear of the others.
  const labels = texts(".bartext, .annotation-text");
  labels.forEach((a, i) => labels.slice(i + 1).forEach((b) => {
    if (overlap(rect(a), rect(b)))
      problems.push(`"${a.textContent}" overlaps "${b.textContent}"`);
  }));
  // Upright tick labels (a rotated one's box is wider than its text).
  for (const axis of [".xtick text", ".ytick text"]) {
    const rotated = (t) => /rotate\\((?!0)/.test(t.getAttribute("transform") || "");
    const upright = texts(axis).filter((t) => !rotated(t));
    upright.forEach((a, i) => upright.slice(i + 1).forEach((b) => {
      if (overlap(rect(a), rect(b)))
        problems.push(`"${a.textContent}" overlaps "${b.textContent}"`);
    }));
  }
  return problems;
}
"""


@pytest.fixture
def signed_in(live_server, module_page, published_data):
    """module_page signed in as a superuser, with every recommendation tracked, so the
    tracker has its chart."""
    user = get_user_model().objects.create_superuser("ada", "ada@example.org", "a-long-password")
    track_all(user, timezone.localdate())
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    module_page.context.add_cookies(
        [{"name": "sessionid", "value": cookie.value, "url": live_server.url}]
    )
    yield module_page
    module_page.context.clear_cookies()


def check_charts_fit(page, url, charts, audit, name):
    problems = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(url)
        for chart in charts:
            # Drawn: the plot area is there.
            expect(page.locator(f"#{chart} .nsewdrag")).to_be_attached()
            # With JavaScript the note that stands in for the chart is hidden.
            expect(page.locator(f"#{chart} ~ .app-chart__no-js")).to_be_hidden()
            found = page.evaluate(CHART_PROBLEMS, chart)
            if found:
                problems[f"{chart} at {width} px"] = found
        audit.check(page, f"charts-{name}-{width}", axe=False)
    assert problems == {}
    audit.assert_clean()


def test_overview_charts_fit(live_server, published_data, module_page, module_page_audit):
    check_charts_fit(
        module_page,
        f"{live_server.url}/regions/london/",
        ["chart-ranking", "chart-distribution"],
        module_page_audit,
        "overview",
    )


def test_pdu_chart_fits(live_server, published_data, module_page, module_page_audit):
    check_charts_fit(
        module_page,
        f"{live_server.url}/pdus/lambeth/",
        ["chart-key-questions"],
        module_page_audit,
        "pdu",
    )


def test_compare_chart_of_six_pdus_fits(
    live_server, published_data, module_page, module_page_audit
):
    query = "&".join(f"pdu={slug}" for slug in LONDON_PDUS)
    check_charts_fit(
        module_page,
        f"{live_server.url}/compare/?{query}",
        ["chart-compare-key-questions"],
        module_page_audit,
        "compare",
    )


def test_theme_chart_fits(live_server, published_data, module_page, module_page_audit):
    check_charts_fit(
        module_page,
        f"{live_server.url}/explore/themes/staffing-and-workloads/",
        ["chart-theme-bodies"],
        module_page_audit,
        "theme",
    )


def test_tracker_chart_fits(live_server, signed_in, module_page_audit):
    check_charts_fit(
        signed_in, f"{live_server.url}/tracker/", ["status-over-time"], module_page_audit, "tracker"
    )
