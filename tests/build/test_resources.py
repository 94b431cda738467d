"""Resources in the built book, both ways, and linkcheck against a local server."""

from __future__ import annotations

import http.server
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from linkify_it import LinkifyIt

from bookgen.model import ListBlock, Paragraph, plain_text
from bookgen.read.post import read_post
from bookgen.resolve.catalog import parse_resources, url_key
from tests.helpers import POSTS, RESOURCES_FILE, ROOT, BuiltBook, convert_book

# --- the built book ---------------------------------------------------------------------


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def resource_pages(built: BuiltBook) -> list[Path]:
    return sorted((built.html / "generated" / "resources").glob("*.html"))


def urls_by_pattern() -> set[str]:
    """The addresses in the raw posts as a plain pattern finds them."""
    found = (
        match.rstrip(".,;:")
        for path in POSTS.iterdir()
        for match in re.findall(r"https?://[^\s)\]>\"']+", path.read_text(encoding="utf-8"))
    )
    return {url_key(url) for url in found}


def links_list_items(path: Path, lists: int) -> list[str]:
    """The "- " items of the first ``lists`` "Links" sections of a plain-text post, raw."""
    items: list[str] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    starts = [i for i, line in enumerate(lines) if line.strip() == "Links"][:lists]
    for start in starts:
        for line in lines[start + 1 :]:
            if not line.startswith("- "):
                break
            items.append(line[2:])
    return items


def test_every_url_in_the_raw_posts_is_on_a_resource_page(built_book: BuiltBook) -> None:
    linkify = LinkifyIt()
    raw_urls = {
        url_key(match.url)
        for path in POSTS.iterdir()
        for match in linkify.match(path.read_text(encoding="utf-8")) or []
        if match.schema in ("http:", "https:")
    }
    # As many as a plain pattern finds: linkify missed none.
    assert len(raw_urls) == len(urls_by_pattern()) > 0
    listed = {
        url_key(str(a["href"]))
        for page in resource_pages(built_book)
        for a in soup(page).select("article a.external")
    }
    assert raw_urls <= listed


def test_every_named_resource_in_a_links_list_is_on_a_resource_page(built_book: BuiltBook) -> None:
    post = read_post((POSTS / "003_2182caf3d05cd679.txt").read_bytes(), "003_2182caf3d05cd679.txt")
    lists = [b for b in post.body if isinstance(b, ListBlock)][:2]
    names = [
        plain_text(p.children)
        for block in lists
        for item in block.items
        for p in item
        if isinstance(p, Paragraph)
    ]
    assert names and len(names) == len(links_list_items(POSTS / "003_2182caf3d05cd679.txt", lists=2))
    text = " ".join(" ".join(soup(page).get_text(" ").split()) for page in resource_pages(built_book))
    for name in names:
        assert name in text


def test_mentioned_in_matches_the_posts_that_cite(built_book: BuiltBook) -> None:
    """Computed both ways from the built HTML: entry backlinks == posts linking to the entry."""
    cited_by: dict[str, set[str]] = {}
    for page in (built_book.html / "generated" / "posts").glob("*.html"):
        for a in soup(page).select("article a.reference.internal"):
            target, _, anchor = str(a["href"]).partition("#")
            if "resources/" in target and anchor.startswith("res-"):
                cited_by.setdefault(anchor, set()).add(page.name)
    backlinks: dict[str, set[str]] = {}
    for page in resource_pages(built_book):
        for section in soup(page).select("article section[id^=res-]"):
            links = section.select("li a.reference.internal")
            backlinks[str(section["id"])] = {Path(str(a["href"]).partition("#")[0]).name for a in links}
    curated = parse_resources(RESOURCES_FILE.read_text(encoding="utf-8"), "resources")
    assert {f"res-{entry.id}" for entry in curated.entries} <= set(backlinks)
    assert backlinks == cited_by


# --- linkcheck against a local server ---------------------------------------------------


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_HEAD(self) -> None:
        self.send_response(200 if self.path == "/good" else 404)
        self.end_headers()

    def do_GET(self) -> None:
        self.do_HEAD()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def local_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_linkcheck_reports_exactly_the_broken_address(tmp_path: Path, local_server: str) -> None:
    import subprocess
    import sys

    from sphinx.cmd.build import build_main

    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "p.md").write_text(
        f"# P\n\nGood [one]({local_server}/good) and [gone]({local_server}/missing).\n"
    )
    resources = tmp_path / "resources.yaml"
    resources.write_text(
        "categories: {articles: Articles}\nresources:\n"
        f"  - {{id: good, title: Good, url: '{local_server}/good', category: articles}}\n"
        f"  - {{id: gone, title: Gone, url: '{local_server}/missing', category: articles}}\n"
    )
    docs = convert_book(tmp_path, posts, None, resources_file=resources)
    out = tmp_path / "linkcheck"
    build_main(["-b", "linkcheck", "-c", str(ROOT), str(docs), str(out), "-q"])
    report = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "linkcheck_report.py"), str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert report.returncode == 1
    broken = [line.strip() for line in report.stdout.splitlines() if line.strip().startswith("broken:")]
    assert len(broken) == 1 and f"{local_server}/missing" in broken[0]
    text = (out / "report.md").read_text(encoding="utf-8")
    assert "2 external addresses: 1 broken, 1 working." in text
