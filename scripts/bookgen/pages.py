"""The book's generated pages: one per post, the landing page, the book's metadata."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from .chars import one_line, shown_name
from .glossary import Glossary, Mention, term_label
from .model import Book, Part, Post
from .post import reading_minutes, summary_sentence
from .render import (
    code_span,
    directive,
    escape_argument,
    escape_text,
    front_matter,
    generated_note,
    link_target,
    render_blocks,
    render_inlines,
    role_text,
)
from .resources import (
    UNCURATED,
    UNCURATED_TITLE,
    Catalog,
    Citation,
    ResourceEntry,
    citation_label,
    entry_label,
)

POSTS_DIR = "posts"
LANDING = "landing.md"
BOOK_METADATA = "book.json"
GLOSSARY_DOC = "glossary"
RESOURCES_DIR = "resources"
TAGS_DOC = "tags"
ARCHIVE_DOC = "archive"
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def post_docname(post: Post) -> str:
    return f"{POSTS_DIR}/{post.slug}"


def part_label(index: int, part: Part) -> str:
    number = ROMAN[index] if index < len(ROMAN) else str(index + 1)
    return f"Part {number}: {part.title}"


def format_date(post: Post) -> str:
    return f"{post.date.day} {post.date:%B %Y}" if post.date else "Undated"


def post_meta_line(post: Post) -> str:
    """Date, reading time, tags and source file, as shown under a post's title."""
    pieces = [escape_text(format_date(post)), f"{reading_minutes(post)} min read"]
    if post.tags:
        pieces.append("Tags: " + ", ".join(escape_text(tag) for tag in post.tags))
    pieces.append("Source: " + code_span(shown_name(post.source)))
    return " · ".join(pieces)


def render_post_page(post: Post, source_dir: str, catalog: Mapping[str, ResourceEntry] | None = None) -> str:
    catalog = catalog or {}
    fields: dict[str, object] = {}
    description = summary_sentence(post)
    if description:
        fields["myst"] = {"html_meta": {"description": one_line(description)}}
    sections = [
        front_matter(fields) if fields else "",
        generated_note(f"{source_dir}/{post.source}"),
        "# " + escape_text(post.title, line_start=True),
        directive("container", "post-meta", body=post_meta_line(post)),
    ]
    if post.lead:
        sections.append(directive("container", "lead", body=render_inlines(post.lead)))
    sections.append(render_blocks(post.body))
    if post.resources:
        cited = "\n".join(
            f"- {{ref}}`{role_text(catalog[r].title)} <{entry_label(r)}>`" for r in post.resources
        )
        sections.extend(["## Resources in this post", cited])
    if post.key_terms:
        terms = ", ".join(f"{{term}}`{term}`" for term in post.key_terms)
        sections.extend(["## Key terms", directive("container", "key-terms", body=terms)])
    return "\n\n".join(section.rstrip("\n") for section in sections if section) + "\n"


def render_landing(book: Book, docs_prefix: str, reference: Sequence[str] = ()) -> str:
    """The landing page body, included by the hand-written ``docs/index.md``.

    ``docs_prefix`` is this folder's path from the docs root, as toctree entries and
    card links resolve against the including page.
    """
    sections = [
        generated_note("the book file and the posts"),
        "# " + escape_text(book.title, line_start=True),
    ]
    if book.author:
        sections.append(directive("container", "book-author", body=escape_text(book.author)))
    if book.intro:
        sections.append(book.intro)  # curated, trusted MyST
    for index, part in enumerate(book.parts):
        label = part_label(index, part)
        entries = "\n".join(f"{docs_prefix}/{post_docname(post)}" for post in part.posts)
        sections.append(
            directive("toctree", options={"caption": label, "hidden": "", "maxdepth": "2"}, body=entries)
        )
    if reference:
        entries = "\n".join(f"{docs_prefix}/{docname}" for docname in reference)
        sections.append(directive("toctree", options={"caption": "Reference", "hidden": ""}, body=entries))
    for index, part in enumerate(book.parts):
        sections.append("## " + escape_text(part_label(index, part), line_start=True))
        if part.intro:
            sections.append(part.intro)
        cards = "\n\n".join(_card(post, docs_prefix) for post in part.posts)
        sections.append(directive("grid", "1 1 2 2", {"gutter": "3"}, cards))
    return "\n\n".join(sections) + "\n"


