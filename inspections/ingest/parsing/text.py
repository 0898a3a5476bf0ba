"""A report's text as the parsers read it: bytes decoded, conversion artefacts repaired.

Both functions return the text with a list of notes: one line each, saying what was
repaired, for an admin to check. Nothing is guessed beyond the mapping named in a note.
"""

from __future__ import annotations

import re

WINDOWS_1252_NOTE = (
    "The file is not UTF-8; it was read as Windows-1252: check its quotation marks and dashes."
)
# C1 control codes (U+0080 to U+009F) are Windows-1252 bytes that a converter read as
# Latin-1: 0x91 to 0x94 are curly quotation marks, 0x96 and 0x97 dashes. Five of the
# thirty-two have no Windows-1252 character and are removed.
_C1_RE = re.compile("[\u0080-\u009f]")
_LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl"})
# Zero-width characters and a byte order mark inside the text: invisible, never content.
_INVISIBLE_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")


def decode_report(data: bytes) -> tuple[str, list[str]]:
    """A report file's text, with line endings normalised to \\n, and notes on its encoding.

    UTF-8 (a byte order mark is dropped); else Windows-1252, with a note. Raises ValueError,
    with a one-line message, for a binary file or bytes that are neither.
    """
    if b"\x00" in data:
        raise ValueError("The file must be text, not a binary file.")
    notes: list[str] = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise ValueError(
                "The file is neither UTF-8 nor Windows-1252 text: save the report as UTF-8 "
                "plain text."
            ) from None
        notes.append(WINDOWS_1252_NOTE)
    return normalise_line_endings(text), notes


def normalise_line_endings(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def clean_text(text: str) -> tuple[str, list[str]]:
    """The text with conversion artefacts repaired, and a note where characters were changed.

    C1 control codes become the Windows-1252 characters they stand for; form feeds (page
    starts), ligatures and zero-width characters are removed or spelt out. Line breaks are
    normalised and never added or removed, so line numbers still point into the text given.
    """
    text = normalise_line_endings(text)
    notes: list[str] = []
    controls = _C1_RE.findall(text)
    if controls:
        undefined = sum(1 for char in controls if _windows_1252(char) == "")
        text = _C1_RE.sub(lambda m: _windows_1252(m.group()), text)
        removed = f", {undefined} with no such character removed" if undefined else ""
        notes.append(
            f"The text held {len(controls)} control character(s) (U+0080 to U+009F) left by a "
            f"Windows-1252 conversion; they were read as the quotation marks, dashes and other "
            f"characters they stand for in Windows-1252{removed}: check its quotations."
        )
    text = text.replace("\f", "").translate(_LIGATURES)
    return _INVISIBLE_RE.sub("", text), notes


def _windows_1252(control: str) -> str:
    try:
        return bytes([ord(control)]).decode("cp1252")
    except UnicodeDecodeError:
        return ""
