"""In a real browser (Debian's Chromium via Playwright): what a reader sees and does."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import BuiltBook, need

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    need(CHROMIUM.exists() or shutil.which("chromium") is not None, "Debian's chromium is not installed")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        need(False, "playwright is not installed")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        yield launched
        launched.close()


def open_post(browser: Any, built_book: BuiltBook, slug: str) -> Any:
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto((built_book.html / "generated" / "posts" / f"{slug}.html").as_uri())
    page.errors = errors
    return page


def test_hovering_a_term_shows_its_definition(browser: Any, built_book: BuiltBook) -> None:
    page = open_post(browser, built_book, "hello-ml-world")
    mention = page.locator(".gloss").first
    tip = mention.locator(".gloss-tip")
    assert not tip.is_visible()
    mention.locator("a").hover()
    assert tip.is_visible()
    assert tip.inner_text().startswith("The practice of building software")
    page.mouse.move(0, 0)
    assert not tip.is_visible()
    assert page.errors == []
    page.close()


def test_keyboard_focus_shows_the_definition(browser: Any, built_book: BuiltBook) -> None:
    page = open_post(browser, built_book, "hello-ml-world")
    mention = page.locator(".gloss").first
    mention.locator("a").focus()
    assert mention.locator(".gloss-tip").is_visible()
    page.close()
