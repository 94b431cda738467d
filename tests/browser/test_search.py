"""The book's search in Chromium, as a reader uses it: the right page first for the
queries of tests/search (the five posts, and a blog of 120 posts), results by section
with snippets of the posts' words, results as one types, filters, a bookmarkable
address, the words marked on the page opened, keyboard, accessibility, and the book
opened from disk."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from tests.helpers import (
    SEARCH,
    BuiltBook,
    build_book,
    open_page,
    post_paths,
    post_title,
    search_queries,
    serve,
)

FIVE_POSTS = search_queries("five-posts.yaml")
BLOG = search_queries("blog-queries.yaml")


@pytest.fixture(scope="module")
def site(built_book: BuiltBook) -> Iterator[str]:
    yield from serve(built_book.html)


@pytest.fixture(scope="module")
def blog_site(search_book: BuiltBook) -> Iterator[str]:
    assert search_book.status == 0 and search_book.warnings == ""
    yield from serve(search_book.html)


@pytest.fixture(scope="module")
def french_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A book whose book file says its posts are French (``language: fr``)."""
    tmp = tmp_path_factory.mktemp("french")
    posts = tmp / "posts"
    posts.mkdir()
    shutil.copyfile(SEARCH / "blog" / "2021-06-01-randonnee-pyrenees.md", posts / "randonnee.md")
    (posts / "dimanche.md").write_text(
        "---\ntitle: Le dimanche\ndate: 2022-01-09\n---\n\n"
        "Chaque dimanche, nous cuisinons ensemble, et elle en sort heureuse.\n",
        encoding="utf-8",
    )
    book = tmp / "book.yaml"
    book.write_text(
        "title: Carnets\nlanguage: fr\nparts:\n  - title: Montagne\n    posts: [randonnee.md, dimanche.md]\n",
        encoding="utf-8",
    )
    built = build_book(tmp, posts, book)
    assert built.status == 0 and built.warnings == ""
    yield from serve(built.html)


@pytest.fixture(scope="module")
def tab(browser: Any) -> Iterator[Any]:
    """One tab for the queries, each opened as a bookmarked search address."""
    page = open_page(browser, "about:blank")
    yield page
    page.close()


def wait_for_results(page: Any, query: str, snippets: bool = True) -> None:
    """Until the results (and, with ``snippets``, their snippets) for ``query`` are shown."""
    key = "snippets" if snippets else "shown"
    page.wait_for_function(
        f"(query) => document.querySelector('.book-search')?.dataset.{key} === query",
        arg=query,
        timeout=15000,
    )


def results(page: Any) -> list[dict[str, Any]]:
    """The results shown: address, title, section headings and snippets."""
    found: list[dict[str, Any]] = page.eval_on_selector_all(
        "#book-search-results > li",
        """items => items.map(item => ({
            href: item.querySelector('a.book-search-title').getAttribute('href'),
            title: item.querySelector('a.book-search-title').textContent,
            sections: [...item.querySelectorAll('a.book-search-section')].map(a => a.textContent),
            snippets: [...item.querySelectorAll('.book-search-snippet')].map(p => p.textContent),
            marked: [...item.querySelectorAll('.book-search-snippet mark')].map(m => m.textContent),
        }))""",
    )
    return found


def ask(page: Any, site: str, query: str, **filters: str) -> list[dict[str, Any]]:
    extra = "".join(f"&{key}={quote(value)}" for key, value in filters.items())
    page.goto(f"{site}search.html?q={quote(query)}{extra}")
    wait_for_results(page, query)
    return results(page)


def page_of(href: str) -> str:
    """A result's page as the queries files name it: ``generated/posts/x``."""
    return urlsplit(href).path.removesuffix(".html")


@pytest.mark.parametrize("case", FIVE_POSTS, ids=[case["query"] for case in FIVE_POSTS])
def test_the_five_posts_first_results(tab: Any, site: str, case: dict[str, str]) -> None:
    found = ask(tab, site, case["query"])
    assert found and page_of(found[0]["href"]) == case["first"], [r["href"] for r in found[:3]]


@pytest.mark.parametrize("case", BLOG, ids=[case["query"] for case in BLOG])
def test_a_blogs_first_results(tab: Any, blog_site: str, case: dict[str, str]) -> None:
    found = ask(tab, blog_site, case["query"])
    assert found and page_of(found[0]["href"]) == case["first"], [r["href"] for r in found[:3]]


def test_a_french_book_is_searched_with_french_stems(tab: Any, french_site: str) -> None:
    """French stems "heureuse" as "heureux" (English would not), and "randonnée" as
    "randonnées"."""
    found = ask(tab, french_site, "heureux")
    assert [page_of(r["href"]) for r in found][:1] == ["generated/posts/le-dimanche"]
    assert found[0]["marked"] == ["heureuse"]
    assert (
        page_of(ask(tab, french_site, "randonnée")[0]["href"])
        == "generated/posts/randonnee-dans-les-pyrenees"
    )
    assert tab.evaluate("document.documentElement.lang") == "fr"


