"""A published report's PDF as the plain text the report parsers read.

pypdf lays each page's text out on a grid of characters (its "layout" mode): one line of
text per printed line, columns kept apart by runs of spaces. The parsers read the text
as the report texts in `../shared/reports` hold it, one paragraph to a line with blank
lines between and table cells split by tabs, so this joins the printed lines back into
paragraphs and tables:

- a run of three or more spaces inside a line separates two table cells;
- a printed line ends its paragraph when it stops well short of the page's right-hand
  edge (wrapped lines run to the edge), or before a bullet or a numbered item;
- a blank line ends a paragraph too, unless the line before it ran to the edge and the
  line after it opens in lower case: pypdf leaves a blank line wherever the next line
  sits lower than its font's height suggests, inside paragraphs as well;
- in a table, a line with no cell gap continues the cell it starts under, as a cell's
  text wraps within its column.

Nothing is guessed beyond the layout: the parser still reports what it cannot read.

An uploaded PDF may be hostile: a few hundred kilobytes can inflate to gigabytes, or keep
pypdf busy for minutes. So `pdf_text()` reads it in a child process (`python -m
inspections.ingest.parsing.pdf`, which imports pypdf but not Django) held to limits of computing
time, memory and wall-clock time, and turns whatever stops the child into a refusal.
"""

from __future__ import annotations

import io
import json
import logging
import re
import resource
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .types import ParseError

logger = logging.getLogger(__name__)

MAX_PAGES = 400
# The child runs this module by name, so it must start where `inspections` can be imported.
_PROJECT_ROOT = Path(__file__).resolve().parents[3]
# Wrapped lines reach to within a long word of the right-hand edge; shorter lines end
# their paragraph. In characters of pypdf's layout grid.
RAGGED_EDGE = 16

_CELL_GAP_RE = re.compile(r"(?<=\S) {3,}(?=\S)")
# A bullet or a numbered item (a recommendation) starts a paragraph of its own.
_ITEM_RE = re.compile(r"^(?:[•▪●◦\uf0b7\uf0a7–-]|\d{1,2}[.)])\s")


class PDFError(ParseError):
    """The PDF cannot be read as text; the message says why, for the person uploading it."""


class PDFTimedOut(PDFError):
    """Reading took longer than the wall-clock limit: on a busy machine, a good PDF may."""


@dataclass
class _Cell:
    column: int
    text: str


@dataclass
class _Block:
    """A paragraph (one cell) or a table row (several) being put back together."""

    cells: list[_Cell] = field(default_factory=list)

    @property
    def is_row(self) -> bool:
        return len(self.cells) > 1

    def render(self) -> str:
        return "\t".join(cell.text for cell in self.cells)


@dataclass(frozen=True)
class Limits:
    """What reading one PDF may take before it is refused."""

    cpu_seconds: int
    memory_bytes: int
    wall_seconds: float