def _card(post: Post, docs_prefix: str) -> str:
    meta = f"{escape_text(format_date(post))} · {reading_minutes(post)} min read"
    body = escape_text(summary_sentence(post), line_start=True) + "\n\n" + directive("card-footer", body=meta)
    return directive(
        "grid-item-card",
        escape_argument(post.title),
        {"link": f"{docs_prefix}/{post_docname(post)}", "link-type": "doc", "class-card": "post-card"},
        body,
    )


def render_book_metadata(book: Book, docs_prefix: str) -> str:
    """What the Sphinx side needs: title, author line, and each post for the feed."""
    posts = [
        {
            "docname": f"{docs_prefix}/{post_docname(post)}",
            "title": post.title,
            "date": post.date.isoformat() if post.date else None,
            "summary": summary_sentence(post),
            "tags": list(post.tags),
        }
        for post in book.posts
    ]
    data: Mapping[str, object] = {"title": book.title, "author": book.author, "posts": posts}
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


def _post_link(post: Post) -> str:
    """A link to a post from a page in the generated folder."""
    return f"{{doc}}`{role_text(post.title)} <{post_docname(post)}>`"


def render_glossary_page(glossary: Glossary, usage: Mapping[str, Sequence[Mention]], book: Book) -> str:
    """The glossary, one ``glossary`` directive per first letter, with "Used in" backlinks."""
    posts = {post.source: post for post in book.posts}
    sections = [
        generated_note("content/glossary.yaml and the posts"),
        "# Glossary",
        "Terms used in the posts, in plain words. Under each term, *Used in* lists the posts "
        "that mention it, with the sentence where it first appears.",
    ]
    groups: dict[str, list[str]] = {}
    for entry in sorted(glossary.entries, key=lambda e: e.term.casefold()):
        letter = entry.term[0].upper() if entry.term[0].isalpha() else "0–9"
        body = [escape_text(entry.definition, line_start=True)]
        if entry.aliases:
            body.append("*Also:* " + ", ".join(escape_text(alias) for alias in entry.aliases))
        if entry.see:
            body.append("*See also:* " + ", ".join(f"{{term}}`{term}`" for term in entry.see))
        uses = [
            f"- {{ref}}`{role_text(posts[m.post].title)} <{term_label(posts[m.post].slug, entry.term)}>`: "
            f"“{escape_text(m.sentence)}”"
            for m in usage.get(entry.term, ())
        ]
        if uses:
            body.append("*Used in:*\n\n" + "\n".join(uses))
        indented = "\n".join(f"  {line}" if line else "" for line in "\n\n".join(body).split("\n"))
        groups.setdefault(letter, []).append(f"{escape_text(entry.term, line_start=True)}\n{indented}")
    for letter in sorted(groups, key=lambda g: (not g[0].isalpha(), g)):
        sections.append(f"## {letter}")
        sections.append(directive("glossary", body="\n\n".join(groups[letter])))
    return "\n\n".join(sections) + "\n"


