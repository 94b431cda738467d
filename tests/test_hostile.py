"""Hostile and broken posts: safe output, one clear line each, nothing lost.

The corpus is ``tests/hostile/posts`` with the expected outcome of each file in
``tests/hostile/expected.yaml``; the book built from it must have zero warnings and
none of the injected payloads in its pages.
"""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup

from bookgen.cli import main as convert
from bookgen.post import read_post
from tests.conftest import BuiltBook, build_book, open_page, serve, words
from tests.test_build import page_words, raw_post_words

HOSTILE = Path(__file__).parent / "hostile"
EXPECTED: dict[str, dict[str, Any]] = yaml.safe_load((HOSTILE / "expected.yaml").read_text(encoding="utf-8"))
SAFE_SCHEMES = ("http://", "https://", "mailto:", "#")
FORBIDDEN_ELEMENTS = ("script", "iframe", "object", "embed", "style", "form", "input", "base", "meta", "link")


@dataclass(frozen=True)
class HostileBook:
    posts: Path
    built: BuiltBook


def write_huge_post(folder: Path) -> None:
    line = "An export gone wrong repeats this line with words like zebra and https://example.org/x.\n"
    (folder / "huge.txt").write_text("A huge export\n" + line * (10_000_000 // len(line)), encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_book(tmp_path_factory: pytest.TempPathFactory) -> HostileBook:
    tmp = tmp_path_factory.mktemp("hostile")
    posts = tmp / "posts"
    shutil.copytree(HOSTILE / "posts", posts)
    write_huge_post(posts)
    built = build_book(tmp, posts, None)
    return HostileBook(posts, built)


def article(page: Path) -> Any:
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    found = soup.select_one("article.bd-article")
    assert found is not None, page
    return found


def test_corpus_and_expectations_match() -> None:
    assert set(EXPECTED) == {p.name for p in (HOSTILE / "posts").iterdir()} | {"huge.txt"}


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
                    assert str(value).startswith(SAFE_SCHEMES), f"{page.name}: {attribute}={value}"
        if len(hostname) >= 6:
            assert hostname.casefold() not in words(body.get_text(" ")), f"{page.name}: /etc/hostname inlined"


def test_binary_file_gets_one_line_and_strict_fails(
    hostile_book: HostileBook, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "gen"
    assert convert(["--posts", str(HOSTILE / "posts"), "--out", str(out), "-q"]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert [line.strip() for line in printed if "binary.png" in line] == [EXPECTED["binary.png"]["error"]]
    assert convert(["--posts", str(HOSTILE / "posts"), "--out", str(out), "-q", "--strict"]) == 1


def test_failed_run_leaves_the_last_good_output(tmp_path: Path) -> None:
    out = tmp_path / "gen"
    assert convert(["--posts", str(HOSTILE / "posts"), "--out", str(out), "-q"]) == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    bad_book = tmp_path / "book.yaml"
    bad_book.write_text("title: [broken\n", encoding="utf-8")
    assert convert(["--posts", str(HOSTILE / "posts"), "--out", str(out), "--book", str(bad_book)]) == 2
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


# --- whole pages: every place a post's title, tags or words reach -----------------------

PAYLOAD = "pwned"


def site_pages(html: Path) -> list[Path]:
    """Every page a reader can open: posts, landing, tags, archive, search, 404."""
    return sorted(p for p in html.rglob("*.html") if not p.relative_to(html).parts[0].startswith("_"))


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
    script = (hostile_book.built.html / "searchindex.js").read_text(encoding="utf-8")
    index = json.loads(script.removeprefix("Search.setIndex(").removesuffix(")"))
    assert "Cats <img src=x onerror=alert('pwned-fm-title')> & dogs" in index["titles"]


def test_no_payload_runs_in_a_browser(hostile_book: HostileBook, browser: Any) -> None:
    """Each page opened in Chromium, as printed (the theme's print-only header repeats
    the title), and the search results for the payloads' words, once shown."""
    pages = [p.relative_to(hostile_book.built.html).as_posix() for p in site_pages(hostile_book.built.html)]
    for site in serve(hostile_book.built.html):
        for name in [*pages, "search.html?q=pwned", "search.html?q=img+onerror"]:
            page = open_page(browser, site + name)
            page.emulate_media(media="print")
            if name.startswith("search.html?"):
                page.wait_for_selector("#search-results p.search-summary", state="attached")
            injected = page.evaluate(
                """() => [...document.querySelectorAll('*')].flatMap(element =>
                    [...element.attributes].filter(a => a.name.startsWith('on') && a.value.includes('pwned'))
                    .map(a => element.tagName + ' ' + a.name))"""
            )
            problems = [p for p in page.problems if "dialog" in p]
            page.close()
            assert injected == [] and problems == [], (name, injected, problems)
