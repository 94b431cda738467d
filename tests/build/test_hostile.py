"""Hostile and broken posts built into books: zero warnings, every word kept, none of the
injected payloads in any page, and no file name, tag or field changing a page's structure.

The corpus is ``tests/hostile/posts`` with the expected outcome of each file in
``tests/hostile/expected.yaml``; the books are built once per session (``conftest.py``).
"""

from __future__ import annotations

import json
import pickle
import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from docutils import nodes

from bookgen.assemble.parts import make_slug
from bookgen.chars import shown_name
from bookgen.read.post import read_post
from tests.helpers import (
    CONVERTER_DIRECTIVES,
    CONVERTER_ROLES,
    EXPECTED,
    NAME_PAYLOADS,
    BuiltBook,
    HostileBook,
    Structure,
    page_words,
    raw_post_words,
    site_pages,
    structure,
    words,
)

SAFE_SCHEMES = ("http://", "https://", "mailto:", "#")
# A link from one post to another: a page of the book beside it, at a chapter's label.
CHAPTER_HREF = re.compile(r"[a-z0-9-]+\.html#chapter-[a-z0-9-]+")


FORBIDDEN_ELEMENTS = ("script", "iframe", "object", "embed", "style", "form", "input", "base", "meta", "link")


def article(page: Path) -> Any:
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    found = soup.select_one("article.bd-article")
    assert found is not None, page
    return found


def test_builds_with_zero_warnings(hostile_book: HostileBook) -> None:
    assert hostile_book.built.warnings == ""
    assert hostile_book.built.status == 0


@pytest.mark.parametrize("name", [n for n in EXPECTED if "slug" in EXPECTED[n]])
def test_each_post_gets_its_expected_slug_and_reports(hostile_book: HostileBook, name: str) -> None:
    path = hostile_book.posts / name
    post = read_post(path.read_bytes(), name)
    assert [report.kind.value for report in post.reports] == EXPECTED[name]["reports"]
    assert all(str(report).startswith(f"{name}") for report in post.reports)
    assert (hostile_book.built.html / "generated" / "posts" / f"{EXPECTED[name]['slug']}.html").exists()


@pytest.mark.parametrize(
    "name", [n for n in EXPECTED if EXPECTED[n].get("fidelity", True) and "slug" in EXPECTED[n]]
)
def test_every_word_survives(hostile_book: HostileBook, name: str) -> None:
    page = hostile_book.built.html / "generated" / "posts" / f"{EXPECTED[name]['slug']}.html"
    missing = sorted(raw_post_words(hostile_book.posts / name) - page_words(page))
    assert not missing, f"{name}: missing {missing[:20]}"


def test_no_payload_reaches_any_page(hostile_book: HostileBook) -> None:
    hostname = (
        Path("/etc/hostname").read_text(encoding="utf-8").strip() if Path("/etc/hostname").exists() else ""
    )
    pages = sorted((hostile_book.built.html / "generated" / "posts").glob("*.html"))
    assert len(pages) == len([n for n in EXPECTED if "slug" in EXPECTED[n]])
    for page in pages:
        body = article(page)
        for element in body.find_all(True):
            assert element.name not in FORBIDDEN_ELEMENTS, f"{page.name}: <{element.name}>"
            for attribute, value in element.attrs.items():
                assert not attribute.startswith("on"), f"{page.name}: {attribute}= on <{element.name}>"
                assert attribute != "style", f"{page.name}: style= on <{element.name}>"
                if attribute in ("href", "src"):
                    safe = str(value).startswith(SAFE_SCHEMES) or CHAPTER_HREF.fullmatch(str(value))
                    assert safe, f"{page.name}: {attribute}={value}"
        if len(hostname) >= 6:
            assert hostname.casefold() not in words(body.get_text(" ")), f"{page.name}: /etc/hostname inlined"


# --- file names, tags and fields that try to change a generated page's structure ----------


def _page_structures(docs: Path) -> dict[str, Structure]:
    return {
        str(page.relative_to(docs)): structure(page.read_text(encoding="utf-8"))
        for page in sorted((docs / "generated").rglob("*.md"))
    }


