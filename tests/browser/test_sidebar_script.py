"""A large book's sidebar comes from one script per folder (bookgen.sphinx.navscript):
in the browser it is the sidebar a small book has inline, page for page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from booktools.corpus import glossary_terms, synthetic_posts, write_corpus
from tests.helpers import GLOSSARY_FILE, RESOURCES_FILE, BuiltBook, build_book, open_page, serve

# What the sidebar shows of each entry: tag, classes, address, whether it is open.
SIDEBAR_SHAPE = """() => Array.from(document.querySelectorAll(
  "nav.bd-docs-nav li, nav.bd-docs-nav ul, nav.bd-docs-nav a, nav.bd-docs-nav details"
)).map(e => [e.tagName, Array.from(e.classList).sort().join(" "), e.getAttribute("href") || "",
             e.tagName === "DETAILS" ? e.open : null])"""


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> tuple[BuiltBook, BuiltBook]:
    posts = tmp_path_factory.mktemp("posts") / "posts"
    write_corpus(posts, synthetic_posts(24, seed=7, terms=glossary_terms(GLOSSARY_FILE)))
    built = []
    for name, extra in (("inline", []), ("script", ["-D", "book_sidebar_inline_up_to=5"])):
        book = build_book(
            tmp_path_factory.mktemp(name), posts, None, extra_args=extra,
            glossary_file=GLOSSARY_FILE, resources_file=RESOURCES_FILE,
        )  # fmt: skip
        assert (book.status, book.warnings) == (0, "")
        built.append(book)
    return built[0], built[1]


@pytest.fixture(scope="module")
def sites(books: tuple[BuiltBook, BuiltBook]) -> Iterator[tuple[str, str]]:
    inline, script = books
    for inline_site in serve(inline.html):
        for script_site in serve(script.html):
            yield inline_site, script_site


def sample_pages(html: Path) -> list[str]:
    posts = sorted(p.relative_to(html).as_posix() for p in (html / "generated" / "posts").glob("*.html"))
    return ["index.html", "about.html", "generated/glossary.html", posts[0], posts[-1], *sorted(
        p.relative_to(html).as_posix() for p in (html / "generated" / "resources").glob("*.html")
    )[:2]]  # fmt: skip


def test_pages_hold_a_script_tag_not_the_sidebar(books: tuple[BuiltBook, BuiltBook]) -> None:
    inline, script = books
    page = (script.html / sample_pages(script.html)[3]).read_text(encoding="utf-8")
    assert 'data-book-self="' in page and "_book_nav/" in page
    assert page.count("toctree-l1") <= 1  # the home link only; the rest comes from the script
    assert len(page) < len((inline.html / sample_pages(inline.html)[3]).read_text(encoding="utf-8"))
    scripts = list((script.html / "_book_nav").glob("*.js"))
    assert 1 <= len(scripts) <= 6  # one per folder


def test_the_script_draws_the_inline_sidebar(browser: Any, sites: tuple[str, str], books: Any) -> None:
    inline_site, script_site = sites
    for path in sample_pages(books[0].html):
        shapes = []
        for site in (inline_site, script_site):
            page = open_page(browser, site + path)
            shapes.append(page.evaluate(SIDEBAR_SHAPE))
            assert page.problems == [], path
            page.close()
        assert len(shapes[0]) > 24 and shapes[1] == shapes[0], path
        current = [entry for entry in shapes[1] if entry[0] == "A" and "current" in entry[1].split()]
        assert path == "index.html" or len(current) == 1, path
