"""The book's own pages: landing, parts, tags and archive, and the metadata the extensions read."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from ..chars import shown_name
from ..labels import GLOSSARY_DOC, part_docname, post_docname
from ..model import Book, Part, Post
from ..resolve.glossary import Glossary
from ..words import reading_minutes, summary_sentence
from .myst import directive, escape_argument, escape_text, front_matter, generated_note, role_text
from .post_page import format_date

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")

# The landing page previews each part with its first few posts as cards and links to
# the part's own page for the rest. A card is about 1 KB of HTML: a card per post made
# the landing page of 1,872 notes 1.7 MB. Each part shows at most PART_CARDS, and the
# page about LANDING_CARDS in all: fewer per part when there are many parts, one at least.
PART_CARDS = 6
LANDING_CARDS = 240


def part_label(index: int, part: Part) -> str:
    number = ROMAN[index] if index < len(ROMAN) else str(index + 1)
    return f"Part {number}: {part.title}"


def render_landing(
    book: Book, docs_prefix: str, reference: Sequence[str] = (), reading: Mapping[str, int] | None = None
) -> str:
    """The landing page body, included by the hand-written ``docs/index.md``.

    ``docs_prefix`` is this folder's path from the docs root, as toctree entries and
    card links resolve against the including page; ``reading`` each post's reading
    minutes, by file name, counted once by the caller (counted here for a post not in it).
    """
    sections = [
        generated_note("the book file and the posts"),
        "# " + escape_text(book.title, line_start=True),
    ]
    if book.author:
        sections.append(directive("container", "book-author", body=escape_text(book.author)))
    if book.intro:
        sections.append(book.intro)  # curated, trusted MyST
    shown = distinct_titles(book.posts)
    for index, part in enumerate(book.parts):
        label = part_label(index, part)
        entries = "\n".join(_toc_entry(post, docs_prefix, shown) for post in part.posts)
        sections.append(
            directive("toctree", options={"caption": label, "hidden": "", "maxdepth": "2"}, body=entries)
        )
    if reference:
        entries = "\n".join(f"{docs_prefix}/{docname}" for docname in reference)
        sections.append(directive("toctree", options={"caption": "Reference", "hidden": ""}, body=entries))
    shown_cards = cards_per_part(len(book.parts))
    for index, part in enumerate(book.parts):
        sections.append("## " + escape_text(part_label(index, part), line_start=True))
        if part.intro:
            sections.append(part.intro)
        cards = "\n\n".join(
            _card(post, docs_prefix, shown.get(post.source, post.title), _minutes(post, reading))
            for post in part.posts[:shown_cards]
        )
        sections.append(directive("grid", "1 1 2 2", {"gutter": "3"}, cards))
        if len(part.posts) > shown_cards:
            sections.append(_more_link(index, part, docs_prefix))
    return "\n\n".join(sections) + "\n"


def cards_per_part(parts: int) -> int:
    """Cards each part shows on the landing page: the same for every part, so the page's
    size is bounded by the number of parts, not of posts; an even number where it can
    be, as the grid has two columns."""
    cards = max(1, min(PART_CARDS, LANDING_CARDS // max(parts, 1)))
    return cards - cards % 2 if cards > 1 else cards


def _more_link(index: int, part: Part, docs_prefix: str) -> str:
    """Under a part's cards: the way to the part's own page, which lists every post."""
    text = f"All {len(part.posts)} posts of {part_label(index, part)}"
    link = f"{{doc}}`{role_text(text)} <{docs_prefix}/{part_docname(index + 1)}>`"
    return directive("container", "part-more", body=link + " →")


def render_part_pages(book: Book, reading: Mapping[str, int] | None = None) -> dict[str, str]:
    """The own page of each part with more posts than the landing page shows, by file
    name: every post of the part in book order, one line each (title, date, reading
    time), so even a part of thousands of posts stays a page of a few hundred KB.

    The parts' posts stay in the landing page's toctrees (sidebar, PDF, EPUB order);
    these pages are in none, marked ``orphan``, reached from the landing page.
    ``reading``: as for ``render_landing``.
    """
    shown = distinct_titles(book.posts)
    shown_cards = cards_per_part(len(book.parts))
    return {
        f"{part_docname(index + 1)}.md": _part_page(index, part, shown, reading)
        for index, part in enumerate(book.parts)
        if len(part.posts) > shown_cards
    }


def _part_page(index: int, part: Part, shown: Mapping[str, str], reading: Mapping[str, int] | None) -> str:
    sections = [
        front_matter({"orphan": True}).rstrip("\n"),
        generated_note("the book file and the posts"),
        "# " + escape_text(part_label(index, part), line_start=True),
    ]
    if part.intro:
        sections.append(part.intro)  # curated, trusted MyST
    sections.append(f"{len(part.posts)} posts, in the order of the book.")
    sections.append("\n".join(f"- {_part_line(post, shown, _minutes(post, reading))}" for post in part.posts))
    return "\n\n".join(sections) + "\n"


def _part_line(post: Post, shown: Mapping[str, str], minutes: int) -> str:
    """A post on its part's page: title, date (if it has one) and reading time."""
    pieces = [_post_link(post, "../", shown.get(post.source, post.title))]
    if post.date is not None:
        pieces.append(escape_text(format_date(post)))
    pieces.append(f"{minutes} min read")
    return " · ".join(pieces)


