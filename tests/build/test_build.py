"""Build the real book as ``make html`` does and read it back as a reader would."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from bookgen.assemble.parts import make_slug
from bookgen.read.post import read_post
from bookgen.render.book_pages import PART_CARDS
from tests.helpers import (
    BOOK_FILE,
    FIXTURES,
    POSTS,
    BuiltBook,
    build_book,
    page_words,
    part_titles,
    raw_post_words,
    resource_categories,
    roman,
    site_pages,
    write_posts,
)


def test_builds_with_zero_warnings(built_book: BuiltBook) -> None:
    assert built_book.warnings == ""
    assert built_book.status == 0


@pytest.mark.parametrize("path", sorted(POSTS.iterdir()), ids=lambda p: p.name)
def test_every_word_of_the_post_is_in_its_page(built_book: BuiltBook, path: Path) -> None:
    post = read_post(path.read_bytes(), path.name)
    page = built_book.html / "generated" / "posts" / f"{make_slug(post.title, post.source)}.html"
    missing = sorted(raw_post_words(path) - page_words(page))
    assert not missing, f"{path.name}: words missing from {page.name}: {missing}"


def test_navigation_has_every_part_and_post(built_book: BuiltBook) -> None:
    soup = BeautifulSoup((built_book.html / "index.html").read_text(encoding="utf-8"), "html.parser")
    nav = soup.select_one("nav.bd-docs-nav")
    assert nav is not None
    captions = [c.get_text(strip=True) for c in nav.select(".caption-text")]
    parts = [f"Part {roman(number)}: {title}" for number, title in enumerate(part_titles(), 1)]
    assert captions == [*parts, "Reference", "About this book"]
    linked = {a.get_text(" ", strip=True) for a in nav.find_all("a")}
    for path in POSTS.iterdir():
        assert read_post(path.read_bytes(), path.name).title in linked


def test_landing_page_has_a_card_per_post_and_post_pages_show_metadata(built_book: BuiltBook) -> None:
    landing = BeautifulSoup((built_book.html / "index.html").read_text(encoding="utf-8"), "html.parser")
    cards = landing.select(".sd-card")
    assert len(cards) == len(list(POSTS.iterdir()))
    assert all("min read" in card.get_text() for card in cards)
    page = built_book.html / "generated" / "posts" / "some-random-thoughts-on-ml.html"
    meta = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select_one(".post-meta")
    assert meta is not None
    assert "27 October 2024 · 5 min read · Tags: scene · Source: 000_143840a79ac7977d.txt" in " ".join(
        meta.get_text(" ").split()
    )


def test_any_folder_of_posts_builds_without_a_book_file(tmp_path: Path) -> None:
    built = build_book(tmp_path, FIXTURES / "posts", None)
    assert built.warnings == "" and built.status == 0
    captions = BeautifulSoup((built.html / "index.html").read_text(encoding="utf-8"), "html.parser")
    parts = [c.get_text(strip=True) for c in captions.select("nav.bd-docs-nav .caption-text")]
    assert parts[:4] == ["Part I: 2019", "Part II: 2021", "Part III: 2023", "Part IV: Undated posts"]
    assert BOOK_FILE.exists()


def test_a_part_longer_than_the_landing_page_shows_has_a_page_with_every_post(tmp_path: Path) -> None:
    notes = {
        f"2020-01-{day:02d}-note.md": f"# Note {day}\n\nWombats dig burrows, day {day}.\n"
        for day in range(1, 17)
    }
    built = build_book(tmp_path, write_posts(tmp_path / "posts", notes), None)
    assert built.warnings == "" and built.status == 0
    landing = BeautifulSoup((built.html / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert len(landing.select(".sd-card")) == PART_CARDS
    nav = landing.select_one("nav.bd-docs-nav")
    assert nav is not None and len(nav.select("a[href^='generated/posts/']")) == 16  # the sidebar keeps all
    more = landing.select_one(".part-more a")
    assert more is not None and more.get_text(" ", strip=True) == "All 16 posts of Part I: 2020"
    part = built.html / str(more["href"])
    article = BeautifulSoup(part.read_text(encoding="utf-8"), "html.parser").select_one("article")
    assert article is not None
    links = [str(a["href"]) for a in article.select("li a.reference.internal")]
    assert len(links) == 16 and all((part.parent / href).exists() for href in links)


def test_online_book_links_the_pdf_and_epub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    extra = tmp_path / "extra" / "downloads"
    extra.mkdir(parents=True)
    (extra / "book.pdf").write_bytes(b"%PDF-1.5 stand-in")
    (extra / "book.epub").write_bytes(b"PK stand-in")
    monkeypatch.setenv("BOOK_EXTRA", str(extra.parent))
    built = build_book(tmp_path / "site", POSTS, BOOK_FILE)
    assert built.warnings == ""
    page = built.html / "generated" / "posts" / "hello-ml-world.html"
    links = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select(".book-downloads a")
    assert [a.get_text() for a in links] == ["EPUB", "PDF", "Atom feed"]
    for link in links[:2]:
        assert (page.parent / str(link["href"])).resolve().read_bytes().endswith(b"stand-in")


def test_feed_is_atom_with_an_entry_per_post(built_book: BuiltBook) -> None:
    import xml.etree.ElementTree as ET

    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.parse(built_book.html / "feed.xml").getroot()
    assert feed.tag == f"{atom}feed"
    for required in ("title", "id", "updated"):
        assert feed.find(f"{atom}{required}") is not None
    entries = feed.findall(f"{atom}entry")
    titles = {read_post(p.read_bytes(), p.name).title for p in POSTS.iterdir()}
    assert {e.findtext(f"{atom}title") for e in entries} == titles
    for entry in entries:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT00:00:00Z", entry.findtext(f"{atom}updated") or "")
        link = entry.find(f"{atom}link")
        assert link is not None and str(link.get("href")).startswith("http")
        local = built_book.html / str(link.get("href")).split("/", 3)[3]
        assert local.exists()


def test_every_internal_link_resolves(built_book: BuiltBook) -> None:
    pages = site_pages(built_book.html)
    ids: dict[Path, set[str]] = {}  # each page parsed once, however many links land on it

    def ids_in(path: Path, soup: BeautifulSoup | None = None) -> set[str]:
        if path not in ids:
            soup = soup or BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
            ids[path] = {str(element["id"]) for element in soup.find_all(id=True)}
        return ids[path]

    checked = 0
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        ids_in(page.resolve(), soup)
        for a in soup.find_all("a", href=True):
            href = str(a["href"])
            if href.startswith(("http:", "https:", "mailto:", "javascript:")) or page.name == "404.html":
                continue
            target, _, anchor = href.partition("#")
            path = (page.parent / target).resolve() if target else page.resolve()
            assert path.exists(), f"{page.name}: {href}"
            if anchor and path.suffix == ".html":
                assert anchor in ids_in(path), f"{page.name}: {href}"
            checked += 1
    # Not a vacuous pass: every page's sidebar links every post, part, the glossary and
    # each category of resources.
    sidebar_links = len(list(POSTS.iterdir())) + len(part_titles()) + 1 + len(resource_categories())
    assert checked > len(pages) * sidebar_links
