"""Sphinx extension: the book's identity and shape in every output format.

The converter writes its metadata (``labels.BOOK_METADATA``) next to the pages it
generates; this reads it when the configuration is ready, so ``conf.py`` never
hard-codes what the curated book file says and any source folder (tests, ``POSTS=``)
builds alike.

For LaTeX the landing page is reshaped into the book's spine: each captioned
toctree (a part of the book) becomes a part, so posts become chapters, and the HTML-only
landing content (cards, intro) is left to the title page.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from docutils import nodes
from markupsafe import escape
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import texescape

from ..labels import BOOK_METADATA, GENERATED_DIR
from .feed import atom_feed

PAPER_BUILDERS = frozenset({"latex"})


def book_metadata(app: Sphinx) -> dict[str, Any] | None:
    """The converter's metadata of the book being built, if the converter has run."""
    path = Path(app.srcdir) / GENERATED_DIR / BOOK_METADATA
    if not path.exists():
        return None
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def apply_book_metadata(app: Sphinx, config: Config) -> None:
    book = book_metadata(app)
    if book is None:
        return
    config.book_glossary = book.get("glossary") or {}
    # The posts' language: the search index's stemmer and stopwords, the pages' lang,
    # hyphenation and the labels Sphinx writes ("Contents", "Search") on paper and online.
    config.language = book.get("language") or config.language
    config.project = book.get("title") or config.project
    config.author = book.get("author") or config.author
    config.html_title = config.project
    config.epub_title = config.project
    # EPUB 3 wants a creator: without an author line (POSTS=dir), the book's own title,
    # as the feed names it.
    config.epub_author = config.author or config.project
    # Sphinx puts the title and author into LaTeX as markup: a "_" or "$" of a folder's
    # name or a book title would break the PDF, so they are escaped here.
    title, author = (
        texescape.escape(str(text), config.latex_engine) for text in (config.project, config.author)
    )
    config.latex_documents = [(config.root_doc, "book.tex", title, author, "manual")]
    preamble = many_chapters_preamble(len(book.get("posts") or []) + REFERENCE_CHAPTERS)
    if preamble:
        elements = dict(config.latex_elements)
        elements["preamble"] = elements.get("preamble", "") + preamble
        config.latex_elements = elements


# A book of 100 chapters or more, on paper. The contents: report's box for a chapter
# number holds two digits (1.5em), and its page number box three; a blog of hundreds or
# thousands of posts ran its numbers into the titles ("1000Merge ..."). A bold digit is
# half an em; half an em is left before the title. The chapter headings: fncychap's
# Bjarne style spells the number out, knowing words up to 99 only, so chapter 891 was
# headed "CHAPTER ONE"; such a book's headings show the number in digits. The reference
# chapters (glossary, resources) come after the posts.
REFERENCE_CHAPTERS = 5


def many_chapters_preamble(chapters: int) -> str:
    """Preamble LaTeX for a book of ``chapters`` chapters: for 100 or more, wider number
    boxes in the contents and chapter numbers in digits; else nothing."""
    digits = len(str(chapters))
    if digits <= 2:
        return ""
    return (
        "\\makeatletter\n"
        f"\\patchcmd{{\\l@chapter}}{{\\setlength\\@tempdima{{1.5em}}}}"
        f"{{\\setlength\\@tempdima{{{0.5 * digits + 0.5}em}}}}{{}}{{}}\n"
        "\\renewcommand\\@pnumwidth{2.5em}\n"
        "\\@ifundefined{TheAlphaChapter}{}{\\renewcommand\\TheAlphaChapter{\\thechapter}}\n"
        "\\makeatother\n"
    )


def parts_for_paper(app: Sphinx, doctree: nodes.document) -> None:
    """LaTeX: the root page becomes one section per captioned toctree, in order."""
    if app.builder.name not in PAPER_BUILDERS or app.env.docname != app.config.root_doc:
        return
    parts: list[nodes.section] = []
    for number, toctree in enumerate(doctree.findall(addnodes.toctree), start=1):
        caption = toctree.get("caption")
        if not caption:
            continue
        # "Part II: Careers" in the sidebar; LaTeX numbers parts itself.
        caption = caption.split(": ", 1)[1] if caption.startswith("Part ") and ": " in caption else caption
        wrapper = toctree.parent if isinstance(toctree.parent, nodes.compound) else toctree
        section = nodes.section("", nodes.title(caption, caption), ids=[f"book-part-{number}"])
        copy = wrapper.deepcopy()
        for inner in copy.findall(addnodes.toctree):
            # The part's title says it; and Sphinx would take the first toctree caption
            # for the heading of the table of contents ("Part I: ..." for "Contents").
            inner.attributes.pop("caption", None)
        section += copy
        parts.append(section)
    title_section = next(iter(doctree.findall(nodes.section)), None)
    if parts and title_section is not None:
        # The LaTeX writer takes the root page's first title for the book's title page
        # and typesets the sections under it, so the parts go under that title.
        title = title_section[0] if isinstance(title_section[0], nodes.title) else nodes.title("", "")
        title_section.children = []
        title_section += title
        title_section.extend(parts)
        doctree.children = [title_section]


def escape_print_title(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: nodes.document | None
) -> None:
    """HTML: the book theme prints ``pagetitle`` (the title as plain text) into the
    print-only header without escaping it, so a post titled ``<img onerror=...>`` would
    run script. Escaped here, after the theme set it; ``Markup`` is never escaped twice."""
    if "pagetitle" in context:
        context["pagetitle"] = escape(context["pagetitle"])


def write_feed(app: Sphinx, exception: Exception | None) -> None:
    """HTML: an Atom feed of the posts at ``feed.xml``, with absolute links."""
    if exception is not None or app.builder.format != "html" or app.builder.name.startswith("epub"):
        return
    book = book_metadata(app)
    if book is None:
        return
    base_url = app.config.html_baseurl or "http://127.0.0.1:8000/"
    (Path(app.outdir) / "feed.xml").write_text(atom_feed(book, base_url.rstrip("/") + "/"), encoding="utf-8")


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", apply_book_metadata)
    app.connect("build-finished", write_feed)
    app.connect("doctree-read", parts_for_paper)
    # After the theme's own handler (priority 500), which sets the print title.
    app.connect("html-page-context", escape_print_title, priority=900)
    return {"version": "0.2", "parallel_read_safe": True, "parallel_write_safe": True}
