"""Bytes to clean text: encoding, line ends and mojibake, each repair reported."""

from __future__ import annotations

from dataclasses import dataclass

import ftfy

from ..chars import describe_chars, drop_controls
from ..model import Report, ReportKind
from .markdown import BLOCK_PROBE

_FTFY = ftfy.TextFixerConfig(
    uncurl_quotes=False,  # curly quotes are the author's typography, not damage
    fix_line_breaks=False,  # line ends are normalised below, with their own report
    remove_terminal_escapes=False,  # "\x1b[31m": the escape goes below, its words stay
    fix_latin_ligatures=False,
    fix_character_width=False,
    normalization=None,
    unescape_html=False,  # "&lt;script&gt;" and "&#39;" stay as typed: Markdown reads them itself
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
    """Repair lines that are certainly damaged, outside code: code blocks and code spans
    are kept byte for byte (a post about mojibake shows its examples as code)."""
    lines = text.split("\n")
    code_lines: set[int] | None = None
    for number, line in enumerate(lines, start=1):
        if _plainly_intact(line):
            continue
        fixed, steps = _repair_line(line)
        if fixed == line:
            continue
        if code_lines is None:  # parsed only for a post with a repair to make
            code_lines = _code_block_lines(text)
        if number not in code_lines:
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


def _repair_line(line: str) -> tuple[str, list[str]]:
    """The line with its prose repaired (code spans as they are), and the steps taken."""
    pieces: list[str] = []
    steps: list[str] = []
    for piece, is_code in _split_code_spans(line):
        if is_code:
            pieces.append(piece)
            continue
        fixed, explanation = ftfy.fix_and_explain(piece, config=_FTFY)
        steps.extend(step for step, _ in explanation or [])
        fixed, stray = _drop_stray_a_circumflex(fixed)
        if stray:
            steps.append("stray-A-circumflex")
        pieces.append(fixed)
    return "".join(pieces), list(dict.fromkeys(steps))


def _code_block_lines(text: str) -> set[int]:
    """The 1-based lines inside Markdown code blocks (fenced or indented) of the text."""
    lines: set[int] = set()
    for token in BLOCK_PROBE.parse(text):
        if token.type in ("fence", "code_block") and token.map is not None:
            lines.update(range(token.map[0] + 1, token.map[1] + 1))
    return lines


def _split_code_spans(line: str) -> list[tuple[str, bool]]:
    """The line cut into prose and code spans (a run of backticks to the next run of as
    many), in order; an unmatched run of backticks is prose."""
    pieces: list[tuple[str, bool]] = []
    start = position = 0
    while (opening := line.find("`", position)) >= 0:
        run = len(line[opening:]) - len(line[opening:].lstrip("`"))
        closing = _closing_run(line, opening + run, run)
        if closing < 0:
            position = opening + run
            continue
        pieces.append((line[start:opening], False))
        pieces.append((line[opening : closing + run], True))
        start = position = closing + run
    pieces.append((line[start:], False))
    return [(piece, code) for piece, code in pieces if piece]


def _closing_run(line: str, position: int, length: int) -> int:
    """Where the next run of exactly ``length`` backticks starts, or -1."""
    while (found := line.find("`", position)) >= 0:
        run = len(line[found:]) - len(line[found:].lstrip("`"))
        if run == length:
            return found
        position = found + run
    return -1


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