def test_no_name_tag_or_field_changes_a_generated_page(named_book: BuiltBook) -> None:
    pages = _page_structures(named_book.docs)
    assert len([p for p in pages if p.startswith("generated/posts/")]) == len(NAME_PAYLOADS) + 2
    for path, page in pages.items():
        assert page.blocks["myst_line_comment"] == 1, path  # the generated note, on one line
        # A post's one target is its chapter label (these posts link no heading).
        assert page.blocks.get("myst_target", 0) == path.startswith("generated/posts/"), path
        assert "html_block" not in page.blocks, path
        assert "html_inline" not in page.inline, path
        directives = {block[1:-1] for block in page.blocks if block.startswith("{")}
        assert directives <= CONVERTER_DIRECTIVES, path
        assert set(page.roles) <= CONVERTER_ROLES, path
        if path.startswith("generated/posts/"):
            # The title; the posts have no headings of their own.
            assert page.blocks["h1"] == 1 and not {"h2", "h3", "h4"} & set(page.blocks), path
    # One heading per tag ("x\r# heading" is one tag) and one for the untagged posts.
    assert pages["generated/tags.md"].blocks == Counter(
        {
            "myst_line_comment": 1,
            "h1": 1,
            "h2": 5,
            "bullet_list_open": 5,
            "list_item_open": 9,
            "paragraph_open": 9,
        }
    )


def test_names_are_shown_exactly_in_the_page(named_book: BuiltBook) -> None:
    for name in NAME_PAYLOADS:
        post = read_post((named_book.docs.parent / "posts" / name).read_bytes(), name)
        page = named_book.html / "generated" / "posts" / f"{make_slug(post.title, post.source)}.html"
        codes = [code.get_text() for code in article(page).select("code")]
        assert shown_name(name) in codes, (name, codes)


def test_whole_pages_hold_nothing_a_name_set(named_book: BuiltBook) -> None:
    assert named_book.status == 0, named_book.warnings
    assert named_book.warnings == ""
    pages = sorted(named_book.html.rglob("*.html"))
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for element in soup.find_all(True):
            assert not [a for a in element.attrs if a.startswith("on")], f"{page.name}: <{element.name}>"
            assert element.get("src") != "x", f"{page.name}: <{element.name} src=x>"
        for script in soup.find_all("script"):
            assert "alert(" not in script.get_text(), page.name
        assert not soup.select("#name-label, #untitled-label, #tick-label, #label, #desc-label"), page.name
    # No raw node reached any page of the book, whatever its builder makes of it.
    for doctree in (named_book.html / ".doctrees").rglob("*.doctree"):
        tree = pickle.loads(doctree.read_bytes())
        assert not list(tree.findall(nodes.raw)), doctree.name


def test_feed_is_well_formed_xml(named_book: BuiltBook) -> None:
    feed = ET.fromstring((named_book.html / "feed.xml").read_bytes())
    titles = [t.text for t in feed.iter("{http://www.w3.org/2005/Atom}title")]
    assert "Control characters # not a heading" in titles
    terms = {c.get("term") for c in feed.iter("{http://www.w3.org/2005/Atom}category")}
    assert {"x # heading", "y (label)=", "bell"} <= terms


# --- whole pages: every place a post's title, tags or words reach -----------------------

PAYLOAD = "pwned"


def test_no_payload_runs_anywhere_on_any_page(hostile_book: HostileBook) -> None:
    """Whole pages, not just the article: head, sidebar, cards, print header, search."""
    pages = site_pages(hostile_book.built.html)
    assert len(pages) > len(EXPECTED)
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        name = page.relative_to(hostile_book.built.html)
        for element in soup.find_all(True):
            if element.name == "script":
                assert "alert(" not in element.get_text(), f"{name}: a post's <script>"
            for attribute, value in element.attrs.items():
                text = " ".join(value) if isinstance(value, list) else str(value)
                assert not (attribute.startswith("on") and PAYLOAD in text), f"{name}: {attribute}={text}"
            assert not (element.name in ("img", "svg") and PAYLOAD in str(element.attrs)), (
                f"{name}: <{element}>"
            )


def test_feed_and_search_index_hold_titles_as_text(hostile_book: HostileBook) -> None:
    feed = ET.fromstring((hostile_book.built.html / "feed.xml").read_bytes())
    titles = {entry.text for entry in feed.iter("{http://www.w3.org/2005/Atom}title")}
    assert "Cats <img src=x onerror=alert('pwned-fm-title')> & dogs" in titles
    script = (hostile_book.built.html / "_search" / "meta.js").read_text(encoding="utf-8")
    assert script.startswith('BookSearch.loaded("meta",') and script.endswith(");\n")
    index = json.loads(script.removeprefix('BookSearch.loaded("meta",').removesuffix(");\n"))
    assert "Cats <img src=x onerror=alert('pwned-fm-title')> & dogs" in [doc[1] for doc in index["docs"]]
    # Text that would end a script early is escaped: no "</script>" in any index file.
    for shard in (hostile_book.built.html / "_search").glob("*.js"):
        assert "</" not in shard.read_text(encoding="utf-8"), shard.name
