from __future__ import annotations

import datetime as dt

import pytest

from bookgen.assemble.bookfile import BookFileError, parse_book_file
from bookgen.assemble.parts import UNPLACED_PART_TITLE, assemble_book
from bookgen.model import Post, Shape


def post(name: str, title: str = "Same", date: dt.date | None = None) -> Post:
    return Post(source=name, slug=title.lower(), title=title, shape=Shape.MARKDOWN, body=(), date=date)


SPEC = "title: B\nparts:\n  - title: One\n    posts: [b.md]\n"


def test_post_in_no_part_lands_in_a_final_part_with_a_report() -> None:
    book = assemble_book(parse_book_file(SPEC, "book.yaml"), [post("a.md"), post("b.md")], "x", "book.yaml")
    assert [part.title for part in book.parts] == ["One", UNPLACED_PART_TITLE]
    assert [p.source for p in book.posts] == ["b.md", "a.md"]
    assert "a.md: book: in no part of book.yaml" in str(book.reports[0])


def test_same_titles_get_distinct_stable_slugs() -> None:
    book = assemble_book(None, [post("b.md"), post("a.md")], "x")
    assert sorted(p.slug for p in book.posts) == ["same", "same-2"]
    assert {p.source: p.slug for p in book.posts}["a.md"] == "same"


def test_without_a_book_file_parts_are_years_undated_last() -> None:
    posts = [
        post("u.md", "U"),
        post("n.md", "N", dt.date(2021, 1, 1)),
        post("o.md", "O", dt.date(2019, 5, 1)),
    ]
    book = assemble_book(None, posts, "My Blog")
    assert book.title == "My Blog"
    assert [(part.title, [p.source for p in part.posts]) for part in book.parts] == [
        ("2019", ["o.md"]),
        ("2021", ["n.md"]),
        ("Undated posts", ["u.md"]),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("parts: []\n", r"book.yaml: title: missing"),
        ("title: B\nparts:\n  - posts: [a.md]\n", r"book.yaml: parts\[0\]: title: missing"),
        ("title: B\nparts: {x: 1}\n", r"parts: expected a list"),
        ("title: [B\n", r"book.yaml:2: not valid YAML"),
    ],
)
def test_malformed_book_file_names_the_entry(text: str, message: str) -> None:
    with pytest.raises(BookFileError, match=message):
        parse_book_file(text, "book.yaml")


def test_book_file_naming_a_missing_post() -> None:
    with pytest.raises(BookFileError, match=r"parts\[0\]\.posts\[0\]: no post file named 'b.md'"):
        assemble_book(parse_book_file(SPEC, "book.yaml"), [post("a.md")], "x", "book.yaml")


def test_the_book_file_names_the_posts_language_for_search_and_print() -> None:
    import json

    from bookgen.render.book_pages import render_book_metadata

    spec = parse_book_file("title: Carnet\nlanguage: pt-BR\nparts: []\n", "book.yaml")
    assert spec.language == "pt_BR"  # as Sphinx spells it
    book = assemble_book(spec, [], "Carnet", "book.yaml")
    assert json.loads(render_book_metadata(book, "generated"))["language"] == "pt_BR"
    english = assemble_book(parse_book_file("title: Notes\n", "book.yaml"), [], "Notes", "book.yaml")
    assert "language" not in json.loads(render_book_metadata(english, "generated"))
    with pytest.raises(BookFileError, match=r"book.yaml: language: expected a language code"):
        parse_book_file("title: x\nlanguage: ../../etc\n", "book.yaml")