def _minutes(post: Post, reading: Mapping[str, int] | None) -> int:
    """The post's reading minutes: as given, else counted (the count walks the whole
    post: for every post, 0.07 s of each rebuild at 1,000 posts)."""
    known = reading.get(post.source) if reading else None
    return known if known is not None else reading_minutes(post)


def distinct_titles(posts: Sequence[Post]) -> dict[str, str]:
    """For posts whose titles are alike, a title that tells them apart: with the date,
    or the file name where the dates do not differ. By post file name."""
    groups: dict[str, list[Post]] = {}
    for post in posts:
        groups.setdefault(" ".join(post.title.casefold().split()), []).append(post)
    shown: dict[str, str] = {}
    for group in groups.values():
        if len(group) < 2:
            continue
        dates = [format_date(post) for post in group]
        for post, date in zip(group, dates, strict=True):
            unique = post.date is not None and dates.count(date) == 1
            shown[post.source] = f"{post.title} ({date if unique else shown_name(post.source)})"
    return shown


def _toc_entry(post: Post, docs_prefix: str, shown: Mapping[str, str]) -> str:
    """A toctree line: the post's page, with the title that tells it apart if need be."""
    target = f"{docs_prefix}/{post_docname(post.slug)}"
    return f"{role_text(shown[post.source])} <{target}>" if post.source in shown else target


def _card(post: Post, docs_prefix: str, title: str, minutes: int) -> str:
    meta = f"{escape_text(format_date(post))} · {minutes} min read"
    body = escape_text(summary_sentence(post), line_start=True) + "\n\n" + directive("card-footer", body=meta)
    return directive(
        "grid-item-card",
        escape_argument(title),
        {"link": f"{docs_prefix}/{post_docname(post.slug)}", "link-type": "doc", "class-card": "post-card"},
        body,
    )


def render_book_metadata(
    book: Book, docs_prefix: str, glossary: Glossary | None = None, redirects: Mapping[str, str] | None = None
) -> str:
    """What the Sphinx side needs: title, author line, each post for the feed and the
    search's filters (its part, date and tags), each
    glossary term's definition (by lower-cased term) for the tooltips on its mentions,
    and the blog's old addresses (redirect page -> post's docname)."""
    posts = [
        {
            "docname": f"{docs_prefix}/{post_docname(post.slug)}",
            "title": post.title,
            "date": post.date.isoformat() if post.date else None,
            "summary": summary_sentence(post),
            "tags": list(post.tags),
            "part": part_label(index, part),
        }
        for index, part in enumerate(book.parts)
        for post in part.posts
    ]
    data: dict[str, object] = {"title": book.title, "author": book.author, "posts": posts}
    if book.language:
        data["language"] = book.language
    if redirects:
        docnames = {post.source: f"{docs_prefix}/{post_docname(post.slug)}" for post in book.posts}
        data["redirects"] = {old: docnames[source] for old, source in redirects.items()}
    if glossary is not None:
        data["glossary"] = {
            "docname": f"{docs_prefix}/{GLOSSARY_DOC}",
            "definitions": {entry.term.lower(): entry.definition for entry in glossary.entries},
        }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render_tags_page(book: Book) -> str:
    """Each tag with its posts; posts without tags are listed too, so none is missing."""
    tags: dict[str, list[Post]] = {}
    for post in book.posts:
        for tag in post.tags or ("Untagged",):
            tags.setdefault(tag, []).append(post)
    sections = [generated_note("the posts' front matter"), "# Tags"]
    for tag in sorted(tags, key=lambda t: (t == "Untagged", t.casefold())):
        sections.append(f"## {escape_text(tag, line_start=True)}")
        sections.append("\n".join(f"- {_post_link(post)}" for post in tags[tag]))
    return "\n\n".join(sections) + "\n"


def render_archive_page(book: Book) -> str:
    """Posts by year and month, newest first; undated posts last."""
    dated = sorted((p for p in book.posts if p.date), key=lambda p: (p.date, p.source), reverse=True)
    sections = [generated_note("the posts' dates"), "# Archive"]
    years: dict[int, list[Post]] = {}
    for post in dated:
        assert post.date is not None
        years.setdefault(post.date.year, []).append(post)
    for year, posts in years.items():
        sections.append(f"## {year}")
        lines = (f"- {escape_text(format_date(post))}: {_post_link(post)}" for post in posts)
        sections.append("\n".join(lines))
    undated = [p for p in book.posts if not p.date]
    if undated:
        sections.extend(["## Undated", "\n".join(f"- {_post_link(post)}" for post in undated)])
    return "\n\n".join(sections) + "\n"


def _post_link(post: Post, up: str = "", title: str | None = None) -> str:
    """A link to a post from a page in the generated folder (``up`` = ``"../"``: in a
    folder of it)."""
    return f"{{doc}}`{role_text(title or post.title)} <{up}{post_docname(post.slug)}>`"
