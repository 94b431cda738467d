"""Hostile books opened in Chromium: no payload a post or a file name set runs, on any page,
as printed, or in search results."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import HostileBook, open_in_tabs, serve, site_pages

INJECTED = """() => [...document.querySelectorAll('*')].flatMap(element =>
    [...element.attributes]
    .filter(a => a.name.startsWith('on') && /pwned|alert/.test(a.value))
    .map(a => element.tagName + ' ' + a.name))"""


@pytest.mark.parametrize("corpus", ["hostile_book", "named_book"])
def test_no_payload_runs_in_a_browser(corpus: str, request: pytest.FixtureRequest, browser: Any) -> None:
    """Each page opened in Chromium, as printed (the theme's print-only header repeats
    the title), and the search results for the payloads' words, once shown.

    A few tabs load at a time (a fresh tab per page, one after the other, cost most of
    the time); each is checked once loaded, as before."""
    book = request.getfixturevalue(corpus)
    html = (book.built if isinstance(book, HostileBook) else book).html
    pages = [p.relative_to(html).as_posix() for p in site_pages(html)]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        for site in serve(html):
            searches = ["search.html?q=pwned", "search.html?q=img+onerror", "search.html?q=raw+html"]
            urls = [site + name for name in [*pages, *searches]]
            found = 0
            for url, page in open_in_tabs(context, urls):
                name = url.removeprefix(site)
                page.emulate_media(media="print")
                if name.startswith("search.html?"):
                    page.wait_for_selector(".book-search[data-snippets]", state="attached")
                    found += page.locator("#book-search-results > li").count()
                injected = page.evaluate(INJECTED)
                problems = [p for p in page.problems if "dialog" in p]
                assert injected == [] and problems == [], (name, injected, problems)
            assert found > 0  # the payloads' pages were shown as results, and ran nothing
    finally:
        context.close()
