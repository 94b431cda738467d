"""Fixtures and hooks only; what tests share otherwise is in ``tests/helpers.py``.

The tests are laid out by cost, one folder per layer:

- ``tests/unit/``: no Sphinx, LaTeX or browser; ``make test-fast`` runs these alone.
- ``tests/build/``: anything that runs Sphinx, LaTeX or epubcheck (marked ``build``).
- ``tests/browser/``: Chromium via Playwright against a built book (marked ``browser``).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import (
    CHROMIUM,
    GLOSSARY_FILE,
    HOSTILE,
    BuiltBook,
    HostileBook,
    build_book,
    build_real_book,
    need,
    write_hostile_names,
    write_huge_post,
    write_search_blog,
)

TESTS = Path(__file__).resolve().parent
LAYER_MARKERS = {"build": "build", "browser": "browser"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test by its folder, the one place the layers are set."""
    for item in items:
        try:
            layer = item.path.resolve().relative_to(TESTS).parts[0]
        except ValueError:
            continue
        if layer in LAYER_MARKERS:
            item.add_marker(LAYER_MARKERS[layer])


@pytest.fixture(scope="session")
def built_book(tmp_path_factory: pytest.TempPathFactory) -> BuiltBook:
    """The project's own book, built once per session."""
    return build_real_book(tmp_path_factory.mktemp("book"))


@pytest.fixture(scope="session")
def hostile_book(tmp_path_factory: pytest.TempPathFactory) -> HostileBook:
    """tests/hostile/posts and a 10 MB export, built once per session."""
    tmp = tmp_path_factory.mktemp("hostile")
    posts = tmp / "posts"
    shutil.copytree(HOSTILE / "posts", posts)
    write_huge_post(posts)
    built = build_book(tmp, posts, None)
    return HostileBook(posts, built)


@pytest.fixture(scope="session")
def search_book(tmp_path_factory: pytest.TempPathFactory) -> BuiltBook:
    """The search's test blog (tests/search/blog among generated posts), with the
    project's glossary, built once per session."""
    tmp = tmp_path_factory.mktemp("search")
    return build_book(tmp, write_search_blog(tmp / "posts"), None, glossary_file=GLOSSARY_FILE)


@pytest.fixture(scope="session")
def named_book(tmp_path_factory: pytest.TempPathFactory) -> BuiltBook:
    """Posts whose names, tags and fields hold line ends and markup, built once per session."""
    tmp = tmp_path_factory.mktemp("names")
    write_hostile_names(tmp / "posts")
    return build_book(tmp, tmp / "posts", None)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Chromium, for one module: Playwright's threads must not outlive it, since later
    tests fork worker processes (a fork beside them can hang)."""
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
