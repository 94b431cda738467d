"""Links between posts in the built book: online, on paper and in the EPUB.

The small blog ``tests/blogs/links/blog`` links its own posts in every form a blog
does (see ``tests/unit/test_links.py``); built with its address as ``SITE_URL``, each
link lands on its chapter, each chapter lists who links to it, and the blog's old
addresses redirect to the chapters.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from sphinx.cmd.build import build_main

from tests.build.test_paper import build_pdf
from tests.helpers import ROOT, BuiltBook, build_book, convert_book, epubcheck, need, need_epubcheck

BLOG = ROOT / "tests" / "blogs" / "links" / "blog"
SITE_ARGS = ("--site-url", "https://old.blog.example")
POSTS = "generated/posts"
FIRST, SECOND, THIRD, FOURTH = (
    "first-steps-with-the-garden-robot",
    "second-thoughts-about-the-garden-robot",
    "third-the-plan-for-the-robot",
    "fixing-the-robot-after-the-pond",
)


@pytest.fixture(scope="module")
def online(tmp_path_factory: pytest.TempPathFactory) -> BuiltBook:
    return build_book(tmp_path_factory.mktemp("links"), BLOG, None, convert_args=SITE_ARGS)


def article(built: BuiltBook, slug: str) -> Tag:
    html = (built.html / POSTS / f"{slug}.html").read_text(encoding="utf-8")
    found = BeautifulSoup(html, "html.parser").find("article")
    assert found is not None
    return found


def lands(built: BuiltBook, page: Path, href: str) -> str:
    """The heading text of the element an href from ``page`` lands on."""
    file, _, fragment = href.partition("#")
    target = (page.parent / file).resolve() if file else page
    soup = BeautifulSoup(target.read_text(encoding="utf-8"), "html.parser")
    element = soup.find(id=fragment)
    assert element is not None, href
    heading = element if re.fullmatch(r"h\d", element.name) else element.find(re.compile(r"h\d"))
    assert heading is not None, href
    return " ".join(heading.get_text(" ").replace("#", "").split())


def test_builds_strict_with_every_link_on_its_chapter(online: BuiltBook) -> None:
    assert online.status == 0 and online.warnings == ""
    page = online.html / POSTS / f"{THIRD}.html"
    anchors = article(online, THIRD).find_all("a")
    links = {a.get_text(): str(a["href"]) for a in anchors if a.get_text() != "#"}
    assert lands(online, page, links["the second post"]) == "Second thoughts about the garden robot"
    assert lands(online, page, links["old address"]) == "Second thoughts about the garden robot"
    assert lands(online, page, links["setting up"]) == "Setting up"
    assert lands(online, page, links["the fourth"]) == "Fixing the robot after the pond"
    assert lands(online, page, links["Back to the plan"]) == "The plan"
    fourth = {a.get_text(): str(a["href"]) for a in article(online, FOURTH).find_all("a")}
    assert fourth["a shop"] == "https://example.org/parts"  # external stays external
    assert fourth["old post"] == "https://old.blog.example/2020/01/missing-post/"


def test_each_chapter_lists_the_posts_linking_to_it(online: BuiltBook) -> None:
    section = article(online, THIRD).find("section", id=f"chapter-{THIRD}-linked-from")
    assert section is not None
    items = [" ".join(li.get_text(" ").split()) for li in section.find_all("li")]
    assert items == [
        "First steps with the garden robot : “The plan I wrote later explains the routes.”",
        "Second thoughts about the garden robot : "
        "“The routes fixed most of it, and the fourth post fixed the rest.”",
        "Fixing the robot after the pond : “The fix follows the plan and my second thoughts.”",
    ]
    page = online.html / POSTS / f"{THIRD}.html"
    first = section.find("a", class_="reference")
    assert first is not None
    assert lands(online, page, str(first["href"])) == "First steps with the garden robot"


def test_related_posts_say_what_they_share(online: BuiltBook) -> None:
    section = article(online, FIRST).find("section", id=f"chapter-{FIRST}-related-posts")
    assert section is not None
    assert "no-search" in section["class"]  # it quotes other posts: not the page's own words
    items = [" ".join(li.get_text(" ").split()) for li in section.find_all("li")]
    assert items == ["Third: the plan for the robot · Also about: garden"]
    assert "Related posts" not in article(online, "a-recipe-for-lentil-soup").get_text()


def test_old_addresses_redirect_to_their_chapters(online: BuiltBook) -> None:
    for old, slug in (
        ("custom/third-post/index.html", THIRD),
        ("old/second/index.html", SECOND),
        ("2021/03/04/first-steps.html", FIRST),
    ):
        redirect = online.html / old
        target = re.search(r'url=([^"]+)"', redirect.read_text(encoding="utf-8"))
        assert target is not None, old
        chapter = online.html / POSTS / f"{slug}.html"
        assert (redirect.parent / target.group(1)).resolve() == chapter.resolve()


def test_on_paper_links_are_internal_with_the_page_number(tmp_path: Path) -> None:
    docs = convert_book(tmp_path, BLOG, None, convert_args=SITE_ARGS)
    latex = tmp_path / "latex"
    need(
        bool(shutil.which("lualatex") and shutil.which("latexmk")), "TeX (lualatex, latexmk) is not installed"
    )
    need(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils) is not installed")
    text = " ".join(build_pdf(docs, latex).split())
    tex = (latex / "book.tex").read_text(encoding="utf-8")
    label = f"{POSTS}/{THIRD}:chapter-{THIRD}"
    assert f"\\hyperref[\\detokenize{{{label}}}]{{\\sphinxcrossref{{" in tex  # internal, not a URL
    assert f"(\\autopageref*{{\\detokenize{{{label}}}}})" in tex
    assert "old.blog.example/custom" not in tex
    assert re.search(r"The fix follows the plan \(page \d+\)", text), text[:2000]
    assert re.search(r"Linked from .*First steps with the garden robot \(page \d+\)", text)


def test_the_epub_links_its_chapters_and_has_no_redirect_pages(tmp_path: Path) -> None:
    need_epubcheck()
    docs = convert_book(tmp_path, BLOG, None, convert_args=SITE_ARGS)
    out = tmp_path / "epub"
    args = ["-b", "epub", "-c", str(ROOT), "-d", str(tmp_path / "doctrees"), str(docs), str(out)]
    assert build_main([*args, "-W", "-n", "-q"]) == 0
    with zipfile.ZipFile(out / "book.epub") as epub:
        names = epub.namelist()
        page = epub.read(f"{POSTS}/{THIRD}.xhtml").decode("utf-8")
    assert f'href="{SECOND}.xhtml#chapter-{SECOND}"' in page
    assert f'href="{FIRST}.xhtml#chapter-{FIRST}-1"' in page
    assert not any(name.startswith(("custom/", "old/", "2021/")) for name in names)
    assert epubcheck(out / "book.epub") == ""
