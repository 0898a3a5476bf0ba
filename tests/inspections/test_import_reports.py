"""`import_reports`: folders of reports in, one transaction per file, the same files twice
changing nothing; and reports of PDUs in regions the published data has no PDU of."""

import pytest
from django.core.management import CommandError, call_command

from inspections.models import Finding, Inspection, SourceDocument
from pdus.models import Body, Region
from recommendations.models import Recommendation
from tests.conftest import LAMBETH


@pytest.fixture
def lambeth_text(reports_dir):
    return (reports_dir / f"{LAMBETH}.txt").read_text(encoding="utf-8")


def report_of(lambeth_text, pdu: str, region: str) -> str:
    """Lambeth's report as another PDU's, its regional recommendations to `region`."""
    return lambeth_text.replace("Lambeth", pdu).replace("London region", f"{region} region")


@pytest.fixture
def folder(tmp_path, lambeth_text):
    (tmp_path / "north").mkdir()
    (tmp_path / "north" / "leeds.txt").write_text(
        report_of(lambeth_text, "Leeds", "Yorkshire and the Humber")
    )
    # Its footnote marks (superscript digits) have no Windows-1252 character.
    (tmp_path / "north" / "wigan.txt").write_bytes(
        report_of(lambeth_text, "Wigan and Leigh", "Greater Manchester").encode(
            "cp1252", errors="replace"
        )
    )
    (tmp_path / "cardiff.txt").write_text(report_of(lambeth_text, "Cardiff", "Wales"))
    (tmp_path / "minutes.txt").write_text("Minutes of the committee meeting.")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "damaged.pdf").write_bytes(b"%PDF-1.7\n1 0 obj <<")
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8")  # not a report's kind: passed over
    return tmp_path


def run(*args) -> tuple[str, str | None]:
    """The command's output, and its error if it exited with one."""
    from io import StringIO

    out, err = StringIO(), StringIO()
    try:
        call_command("import_reports", *map(str, args), stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), str(error)
    return out.getvalue(), None


def counts():
    return (
        Inspection.objects.count(),
        Finding.objects.count(),
        Recommendation.objects.count(),
        SourceDocument.objects.count(),
        Body.objects.count(),
    )


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_folder_imports_the_good_files_and_refuses_the_others(published_data, folder, jobs):
    out, error = run(folder, "--jobs", jobs)
    assert error == "3 of 6 files were refused; the others imported."
    lines = {line.split()[0].rsplit("/", 1)[-1]: line for line in out.splitlines()[1:-1]}
    assert set(lines) == {
        "cardiff.txt",
        "damaged.pdf",
        "empty.txt",
        "minutes.txt",
        "leeds.txt",
        "wigan.txt",
    }
    assert "New draft" in lines["leeds.txt"] and "New draft" in lines["wigan.txt"]
    assert (
        "Refused" in lines["minutes.txt"] and "Not a PDU inspection report" in lines["minutes.txt"]
    )
    assert "The file is empty." in lines["empty.txt"]
    assert "The PDF is damaged" in lines["damaged.pdf"]
    assert out.splitlines()[-1] == "6 files. New draft: 3, refused: 3."
    leeds = Body.objects.get(slug="leeds")
    assert leeds.region.slug == "yorkshire-and-the-humber"
    assert Inspection.objects.get(body=leeds).is_published is False


def test_the_same_files_again_change_nothing(published_data, folder):
    run(folder)
    before = counts()
    out, _ = run(folder)
    assert counts() == before
    assert out.splitlines()[-1] == "6 files. Unchanged: 3, refused: 3."


def test_a_file_in_windows_1252_is_read_with_a_note(published_data, folder):
    run(folder / "north" / "wigan.txt")
    draft = Inspection.objects.get(body__slug="wigan-and-leigh")
    assert draft.data_quality_notes.filter(description__contains="Windows-1252").exists()


def test_a_new_regions_recommendations_are_addressed_to_the_region(published_data, folder):
    run(folder / "cardiff.txt")
    draft = Inspection.objects.get(body__slug="cardiff")
    to_region = draft.recommendations.filter(addressee__kind="region")
    assert to_region.exists()
    assert {r.addressee.slug for r in to_region} == {"wales-region"}
    assert not draft.data_quality_notes.filter(description__contains="is not known").exists()


@pytest.mark.parametrize(
    "addressee",
    ["The Regional Probation Director should:", "HMPPS Wales region should:"],
)
def test_a_region_is_addressed_by_what_reports_call_it(
    published_data, tmp_path, lambeth_text, addressee
):
    text = report_of(lambeth_text, "Cardiff", "Wales").replace("Wales region should:", addressee)
    (tmp_path / "cardiff.txt").write_text(text)
    run(tmp_path / "cardiff.txt", "--region", "wales")
    draft = Inspection.objects.get(body__slug="cardiff")
    assert draft.recommendations.filter(addressee__slug="wales-region").exists()


def test_every_region_of_england_and_wales_is_loaded_with_its_body(published_data):
    regions = Region.objects.all()
    assert regions.count() == 12
    assert Region.objects.get(pk=1).slug == "london"  # as in every build before
    for region in regions:
        assert region.bodies.filter(kind="region").count() == 1, region


def test_a_region_made_anyhow_gets_its_body(db):
    region = Region.objects.create(name="Isle of Man", slug="isle-of-man")
    body = region.bodies.get(kind="region")
    assert (body.name, body.short_name, body.slug) == (
        "The Probation Service – Isle of Man region",
        "Isle of Man region",
        "isle-of-man-region",
    )
    region.save()  # saved again: still one body
    assert region.bodies.count() == 1


def test_no_report_files_is_an_error(published_data, tmp_path):
    (tmp_path / "notes.docx").write_bytes(b"PK")
    assert run(tmp_path)[1] == "No .pdf or .txt files were found in the paths given."


def test_a_pdf_that_ran_out_of_time_is_read_again_alone(published_data, folder, monkeypatch):
    """On a busy machine a good PDF may pass the time limit; it gets a second read."""
    from inspections.ingest.management.commands import import_reports
    from inspections.ingest.reading import ReadFile

    first_reads = set()

    read_file = import_reports.read_file

    def slow_the_first_time(path, limits):
        if path not in first_reads:
            first_reads.add(path)
            return ReadFile(path, refusal="The PDF took more than 10 seconds", timed_out=True)
        return read_file(path, limits)

    monkeypatch.setattr(import_reports, "read_file", slow_the_first_time)
    out, error = run(folder / "cardiff.txt", folder / "north")
    assert error is None
    assert out.splitlines()[-1] == "3 files. New draft: 3."
