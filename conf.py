"""Sphinx configuration for the book.

Sources live in ``docs/`` (hand-written pages) and ``docs/generated/`` (written by
``scripts/convert.py``); build with ``sphinx-build -c . docs _build/html``.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "scripts"))

# Title and author line are set from generated/book.json by bookgen.sphinx_book.
project = "Blog book"
author = ""
copyright = "the posts' authors"  # noqa: A001  (Sphinx's setting is named so)
language = "en"

extensions = [
    "myst_parser",
    "sphinx_design",
    "bookgen.sphinx_book",
    "bookgen.sphinx_glossary",
    "bookgen.sphinx_resources",
]

root_doc = "index"
exclude_patterns = ["generated/landing.md", "generated/.manifest.json"]
source_suffix = {".md": "markdown"}

# MyST: plain CommonMark plus what the generated pages use. Post text is escaped by the
# converter, so no extension can be triggered from a post.
myst_enable_extensions: list[str] = []
myst_heading_anchors = 3
suppress_warnings: list[str] = []
# Show quotes as the authors typed them; curly quotes in the posts stay curly.
smartquotes = False

html_theme = "sphinx_book_theme"
html_static_path = [str(ROOT / "docs" / "_static")]
html_css_files = ["book.css"]
html_theme_options = {
    "show_navbar_depth": 1,
    "show_toc_level": 2,
    "home_page_in_toc": True,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "use_source_button": False,
    "show_prev_next": True,
    "navigation_with_keys": True,
}
html_sidebars = {"**": ["navbar-logo.html", "search-button-field.html", "sbt-sidebar-nav.html"]}
sd_card_legacy_separators = False

# linkcheck: `make linkcheck` checks every address the posts and resources cite.
linkcheck_timeout = 15
linkcheck_retries = 2
