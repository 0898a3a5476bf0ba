"""Every page of the dashboard: a title that names it, no serious or critical axe
violations, no console errors, and a screenshot in test-results/screenshots/.

The states reached only by interaction (filtered and sorted tables, other form errors)
are audited in the walk-through tests beside this one.
"""

import re

import pytest
from playwright.sync_api import expect

from inspections.models import Finding

pytestmark = pytest.mark.django_db(transaction=True)

FINDING = "the Lambeth finding on keeping other people safe"

# "<page> – Inspection Findings", "Error: " first when a form has errors (GOV.UK pattern);
# never the bare service name first, which would make every tab and history entry alike.
TITLE = re.compile(r"^(Error: )?(?!Inspection Findings\b).+ – Inspection Findings$")

# (URL, the status the server should answer with, the page's <h1>)
PAGES = [
    ("/", 200, "England and Wales: PDU ratings at a glance"),
    ("/regions/london/", 200, "London: PDU ratings at a glance"),
    ("/pdus/", 200, "PDUs"),
    ("/pdus/lambeth/", 200, "Lambeth PDU"),
    ("/pdus/lewisham-and-bromley/profile/", 200, "Profile and context figures"),
    ("/compare/", 200, "Compare PDUs"),
    ("/compare/?pdu=lambeth&pdu=newham&standard=2.2", 200, "Compare PDUs"),
    ("/compare/?region=london", 200, "Compare PDUs"),
    ("/compare/?pdu=nowhere&pdu=lambeth", 400, "Compare PDUs"),
    ("/standards/pdu/2-2-assessment/", 200, "2.2 Assessment"),
    (FINDING, 200, "Area for improvement"),
    ("/inspections/", 200, "Inspections"),
    ("/inspections/lambeth-pdu-2022/", 200, "An inspection of probation services in: Lambeth PDU"),
    ("/inspections/london-crc-2018/", 200, re.compile(r"^Quality & Impact inspection")),
]


def screenshot_name(path):
    return "a11y" + (re.sub(r"[^a-z0-9]+", "-", path.lower()).rstrip("-") or "-home")


@pytest.mark.parametrize(("path", "status", "heading"), PAGES, ids=[p[0] for p in PAGES])
def test_page_passes_axe_without_console_errors(
    live_server, published_data, module_page, module_page_audit, path, status, heading
):
    page, audit = module_page, module_page_audit
    if path == FINDING:
        finding = Finding.objects.get(
            inspection__body__slug="lambeth",
            text__startswith="Concerningly, the lowest score from the key questions",
        )
        path = finding.get_absolute_url()
    response = page.goto(f"{live_server.url}{path}")
    assert response.status == status
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    audit.check(page, screenshot_name(path), status=status)
    if not TITLE.match(page.title()):
        audit.problems[f"<title> {path}"] = f"{page.title()!r} does not match {TITLE.pattern}"
    audit.assert_clean()
