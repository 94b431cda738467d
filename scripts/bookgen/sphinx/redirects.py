"""Sphinx extension: the blog's old post addresses redirect to the book's chapters.

When the book is published at the blog's old address, links out in the world still
name the old post URLs. The converter lists each post's known old addresses in its
metadata (``redirects``: the redirect page's path without ``.html`` -> the chapter's
docname); sphinx-reredirects writes the pages. They are handed to it only for the HTML
builder, just before it writes them, and never over a page or file of the book.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

from .book import book_metadata

logger = logging.getLogger(__name__)


def hand_over_redirects(app: Sphinx) -> list[Any]:
    """``html-collect-pages``, before sphinx-reredirects: its ``redirects`` setting,
    from the book's metadata, for the online book only (the EPUB's HTML is no site)."""
    app.config.redirects = {}
    if app.builder.name != "html":
        return []
    book = book_metadata(app) or {}
    redirects: dict[str, str] = {}
    for source, docname in sorted((book.get("redirects") or {}).items()):
        page = Path(app.outdir, f"{source}.html")
        if source in app.env.found_docs or page.exists() or not page.resolve().is_relative_to(app.outdir):
            logger.info("book: old address %s/ is a page of the book; no redirect", source)
            continue
        redirects[source] = f"/{docname}.html"
    app.config.redirects = redirects
    return []


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("sphinx_reredirects")
    app.connect("html-collect-pages", hand_over_redirects, priority=400)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
