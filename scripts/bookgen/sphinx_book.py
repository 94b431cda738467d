"""Sphinx extension: the book's title and author line come from the converter.

``scripts/convert.py`` writes ``generated/book.json`` next to the pages it generates;
this reads it when the configuration is ready, so ``conf.py`` never hard-codes what
the curated book file says and any source folder (tests, ``POSTS=``) builds alike.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config

BOOK_METADATA = Path("generated") / "book.json"


def apply_book_metadata(app: Sphinx, config: Config) -> None:
    path = Path(app.srcdir) / BOOK_METADATA
    if not path.exists():
        return
    book = json.loads(path.read_text(encoding="utf-8"))
    config.project = book.get("title") or config.project
    config.author = book.get("author") or config.author
    config.html_title = config.project


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", apply_book_metadata)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