def render_resource_pages(
    catalog: Catalog, citations: Mapping[str, Sequence[Citation]], book: Book
) -> dict[str, str]:
    """One page per category, one for what is not yet curated, and an overview."""
    posts = {post.source: post for post in book.posts}
    categories = [*catalog.categories, (UNCURATED, UNCURATED_TITLE)]
    pages: dict[str, str] = {}
    overview: list[str] = []
    for key, title in categories:
        entries = sorted((e for e in catalog.entries if e.category == key), key=lambda e: e.title.casefold())
        if not entries:
            continue
        intro = (
            "Cited in the posts but not yet in `content/resources.yaml`: add them there to give each a "
            "category and a note."
            if key == UNCURATED
            else f"{len(entries)} resources cited in the posts."
        )
        body = [
            generated_note("content/resources.yaml and the posts"),
            f"# {escape_text(title, line_start=True)}",
            intro,
        ]
        body.extend(_resource_entry(entry, citations.get(entry.id, ()), posts) for entry in entries)
        pages[f"{RESOURCES_DIR}/{key}.md"] = "\n\n".join(body) + "\n"
        overview.append(f"- {{doc}}`{role_text(title)} <{key}>` ({len(entries)})")
    toctree = directive(
        "toctree",
        options={"hidden": ""},
        body="\n".join(k for k, _ in categories if f"{RESOURCES_DIR}/{k}.md" in pages),
    )
    pages[f"{RESOURCES_DIR}/index.md"] = (
        "\n\n".join(
            [
                generated_note("content/resources.yaml and the posts"),
                "# Resources",
                "Courses, talks, articles, tools and sites the posts cite. Each entry links out, notes "
                "what it is, and lists the posts that mention it.",
                toctree,
                "\n".join(overview),
            ]
        )
        + "\n"
    )
    return pages


def _resource_entry(entry: ResourceEntry, citations: Sequence[Citation], posts: Mapping[str, Post]) -> str:
    lines = [f"({entry_label(entry.id)})=", f"## {escape_text(entry.title, line_start=True)}"]
    if entry.url:
        lines.append(f"[{escape_text(entry.url)}](<{link_target(entry.url)}>)")
    else:
        lines.append("*Named in the posts without an address.*")
    if entry.note:
        lines.append(escape_text(entry.note, line_start=True))
    if entry.terms:
        lines.append("*Related terms:* " + ", ".join(f"{{term}}`{term}`" for term in entry.terms))
    mentioned = [
        f"- {{ref}}`{role_text(posts[c.post].title)} <{citation_label(posts[c.post].slug, entry.id)}>`: "
        f"“{escape_text(c.sentence)}”"
        for c in citations
    ]
    if mentioned:
        lines.append("*Mentioned in:*\n\n" + "\n".join(mentioned))
    return "\n\n".join(lines[:1]) + "\n" + "\n\n".join(lines[1:])


def render_book(
    book: Book,
    source_dir: str,
    docs_prefix: str,
    *,
    glossary: Glossary | None = None,
    usage: Mapping[str, Sequence[Mention]] | None = None,
    catalog: Catalog | None = None,
    citations: Mapping[str, Sequence[Citation]] | None = None,
    post_pages: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Every generated file of the book, by path relative to the output folder.

    ``post_pages`` holds post pages rendered beforehand (``prepare.settle``), by post
    file name; any other post page is rendered here.
    """
    reference = [GLOSSARY_DOC] * (glossary is not None) + [f"{RESOURCES_DIR}/index"] * (catalog is not None)
    reference += [TAGS_DOC, ARCHIVE_DOC]
    files = {
        LANDING: render_landing(book, docs_prefix, reference),
        BOOK_METADATA: render_book_metadata(book, docs_prefix),
        f"{TAGS_DOC}.md": render_tags_page(book),
        f"{ARCHIVE_DOC}.md": render_archive_page(book),
    }
    if glossary is not None:
        files[f"{GLOSSARY_DOC}.md"] = render_glossary_page(glossary, usage or {}, book)
    if catalog is not None:
        files.update(render_resource_pages(catalog, citations or {}, book))
    entries = catalog.by_id() if catalog is not None else {}
    for post in book.posts:
        page = (post_pages or {}).get(post.source)
        if page is None:
            cited = {resource: entries[resource] for resource in post.resources if resource in entries}
            page = render_post_page(post, source_dir, cited)
        files[f"{post_docname(post)}.md"] = page
    return files
