"""Control characters and line ends: which there are, and what each output does with them.

A post can hold any of them, in its text or spelled as an escape in its front matter,
and its file name can too. None may end a line of a generated page (MyST, docutils and
YAML know more line ends than ``\\n``), and XML and TeX refuse most of them, so text is
cleaned once when read (``drop_controls``, reported) and every string the converter
writes into a page is made one line again (``one_line``, ``shown_name``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# What ends a line besides "\n" for docutils, YAML or Python's ``str.splitlines``.
LINE_ENDS = frozenset("\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")
# C0 and C1 control characters but tab and line feed, and the two Unicode line ends.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
# The same and the line feed: what may not stand in a one-line context.
_BREAKING = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")


@dataclass(frozen=True)
class CleanText:
    text: str
    line_ends: tuple[str, ...]  # the other line ends read as ``line_end``, in order met
    removed: tuple[str, ...]  # the control characters dropped, in order met


def drop_controls(text: str, line_end: str = "\n") -> CleanText:
    """``text`` with each other line end (``\\r``, U+2028, form feed...) as ``line_end``
    and every other control character but tab and line feed removed."""
    if not _CONTROLS.search(text):
        return CleanText(text, (), ())  # the common case, at the speed of one scan
    ends: list[str] = []
    removed: list[str] = []

    def replace(match: re.Match[str]) -> str:
        char = match.group()
        if char in LINE_ENDS:
            ends.append(char)
            return line_end
        removed.append(char)
        return ""

    return CleanText(_CONTROLS.sub(replace, text), tuple(ends), tuple(removed))


def describe_chars(chars: tuple[str, ...]) -> str:
    """``U+0001 (3), U+2028``: which characters, and how often when more than once."""
    counts: dict[str, int] = {}
    for char in chars:
        counts[char] = counts.get(char, 0) + 1
    return ", ".join(f"U+{ord(c):04X}" + (f" ({n})" if n > 1 else "") for c, n in counts.items())


def one_line(text: str) -> str:
    """``text`` as one line that cannot change a page's structure: every line end
    becomes a space and every other control character but the tab goes."""
    return _BREAKING.sub(lambda match: " " if match.group().isspace() else "", text)


def shown_name(name: str) -> str:
    """A file name as a reader should see it: each control character or line end spelled
    as a Python escape (``\\n``, ``\\x01``), so the name stays on one line and exact."""
    return _BREAKING.sub(lambda match: repr(match.group())[1:-1], name)
