"""Reading a report's file into text and parsing it: the part of an import that touches
no database, so that `import_reports --jobs N` can run it in worker processes.

A PDF is read by pypdf in a child process within the limits it is given; a text file
is UTF-8, or Windows-1252 with a note. What was inferred while reading is returned as
notes for the admin to check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from inspections.ingest.parsing.pdf import Limits, PDFError, PDFTimedOut, pdf_text
from inspections.ingest.parsing.text import decode_report
from inspections.ingest.parsing.types import ParsedPDUReport, ParseError

# A report's text is a few hundred kilobytes; its PDF, with photographs, a few megabytes.
MAX_TEXT_BYTES = 2 * 1024 * 1024
MAX_PDF_BYTES = 20 * 1024 * 1024
# The import page takes several files in one request; a folder of many goes to
# `manage.py import_reports` instead.
MAX_UPLOAD_BYTES = 60 * 1024 * 1024
MAX_UPLOAD_FILES = 20
READABLE_SUFFIXES = ("pdf", "txt")


class UnreadableFile(ValueError):
    """The file is not a report's text or PDF; the message says what was expected."""


class ReadTimedOut(UnreadableFile):
    """A PDF took longer to read than allowed; read alone, it may not."""


@dataclass
class ReportText:
    text: str
    notes: list[str] = field(default_factory=list)  # what reading it inferred


def read_report(data: bytes, filename: str, limits: Limits) -> ReportText:
    """The text of a report's file: a PDF read within `limits`, or a .txt file's text.

    Raises UnreadableFile, saying what was expected, for anything else.
    """
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if not data:
        raise UnreadableFile("The file is empty.")
    if suffix == "pdf":
        if len(data) > MAX_PDF_BYTES:
            raise UnreadableFile("The PDF must be smaller than 20 MB")
        try:
            return ReportText(pdf_text(data, limits))
        except PDFTimedOut as error:
            raise ReadTimedOut(str(error)) from error
        except PDFError as error:
            raise UnreadableFile(str(error)) from error
    if suffix != "txt":
        raise UnreadableFile("Upload the report as a .pdf file or as its text in a .txt file")
    if len(data) > MAX_TEXT_BYTES:
        raise UnreadableFile("The text file must be smaller than 2 MB")
    if data.startswith(b"%PDF-"):
        raise UnreadableFile("This is a PDF named .txt: rename it to end in .pdf")
    try:
        text, notes = decode_report(data)
    except ValueError as error:
        raise UnreadableFile(str(error)) from None
    return ReportText(text, notes)


@dataclass
class ReadFile:
    """A file of a bulk import, read and parsed, or the one-line reason it cannot be."""

    path: str
    text: str = ""
    notes: list[str] = field(default_factory=list)
    report: ParsedPDUReport | None = None
    refusal: str = ""
    timed_out: bool = False  # refused for time alone: worth reading again


def read_file(path: str, limits: Limits) -> ReadFile:
    """Read and parse the report at `path`; any failure is the file's refusal, not an error."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        return ReadFile(path, refusal=f"Cannot read the file: {error.strerror or error}")
    return read_upload(data, path, limits)


def read_upload(data: bytes, name: str, limits: Limits) -> ReadFile:
    """Read and parse a report's file given as bytes; a failure is the file's refusal."""
    from inspections.ingest.parsing.pdu_report import parse_pdu_report  # as importer's

    try:
        read = read_report(data, Path(name).name, limits)
        report = parse_pdu_report(read.text)
    except ReadTimedOut as error:
        return ReadFile(name, refusal=str(error), timed_out=True)
    except UnreadableFile as error:
        return ReadFile(name, refusal=str(error))
    except ParseError as error:
        return ReadFile(name, refusal=str(error))
    return ReadFile(name, read.text, read.notes, report)


def report_files(paths: list[Path]) -> list[Path]:
    """The report files named, and those in the folders named (recursively), in order;
    hidden files and files of other kinds in a folder are passed over."""
    found = []
    for path in paths:
        if path.is_dir():
            found += sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower().lstrip(".") in READABLE_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        else:
            found.append(path)
    return list(dict.fromkeys(found))
