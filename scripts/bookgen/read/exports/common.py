"""What every importer returns, and the post file it writes for each post."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import yaml
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
