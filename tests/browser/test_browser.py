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
