"""What every importer returns, and the post file it writes for each post."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
import yaml
from defusedxml import DefusedXmlException
from slugify import slugify


class ExportError(ValueError):
    """An export that cannot be read at all: one line, naming the file (and where)."""


@dataclass(frozen=True)
class ExportOptions:
    pages: bool = True  # the blog's pages (About, Contact) as a part of their own


@dataclass
class Export:
    """An export read: post files (name, bytes), what was left out, the blog's address
    and title."""

    posts: list[tuple[str, bytes]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    site_url: str = ""
    title: str = ""


@dataclass(frozen=True)
class ExportedPost:
    """One post as an export holds it, before it becomes a post file."""

    title: str
    html: str
    slug: str = ""
    date: dt.date | None = None
    authors: Sequence[str] = ()
    tags: Sequence[str] = ()
    description: str = ""
    address: str = ""
    draft: bool = False


# Pages of the blog (About, Contact) go into this folder: undated, they form its own part.
PAGES_FOLDER = "Pages"


def post_file(post: ExportedPost, folder: str, taken: set[str]) -> tuple[str, bytes]:
    """The post as a file the reader reads: YAML front matter, then the HTML body. Its
    name is the slug (made unique in ``taken``), under ``folder``."""
    base = slugify(post.slug or post.title) or "post"
    name = f"{folder}/{base}.html" if folder else f"{base}.html"
    number = 2
    while name in taken:
        name = f"{folder}/{base}-{number}.html" if folder else f"{base}-{number}.html"
        number += 1
    taken.add(name)
    fields: dict[str, object] = {"title": post.title}
    if post.date is not None:
        fields["date"] = post.date
    for key, value in (
        ("authors", list(post.authors)),
        ("tags", list(post.tags)),
        ("description", post.description),
        ("slug", post.slug),
        ("url", post.address),
    ):
        if value:
            fields[key] = value
    if post.draft:
        fields["draft"] = True
    front = yaml.safe_dump(fields, allow_unicode=True, sort_keys=False, width=1_000_000)
    return name, f"---\n{front}---\n{post.html}\n".encode()


class _Text(HTMLParser):
    """The text of an HTML fragment, as a reader sees it (no script or style text)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hidden += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self.hidden -= tag in ("script", "style") and self.hidden > 0

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def plain(html: str) -> str:
    """A title or excerpt that holds HTML or entities, as the text a reader sees."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return " ".join(unescape("".join(parser.parts)).split())


def parse_xml(name: str, data: bytes) -> Element:
    """An export's XML, parsed with no document type, entities or external references:
    an XML bomb or an external entity is refused whole, in one line."""
    try:
        root: Element = SafeET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as error:
        raise ExportError(
            f"{name}: refused: the XML declares {type(error).__name__} (entities, DTD); nothing imported"
        ) from None
    except SafeET.ParseError as error:
        line, column = getattr(error, "position", (0, 0))
        raise ExportError(f"{name}:{line}: not well-formed XML (column {column}); nothing imported") from None
    return root
