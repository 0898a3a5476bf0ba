"""Find quoted passages in a document whatever its line wrapping."""

import re

from .errors import BuildError

NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip


class SourceText:
    """A document's text, searchable with whitespace collapsed, answering in line numbers."""

    def __init__(self, filename: str, text: str):
        self.filename = filename
        self.text = text
        pieces, self._line_starts = [], []
        offset = 0
        for line in text.splitlines():
            words = line.split()
            self._line_starts.append(offset)
            if words:
                piece = " ".join(words) + " "
                pieces.append(piece)
                offset += len(piece)
        self.flat = "".join(pieces)

    def line_of(self, quote: str) -> int:
        """1-based line on which `quote` starts; the quote must occur exactly once."""
        wanted = " ".join(quote.split())
        found = [m.start() for m in re.finditer(re.escape(wanted), self.flat)]
        if not found:
            raise BuildError(f"{self.filename}: quote not found: {quote!r}")
        if len(found) > 1:
            raise BuildError(f"{self.filename}: quote occurs {len(found)} times: {quote!r}")
        start = found[0]
        line = 0
        for number, line_start in enumerate(self._line_starts, start=1):
            if line_start > start:
                break
            line = number
        return line


def parse_number(text: str):
    """A published number ('1089', '38,950', '77.4', 'three') as a string for a DecimalField."""
    word = text.strip().lower()
    if word in NUMBER_WORDS:
        return str(NUMBER_WORDS[word])
    cleaned = word.replace(",", "")
    if not re.fullmatch(r"\d+(\.\d+)?", cleaned):
        raise BuildError(f"not a number: {text!r}")
    return cleaned
