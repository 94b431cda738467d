"""Render: the resolved book to MyST pages, each kind of page rendered in one place.

``myst`` is the one writer of MyST syntax (escaping included); ``post_page`` renders a
post, ``book_pages`` the landing, part, tags and archive pages and the book's metadata,
``glossary_page`` and ``resource_pages`` the reference pages. Nothing here knows Sphinx.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..labels import ARCHIVE_DOC, BOOK_METADATA, GLOSSARY_DOC, LANDING, RESOURCES_DIR, TAGS_DOC, post_docname
from ..model import Book
from ..resolve.index import BookIndex, BookUses
from .book_pages import (
    render_archive_page,
    render_book_metadata,
    render_landing,
    render_part_pages,
    render_tags_page,
)
from .glossary_page import render_glossary_page
from .resource_pages import render_resource_pages


def render_book(
    book: Book,
    post_pages: Mapping[str, str],
    docs_prefix: str,
    index: BookIndex,
    uses: BookUses,
    *,
    redirects: Mapping[str, str] | None = None,
    reading: Mapping[str, int] | None = None,
) -> dict[str, str]:
    """Every generated file of the book, by path relative to the output folder.

    ``post_pages`` holds each post's page (``post_page.render_post_page``), by file name;
    ``docs_prefix`` is the output folder's path from the Sphinx source folder;
    ``redirects`` the blog's old addresses (redirect page -> post file name);
    ``reading`` each post's reading minutes, by file name, counted once by the caller.
    """
    reference = [GLOSSARY_DOC] * (index.glossary is not None)
    reference += [f"{RESOURCES_DIR}/index"] * (index.catalog is not None)
    reference += [TAGS_DOC, ARCHIVE_DOC]
    files = {
        LANDING: render_landing(book, docs_prefix, reference, reading),
        BOOK_METADATA: render_book_metadata(book, docs_prefix, index.glossary, redirects or {}),
        f"{TAGS_DOC}.md": render_tags_page(book),
        f"{ARCHIVE_DOC}.md": render_archive_page(book),
        **render_part_pages(book, reading),
    }
    if index.glossary is not None:
        files[f"{GLOSSARY_DOC}.md"] = render_glossary_page(index.glossary, uses.mentions, book)
    if index.catalog is not None:
        files.update(render_resource_pages(index.catalog, uses.citations, book))
    for post in book.posts:
        files[f"{post_docname(post.slug)}.md"] = post_pages[post.source]
    return files
