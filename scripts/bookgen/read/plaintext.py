"""Plain-text exports (no markup at all) to the document model.

The export keeps a title on the first line, an optional standfirst right under it,
headings as short bare lines, paragraphs one per line (blank lines or not), bullets
as ``•`` or ``-`` lines and URLs as bare text. Each line is classified on its words
and its neighbours (``line_shape`` weighs whether it heads a section), never by
Markdown syntax, then grouped into blocks.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ..model import Block, Heading, Inline, ListBlock, Paragraph, Report, ThematicBreak
from .line_shape import FITTED, HeadingModel, LineKinds, PostShape, heading_probability, is_candidate
from .markdown import read_plain_inline

BULLETS = (
    "\u2022",
    "\u25e6",
    "\u25aa",
    "\u2023",
    "\u00b7",
    "-",
    "\u2013",
    "*",
)  # bullet, white bullet, square, triangle, middle dot, hyphen, en dash, star
STANDFIRST_MAX_WORDS = 40
_SENTENCE_ENDINGS = (".", "!", "?", ":", ";", '"', "'", "\u201d", "\u2019", ")", "\u2026")


class LineKind(enum.Enum):
    BLANK = "blank"
    BULLET = "bullet"
    RULE = "rule"
    HEADING = "heading"
    TEXT = "text"


@dataclass(frozen=True)
class Line:
    number: int
    kind: LineKind
    text: str


@dataclass
class PlainDocument:
    title: str
    title_line: int
    lead: tuple[Inline, ...] = ()
    blocks: list[Block] = field(default_factory=list)
    reports: list[Report] = field(default_factory=list)


def bullet_text(line: str) -> str | None:
    """The item text of a bullet line, or None when the line is no bullet."""
    stripped = line.strip()
    for bullet in BULLETS:
        if stripped.startswith(bullet) and stripped[len(bullet) : len(bullet) + 1].isspace():
            rest = stripped[len(bullet) :].strip()
            return rest or None
    return None


def is_rule(line: str) -> bool:
    """``***``, ``* * *``, ``---``: a scene break, when nothing else is on the line."""
    compact = "".join(line.split())
    return len(compact) >= 3 and len(set(compact)) == 1 and compact[0] in "*-_"


def line_kinds(raw_lines: Sequence[str]) -> LineKinds:
    """Each line's kind before headings are decided; the first line with words is the title."""
    texts, kinds = [], []
    for raw in raw_lines:
        text = raw.strip()
        if not text:
            kind = "blank"
        elif is_rule(text):
            kind = "rule"
        elif bullet_text(text) is not None:
            kind = "bullet"
        elif raw.startswith(("\t", "    ")):
            kind = "code"  # exports keep code and quoted output indented: never a heading
        else:
            kind = "text"
        texts.append(text)
        kinds.append(kind)
    return LineKinds.of(texts, kinds)


def heading_lines(kinds: LineKinds, model: HeadingModel = FITTED) -> set[int]:
    """The indexes of the lines that head sections."""
    post = PostShape.of(kinds)
    return {
        index
        for index in range(kinds.title + 1, len(kinds.kinds))
        if is_candidate(kinds, index) and heading_probability(kinds, index, post, model) >= 0.5
    }


def classify(lines: Sequence[str], first_number: int) -> list[Line]:
    kinds = line_kinds(lines)
    headings = heading_lines(kinds)
    out = []
    for index, (text, kind) in enumerate(zip(kinds.texts, kinds.kinds, strict=True)):
        number = first_number + index
        if kind == "blank":
            out.append(Line(number, LineKind.BLANK, text))
        elif kind == "rule":
            out.append(Line(number, LineKind.RULE, text))
        elif kind == "bullet":
            out.append(Line(number, LineKind.BULLET, bullet_text(text) or ""))
        else:
            out.append(Line(number, LineKind.HEADING if index in headings else LineKind.TEXT, text))
    return out


def _continues(previous: str, line: str) -> bool:
    """A hard-wrapped paragraph: the previous line stops mid-sentence, this one goes on."""
    return not previous.endswith(_SENTENCE_ENDINGS) and line[:1].islower()


def read_plain_text(text: str, source: str, first_line: int = 1) -> PlainDocument:
    """Read a plain-text export; the first non-blank line is the title."""
    lines = classify(text.split("\n"), first_line)
    content = [line for line in lines if line.kind is not LineKind.BLANK]
    if not content:
        return PlainDocument("", first_line)
    title = content[0]
    doc = PlainDocument(title.text, title.number)
    rest = lines[lines.index(title) + 1 :]

    def inline(line: Line) -> tuple[Inline, ...]:
        nodes, reports = read_plain_inline(line.text, source, line.number)
        doc.reports.extend(reports)
        return nodes

    if rest and rest[0].kind is LineKind.TEXT and len(rest[0].text.split()) <= STANDFIRST_MAX_WORDS:
        doc.lead = inline(rest[0])
        rest = rest[1:]

    rest = _sign_offs_as_text(rest)
    body = _PlainBody(doc, inline, rest)
    for line in rest:
        body.add(line)
    body.finish()
    return doc


def _sign_offs_as_text(lines: list[Line]) -> list[Line]:
    """A heading-like line with no text after it ends the post ("Thanks for reading",
    a name): it heads nothing, so it is text."""
    out = list(lines)
    for index in range(len(out) - 1, -1, -1):
        line = out[index]
        if line.kind in (LineKind.TEXT, LineKind.BULLET, LineKind.RULE):
            break
        if line.kind is LineKind.HEADING:
            out[index] = Line(line.number, LineKind.TEXT, line.text)
    return out


class _PlainBody:
    """Lines after the title and standfirst to blocks: paragraphs (hard wraps joined),
    bullet lists, scene breaks and headings."""

    def __init__(self, doc: PlainDocument, inline: Callable[[Line], tuple[Inline, ...]], lines: list[Line]):
        self.doc = doc
        self.inline = inline
        self.items: list[tuple[Block, ...]] = []
        self.paragraph: list[Line] = []
        self.seen_top_heading = False
        # Headings that recur ("Links" under every period) are subsections of the one before.
        self.heading_counts = Counter(line.text.casefold() for line in lines if line.kind is LineKind.HEADING)

    def add(self, line: Line) -> None:
        if line.kind is not LineKind.BULLET:
            self._flush_items()
        if line.kind is not LineKind.TEXT or (
            self.paragraph and not _continues(self.paragraph[-1].text, line.text)
        ):
            self._flush_paragraph()
        if line.kind is LineKind.BULLET:
            self.items.append((Paragraph(self.inline(line)),))
        elif line.kind is LineKind.RULE:
            self.doc.blocks.append(ThematicBreak())
        elif line.kind is LineKind.HEADING:
            recurring = self.heading_counts[line.text.casefold()] > 1
            level = 2 if recurring and self.seen_top_heading else 1
            self.seen_top_heading = self.seen_top_heading or level == 1
            self.doc.blocks.append(Heading(level, self.inline(line), line.number))
        elif line.kind is LineKind.TEXT:
            self.paragraph.append(line)

    def finish(self) -> None:
        self._flush_items()
        self._flush_paragraph()

    def _flush_items(self) -> None:
        if self.items:
            self.doc.blocks.append(ListBlock(tuple(self.items)))
            self.items.clear()

    def _flush_paragraph(self) -> None:
        if self.paragraph:
            joined = Line(self.paragraph[0].number, LineKind.TEXT, " ".join(p.text for p in self.paragraph))
            self.doc.blocks.append(Paragraph(self.inline(joined)))
            self.paragraph.clear()