def pdf_text(data: bytes, limits: Limits) -> str:
    """The text of a PDF report, as paragraphs and tab-separated table rows, read in a
    child process held to `limits`.

    Raises PDFError when the file is not a PDF, is damaged, encrypted, too long, has no
    text to read (a scanned report), or goes past a limit.
    """
    try:
        child = subprocess.run(
            [sys.executable, "-m", __name__, str(limits.cpu_seconds), str(limits.memory_bytes)],
            input=data,
            capture_output=True,
            timeout=limits.wall_seconds,
            cwd=_PROJECT_ROOT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise PDFTimedOut(
            f"The PDF took more than {limits.wall_seconds:g} seconds to read; try again, or "
            "upload the report's text."
        ) from None
    if child.returncode == -signal.SIGXCPU:
        raise PDFError(
            f"The PDF took more than {limits.cpu_seconds} seconds of computing time to read; "
            "is it a PDU report?"
        )
    try:
        result = json.loads(child.stdout)
    except ValueError:
        logger.error(
            "The PDF reader stopped with exit code %s: %s",
            child.returncode,
            child.stderr.decode(errors="replace")[-4000:],
        )
        raise PDFError("The PDF could not be read; upload the report's text instead.") from None
    if "refusal" in result:
        raise PDFError(result["refusal"])
    return result["text"]


def read_pdf_text(data: bytes) -> str:
    """What `pdf_text()` returns, read in this process with no limits: for the child."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, LimitReachedError, PdfReadError

    if not data.strip():
        raise PDFError("The file is empty.")
    if not data.lstrip()[:5] == b"%PDF-":
        raise PDFError("The file is not a PDF: it does not start as a PDF file does.")
    # pypdf logs every oddity of a damaged file as a warning; the error raised says enough.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise PDFError("The PDF is protected by a password; upload one that is not.")
        if len(reader.pages) > MAX_PAGES:
            raise PDFError(f"The PDF has more than {MAX_PAGES} pages; is it a PDU report?")
        pages = [page.extract_text(extraction_mode="layout") for page in reader.pages]
    except PDFError:
        raise
    except (DependencyError, NotImplementedError) as error:
        # pypdf reads AES only with the `cryptography` package, which is not installed (its
        # message says so), and Brotli, JBIG2 and unknown filters not at all.
        if "AES" in str(error):
            raise PDFError("The PDF is encrypted; upload one that is not.") from error
        raise PDFError(
            "The PDF is compressed in a way that cannot be read here (such as Brotli or JBIG2); "
            "print it to PDF again, or upload the report's text."
        ) from error
    except LimitReachedError as error:
        raise PDFError(
            "The PDF's contents are too large to read once uncompressed; is it a PDU report?"
        ) from error
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError) as error:
        raise PDFError(f"The PDF is damaged and cannot be read ({error}).") from error
    text = "\n\n".join(layout_to_paragraphs(page) for page in pages).strip()
    if not text:
        raise PDFError(
            "The PDF has no text to read: it may be a scan. Upload the report's own PDF "
            "as published, or its text."
        )
    return text + "\n"


def _read_in_child() -> None:
    """The child's side of `pdf_text()`: the limits from its arguments, the PDF on standard
    input, the text or the refusal as JSON on standard output."""
    cpu_seconds, memory_bytes = (int(arg) for arg in sys.argv[1:3])
    # Past the soft CPU limit the kernel sends SIGXCPU, which ends the child; no core dump.
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    try:
        result = {"text": read_pdf_text(sys.stdin.buffer.read())}
    except PDFError as error:
        result = {"refusal": str(error)}
    except MemoryError:
        result = {
            "refusal": f"The PDF needs more than {memory_bytes // 2**20} MB of memory to read; "
            "is it a PDU report?"
        }
    sys.stdout.write(json.dumps(result))


def layout_to_paragraphs(page: str) -> str:
    """One page of pypdf's layout text as paragraphs and table rows (see the module)."""
    lines = [line.rstrip() for line in page.splitlines()]
    edge = max((len(line) for line in lines if not _CELL_GAP_RE.search(line)), default=0)
    blocks: list[_Block] = []
    current: _Block | None = None
    ended = True  # the previous printed line ended its paragraph
    gap = False  # a blank line since the previous printed line
    for line in lines:
        text = line.strip()
        if not text:
            gap = True
            continue
        indent = len(line) - len(line.lstrip())
        cells = _cells(line)
        if gap and (current is None or current.is_row or ended or not text[0].islower()):
            current, ended = None, True
        gap = False
        if len(cells) > 1:
            current = _Block(cells)
            blocks.append(current)
        elif current is not None and current.is_row and _continues_row(current, indent, line):
            cell = max(
                (c for c in current.cells if c.column <= indent + 2),
                key=lambda c: c.column,
                default=current.cells[0],
            )
            cell.text += " " + text
        elif (
            current is not None and not current.is_row and not ended and not (_ITEM_RE.match(text))
        ):
            current.cells[0].text += " " + text
        else:
            current = _Block([_Cell(indent, text)])
            blocks.append(current)
        ended = len(cells) > 1 or len(line) < edge - RAGGED_EDGE
    out: list[str] = []
    for previous, block in zip([None, *blocks], blocks, strict=False):
        if out:  # rows of one table stay together; anything else is set apart
            out.append("\n" if previous.is_row and block.is_row else "\n\n")
        out.append(block.render())
    return "".join(out)


def _cells(line: str) -> list[_Cell]:
    cells, start = [], len(line) - len(line.lstrip())
    for gap in _CELL_GAP_RE.finditer(line):
        cells.append(_Cell(start, line[start : gap.start()]))
        start = gap.end()
    cells.append(_Cell(start, line[start:]))
    return cells


def _continues_row(row: _Block, indent: int, line: str) -> bool:
    """Whether a line with no cell gap is a cell's text wrapping under a table row: it
    must fit within the column it starts in."""
    following = [c.column for c in row.cells if c.column > indent + 2]
    return not following or len(line) < following[0]


if __name__ == "__main__":
    _read_in_child()
