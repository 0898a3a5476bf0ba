"""A report's text printed to PDF by Chromium, as a stand-in for the report as published.

The published PDFs are not in `../shared/reports`, only their texts. Printing a text back
to PDF gives what a PDF reader meets in a real one: paragraphs wrapped at the page's edge,
tables whose cells wrap within their columns, bullets drawn as glyphs, page breaks. The
text's own conversion damage (lost headings, page furniture) is printed as it stands.

The texts come in two forms, and each is printed as it was converted: Lambeth's holds a
paragraph to a line, so each line is printed as a paragraph and wraps at the page's edge;
Lewisham and Bromley's holds the printed lines, so each is printed as a line of its own.
"""

import html

# Chromium drives the browser tests and prints the test PDFs (and the import benchmark's).
# Without the background-networking flags it keeps dialling out, and this machine's closed
# network refuses it.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

STYLE = (
    "body { font: 11pt 'Liberation Sans', Arial, sans-serif; }"
    ".bullet { padding-left: 1.2em; text-indent: -1.2em; }"
    "td { padding-right: 2em; vertical-align: top; }"
)


def _table(rows: list[str]) -> str:
    cells = (
        "".join(f"<td>{html.escape(cell.strip())}</td>" for cell in row.split("\t")) for row in rows
    )
    return "<table>" + "".join(f"<tr>{row}</tr>" for row in cells) + "</table>"


def _blocks(lines: list[str]) -> list[list[str]]:
    """Runs of lines between blank lines, each run split where table rows begin or end."""
    blocks: list[list[str]] = []
    for line in lines:
        if not line.strip():
            blocks.append([])
        elif blocks and blocks[-1] and ("\t" in line) == ("\t" in blocks[-1][-1]):
            blocks[-1].append(line)
        else:
            blocks.append([line])
    return [block for block in blocks if block]


def paragraphs_html(text: str) -> str:
    """A line to a paragraph: '- ' lines as bullets, tab lines as tables.

    A line opening with a space continues the line before it, as the converter wrapped it
    there; after a blank line it is a bullet that lost its marker, as the parser reads it.
    """
    lines: list[str] = []
    for line in text.splitlines():
        if line.startswith(" ") and line.strip():
            if lines and lines[-1].strip():
                lines[-1] += line
                continue
            line = "- " + line.strip()
        lines.append(line)
    parts = []
    for block in _blocks(lines):
        if "\t" in block[0]:
            parts.append(_table(block))
            continue
        for line in block:
            stripped = html.escape(line.strip())
            if stripped.startswith("- "):
                parts.append(f'<p class="bullet">•\u00a0\u00a0{stripped[2:]}</p>')
            else:
                parts.append(f"<p>{stripped}</p>")
    return "".join(parts)


def printed_lines_html(text: str) -> str:
    """A line to a printed line, a paragraph to each run between blank lines."""
    parts = []
    for block in _blocks(text.splitlines()):
        if "\t" in block[0]:
            parts.append(_table(block))
        else:
            parts.append("<p>" + "<br>".join(html.escape(line.strip()) for line in block) + "</p>")
    return "".join(parts)


def print_to_pdf(page, text: str, *, printed_lines: bool = False) -> bytes:
    """The text printed to an A4 PDF by the Playwright `page` (Chromium)."""
    body = printed_lines_html(text) if printed_lines else paragraphs_html(text)
    # Printed lines are set small enough that none of them wraps again.
    style = STYLE + ("body { font-size: 9.5pt; }" if printed_lines else "")
    page.set_content(f"<html><head><style>{style}</style></head><body>{body}</body></html>")
    return page.pdf(format="A4", margin=dict.fromkeys(("top", "bottom", "left", "right"), "2cm"))
