"""In a real browser (Debian's Chromium via Playwright), against the built book served on
127.0.0.1: what a reader sees and does. Screenshots land in _build/screenshots/."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.helpers import (
    ROOT,
    BuiltBook,
    content_pages,
    open_in_tabs,
    open_page,
    post_paths,
    post_slug,
    post_title,
    posts_in_book_order,
    serve,
    site_pages,
)

SCREENSHOTS = ROOT / "_build" / "screenshots"
POST_PAGES = sorted(f"generated/posts/{post_slug(path)}.html" for path in post_paths())


@pytest.fixture(scope="module")
def site(built_book: BuiltBook) -> Iterator[str]:
    yield from serve(built_book.html)


# --- glossary hover ---------------------------------------------------------------------


def test_hovering_a_term_shows_its_definition(browser: Any, site: str) -> None:
    page = open_page(browser, site + "generated/posts/hello-ml-world.html")
    mention = page.locator(".gloss").first
    tip = mention.locator(".gloss-tip")
    assert not tip.is_visible()
    mention.locator("a").hover()
    assert tip.is_visible()
    assert tip.inner_text().startswith("The practice of building software")
    page.mouse.move(0, 0)
    assert not tip.is_visible()
    assert page.problems == []
    page.close()


def test_keyboard_focus_shows_the_definition(browser: Any, site: str) -> None:
    page = open_page(browser, site + "generated/posts/hello-ml-world.html")
    mention = page.locator(".gloss").first
    mention.locator("a").focus()
    assert mention.locator(".gloss-tip").is_visible()
    page.close()


# --- search -----------------------------------------------------------------------------


SEARCH_FINISHED = """() => {
    const summary = document.querySelector("#search-results p.search-summary");
    return summary !== null && /finished|did not match/.test(summary.innerText);
}"""


def search(browser: Any, site: str, query: str, stock_ranking: bool = False) -> list[str]:
    """Type the query into the search box as a reader does; the result titles in order.

    ``stock_ranking``: hide the book's scorer (Sphinx embeds it in language_data.js),
    so Sphinx ranks with its own.
    """
    return search_results(browser, site, query, stock_ranking)[0]


def search_results(
    browser: Any, site: str, query: str, stock_ranking: bool = False
) -> tuple[list[str], list[str]]:
    """``search``'s titles, and the snippet shown under each result (once all came)."""
    page = open_page(browser, "about:blank")
    if stock_ranking:

        def without_book_scorer(route: Any) -> None:
            response = route.fetch()
            route.fulfill(response=response, body=response.text().replace("var Scorer =", "var bookScorer ="))

        page.route("**/language_data.js", without_book_scorer)
    page.goto(site + "index.html")
    page.keyboard.press("Control+k")
    box = page.locator("input[name=q]:visible").first
    box.fill(query)
    box.press("Enter")
    # Sphinx shows one result every few milliseconds and fetches each snippet afterwards:
    # the list is read once the summary says the search finished, snippets when they come.
    page.wait_for_function(SEARCH_FINISHED, timeout=15000)
    titles: list[str] = page.locator("#search-results ul.search li > a").all_inner_texts()
    assert titles, f"no result for {query!r}"
    if len(titles) > 1:
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        try:
            page.wait_for_selector("#search-results ul.search li p.context", state="attached", timeout=15000)
            snippets_shown = (
                f"document.querySelectorAll('#search-results li p.context').length >= {len(titles)}"
            )
            page.wait_for_function(f"() => {snippets_shown}", timeout=15000)
        except PlaywrightTimeout:
            pytest.fail("results show no snippet of context")
    snippets = [
        " ".join(text.split()) for text in page.locator("#search-results li p.context").all_inner_texts()
    ]
    page.close()
    return titles, snippets


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("kindle", "Week 4: My Interest in Machine Learning"),
        ("lockdown", "What have I been upto in 2020?"),
        ("ghosted", "Some random thoughts on ML"),
        ("BowTiedHal", "Musings on Machine Learning Engineering"),
        ("weaving", "Hello, ML World"),
        ("quantization", "Glossary"),
        ("Taylor series", "Glossary"),
        ("Distill", "Articles and essays > Distill"),
        ("RedwoodJS", "Tools and libraries > RedwoodJS"),
        ("Grammarly", "Platforms and services > Grammarly"),
        # The post that talks of it, before the resource category page citing it.
        ("Starcraft", "Musings on Machine Learning Engineering"),
    ],
)
def test_search_puts_the_right_page_first(browser: Any, site: str, query: str, first: str) -> None:
    assert search(browser, site, query)[0] == first


def test_snippets_are_the_posts_words_not_the_meta_line_or_the_theme(browser: Any, site: str) -> None:
    titles, snippets = search_results(browser, site, "career")
    assert len(titles) > 2 and len(snippets) == len(titles)
    posts = {post_title(path) for path in post_paths()}
    shown = [snippet for title, snippet in zip(titles, snippets, strict=True) if title in posts]
    assert len(shown) >= 2
    for snippet in shown:
        for chrome in (
            "min read",
            "Source:",
            "System Settings",
            "Light Dark",
            "Linked from",
            "Related posts",
        ):
            assert chrome not in snippet, (chrome, snippet)