def test_query_files_cover_what_a_reader_types() -> None:
    kinds = {case["kind"] for case in FIVE_POSTS + BLOG}
    assert {"word", "phrase", "title", "heading", "term", "resource", "typo", "prefix", "language"} <= kinds
    assert len(FIVE_POSTS) >= 30 and len(BLOG) >= 30


def test_a_phrase_ranks_above_its_words_apart(tab: Any, site: str) -> None:
    """ "feeling down": one post has the phrase; others have "feel" and "down" apart."""
    found = ask(tab, site, "feeling down")
    assert page_of(found[0]["href"]) == "generated/posts/week-4-my-interest-in-machine-learning"
    assert len(found) > 2 and "feeling down" in found[0]["snippets"][0]


def test_a_page_without_the_word_typed_counts_its_other_forms_less(tab: Any, site: str) -> None:
    """Forms are kept per page: a page that writes only "blog" has no "blogging" among
    its forms, yet "blogging" is a word of the book, so "blog" there is another form."""
    ask(tab, site, "blogging")
    typed = tab.evaluate(
        """() => {
            const meta = { forms: 8 };
            const book = new Set(["blog", "blogging", "blogs"]);
            const full = ["a", "b", "c", "d", "e", "f", "g"];
            return [
                BookSearch.isTypedWord(meta, "blogging", ["blog"], book, 0),
                BookSearch.isTypedWord(meta, "blogging", ["blog", "blogging"], book, 1),
                BookSearch.isTypedWord(meta, "blogging", ["blog", "blogging"], book, 0),
                BookSearch.isTypedWord(meta, "bloggers", ["blog"], book, 0),
                BookSearch.isTypedWord(meta, "blogging", full, book, 7),
                BookSearch.isTypedWord(meta, "blogging", full, book, 3),
            ];
        }"""
    )
    # another form; the typed form; another; a word the book never writes (whole); a
    # page whose forms are full ("another" may be it); one of its other forms
    assert typed == [False, True, False, True, True, False]


def test_results_link_the_section_holding_the_words(tab: Any, site: str) -> None:
    found = ask(tab, site, "lockdown")
    first = found[0]
    assert first["sections"] == ["April - July"]
    href = tab.locator("#book-search-results > li a.book-search-section").first.get_attribute("href")
    anchor = urlsplit(href).fragment
    assert anchor and "lockdown" in (first["snippets"][0]).lower() and first["marked"] == ["lockdown"]
    tab.goto(tab.url.rsplit("/", 1)[0] + "/" + href)
    assert tab.locator(f"[id='{anchor}']").count() == 1


def test_snippets_are_the_posts_words_not_the_meta_line_or_the_theme(tab: Any, site: str) -> None:
    found = ask(tab, site, "career")
    posts = {post_title(path) for path in post_paths()}
    shown = [snippet for result in found if result["title"] in posts for snippet in result["snippets"]]
    assert len(shown) >= 2
    for snippet in shown:
        assert "career" in snippet.lower()
        for chrome in (
            "min read",
            "Source:",
            "System Settings",
            "Light Dark",
            "Linked from",
            "Related posts",
        ):
            assert chrome not in snippet, (chrome, snippet)


def test_pages_listing_posts_come_after_the_posts(tab: Any, site: str) -> None:
    titles = [result["title"] for result in ask(tab, site, "career")]
    posts = [
        t for t in titles if t in {"Musings on Machine Learning Engineering", "Some random thoughts on ML"}
    ]
    listings = [t for t in titles if t in {"Tags", "Archive", "Ways into Machine Learning"}]
    assert posts
    for listing in listings:
        assert titles.index(listing) > max(titles.index(post) for post in posts)


def test_glossary_query_lists_the_entry_and_the_posts_using_it(tab: Any, site: str) -> None:
    found = ask(tab, site, "Kubeflow")
    assert found[0]["title"] == "Kubeflow" and page_of(found[0]["href"]) == "generated/glossary"
    assert "What have I been upto in 2020?" in [result["title"] for result in found]


def test_a_mistyped_word_is_corrected_and_said(tab: Any, site: str) -> None:
    found = ask(tab, site, "tensorflwo")
    assert found and found[0]["title"] == "TensorFlow" and found[0]["marked"] == []
    assert "Showing results for" in tab.locator("#book-search-status").inner_text()


def test_results_appear_as_the_reader_types(browser: Any, site: str) -> None:
    page = open_page(browser, site + "search.html")
    box = page.locator("#book-search-input")
    assert page.evaluate("document.activeElement.id") == "book-search-input"
    box.press_sequentially("lockd", delay=30)  # no Enter: a word typed in part
    wait_for_results(page, "lockd", snippets=False)
    assert page_of(results(page)[0]["href"]) == "generated/posts/what-have-i-been-upto-in-2020"
    assert parse_qs(urlsplit(page.url).query)["q"] == ["lockd"]  # the address keeps the query
    assert page.problems == []
    page.close()


