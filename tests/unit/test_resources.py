"""Resources: URL identity, extraction, the curated catalogue, pages both ways, linkcheck."""

from __future__ import annotations

import dataclasses

import pytest

from bookgen.assemble.parts import assemble_book
from bookgen.model import Book, ListBlock, Paragraph, ResourceRef, plain_text
from bookgen.read.post import read_post
from bookgen.resolve.catalog import Catalog, ResourceFileError, normalise_url, parse_resources, url_key
from bookgen.resolve.citations import Citation, citation_requests
from bookgen.resolve.index import book_uses, build_index, resolve_post
from tests.helpers import RESOURCES_FILE


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


def test_curated_file_is_valid() -> None:
    from bookgen.resolve.glossary import parse_glossary
    from tests.helpers import GLOSSARY_FILE

    glossary = parse_glossary(GLOSSARY_FILE.read_text(encoding="utf-8"), "glossary")
    resources = parse_resources(RESOURCES_FILE.read_text(encoding="utf-8"), "resources", glossary)
    assert all(entry.note for entry in resources.entries)
