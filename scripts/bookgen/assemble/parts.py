"""The assemble stage: the book owns the order of posts, their parts and their slugs.

A post the book file does not place is never dropped: it lands in a final part and
the converter reports it. Without a book file, parts are the posts' years. Each post's
slug (its page's name) is made here and nowhere else.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import PurePosixPath

from slugify import slugify

from ..model import Book, Part, Post, Report, ReportKind
from ..read.post import post_stem, title_from_file_name
from .bookfile import BookFileError, BookSpec

UNPLACED_PART_TITLE = "More posts"
UNDATED_PART_TITLE = "Undated posts"
SLUG_MAX_LENGTH = 80
# Names Windows refuses as files whatever their extension.
RESERVED_NAMES = frozenset(
    {"con", "prn", "aux", "nul", "index", "genindex", "search", "glossary"}
    | {f"com{i}" for i in range(10)}
    | {f"lpt{i}" for i in range(10)}
)


def make_slug(title: str, name: str) -> str:
    """A safe file stem: ASCII, no path separators or dots, never empty or reserved."""
    slug = slugify(title, max_length=SLUG_MAX_LENGTH, word_boundary=True)
    if not slug:
        slug = slugify(post_stem(name), max_length=SLUG_MAX_LENGTH) or "post"
    if slug in RESERVED_NAMES:
        slug = f"post-{slug}"
    return slug


def unique_slugs(posts: Sequence[Post]) -> tuple[Post, ...]:
    """Each post with its slug, made from its title; posts whose titles give the same
    slug get distinct ones ("-2" added), stably in order of file name."""
    taken: set[str] = set()
    renamed: dict[str, Post] = {}
    for post in sorted(posts, key=lambda p: p.source):
        wanted = make_slug(post.title, post.source)
        slug, counter = wanted, 2
        while slug in taken:
            slug, counter = f"{wanted}-{counter}", counter + 1
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
    parts_shown = tuple(p for p in parts if p.posts)
    return Book(spec.title, spec.author, spec.intro, parts_shown, tuple(reports), spec.language)


def _by_date(posts: Sequence[Post]) -> tuple[Post, ...]:
    return tuple(sorted(posts, key=lambda p: (p.date is None, p.date or 0, p.source)))


def _parts_by_year(posts: Sequence[Post]) -> tuple[Part, ...]:
    """A part per year, oldest first; undated posts after them, a part per top folder
    (a collection of notes in folders), those at the top in "Undated posts"."""
    years: dict[int, list[Post]] = {}
    folders: dict[str, list[Post]] = {}
    for post in _by_date(posts):
        if post.date is not None:
            years.setdefault(post.date.year, []).append(post)
        else:
            folders.setdefault(_top_folder(post.source), []).append(post)
    parts = [Part(str(year), tuple(members)) for year, members in years.items()]
    for folder in sorted(folders, key=lambda f: (f == "", f.casefold())):
        title = title_from_file_name(folder) if folder else UNDATED_PART_TITLE
        parts.append(Part(title, tuple(folders[folder])))
    return tuple(parts)


def _top_folder(source: str) -> str:
    """The post's top folder in the posts folder ("" for a post at the top, or a bundle there)."""
    parts = PurePosixPath(source).parts
    if len(parts) == 2 and PurePosixPath(source).stem in ("index", "_index"):
        return ""  # a bundle at the top: its folder is the post, not a group of posts
    return parts[0] if len(parts) > 1 else ""
