"""Sphinx configuration for the book.

Sources live in ``docs/`` (hand-written pages) and ``docs/generated/`` (written by
``scripts/convert.py``); build with ``sphinx-build -c . docs _build/html``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "scripts"))

from bookgen.labels import GENERATED_DIR, LANDING, MANIFEST, MYST_EXTENSIONS  # noqa: E402  (after the path is set)

# Title and author line are set from the converter's book metadata by bookgen.sphinx.book.
project = "Blog book"
author = ""
copyright = "the posts' authors"  # noqa: A001  (Sphinx's setting is named so)
language = "en"
version = release = "1.0"

extensions = [
    "myst_parser",
    "sphinx_design",
    "bookgen.sphinx.book",
    "bookgen.sphinx.paper",
    "bookgen.sphinx.glossary",
    "bookgen.sphinx.mentions",
    "bookgen.sphinx.nav",
    "bookgen.sphinx.outputs",
    "bookgen.sphinx.images",
    "bookgen.sphinx.mathml",
    "bookgen.sphinx.details",
    "bookgen.sphinx.chapters",
    "bookgen.sphinx.redirects",
    "bookgen.sphinx.search",
    "bookgen.sphinx.parallel",
    "bookgen.sphinx.timings",
    "bookgen.sphinx.heap",
    "bookgen.sphinx.imports",
    "sphinx_sitemap",
    "sphinxext.opengraph",
    "notfound.extension",
]

# Where the book is published: absolute links in the feed, sitemap, OpenGraph and 404
# page. Read the Docs sets its own; elsewhere set BOOK_URL.
html_baseurl = os.environ.get("READTHEDOCS_CANONICAL_URL") or os.environ.get(
    "BOOK_URL", "http://127.0.0.1:8000/"
)
sitemap_url_scheme = "{link}"
ogp_site_url = html_baseurl
ogp_enable_meta_description = True
notfound_urls_prefix = "/"
notfound_context = {
    "title": "Page not found",
    "body": "<h1>Page not found</h1><p>This page is not in the book. Try the search, or start "
    "from the <a href='/index.html'>contents</a>.</p>",
}

root_doc = "index"
# The landing page is included by docs/index.md, never a page of its own.
exclude_patterns = [f"{GENERATED_DIR}/{LANDING}", f"{GENERATED_DIR}/{MANIFEST}"]
source_suffix = {".md": "markdown"}

# MyST: plain CommonMark plus what the generated pages use. Post text is escaped by the
# converter, so no extension can be triggered from a post.
myst_enable_extensions = list(MYST_EXTENSIONS)
myst_heading_anchors = 3
suppress_warnings: list[str] = []
# Show quotes as the authors typed them; curly quotes in the posts stay curly.
smartquotes = False
# Math: MathML written at build time (bookgen.sphinx.mathml), never MathJax from a CDN, so
# the online book and the EPUB show formulas offline; LaTeX typesets the PDF's.
html_math_renderer = "mathml"

html_theme = "sphinx_book_theme"
html_static_path = [str(ROOT / "docs" / "_static")]
html_css_files = ["book.css"]
html_js_files = ["a11y.js"]
html_theme_options = {
    "show_navbar_depth": 1,
    "show_toc_level": 2,
    "home_page_in_toc": True,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "use_source_button": False,
    "show_prev_next": True,
    "navigation_with_keys": True,
    # Links read as the author typed them: the theme would show github.com/org/repo as "org/repo".
    "shorten_urls": False,
}
html_sidebars = {
    "**": ["navbar-logo.html", "search-button-field.html", "book-sidebar-nav-bs.html", "book-links.html"]
}
templates_path = [str(ROOT / "docs" / "_templates")]
# `make pdf` / `make epub` leave the files in _build/extra/downloads/; publish and link them.
_extra = Path(os.environ.get("BOOK_EXTRA", ROOT / "_build" / "extra"))
_downloads = sorted(p.name for p in (_extra / "downloads").glob("book.*")) if _extra.is_dir() else []
html_extra_path = [str(_extra)] if _downloads else []
html_context = {"book_downloads": _downloads, "default_mode": "auto"}
html_favicon = str(ROOT / "docs" / "_static" / "favicon.svg")
sd_card_legacy_separators = False

# linkcheck: `make linkcheck` checks every address the posts and resources cite.
linkcheck_timeout = 15
linkcheck_retries = 2

# PDF: LuaLaTeX via latexmk (`make pdf`). Parts of the book are LaTeX parts, posts are
# chapters; title and author come from the book file (bookgen.sphinx.book). LuaLaTeX,
# because it falls back per character to fonts that have the glyph (Hangul, CJK, emoji,
# symbols) where XeLaTeX prints an empty box and only logs it.
latex_engine = "lualatex"
latex_toplevel_sectioning = "part"
latex_show_urls = "no"
latex_elements = {
    "papersize": "a4paper",
    # A code line with no space to wrap at (a minified file) wraps anywhere, not off the page.
    "sphinxsetup": "verbatimforcewraps",
    "pointsize": "11pt",
    # LaTeX stops at 6 nested lists and quotes (4 of a kind); posts nest deeper, and the
    # converter flattens only past 6 lists or quotes, each, so allow both kinds together.
    "maxlistdepth": "14",
    # Figures stay where the post shows them: a post of hundreds of pictures (a gallery)
    # left LaTeX with more floats than it can place ("100 consecutive dead cycles").
    "figure_align": "H",
    "releasename": "Edition",
    # FreeFont first; any character it lacks from Noto CJK (Chinese, Japanese, Korean),
    # Symbola (emoji, symbols), DejaVu, or Noto Color Emoji for emoji newer than Symbola's
    # Unicode 9 (🟢, 🫠) (Debian: fonts-noto-cjk, fonts-symbola, fonts-noto-color-emoji).
    "fontpkg": r"""
\directlua{luaotfload.add_fallback("bookfallback",
  {"Noto Serif CJK SC:mode=harf;", "Symbola:mode=harf;", "DejaVu Sans:mode=harf;",
   "Noto Color Emoji:mode=harf;"})}
\setmainfont{FreeSerif}[RawFeature={fallback=bookfallback}]
\setsansfont{FreeSans}[RawFeature={fallback=bookfallback}]
\setmonofont{FreeMono}[RawFeature={fallback=bookfallback}]
""",
}

# EPUB 3 (`make epub`), checked with epubcheck.
epub_basename = "book"
epub_publisher = "Blog book project"
epub_identifier = "ways-into-machine-learning"
epub_uid = epub_identifier  # epubcheck wants the NCX uid to equal the identifier
epub_scheme = "URN"
epub_show_urls = "no"
# Sphinx keeps the last build's .buildinfo as .buildinfo.bak when the configuration
# changed (another POSTS folder, a new title); it is no part of the book.
epub_exclude_files = ["search.html", "downloads/book.pdf", "downloads/book.epub", ".buildinfo.bak"]
