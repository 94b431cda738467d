"""The converter's data model: a small document tree plus the post and book records.

Both input shapes (Markdown and plain-text exports) are read into this one tree, so
repairs, word counts and rendering are written once and cannot disagree per shape.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .chars import shown_name

# --- inline nodes -----------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Code:
    text: str


@dataclass(frozen=True)
class LineBreak:
    pass


@dataclass(frozen=True)
class Emphasis:
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Strong:
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Strikethrough:
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Link:
    """A link out of the book; ``url`` is already checked to be a safe absolute URL."""

    children: tuple[Inline, ...]
    url: str
    line: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class SiteLink:
    """A link into the blog itself, as the author wrote it: resolve makes it a
    ``ChapterLink`` when it names a post of the book, else keeps its words.

    ``form`` says what ``target`` is: ``path``, an address on the blog (``/2019/05/x/``,
    ``../x.html``, ``#setup``); ``file``, a source file (Zola's ``@/blog/x.md``, Hugo's
    ``ref``, Jekyll's ``link``); ``post``, a Jekyll post (``post_url 2019-05-01-x``).
    """

    children: tuple[Inline, ...]
    target: str
    form: str = "path"
    line: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class ChapterLink:
    """A link to a chapter of the book, or to a heading in it: the target's ``label``."""

    children: tuple[Inline, ...]
    label: str


@dataclass(frozen=True)
class TermRef:
    """A mention of a glossary term; ``text`` is as the post wrote it."""

    text: str
    term: str


@dataclass(frozen=True)
class NamedRef:
    """A resource the author named as if linking to it, with no usable address."""

    text: str


@dataclass(frozen=True)
class ResourceRef:
    """A mention of a resource: links to its entry, and out to ``url`` when known.

    ``anchor`` marks the post's first mention of it, the spot "Mentioned in" links to.
    """

    children: tuple[Inline, ...]
    resource: str
    url: str = ""
    anchor: bool = False


@dataclass(frozen=True)
class Image:
    """An image as the post shows it. ``src`` is an absolute web address (checked safe) or
    a path relative to the post or the site's root (``/images/x.png``), which resolve
    maps to a file copied into the book; ``alt`` and ``title`` are words of the post."""

    src: str
    alt: str
    title: str = ""


@dataclass(frozen=True)
class Math:
    """Inline TeX math, checked against the math allowlist when read."""

    text: str


@dataclass(frozen=True)
class FootnoteRef:
    """A reference to the post's footnote ``label`` (the post's own label, any text)."""

    label: str


Inline = (
    Text
    | Code
    | LineBreak
    | Emphasis
    | Strong
    | Strikethrough
    | Link
    | SiteLink
    | ChapterLink
    | TermRef
    | NamedRef
    | ResourceRef
    | Image
    | Math
    | FootnoteRef
)


# Inline nodes that link somewhere and hold inline nodes: a link holds no link.
LINKS = (Link, SiteLink, ChapterLink)
# Inline nodes that hold inline nodes, as transforms recurse into them.
CONTAINERS = (Emphasis, Strong, Strikethrough, *LINKS)


def plain_text(nodes: Iterable[Inline]) -> str:
    """The words of inline nodes as a reader sees them, markup aside."""
    parts: list[str] = []
    for node in nodes:
        if isinstance(node, Text | Code | TermRef | NamedRef | Math):
            parts.append(node.text)
        elif isinstance(node, LineBreak):
            parts.append(" ")
        elif isinstance(node, Image):
            parts.append(" ".join(part for part in (node.alt, node.title) if part))
        elif isinstance(node, FootnoteRef):
            continue
        else:
            parts.append(plain_text(node.children))
    return "".join(parts)


def text_width(node: Inline) -> int:
    """``len(plain_text((node,)))``, without building the text for leaf nodes."""
    if isinstance(node, Text | Code | TermRef | NamedRef | Math):
        return len(node.text)
    return len(plain_text((node,)))


class LazyText:
    """The plain text of a paragraph, built only if a match needs its sentence."""

    def __init__(self, nodes: Iterable[Inline] = (), text: str | None = None) -> None:
        self._nodes = nodes
        self._text = text

    def __str__(self) -> str:
        if self._text is None:
            self._text = plain_text(self._nodes)
        return self._text


# --- block nodes ------------------------------------------------------------------


@dataclass(frozen=True)
class Paragraph:
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Heading:
    """A section heading; ``level`` 1 is the highest level *inside* a post."""

    level: int
    children: tuple[Inline, ...]
    line: int | None = field(default=None, compare=False)
    label: str = ""  # set by resolve when a link lands on it: the book's name for it


@dataclass(frozen=True)
class ListBlock:
    items: tuple[tuple[Block, ...], ...]
    ordered: bool = False
    start: int = 1
    checked: tuple[bool | None, ...] = ()  # a task list's boxes, per item (None: no box)


@dataclass(frozen=True)
class CodeBlock:
    text: str
    language: str = ""
    caption: str = ""  # shown above the code: the language the author named, if not coloured


@dataclass(frozen=True)
class Quote:
    children: tuple[Block, ...]


@dataclass(frozen=True)
class ThematicBreak:
    pass


@dataclass(frozen=True)
class Table:
    header: tuple[tuple[Inline, ...], ...]
    rows: tuple[tuple[tuple[Inline, ...], ...], ...]
    align: tuple[str, ...] = ()  # per column: "left", "center", "right" or ""


@dataclass(frozen=True)
class Figure:
    """An image shown on its own, with a caption (``<figure>``, Hugo's ``figure``, an
    image alone in its paragraph with a title)."""

    image: Image
    caption: tuple[Inline, ...] = ()


@dataclass(frozen=True)
class MathBlock:
    """Display TeX math, checked against the math allowlist when read."""

    text: str


@dataclass(frozen=True)
class Footnote:
    """The text of the post's footnote ``label``; the page gathers them at its end."""

    label: str
    children: tuple[Block, ...]


@dataclass(frozen=True)
class DefinitionList:
    """Terms and their definitions: each item is (term, definitions, each some blocks)."""

    items: tuple[tuple[tuple[Inline, ...], tuple[tuple[Block, ...], ...]], ...]


@dataclass(frozen=True)
class Details:
    """A ``<details>`` element: a summary line that opens to show the children."""

    summary: tuple[Inline, ...]
    children: tuple[Block, ...]


@dataclass(frozen=True)
class EmptySection:
    """Marks a section the author left empty, so the reader sees it was empty."""


Block = (
    Paragraph
    | Heading
    | ListBlock
    | CodeBlock
    | Quote
    | ThematicBreak
    | Table
    | Figure
    | MathBlock
    | Footnote
    | DefinitionList
    | Details
    | EmptySection
)

# --- reports ----------------------------------------------------------------------


class ReportKind(enum.Enum):
    """What a report line is about; repairs are never silent."""

    ENCODING = "encoding"
    MOJIBAKE = "mojibake"
    FRONT_MATTER = "front-matter"
    MALFORMED_LINK = "malformed-link"
    UNSAFE_LINK = "unsafe-link"
    EMPTY_SECTION = "empty-section"
    NO_TITLE = "no-title"
    STRUCTURE = "structure"
    BOOK = "book"
    TEMPLATE = "template"
    SIZE = "size"
    EMPTY = "empty"
    RESOURCE = "resource"
    INTERNAL = "internal-error"
    CODE = "code"
    LEFT_OUT = "left-out"
    IMAGE = "image"
    MATH = "math"
    HTML = "html"
    LINK = "link"


@dataclass(frozen=True)
class Report:
    """One line of the converter's report: ``file:line: kind: message``."""

    source: str
    kind: ReportKind
    message: str
    line: int | None = None

    def __str__(self) -> str:
        name = shown_name(self.source)  # a name with a line end still makes one line
        where = name if self.line is None else f"{name}:{self.line}"
        return f"{where}: {self.kind.value}: {self.message}"


# --- posts and books --------------------------------------------------------------


class Shape(enum.Enum):
    MARKDOWN = "markdown"
    PLAIN_TEXT = "plain-text"
    HTML = "html"  # an HTML body (a Jekyll .html post, or a post an export held)


@dataclass(frozen=True)
class Post:
    """One post, read and repaired, ready to render."""

    source: str
    title: str
    shape: Shape
    body: tuple[Block, ...]
    lead: tuple[Inline, ...] = ()
    date: dt.date | None = None
    month_only: bool = False  # the date says only the month (a post in a 2020/05/ folder)
    tags: tuple[str, ...] = ()
    description: str = ""
    excerpt: str = ""  # the text before a ``<!--more-->`` mark: the author's own summary
    authors: tuple[str, ...] = ()
    draft: bool = False  # the generator would not publish it (front matter ``draft: true``)
    reports: tuple[Report, ...] = ()
    key_terms: tuple[str, ...] = ()  # set by resolve
    resources: tuple[str, ...] = ()  # set by resolve
    slug: str = ""  # its page's name, set by assemble (the book owns slugs)
    # Where the blog served it, as its front matter says (url, permalink, path, aliases),
    # and the slug the blog gave it: what links to it from other posts may name.
    addresses: tuple[str, ...] = ()
    address_slug: str = ""


@dataclass(frozen=True)
class Part:
    title: str
    posts: tuple[Post, ...]
    intro: str = ""


@dataclass(frozen=True)
class Book:
    title: str
    author: str
    intro: str
    parts: tuple[Part, ...]
    reports: tuple[Report, ...] = field(default=())
    language: str = ""  # the posts' language, as the book file gives it ("" is English)

    @property
    def posts(self) -> tuple[Post, ...]:
        return tuple(post for part in self.parts for post in part.posts)


def map_running_text(
    block: Block,
    inlines: Callable[[tuple[Inline, ...]], tuple[Inline, ...]],
    blocks: Callable[[tuple[Block, ...]], tuple[Block, ...]],
) -> Block:
    """``block`` with ``inlines`` applied to its running text and ``blocks`` to nested blocks.

    Running text is what transforms such as term linking may touch: paragraphs, list
    items, quotes, table cells, captions, footnotes, definitions and details; headings,
    terms, summaries, code and math are returned unchanged.
    """
    if isinstance(block, Paragraph):
        return Paragraph(inlines(block.children))
    if isinstance(block, ListBlock):
        return dataclasses.replace(block, items=tuple(blocks(item) for item in block.items))
    if isinstance(block, Quote):
        return Quote(blocks(block.children))
    if isinstance(block, Table):
        return Table(
            tuple(inlines(cell) for cell in block.header),
            tuple(tuple(inlines(cell) for cell in row) for row in block.rows),
            block.align,
        )
    if isinstance(block, Figure):
        return Figure(block.image, inlines(block.caption))
    if isinstance(block, Footnote):
        return Footnote(block.label, blocks(block.children))
    if isinstance(block, DefinitionList):
        return DefinitionList(
            tuple((term, tuple(blocks(d) for d in definitions)) for term, definitions in block.items)
        )
    if isinstance(block, Details):
        return Details(block.summary, blocks(block.children))
    return block
