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
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass, field

from .types import ParseError

MAX_PAGES = 400
# Wrapped lines reach to within a long word of the right-hand edge; shorter lines end
# their paragraph. In characters of pypdf's layout grid.
RAGGED_EDGE = 16

_CELL_GAP_RE = re.compile(r"(?<=\S) {3,}(?=\S)")
# A bullet or a numbered item (a recommendation) starts a paragraph of its own.
_ITEM_RE = re.compile(r"^(?:[•▪●◦\uf0b7\uf0a7–-]|\d{1,2}[.)])\s")


class PDFError(ParseError):
    """The PDF cannot be read as text; the message says why, for the person uploading it."""


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


def pdf_text(data: bytes) -> str:
    """The text of a PDF report, as paragraphs and tab-separated table rows.

    Raises PDFError when the file is not a PDF, is damaged, encrypted, too long, or has no
    text to read (a scanned report).
    """
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

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
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError) as error:
        raise PDFError(f"The PDF is damaged and cannot be read ({error}).") from error
    text = "\n\n".join(layout_to_paragraphs(page) for page in pages).strip()
    if not text:
        raise PDFError(
            "The PDF has no text to read: it may be a scan. Upload the report's own PDF "
            "as published, or its text."
        )
    return text + "\n"


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
