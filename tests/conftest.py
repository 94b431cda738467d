"""Shared fixtures: paths, word extraction, and one build of the real book per session."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
POSTS = ROOT / "content" / "posts"
BOOK_FILE = ROOT / "content" / "book.yaml"
GLOSSARY_FILE = ROOT / "content" / "glossary.yaml"
RESOURCES_FILE = ROOT / "content" / "resources.yaml"
SHARED_POSTS = ROOT.parent / "shared" / "posts"
CHROMIUM = Path("/usr/bin/chromium")
IN_CI = bool(os.environ.get("CI"))


def words(text: str) -> set[str]:
    """Case-folded runs of letters and digits: what "every word" means in the tests."""
    found: set[str] = set()
    current: list[str] = []
    for char in unicodedata.normalize("NFC", text) + " ":
        if char.isalnum():
            current.append(char)
        elif current:
            found.add("".join(current).casefold())
            current = []
    return found


def need(condition: bool, reason: str) -> None:
    """Skip with a visible reason, or fail when CI promised the tool is there."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI is set but {reason}")
    pytest.skip(reason)


@dataclass(frozen=True)
class BuiltBook:
    docs: Path
    html: Path
    warnings: str
    status: int


def convert_book(
    tmp: Path,
    posts: Path,
    book_file: Path | None,
    *,
    glossary_file: Path | None = None,
    resources_file: Path | None = None,
) -> Path:
    """Copy the hand-written pages to ``tmp/docs`` and convert ``posts`` beside them."""
    from bookgen.cli import main as convert

    docs = tmp / "docs"
    if not docs.exists():
        shutil.copytree(ROOT / "docs", docs, ignore=shutil.ignore_patterns("generated"))
    args = ["--posts", str(posts), "--out", str(docs / "generated"), "--docs", str(docs), "-q"]
    if book_file is not None:
        args += ["--book", str(book_file)]
    if glossary_file is not None:
        args += ["--glossary", str(glossary_file)]
    if resources_file is not None:
        args += ["--resources", str(resources_file)]
    assert convert(args) == 0
    return docs


def build_book(
    tmp: Path,
    posts: Path,
    book_file: Path | None,
    *,
    extra_args: Iterable[str] = (),
    glossary_file: Path | None = None,
    resources_file: Path | None = None,
) -> BuiltBook:
    """Convert ``posts`` and build HTML the way ``make html`` does, in ``tmp``."""
    from sphinx.cmd.build import build_main

    docs = convert_book(tmp, posts, book_file, glossary_file=glossary_file, resources_file=resources_file)
    warnings = tmp / "warnings.txt"
    html = tmp / "html"
    strict = ["-W", "--keep-going", "-n", "-q", "-w", str(warnings)]
    status = build_main(["-b", "html", "-c", str(ROOT), str(docs), str(html), *strict, *extra_args])
    return BuiltBook(docs, html, warnings.read_text(encoding="utf-8"), status)


@pytest.fixture(scope="session")
def built_book(tmp_path_factory: pytest.TempPathFactory) -> BuiltBook:
    return build_book(
        tmp_path_factory.mktemp("book"),
        POSTS,
        BOOK_FILE,
        glossary_file=GLOSSARY_FILE,
        resources_file=RESOURCES_FILE,
    )


# --- a real browser (Debian's Chromium via Playwright) on pages served from 127.0.0.1 ---


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def serve(folder: Path) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_QuietHandler, directory=folder)
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


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


def open_page(browser: Any, url: str, width: int = 1280, height: int = 900) -> Any:
    page = browser.new_page(viewport={"width": width, "height": height})
    page.problems = []
    page.on("pageerror", lambda error: page.problems.append(f"page error: {error}"))
    page.on(
        "console", lambda msg: page.problems.append(f"console: {msg.text}") if msg.type == "error" else None
    )
    # No page of the book opens a dialog: one is script that a post smuggled in.
    page.on("dialog", lambda dialog: (page.problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    page.goto(url)
    return page
