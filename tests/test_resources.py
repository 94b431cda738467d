"""Resources: URL identity, extraction, the curated catalogue, pages both ways, linkcheck."""

from __future__ import annotations

import dataclasses
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from linkify_it import LinkifyIt

from bookgen.assemble.parts import assemble_book
from bookgen.model import Book, ListBlock, Paragraph, ResourceRef, plain_text
from bookgen.read.post import read_post
from bookgen.resolve.catalog import Catalog, ResourceFileError, normalise_url, parse_resources, url_key
from bookgen.resolve.citations import Citation, citation_requests
from bookgen.resolve.index import book_uses, build_index, resolve_post
from tests.conftest import POSTS, RESOURCES_FILE, ROOT, BuiltBook, convert_book


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://www.Example.com/a/", "http://example.com/a"),
        ("https://example.com/a?utm_source=x&id=3", "https://EXAMPLE.com/a?id=3"),
        ("https://example.com:443/a#section", "https://example.com/a"),
        ("https://example.com/a?b=2&a=1", "https://example.com/a?a=1&b=2&fbclid=zz"),
    ],
)
def test_same_resource_however_spelled(a: str, b: str) -> None:
    assert url_key(a) == url_key(b)


def test_different_resources_stay_apart() -> None:
    assert url_key("https://example.com/a?id=3") != url_key("https://example.com/a?id=4")
    assert url_key("https://example.com/a") != url_key("https://example.org/a")


def test_normalised_url_keeps_what_matters() -> None:
    assert normalise_url("HTTPS://Example.COM:443/a?utm_medium=x&q=1") == "https://example.com/a?q=1"


def catalog(text: str) -> Catalog:
    return parse_resources("categories: {tools: Tools}\nresources:\n" + text, "resources.yaml")


def cite(files: dict[str, str], resources: Catalog) -> tuple[Book, Catalog, dict[str, list[Citation]]]:
    """The posts' citations found by the resolve stage: the book with its posts resolved,
    the catalogue grown by uncurated finds, each resource's citations in book order."""
    posts = [read_post(text.encode(), name) for name, text in files.items()]
    book = assemble_book(None, posts, "B")
    index = build_index(None, resources, (citation_requests(post) for post in book.posts))
    resolved = {post.source: resolve_post(post, index) for post in book.posts}
    uses = book_uses(index, ((r.citations, r.mentions) for r in resolved.values()))
    parts = tuple(
        dataclasses.replace(part, posts=tuple(resolved[p.source].post for p in part.posts))
        for part in book.parts
    )
    assert index.catalog is not None
    return dataclasses.replace(book, parts=parts), index.catalog, uses.citations


def test_links_are_merged_across_posts_and_uncurated_ones_kept() -> None:
    resources = catalog("  - {id: x, title: X, url: 'https://x.org/', category: tools}\n")
    files = {
        "a.md": "# A\n\nSee [X](https://www.x.org) and https://new.example/page?utm_source=feed.\n",
        "b.md": "# B\n\nAlso [x site](http://x.org/).\n",
    }
    _, grown, citations = cite(files, resources)
    assert [c.post for c in citations["x"]] == ["a.md", "b.md"]
    uncurated = [e for e in grown.entries if not e.curated]
    assert [(e.title, e.url) for e in uncurated] == [("new.example/page", "https://new.example/page")]


def test_malformed_link_is_a_name_only_resource() -> None:
    files = {"p.txt": "Title\n\nLinks\n- [Some Talk](Some Talk)\n- Another Talk\n"}
    book, grown, citations = cite(files, catalog("  - {id: t, title: Some Talk, category: tools}\n"))
    items = next(b for b in book.posts[0].body if isinstance(b, ListBlock)).items
    first = items[0][0]
    assert isinstance(first, Paragraph)
    (ref,) = first.children
    assert isinstance(ref, ResourceRef)
    assert (ref.resource, ref.url, ref.anchor, plain_text(ref.children)) == ("t", "", True, "Some Talk")
    assert [e.title for e in grown.entries if not e.curated] == ["Another Talk"]
    assert set(citations) == {"t", "name-another-talk"}


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("  - {id: x, title: X}\n", r"resources\[0\] 'x': category: missing"),
        ("  - {id: x, title: X, category: nope}\n", r"category: 'nope' is not under categories"),
        ("  - {id: X Y, title: X, category: tools}\n", r"id: use lower case"),
        ("  - {id: x, title: X, category: tools, url: 'javascript:x'}\n", r"url: expected an http"),
        (
            "  - {id: x, title: X, category: tools, url: 'https://a.org'}\n"
            "  - {id: y, title: Y, category: tools, url: 'https://www.a.org/'}\n",
            r"resources\[1\] 'y': duplicate url \(already used by 'x'\)",
        ),
    ],
)
def test_malformed_resource_file_names_the_entry(entry: str, message: str) -> None:
    with pytest.raises(ResourceFileError, match=message):
        catalog(entry)


# --- the built book ---------------------------------------------------------------------


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def resource_pages(built: BuiltBook) -> list[Path]:
    return sorted((built.html / "generated" / "resources").glob("*.html"))


def test_every_url_in_the_raw_posts_is_on_a_resource_page(built_book: BuiltBook) -> None:
    linkify = LinkifyIt()
    raw_urls = {
        url_key(match.url)
        for path in POSTS.iterdir()
        for match in linkify.match(path.read_text(encoding="utf-8")) or []
        if match.schema in ("http:", "https:")
    }
    assert len(raw_urls) == 9
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
    assert len(names) == 9
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
    assert len(backlinks) == 26
    assert backlinks == cited_by


def test_curated_file_is_valid() -> None:
    from bookgen.resolve.glossary import parse_glossary
    from tests.conftest import GLOSSARY_FILE

    glossary = parse_glossary(GLOSSARY_FILE.read_text(encoding="utf-8"), "glossary")
    resources = parse_resources(RESOURCES_FILE.read_text(encoding="utf-8"), "resources", glossary)
    assert all(entry.note for entry in resources.entries)


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
