"""Bytes to clean text: encoding, line ends and mojibake, each repair reported."""

from __future__ import annotations

from dataclasses import dataclass

import ftfy

from ..chars import describe_chars, drop_controls
from ..model import Report, ReportKind

_FTFY = ftfy.TextFixerConfig(
    uncurl_quotes=False,  # curly quotes are the author's typography, not damage
    fix_line_breaks=False,  # line ends are normalised below, with their own report
    remove_terminal_escapes=False,  # "\x1b[31m": the escape goes below, its words stay
    fix_latin_ligatures=False,
    fix_character_width=False,
    normalization=None,
    explain=True,
)

# Windows-1252 mojibake of a UTF-8 no-break space is "\u00c2\u00a0"; when the export
# then turned the no-break space into a plain one or dropped it, ftfy has nothing to
# pair the stray "\u00c2" with. Seen at the end of a sentence in the delivered posts.
_STRAY_A_CIRCUMFLEX = "\u00c2"


class BinaryFileError(ValueError):
    """The file is not text at all; it cannot be a post."""


@dataclass(frozen=True)
class DecodedText:
    text: str
    reports: tuple[Report, ...]


def check_not_binary(data: bytes, source: str) -> None:
    """Raise ``BinaryFileError`` (naming file and line) for a file with a NUL byte."""
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise BinaryFileError(f"{source}:{line}: binary file (NUL byte), not a post")


def decode_post(data: bytes, source: str) -> DecodedText:
    """Decode a post's bytes to text with ``\\n`` line ends and mojibake repaired."""
    reports: list[Report] = []
    check_not_binary(data, source)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
        reports.append(Report(source, ReportKind.ENCODING, "UTF-8 byte order mark removed", 1))
    text = _decode_bytes(data, source, reports)
    text = _normalise_line_ends(text, source, reports)
    text = _repair_mojibake(text, source, reports)
    text = _clean_controls(text, source, reports)
    return DecodedText(text, tuple(reports))


def _clean_controls(text: str, source: str, reports: list[Report]) -> str:
    """Control characters out of the text, one report line for each kind of repair."""
    cleaned = drop_controls(text)
    if cleaned.text is text:
        return text
    if cleaned.line_ends:
        reports.append(
            Report(
                source,
                ReportKind.ENCODING,
                f"{describe_chars(cleaned.line_ends)} line ends normalised to LF",
                _first_line(text, cleaned.line_ends),
            )
        )
    if cleaned.removed:
        reports.append(
            Report(
                source,
                ReportKind.ENCODING,
                f"control characters removed: {describe_chars(cleaned.removed)}",
                _first_line(text, cleaned.removed),
            )
        )
    return cleaned.text


def _decode_bytes(data: bytes, source: str, reports: list[Report]) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        for fallback in ("cp1252", "latin-1"):
            try:
                text = data.decode(fallback)
            except UnicodeDecodeError:
                continue
            reports.append(
                Report(source, ReportKind.ENCODING, f"not valid UTF-8; decoded as {fallback}", line)
            )
            return text
    raise AssertionError("latin-1 decodes any bytes")  # pragma: no cover


def _normalise_line_ends(text: str, source: str, reports: list[Report]) -> str:
    if "\r" not in text:
        return text
    kinds = []
    if "\r\n" in text:
        kinds.append("CRLF")
    if "\r" in text.replace("\r\n", ""):
        kinds.append("lone CR")
    reports.append(Report(source, ReportKind.ENCODING, f"{' and '.join(kinds)} line ends normalised to LF"))
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _repair_mojibake(text: str, source: str, reports: list[Report]) -> str:
    lines = text.split("\n")
    for number, line in enumerate(lines, start=1):
        if _plainly_intact(line):
            continue
        fixed, explanation = ftfy.fix_and_explain(line, config=_FTFY)
        steps = [step for step, _ in explanation or []]
        fixed, stray = _drop_stray_a_circumflex(fixed)
        if stray:
            steps.append("stray-A-circumflex")
        if fixed != line:
            lines[number - 1] = fixed
            reports.append(
                Report(
                    source,
                    ReportKind.MOJIBAKE,
                    f"repaired {_describe_change(line, fixed)} ({', '.join(steps)})",
                    number,
                )
            )
    return "\n".join(lines)


def _first_line(text: str, chars: tuple[str, ...]) -> int:
    """The line of the first of ``chars`` in ``text``."""
    first = min(text.index(char) for char in set(chars))
    return text.count("\n", 0, first) + 1


def _plainly_intact(line: str) -> bool:
    """Printable ASCII with no HTML entity: nothing ftfy or the stray-Â rule could change."""
    return line.isascii() and line.isprintable() and "&" not in line


def _drop_stray_a_circumflex(line: str) -> tuple[str, int]:
    """Remove an "\u00c2" left between punctuation or space and a space or line end."""
    out: list[str] = []
    dropped = 0
    for index, char in enumerate(line):
        if char == _STRAY_A_CIRCUMFLEX:
            before = line[index - 1] if index else " "
            after = line[index + 1] if index + 1 < len(line) else " "
            if after.isspace() and not before.isalnum():
                dropped += 1
                continue
        out.append(char)
    return "".join(out), dropped


def _common_prefix_length(a: str, b: str) -> int:
    length = 0
    while length < min(len(a), len(b)) and a[length] == b[length]:
        length += 1
    return length


def _describe_change(old: str, new: str) -> str:
    start = _common_prefix_length(old, new)
    end = _common_prefix_length(old[start:][::-1], new[start:][::-1])
    return f"{old[start : len(old) - end]!r} -> {new[start : len(new) - end]!r} at column {start + 1}"
