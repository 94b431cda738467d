"""The landing page and the parts' own pages stay small for a book of thousands of posts,
and no post is lost from the book's contents on the way."""

from __future__ import annotations

import datetime as dt
import re

from bookgen.api import Sources, build_book
from bookgen.assemble.parts import assemble_book
from bookgen.labels import part_docname, post_docname
from bookgen.model import Book, Paragraph, Post, Shape, Text
from bookgen.render.book_pages import (
    LANDING_CARDS,
    PART_CARDS,
    cards_per_part,
    render_landing,
    render_part_pages,
)
from tests.helpers import structure

PREFIX = "generated"
CARD = re.compile(r"^`{3,}\{grid-item-card\}", re.MULTILINE)
TOC_ENTRY = re.compile(rf"^{PREFIX}/posts/(\S+)$", re.MULTILINE)
MORE = re.compile(r"\{doc\}`All (\d+) posts of Part [^<]*<generated/(parts/part-\d+)>`")


def synthetic_book(posts: int, years: int) -> Book:
    """``posts`` dated posts spread over ``years`` years: one part per year, no book file."""
    made = [
        Post(
            source=f"p{n:05d}.md",
            title=f"Post number {n}",
            shape=Shape.MARKDOWN,
            body=(Paragraph((Text(f"This is what post number {n} says about wombats."),)),),
            date=dt.date(2000 + n % years, 1 + n % 12, 1 + n % 28),
        )
        for n in range(posts)
    ]
    return assemble_book(None, made, "Many posts")


def toc_slugs(landing: str) -> list[str]:
    return TOC_ENTRY.findall(landing)


def test_a_small_book_shows_every_post_as_a_card_and_has_no_part_pages() -> None:
    book = synthetic_book(5, 2)
    landing = render_landing(book, PREFIX)
    assert len(CARD.findall(landing)) == 5
    assert "part-more" not in landing
    assert render_part_pages(book) == {}


def test_landing_of_2000_posts_shows_a_few_cards_per_part_and_every_post_in_its_toctree() -> None:
    book = synthetic_book(2000, 20)
    landing = render_landing(book, PREFIX)
    # Every post stays in the book's contents (sidebar, PDF and EPUB order), in book order.
    assert toc_slugs(landing) == [post.slug for post in book.posts]
    assert len(CARD.findall(landing)) == 20 * PART_CARDS
    more = MORE.findall(landing)
    assert [(int(count), doc) for count, doc in more] == [(100, part_docname(n)) for n in range(1, 21)]
    # 1.7 MB of HTML for 1,872 cards before; the MyST source is a fraction of the HTML.
    assert len(landing.encode()) < 200_000


def test_landing_size_is_bounded_by_parts_not_posts() -> None:
    small, big = (render_landing(synthetic_book(n, 10), PREFIX) for n in (200, 4000))
    assert len(CARD.findall(small)) == len(CARD.findall(big)) == 10 * PART_CARDS
    cards_only = [
        len(CARD.findall(render_landing(synthetic_book(2000, parts), PREFIX))) for parts in (60, 400)
    ]
    assert cards_only == [60 * cards_per_part(60), 400 * 1]
    assert cards_per_part(60) * 60 <= LANDING_CARDS
    assert cards_per_part(1) == PART_CARDS and cards_per_part(0) == PART_CARDS
    # Two cards a row: an odd number would leave a gap under every part (1,872 notes in 77 parts).
    assert [cards_per_part(parts) for parts in (77, 100, 200, 1000)] == [2, 2, 1, 1]


def test_each_part_page_lists_every_post_of_its_part() -> None:
    book = synthetic_book(2000, 20)
    pages = render_part_pages(book)
    assert sorted(pages) == sorted(f"{part_docname(n)}.md" for n in range(1, 21))
    for number, part in enumerate(book.parts, start=1):
        page = pages[f"{part_docname(number)}.md"]
        assert page.startswith("---\norphan: true\n---\n")  # reached from the landing page, in no toctree
        linked = re.findall(r"<\.\./posts/([^>]+)>`", page)
        assert linked == [post.slug for post in part.posts]
        shape = structure(page)
        assert shape.blocks["h1"] == 1 and shape.roles["doc"] == len(part.posts)
        # One short line per post: a part of 2,000 posts would still be a small page.
        assert len(page.encode()) < 150 * len(part.posts) + 1_000


def test_every_post_is_on_the_landing_page_or_its_part_page() -> None:
    book = synthetic_book(700, 7)
    landing = render_landing(book, PREFIX)
    on_cards = set(re.findall(rf":link: {PREFIX}/posts/(\S+)", landing))
    on_part_pages = {
        slug for page in render_part_pages(book).values() for slug in re.findall(r"posts/([^>]+)>", page)
    }
    assert on_cards | on_part_pages == {post.slug for post in book.posts}


def test_the_converter_writes_the_part_pages() -> None:
    files = [
        (
            f"20{10 + n % 2}-01-{1 + n:02d}-note-{n}.md",
            f"# Note {n}\n\nWombats dig burrows, note {n}.\n".encode(),
        )
        for n in range(20)
    ]
    pages = build_book(Sources(files, "posts", title="Notes")).pages
    parts = sorted(name for name in pages if name.startswith("parts/"))
    assert parts == [f"{part_docname(1)}.md", f"{part_docname(2)}.md"]
    assert all(f"{post_docname('note-1')}>`" in pages[name] for name in parts[1:])


def test_the_book_lists_tell_the_reading_time_of_each_post_as_counted_once() -> None:
    """The converter counts each post's words once, in its page's job; the landing page's
    cards and the parts' pages tell the minutes from that count, and the minutes they
    are given (counted here when not given)."""
    from bookgen.words import minutes_to_read, word_count

    long_post = Post(
        source="long.md",
        title="A long post",
        shape=Shape.MARKDOWN,
        body=(Paragraph((Text("word " * 700),)),),
        date=dt.date(2000, 12, 31),  # in the one part, the year's
    )
    book = assemble_book(None, [*synthetic_book(40, 1).posts, long_post], "Many posts")
    assert minutes_to_read(word_count(long_post)) == 4
    given = {"p00000.md": 9}
    pages = render_part_pages(book, given)
    page = next(iter(pages.values()))
    line = {slug: text for text, slug in re.findall(r"^- (.*<\.\./posts/([^>]+)>`.*)$", page, re.MULTILINE)}
    posts = {post.source: post.slug for post in book.posts}
    assert line[posts["p00000.md"]].endswith("9 min read")
    assert line[posts["long.md"]].endswith("4 min read")  # not given: counted
    landing = render_landing(book, PREFIX, reading=given)
    assert "1 January 2000 · 9 min read" in landing
    built = build_book(Sources([("a.md", b"---\ntitle: A\n---\n\n" + b"word " * 500)]))
    assert built.word_counts == {"a.md": word_count(built.book.posts[0])}
