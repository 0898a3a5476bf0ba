"""Decoding an uploaded report's bytes, and repairing the conversion artefacts in its text."""

import pytest

from inspections.ingest.parsing.text import WINDOWS_1252_NOTE, clean_text, decode_report


def test_utf8_is_read_as_it_is():
    assert decode_report("Lambeth PDU – ‘Inadequate’".encode()) == (
        "Lambeth PDU – ‘Inadequate’",
        [],
    )


def test_a_byte_order_mark_is_dropped():
    assert decode_report(b"\xef\xbb\xbfRatings\n") == ("Ratings\n", [])


@pytest.mark.parametrize("ending", [b"\r\n", b"\r"], ids=["CRLF", "CR"])
def test_line_endings_become_newlines(ending):
    assert decode_report(b"Ratings" + ending + b"Score 3/24" + ending)[0] == (
        "Ratings\nScore 3/24\n"
    )


def test_windows_1252_is_read_with_a_note():
    text, notes = decode_report("‘Inadequate’ – “quote”".encode("cp1252"))
    assert text == "‘Inadequate’ – “quote”"
    assert notes == [WINDOWS_1252_NOTE]


def test_a_binary_file_is_refused():
    with pytest.raises(ValueError, match="not a binary file"):
        decode_report(b"PK\x03\x04\x00\x00")


def test_bytes_neither_utf8_nor_windows_1252_are_refused():
    with pytest.raises(ValueError, match="neither UTF-8 nor Windows-1252") as error:
        decode_report(b"\x81\xff")  # 0x81 has no Windows-1252 character
    assert "\n" not in str(error.value)


def test_c1_controls_become_the_windows_1252_marks_they_stand_for():
    text, notes = clean_text("\x91Yes\x92 \x93quote\x94 \x96 \x95 bullet")
    assert text == "‘Yes’ “quote” – • bullet"
    assert len(notes) == 1
    assert notes[0].startswith("The text held 6 control character(s)")


def test_undefined_c1_controls_are_removed_and_counted():
    text, notes = clean_text("safe\x81ty \x9d")
    assert text == "safety "
    assert "2 with no such character removed" in notes[0]


def test_clean_text_keeps_every_line():
    text = "Ratings\r\n\fScore 3/24\rOverall rating Inadequate\n"
    cleaned, notes = clean_text(text)
    assert cleaned == "Ratings\nScore 3/24\nOverall rating Inadequate\n"
    assert notes == []


def test_ligatures_and_zero_width_characters_are_repaired():
    assert clean_text("ﬁndings\u200b of the ofﬁce\ufeff") == ("findings of the office", [])


def test_clean_text_leaves_a_clean_report_alone():
    text = "1.1 Leadership Requires improvement\n- Staff were ‘positive’ – mostly.²\n"
    assert clean_text(text) == (text, [])
