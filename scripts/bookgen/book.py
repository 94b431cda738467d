"""The curated book file and the assembly of posts into parts.

A post the book file does not place is never dropped: it lands in a final part and
the converter reports it. Without a book file, parts are the posts' years.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .curated import load_yaml
from .model import Book, Part, Post, Report, ReportKind

UNPLACED_PART_TITLE = "More posts"
UNDATED_PART_TITLE = "Undated posts"


class BookFileError(ValueError):
    """The book file is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class PartSpec:
    title: str
    posts: tuple[str, ...]
    intro: str = ""


@dataclass(frozen=True)
class BookSpec:
    title: str
    author: str = ""
    intro: str = ""
    parts: tuple[PartSpec, ...] = ()


def parse_book_file(text: str, source: str) -> BookSpec:
    """Read and check a book file (YAML); raise ``BookFileError`` naming the bad entry."""
    data, _ = load_yaml(text, source, BookFileError)
    if not isinstance(data, Mapping):
        raise BookFileError(f"{source}: expected a mapping with title, author, intro and parts")
    title = _string(data, "title", source, required=True)
    parts_data = data.get("parts") or []
    if not isinstance(parts_data, list):
        raise BookFileError(f"{source}: parts: expected a list of parts")
    parts = []
    for index, part in enumerate(parts_data):
        where = f"{source}: parts[{index}]"
        if not isinstance(part, Mapping):
            raise BookFileError(f"{where}: expected a mapping with title and posts")
        posts = part.get("posts") or []
        if not isinstance(posts, list) or not all(isinstance(p, str) for p in posts):
            raise BookFileError(f"{where}.posts: expected a list of post file names")
        parts.append(
            PartSpec(
                _string(part, "title", where, required=True),
                tuple(posts),
                _string(part, "intro", where),
            )
        )
    return BookSpec(title, _string(data, "author", source), _string(data, "intro", source), tuple(parts))


def _string(data: Mapping[str, object], key: str, where: str, required: bool = False) -> str:
    value = data.get(key)
    if value is None or value == "":
        if required:
            raise BookFileError(f"{where}: {key}: missing")
        return ""
    if not isinstance(value, str):
        raise BookFileError(f"{where}: {key}: expected text, got {type(value).__name__}")
    return value.strip()


def unique_slugs(posts: Sequence[Post]) -> tuple[Post, ...]:
    """Give posts with the same slug distinct ones, stably in order of file name."""
    taken: set[str] = set()
    renamed: dict[str, Post] = {}
    for post in sorted(posts, key=lambda p: p.source):
        slug, counter = post.slug, 2
        while slug in taken:
            slug, counter = f"{post.slug}-{counter}", counter + 1
        taken.add(slug)
        renamed[post.source] = dataclasses.replace(post, slug=slug)
    return tuple(renamed[post.source] for post in posts)


def assemble_book(
    spec: BookSpec | None, posts: Sequence[Post], default_title: str, spec_source: str = ""
) -> Book:
    """Place posts into parts: by the book file, else by year."""
    posts = unique_slugs(posts)
    if spec is None:
        return Book(default_title, "", "", _parts_by_year(posts))
    by_name = {post.source: post for post in posts}
    reports: list[Report] = []
    placed: set[str] = set()
    parts: list[Part] = []
    for index, part in enumerate(spec.parts):
        members = []
        for position, name in enumerate(part.posts):
            where = f"{spec_source}: parts[{index}].posts[{position}]"
            if name not in by_name:
                raise BookFileError(f"{where}: no post file named {name!r}")
            if name in placed:
                raise BookFileError(f"{where}: {name!r} is already placed in a part")
            placed.add(name)
            members.append(by_name[name])
        parts.append(Part(part.title, tuple(members), part.intro))
    unplaced = tuple(post for post in posts if post.source not in placed)
    for post in unplaced:
        reports.append(
            Report(
                post.source,
                ReportKind.BOOK,
                f"in no part of {spec_source}; placed in {UNPLACED_PART_TITLE!r}",
            )
        )
    if unplaced:
        parts.append(Part(UNPLACED_PART_TITLE, _by_date(unplaced)))
    return Book(spec.title, spec.author, spec.intro, tuple(p for p in parts if p.posts), tuple(reports))


def _by_date(posts: Sequence[Post]) -> tuple[Post, ...]:
    return tuple(sorted(posts, key=lambda p: (p.date is None, p.date or 0, p.source)))


def _parts_by_year(posts: Sequence[Post]) -> tuple[Part, ...]:
    years: dict[int | None, list[Post]] = {}
    for post in _by_date(posts):
        years.setdefault(post.date.year if post.date else None, []).append(post)
    return tuple(
        Part(str(year) if year is not None else UNDATED_PART_TITLE, tuple(members))
        for year, members in years.items()
    )
