"""Glossary in the built book: used-in links, grouping and index, key terms and tooltips,
and a parallel build equal to the serial one."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup

from tests.helpers import BuiltBook, build_real_book, content_pages, generated_pages, terms_used_in_posts

# --- the built book ---------------------------------------------------------------------


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_used_in_links_land_on_the_mention(built_book: BuiltBook) -> None:
    page = soup(built_book.html / "generated" / "glossary.html")
    article = page.select_one("article.bd-article")
    assert article is not None
    links = [a["href"] for a in article.select("dd li a.reference")]
    # At least one for each term the posts use, and one for each mention the posts mark.
    assert len(links) >= len(terms_used_in_posts())
    mentions = {
        (page.name, str(mention["id"]))
        for page in (built_book.html / "generated" / "posts").glob("*.html")
        for mention in soup(page).select("article [id^=gloss-]")
    }
    targets = {(Path(str(href).partition("#")[0]).name, str(href).partition("#")[2]) for href in links}
    assert targets == mentions
    post_pages: dict[str, BeautifulSoup] = {}  # each post parsed once
    for href in links:
        target, _, anchor = str(href).partition("#")
        assert anchor.startswith("gloss-"), href
        if target not in post_pages:
            post_pages[target] = soup(built_book.html / "generated" / target)
        assert post_pages[target].find(id=anchor) is not None, href


def test_glossary_terms_are_grouped_and_indexed(built_book: BuiltBook) -> None:
    page = soup(built_book.html / "generated" / "glossary.html")
    headings = [h.get_text(strip=True).rstrip("#") for h in page.select("article h2")]
    assert headings[:3] == ["A", "B", "C"] and headings[-1] == "0–9"
    index = (built_book.html / "genindex.html").read_text(encoding="utf-8")
    assert "Machine learning" in index


def test_posts_end_with_key_terms_and_mentions_carry_tooltips(built_book: BuiltBook) -> None:
    page = soup(built_book.html / "generated" / "posts" / "hello-ml-world.html")
    key_terms = page.select_one(".key-terms")
    assert key_terms is not None and "Machine learning" in key_terms.get_text()
    mention = page.select_one(".gloss")
    assert mention is not None
    tip = mention.select_one(".gloss-tip")
    assert tip is not None and tip.get("role") == "tooltip"
    assert tip.get_text().startswith("The practice of building software")


def article_html(path: Path) -> str:
    article = soup(path).select_one("article.bd-article")
    assert article is not None, path
    return str(article)


def test_parallel_build_matches_serial(tmp_path: Path, built_book: BuiltBook) -> None:
    parallel = build_real_book(tmp_path, extra_args=("-j", "2"))
    assert parallel.warnings == "" and parallel.status == 0
    pages = [built_book.html / "index.html", *sorted((built_book.html / "generated").rglob("*.html"))]
    names = {page.relative_to(built_book.html).as_posix() for page in pages}
    assert names == generated_pages(built_book.docs) and content_pages() <= names
    for page in pages:
        twin = parallel.html / page.relative_to(built_book.html)
        assert article_html(twin) == article_html(page), page.name
        assert sidebar_html(twin) == sidebar_html(page), page.name


def sidebar_html(path: Path) -> str:
    nav = soup(path).select_one("nav.bd-docs-nav")
    assert nav is not None, path
    return str(nav)
