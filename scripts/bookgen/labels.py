"""Names the converter and the Sphinx extensions must agree on: folders, files, labels.

The converter writes pages and targets under these names; the extensions find them by
the same names. Each name is made here and nowhere else.
"""

from __future__ import annotations

import functools
from pathlib import PurePosixPath

from slugify import slugify

# The converter's folder inside the Sphinx source folder, and what it writes there.
GENERATED_DIR = "generated"
POSTS_DIR = "posts"
LANDING = "landing.md"  # included by the hand-written index page, never a page itself
BOOK_METADATA = "book.json"  # title, author, posts and glossary, for the extensions
MANIFEST = ".manifest.json"  # what the converter owns in its folder
GLOSSARY_DOC = "glossary"
# MyST syntax extensions the generated pages use (render.myst writes definition lists).
MYST_EXTENSIONS = ("deflist",)
RESOURCES_DIR = "resources"
TAGS_DOC = "tags"
ARCHIVE_DOC = "archive"
PARTS_DIR = "parts"
IMAGES_DIR = "images"  # the posts' local images, copied
# In a build's doctrees folder: the modules the build imported (``sphinx.imports``), which
# ``make html``'s driver (``booktools.htmlbuild``) imports while the converter runs.
IMPORTED_MODULES = "imported-modules.txt"


def post_docname(slug: str) -> str:
    """A post's page, relative to the converter's folder."""
    return f"{POSTS_DIR}/{slug}"


def part_docname(number: int) -> str:
    """A part's own page (parts are numbered from 1), relative to the converter's folder."""
    return f"{PARTS_DIR}/part-{number}"


CHAPTER_PREFIX = "chapter-"


def chapter_label(slug: str) -> str:
    """The target at a chapter's title: links between posts and backlinks land here."""
    return f"{CHAPTER_PREFIX}{slug}"


def heading_label(slug: str, number: int) -> str:
    """The target of a chapter's ``number``-th heading (from 1) that a link lands on.
    Slugs never hold "--", so no heading's label is another chapter's."""
    return f"{CHAPTER_PREFIX}{slug}--{number}"


# The sections that end a chapter, after the post's own text: they list the resources and
# terms of the post or quote other posts, so the search index leaves them out
# (``sphinx.chapters`` finds them by these labels).
CHAPTER_ENDS = ("resources", "key-terms", "linked-from", "related-posts")


def chapter_end_label(slug: str, end: str) -> str:
    """The target of one of a chapter's closing sections (``end`` in ``CHAPTER_ENDS``)."""
    return f"{CHAPTER_PREFIX}{slug}--{end}"


def slug_of_docname(docname: str) -> str:
    """The post slug of a Sphinx docname (``generated/posts/<slug>``)."""
    return PurePosixPath(docname).name


def term_label(post_slug: str, term: str) -> str:
    """The target of a term's first mention in a post: the glossary's "Used in" links here."""
    return f"gloss-{post_slug}-{_term_slug(term)}"


@functools.lru_cache(maxsize=4096)
def _term_slug(term: str) -> str:
    return slugify(term)  # the same few hundred terms, for every post of the book


def entry_label(resource: str) -> str:
    """The target of a resource's entry on the resource pages."""
    return f"res-{resource}"


def citation_label(post_slug: str, resource: str) -> str:
    """The target of a post's first citation of a resource: "Mentioned in" links here."""
    return f"res-use-{post_slug}-{resource}"
