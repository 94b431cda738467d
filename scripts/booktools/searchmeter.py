"""Measure search engines side by side on a built book: which page each query puts first.

    python -m booktools.searchmeter _build/html ../tests/search/five-posts.yaml [--pagefind BIN]

For every query of the file (``query``, ``first``: the page expected first, ``kind``) it
asks, in Debian's Chromium, the book's search (``search.html?q=``, as a reader's search
box does) and, given a Pagefind binary, Pagefind (its JavaScript API over an index of
the same pages' articles). It prints each engine's first result, hits at 1 and 3 by
kind, the index's size and what a reader downloads before the first result, and the
time from the query to the first result. A tool for choosing, not a test.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import yaml
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
BOOK_DONE = """(query) => document.querySelector(".book-search")?.dataset.shown === query"""
PAGEFIND_QUERY = """async (query) => {
    const start = performance.now();
    const pagefind = await import("/pagefind/pagefind.js");
    await pagefind.init();
    const search = await pagefind.search(query);
    const found = await Promise.all(search.results.slice(0, 3).map((r) => r.data()));
    const elapsed = performance.now() - start;
    const bytes = performance.getEntriesByType("resource")
        .filter((entry) => entry.name.includes("/pagefind/"))
        .reduce((sum, entry) => sum + (entry.transferSize || entry.encodedBodySize || 0), 0);
    return {urls: found.map((d) => d.url), ms: elapsed, bytes: bytes};
}"""


@dataclass(frozen=True)
class Query:
    query: str
    first: str
    kind: str


@dataclass
class Answer:
    pages: list[str]
    ms: float
    bytes: int = 0


@dataclass
class Engine:
    name: str
    answers: dict[str, Answer] = field(default_factory=dict)
    index_bytes: int = 0


def page_path(url: str) -> str:
    """A result's page as the queries file names it: ``generated/posts/x``."""
    path = urlsplit(url).path.lstrip("/")
    return path.removesuffix(".html").removesuffix("/index")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002  (the base class's name)
        pass


@contextmanager
def served(folder: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


def ask_book(browser: Any, site: str, query: str) -> Answer:
    page = browser.new_page()
    start = time.perf_counter()
    page.goto(site + "search.html?q=" + quote(query))
    page.wait_for_function(BOOK_DONE, arg=query, timeout=30000)
    elapsed = (time.perf_counter() - start) * 1000
    hrefs = page.eval_on_selector_all("#book-search-results > li > a", "links => links.map(a => a.href)")
    size = page.evaluate(  # the index and the search code, not the theme every page loads
        "() => performance.getEntriesByType('resource')"
        ".filter(e => /_search\\/|booksearch|language_data/.test(e.name))"
        ".reduce((s, e) => s + (e.transferSize || e.encodedBodySize || 0), 0)"
    )
    page.close()
    return Answer([page_path(href) for href in hrefs[:3]], elapsed, int(size))


def ask_pagefind(browser: Any, site: str, query: str) -> Answer:
    page = browser.new_page()
    page.goto(site + "index.html")
    found = page.evaluate(PAGEFIND_QUERY, query)
    page.close()
    return Answer([page_path(url) for url in found["urls"]], float(found["ms"]), int(found["bytes"]))


# The pages a reader searches for: chapters and the reference pages, not the pages that
# list them (landing, parts, tags, archive) or Sphinx's own (general index, search).
PAGEFIND_GLOB = "{generated/posts/*.html,generated/glossary.html,generated/resources/*.html}"


def index_pagefind(html: Path, binary: str) -> int:
    """Index the articles of the book's pages with Pagefind; the index's size in bytes."""
    shutil.rmtree(html / "pagefind", ignore_errors=True)
    subprocess.run(
        [binary, "--site", str(html), "--root-selector", "article.bd-article",
         "--exclude-selectors", ".no-search, .headerlink, .gloss-tip", "--glob", PAGEFIND_GLOB],
        check=True, capture_output=True,
    )  # fmt: skip
    return sum(path.stat().st_size for path in (html / "pagefind").rglob("*") if path.is_file())


def measure(html: Path, queries: Sequence[Query], pagefind: str | None) -> list[Engine]:
    index = sum(path.stat().st_size for path in (html / "_search").glob("*.js"))
    engines = [Engine("book", index_bytes=index)]
    if pagefind:
        engines.append(Engine("pagefind", index_bytes=index_pagefind(html, pagefind)))
    ask = {"book": ask_book, "pagefind": ask_pagefind}
    with served(html) as site, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for engine in engines:
            for query in queries:
                engine.answers[query.query] = ask[engine.name](browser, site, query.query)
        browser.close()
    return engines


def report(queries: Sequence[Query], engines: Sequence[Engine]) -> list[str]:
    lines = []
    for query in queries:
        firsts = [engine.answers[query.query].pages[:1] for engine in engines]
        marks = " ".join(
            f"{engine.name}={'ok' if first == [query.first] else (first[0] if first else '-')}"
            for engine, first in zip(engines, firsts, strict=True)
        )
        lines.append(f"{query.kind:<9} {query.query!r:<28} {marks}")
    lines.append("")
    kinds = sorted({query.kind for query in queries})
    for engine in engines:
        hits1 = [query for query in queries if engine.answers[query.query].pages[:1] == [query.first]]
        hits3 = [query for query in queries if query.first in engine.answers[query.query].pages[:3]]
        by_kind = ", ".join(
            f"{kind} {sum(q.kind == kind for q in hits1)}/{sum(q.kind == kind for q in queries)}"
            for kind in kinds
        )
        times = sorted(answer.ms for answer in engine.answers.values())
        downloaded = max(answer.bytes for answer in engine.answers.values())
        lines.append(
            f"{engine.name}: first {len(hits1)}/{len(queries)}, "
            f"top 3 {len(hits3)}/{len(queries)} ({by_kind}); index {engine.index_bytes / 1e3:.0f} kB, "
            f"downloaded for a query up to {downloaded / 1e3:.0f} kB; "
            f"query to results: median {times[len(times) // 2]:.0f} ms, worst {times[-1]:.0f} ms"
        )
    return lines


# Typing in the search page, as a reader does: the time from the last keystroke to the
# results shown, read in the page's own clock (a MutationObserver sees the results'
# mark change the moment the list is replaced).
TYPING_WATCH = """() => {
    const box = document.querySelector("#book-search-input");
    const container = document.querySelector(".book-search");
    window.__typed = 0;
    window.__shown = new Map();
    box.addEventListener("keydown", () => { window.__typed = performance.now(); });
    new MutationObserver(() => window.__shown.set(container.dataset.shown, performance.now()))
        .observe(container, {attributes: true, attributeFilter: ["data-shown"]});
}"""
# What comes before the first results: the search's code, its index's meta and the
# shards of the query's words (the text shards, for snippets, come after).
COLD_DOWNLOAD = """() => performance.getEntriesByType("resource")
    .filter((e) => /_search\\/|booksearch|language_data/.test(e.name) && !/_search\\/x\\d+\\.js/.test(e.name))
    .reduce((sum, e) => sum + (e.transferSize || e.encodedBodySize || 0), 0)"""


@dataclass
class TypingFigures:
    """The search of one built book as a reader meets it."""

    index_bytes: int
    index_files: int
    first_download_bytes: list[int]
    keystroke_ms: list[float]

    def summary(self) -> str:
        times = sorted(self.keystroke_ms)
        downloads = sorted(self.first_download_bytes)
        return (
            f"index {self.index_bytes / 1e6:.1f} MB in {self.index_files} files; downloaded before the first "
            f"results of a query, median {downloads[len(downloads) // 2] / 1e3:.0f} kB "
            f"(most {downloads[-1] / 1e3:.0f} kB); results after the last keystroke: median "
            f"{times[len(times) // 2]:.0f} ms, worst {times[-1]:.0f} ms"
        )


def typing_figures(html: Path, queries: Sequence[str]) -> TypingFigures:
    """For each query: what a fresh page downloads before its first results (the
    address ``search.html?q=``), and, typed key by key into the open page, the time from
    the last keystroke to its results."""
    files = list((html / "_search").glob("*.js"))
    downloads: list[int] = []
    latencies: list[float] = []
    with served(html) as site, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for query in queries:
            page = browser.new_page()
            page.goto(site + "search.html")
            page.wait_for_function("() => document.querySelector('.book-search')?.dataset.shown === ''")
            page.evaluate(TYPING_WATCH)
            page.locator("#book-search-input").press_sequentially(query, delay=60)
            page.wait_for_function("(query) => window.__shown.has(query)", arg=query, timeout=30000)
            latencies.append(page.evaluate("(query) => window.__shown.get(query) - window.__typed", query))
            page.close()
            page = browser.new_page()
            page.goto(site + "search.html?q=" + quote(query))
            page.wait_for_function(BOOK_DONE, arg=query, timeout=30000)
            downloads.append(int(page.evaluate(COLD_DOWNLOAD)))
            page.close()
        browser.close()
    return TypingFigures(sum(f.stat().st_size for f in files), len(files), downloads, latencies)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="searchmeter", description=__doc__.splitlines()[0])
    parser.add_argument("html", type=Path, help="a built book's HTML folder")
    parser.add_argument("queries", type=Path, help="queries file (YAML: query, first, kind)")
    parser.add_argument("--pagefind", help="the pagefind binary, to measure Pagefind too")
    args = parser.parse_args(argv)
    queries = [Query(**item) for item in yaml.safe_load(args.queries.read_text(encoding="utf-8"))]
    print("\n".join(report(queries, measure(args.html, queries, args.pagefind))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
