"""The importer saves what the mapping shared with the builder makes of a report."""

from inspections.ingest.importer import import_report
from inspections.models import Inspection
from pdus.models import Region
from tests.conftest import LAMBETH, LEWISHAM_AND_BROMLEY


def report_text(reports_dir, name: str) -> str:
    return (reports_dir / f"{name}.txt").read_text(encoding="utf-8")


def test_a_recommendation_to_bodies_jointly_is_saved_with_its_co_addressees(
    published_data, reports_dir
):
    text = report_text(reports_dir, LAMBETH).replace("Lambeth", "Croydon")
    text = text.replace(
        "Her Majesty's Prison and Probation Service should:", "London region and HMPPS should:"
    )
    result = import_report(text, "croydon.txt", region=Region.objects.get(slug="london"))
    joint = result.inspection.recommendations.get(number=11)
    assert joint.addressee.slug == "london-region"
    assert [body.slug for body in joint.co_addressees.all()] == ["hmpps"]


def test_a_statement_worded_otherwise_than_the_databases_is_noted(published_data, reports_dir):
    Inspection.objects.get(slug="lewisham-and-bromley-pdu-2022").delete()
    result = import_report(report_text(reports_dir, LEWISHAM_AND_BROMLEY), "lewisham.txt")
    note = result.inspection.data_quality_notes.get(kind="wording")
    assert note.source_section == "Ratings"
    assert note.description.endswith(
        "the database words it 'The leadership of the PDU enables delivery of a high quality, "
        "personalised and responsive service for all people on probation.', which is kept as "
        "the standard's statement."
    )
    assert note.description in result.problems
