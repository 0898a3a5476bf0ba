"""Importing a report from its PDF: read by pypdf, put back into the text the parser reads.

The PDFs are the report texts printed by Chromium (tests/report_pdf.py): the published
PDFs themselves are not in the repository.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from pypdf import PdfWriter

from inspections.ingest.importer import report_text
from inspections.ingest.parsing.pdf import layout_to_paragraphs
from inspections.ingest.parsing.pdu_report import parse_pdu_report
from inspections.ingest.reading import UnreadableFile
from inspections.models import Finding, Inspection
from tests.conftest import LAMBETH, LEWISHAM_AND_BROMLEY
from tests.inspections.test_entry import admin  # noqa: F401 - a fixture


def words(text: str) -> str:
    return " ".join(text.split())


def facts(report) -> dict:
    """What an import takes from a report, with the text's line breaks and places aside."""
    return {
        "inspection": (
            report.title,
            report.pdu_name,
            report.fieldwork_start,
            report.cases_inspected,
            report.practitioner_interviews,
            report.score,
            report.max_score,
            report.overall_rating,
        ),
        "ratings": [(r.code, r.name, r.rating) for r in report.ratings],
        "overrides": [(o.code, words(o.reason)) for o in report.overrides],
        "key questions": [
            (k.standard_code, words(k.text), k.percent_yes) for k in report.key_questions
        ],
        "recommendations": [(r.number, r.addressee, words(r.text)) for r in report.recommendations],
    }


@pytest.mark.parametrize("name", [LAMBETH, LEWISHAM_AND_BROMLEY])
def test_a_pdf_gives_the_facts_its_text_gives(report_pdfs, name):
    text, pdf = report_pdfs[name]
    from_text = parse_pdu_report(text)
    from_pdf = parse_pdu_report(report_text(pdf, "report.pdf").text)
    assert facts(from_pdf) == facts(from_text)
    assert from_pdf.score is not None and len(from_pdf.key_questions) >= 10


def test_a_pdf_gives_every_finding_word_for_word(report_pdfs):
    text, pdf = report_pdfs[LAMBETH]
    from_text = parse_pdu_report(text)
    from_pdf = parse_pdu_report(report_text(pdf, "report.pdf").text)
    assert [(f.section, words(f.text)) for f in from_pdf.findings] == [
        (f.section, words(f.text)) for f in from_text.findings
    ]
    # Where the text lost a "Strengths" or "Areas for improvement" heading, the parser
    # infers the kind from the text's line breaks, which the PDF prints differently.
    lost = {
        f.section
        for f in from_text.findings
        if any(f.section in problem and "heading" in problem for problem in from_text.problems)
    }
    kinds = [(f.section, f.kind) for f in from_text.findings if f.section not in lost]
    assert kinds and kinds == [
        (f.section, f.kind) for f in from_pdf.findings if f.section not in lost
    ]


def test_layout_joins_wrapped_lines_and_table_cells():
    page = "\n".join(
        [
            "2.2. Assessment",
            "Assessment is well-informed, analytical and personalised, actively involving the",
            "person on probation.",
            "",
            "Key question                                                   Percentage",
            "                                                               'Yes'",
            "Does assessment focus sufficiently on engaging the             43%",
            "person on probation?",
            "• There was a lack of meaningful involvement with people on probation regarding",
            "  the assessment of their risk.",
            "• Domestic abuse enquiries were made in too few cases.",
        ]
    )
    assert layout_to_paragraphs(page).split("\n") == [
        "2.2. Assessment",
        "",
        "Assessment is well-informed, analytical and personalised, actively involving the "
        "person on probation.",
        "",
        "Key question\tPercentage 'Yes'",
        "Does assessment focus sufficiently on engaging the person on probation?\t43%",
        "",
        "• There was a lack of meaningful involvement with people on probation regarding "
        "the assessment of their risk.",
        "",
        "• Domestic abuse enquiries were made in too few cases.",
    ]


def test_admins_import_a_pdf_upload(admin, published_data, report_pdfs):  # noqa: F811
    published = Inspection.objects.get(slug="lambeth-pdu-2022")
    published.delete()  # as if the report had just come out
    file = SimpleUploadedFile("lambeth.pdf", report_pdfs[LAMBETH][1], "application/pdf")
    response = admin.post("/manage/import/", {"report": file})
    [row] = response.context["outcomes"]
    assert row.outcome == "New draft"
    draft = Inspection.objects.get(body=published.body, is_published=False)
    assert row.inspection == draft
    assert (draft.score, draft.max_score, draft.overall_rating) == (3, 24, "inadequate")
    assert draft.findings.count() == 83 and draft.recommendations.count() == 12
    assert draft.key_question_scores.count() == 13
    assert draft.source_document.filename == "lambeth.pdf"


def test_the_import_command_reads_a_pdf(published_data, report_pdfs, tmp_path, capsys):
    path = tmp_path / "lambeth.pdf"
    path.write_bytes(report_pdfs[LAMBETH][1])
    published = Inspection.objects.get(slug="lambeth-pdu-2022")
    published.delete()
    call_command("import_report", str(path), "--dry-run")
    out = capsys.readouterr().out
    assert "Would import An inspection of probation services in: Lambeth PDU" in out
    assert "Score 3/24." in out
    assert not Inspection.objects.filter(body=published.body).exists()


def blank_pdf(password: str | None = None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password, algorithm="RC4-128")
    path = __import__("io").BytesIO()
    writer.write(path)
    return path.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf", b"Minutes of the committee meeting.", "The file is not a PDF"),
        ("report.pdf", b"%PDF-1.7\n1 0 obj <<", "The PDF is damaged"),
        ("report.pdf", blank_pdf(), "The PDF has no text to read: it may be a scan"),
        ("report.pdf", blank_pdf(password="secret"), "protected by a password"),
        ("report.txt", b"%PDF-1.7\n", "This is a PDF named .txt"),
        ("report.docx", b"PK\x03\x04", "Upload the report as a .pdf file or as its text"),
    ],
)
def test_unreadable_files_say_what_was_expected(name, content, message):
    with pytest.raises(UnreadableFile, match=message):
        report_text(content, name)


def test_an_unreadable_pdf_upload_saves_nothing(admin, published_data):  # noqa: F811
    before = (Inspection.objects.count(), Finding.objects.count())
    file = SimpleUploadedFile("report.pdf", blank_pdf(), "application/pdf")
    response = admin.post("/manage/import/", {"report": file})
    [row] = response.context["outcomes"]
    assert row.refused and "no text to read" in row.detail
    assert (Inspection.objects.count(), Finding.objects.count()) == before


def test_the_import_command_names_an_unreadable_file(published_data, tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(blank_pdf())
    with pytest.raises(CommandError, match="scan.pdf: The PDF has no text to read"):
        call_command("import_report", str(path))