def test_pages_listing_posts_come_after_the_posts(browser: Any, site: str) -> None:
    titles = search(browser, site, "career")
    posts = {
        title
        for title in titles
        if title in {"Musings on Machine Learning Engineering", "Some random thoughts on ML"}
    }
    listings = [title for title in titles if title in {"Tags", "Archive", "Ways into Machine Learning"}]
    assert posts
    for listing in listings:
        assert titles.index(listing) > max(titles.index(post) for post in posts)


def test_glossary_query_lists_the_entry_and_the_posts_using_it(browser: Any, site: str) -> None:
    titles = search(browser, site, "Kubeflow")
    assert titles[0] == "Glossary" and "What have I been upto in 2020?" in titles


def test_scorer_beats_the_default_ranking(browser: Any, site: str) -> None:
    """With Sphinx's own scorer the entry titled "Distill" is not first."""
    stock = search(browser, site, "Distill", stock_ranking=True)
    ours = search(browser, site, "Distill")
    assert ours[0] == "Articles and essays > Distill"
    assert stock[0] != ours[0] and stock.index(ours[0]) > 0


# --- navigation -------------------------------------------------------------------------


def test_next_links_walk_through_every_post(browser: Any, site: str, built_book: BuiltBook) -> None:
    page = open_page(browser, site + "index.html")
    visited = []
    for _ in range(len(site_pages(built_book.html)) + 1):  # more steps than the book has pages
        visited.append(page.url.removeprefix(site))
        following = page.locator("a.right-next")
        if following.count() == 0:
            break
        following.first.click()
        page.wait_for_load_state()
    page.close()
    assert [p for p in visited if p in POST_PAGES] == [
        f"generated/posts/{post_slug(path)}.html" for path in posts_in_book_order()
    ]


def test_sidebar_reaches_every_post_and_marks_the_current_one(browser: Any, site: str) -> None:
    page = open_page(browser, "about:blank")  # one tab visits every post in turn
    for post in POST_PAGES:
        page.goto(site + post)
        nav = page.locator("nav.bd-docs-nav")
        hrefs = nav.locator("a").evaluate_all("links => links.map(a => a.href)")
        assert all(any(h.endswith(p) for h in hrefs) for p in POST_PAGES if p != post)
        current = nav.locator("li.current.active > a")
        assert current.count() == 1 and current.first.get_attribute("href") in ("#", "")
    page.close()


def test_no_console_errors_on_any_page(browser: Any, site: str, built_book: BuiltBook) -> None:
    pages = [p.relative_to(built_book.html).as_posix() for p in site_pages(built_book.html)]
    # Every post, the glossary and each category of resources has a page, and so do the
    # landing page and others.
    expected = content_pages()
    assert expected <= set(pages) and len(pages) > len(expected)
    # A few tabs load at a time; each is then checked once the network has been quiet
    # for half a second, as before, but the quiet periods of the tabs overlap.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        for url, tab in open_in_tabs(context, [site + name for name in pages]):
            tab.wait_for_load_state("networkidle")
            assert tab.problems == [], (url.removeprefix(site), tab.problems)
    finally:
        context.close()


def test_keyboard_reaches_the_content(browser: Any, site: str) -> None:
    page = open_page(browser, site + POST_PAGES[0])
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert "Skip to main content" in focused
    page.close()


# --- accessibility and looks ------------------------------------------------------------


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize(
    "name",
    ["index.html", POST_PAGES[0], "generated/glossary.html", "generated/resources/tools.html"],
)
def test_no_serious_accessibility_violations(browser: Any, site: str, name: str, theme: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page = open_page(browser, site + name)
    page.evaluate(
        f"document.documentElement.dataset.theme = document.documentElement.dataset.mode = '{theme}'"
    )
    # Checked as the reader sees the page once the switch is done: any animation the theme
    # starts is awaited to its end (a state, not a delay), so no mid-fade colour is judged.
    page.evaluate("Promise.all(document.getAnimations().map(animation => animation.finished))")
    results = Axe().run(page)
    serious = [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}: {v['nodes'][0]['target']})"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    page.close()
    assert serious == []


@pytest.mark.parametrize(("label", "width", "height"), [("desktop", 1280, 900), ("mobile", 390, 844)])
def test_screenshots_for_people(browser: Any, site: str, label: str, width: int, height: int) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, file in [("landing", "index.html"), ("post", POST_PAGES[0])]:
        page = open_page(browser, site + file, width, height)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{file} scrolls sideways at {width}px"
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}.png"), full_page=False)
        page.close()
        assert (SCREENSHOTS / f"{name}-{label}.png").stat().st_size > 10_000
