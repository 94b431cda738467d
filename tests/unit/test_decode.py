from __future__ import annotations

import pytest

from bookgen.model import ReportKind
from bookgen.read.decode import BinaryFileError, decode_post


def test_clean_utf8_is_untouched() -> None:
    result = decode_post("Curly ‘quotes’ stay — as typed.\n".encode(), "a.txt")
    assert result.text == "Curly ‘quotes’ stay — as typed.\n"
    assert result.reports == ()


def test_bom_and_line_ends_are_normalised_and_reported() -> None:
    result = decode_post(b"\xef\xbb\xbfTitle\r\nBody\rEnd", "a.txt")
    assert result.text == "Title\nBody\nEnd"
    messages = [str(report) for report in result.reports]
    assert "a.txt:1: encoding: UTF-8 byte order mark removed" in messages
    assert "a.txt: encoding: CRLF and lone CR line ends normalised to LF" in messages


def test_invalid_utf8_falls_back_with_the_line() -> None:
    result = decode_post(b"ok\ncaf\xe9\n", "a.txt")
    assert result.text == "ok\ncafé\n"
    assert [str(r) for r in result.reports] == ["a.txt:2: encoding: not valid UTF-8; decoded as cp1252"]


def test_mojibake_is_repaired_per_line() -> None:
    result = decode_post("one\ncafÃ©\n".encode(), "a.txt")
    assert result.text == "one\ncafé\n"
    (report,) = result.reports
    assert report.kind is ReportKind.MOJIBAKE and report.line == 2


@pytest.mark.parametrize(
    ("line", "fixed"),
    [
        ("myself.Â", "myself."),  # the delivered post: nothing left after the debris
        ("end.Â next", "end.\u00a0next"),  # ftfy restores the no-break space
        ("ÂGE is a word", "ÂGE is a word"),  # a real capital, not debris
        ("Â", ""),
    ],
)
def test_stray_a_circumflex(line: str, fixed: str) -> None:
    assert decode_post(line.encode(), "a.txt").text == fixed


def test_binary_file_is_refused_with_its_name() -> None:
    with pytest.raises(BinaryFileError, match=r"^img\.txt:2: binary file"):
        decode_post(b"x\n\x89PNG\x00\x00", "img.txt")


def test_control_characters_are_dropped_and_other_line_ends_read_as_lf() -> None:
    result = decode_post("Title\nA\x01B\x7f\nC\u2028D\x0cE\u2029F\x9d\n".encode(), "a.txt")
    assert result.text == "Title\nAB\nC\nD\nE\nF\n"
    reports = [str(r) for r in result.reports]
    assert "a.txt:3: encoding: U+2028, U+000C, U+2029 line ends normalised to LF" in reports
    assert len(reports) == 3  # and the control characters on lines 2 and 3, each line once
    assert all(r.startswith(("a.txt:2: ", "a.txt:3: ")) for r in reports)