def test_the_search_box_of_any_page_opens_the_results(browser: Any, site: str) -> None:
    page = open_page(browser, site + "generated/posts/hello-ml-world.html")
    page.keyboard.press("Control+k")
    box = page.locator("input[name=q]:visible").first
    box.fill("lockdown")
    box.press("Enter")
    wait_for_results(page, "lockdown")
    assert page.url.endswith("search.html?q=lockdown")
    assert results(page)[0]["title"] == "What have I been upto in 2020?"
    assert page.problems == []
    page.close()


def test_filters_by_part_tag_and_year(browser: Any, blog_site: str) -> None:
    page = open_page(browser, blog_site + "search.html?q=harbour")
    wait_for_results(page, "harbour")
    everything = {page_of(result["href"]) for result in results(page)}
    assert len(everything) >= 3
    page.select_option("#book-search-year", label="2022")
    page.wait_for_function("() => new URL(location.href).searchParams.get('year') !== null")
    wait_for_results(page, "harbour")
    assert {page_of(r["href"]) for r in results(page)} == {"generated/posts/two-weeks-of-bicycle-touring"}
    page.select_option("#book-search-year", value="")
    page.select_option("#book-search-tag", label="energy")
    page.wait_for_function("() => new URL(location.href).searchParams.get('tag') !== null")
    wait_for_results(page, "harbour")
    assert {page_of(r["href"]) for r in results(page)} == {"generated/posts/notes-on-tidal-energy-storage"}
    # The address with its filters is a bookmark: opened again, the same results.
    bookmarked = page.url
    page.goto("about:blank")
    page.goto(bookmarked)
    wait_for_results(page, "harbour")
    assert page.locator("#book-search-tag option:checked").inner_text() == "energy"
    assert {page_of(r["href"]) for r in results(page)} == {"generated/posts/notes-on-tidal-energy-storage"}
    parts = page.locator("#book-search-part option").all_inner_texts()
    assert parts[0] == "All parts" and len(parts) > 3
    page.close()


def test_more_results_a_page_at_a_time(browser: Any, blog_site: str) -> None:
    page = open_page(browser, blog_site + "search.html?q=the")  # a word on every page
    wait_for_results(page, "the")
    status = page.locator("#book-search-status").inner_text()
    total = int(status.split()[0])
    assert total > 40 and page.locator("#book-search-results > li").count() == 20
    more = page.locator("#book-search-more")
    assert more.is_visible() and more.inner_text() == f"Show 20 more ({total - 20} not shown)"
    more.click()
    page.wait_for_function("() => document.querySelectorAll('#book-search-results > li').length === 40")
    page.wait_for_function("() => document.activeElement?.closest('#book-search-results') !== null")
    # The keyboard lands on the first result added.
    assert page.evaluate("document.activeElement.closest('li')?.parentElement?.id") == "book-search-results"
    assert page.evaluate("[...document.querySelectorAll('#book-search-results > li')].indexOf("
                         "document.activeElement.closest('li'))") == 20  # fmt: skip
    page.locator("#book-search-input").fill("")
    page.wait_for_function("() => document.querySelector('.book-search').dataset.shown === ''")
    assert not more.is_visible()
    assert page.problems == []
    page.close()


def test_the_page_opened_marks_the_words(tab: Any, site: str) -> None:
    ask(tab, site, "lockdown")
    tab.locator("#book-search-results a.book-search-title").first.click()
    tab.wait_for_load_state()
    assert "generated/posts/what-have-i-been-upto-in-2020.html" in tab.url
    assert "lockdown" in [text.lower() for text in tab.locator(".highlighted").all_inner_texts()]


def test_keyboard_walks_from_the_box_through_the_results(tab: Any, site: str) -> None:
    ask(tab, site, "machine learning")
    tab.locator("#book-search-input").focus()
    tab.keyboard.press("ArrowDown")
    first = tab.locator("#book-search-results a").first
    assert tab.evaluate("document.activeElement.href") == first.evaluate("a => a.href")
    tab.keyboard.press("ArrowDown")
    tab.keyboard.press("ArrowUp")
    tab.keyboard.press("ArrowUp")
    assert tab.evaluate("document.activeElement.id") == "book-search-input"
    tab.keyboard.press("Tab")  # the filters, then the results, by Tab alone too
    assert tab.evaluate("document.activeElement.id") == "book-search-part"


def test_the_book_searches_when_opened_from_disk(browser: Any, built_book: BuiltBook) -> None:
    page = open_page(browser, (built_book.html / "search.html").as_uri() + "?q=Grammarly")
    wait_for_results(page, "Grammarly")
    found = results(page)
    assert found[0]["title"] == "Grammarly" and found[0]["snippets"][0]
    assert page.problems == []
    page.close()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_search_page_has_no_serious_accessibility_violations(browser: Any, site: str, theme: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page = open_page(browser, site + "search.html?q=machine+learning")
    wait_for_results(page, "machine learning")
    page.evaluate(
        f"document.documentElement.dataset.theme = document.documentElement.dataset.mode = '{theme}'"
    )
    page.evaluate("Promise.all(document.getAnimations().map(animation => animation.finished))")
    violations = Axe().run(page).response["violations"]
    serious = [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}: {v['nodes'][0]['target']})"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
    page.close()
    assert serious == []
