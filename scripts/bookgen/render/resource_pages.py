"""The resource pages: one per category, one for what is not yet curated, an overview."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..labels import RESOURCES_DIR, citation_label, entry_label
from ..model import Book, Post
from ..resolve.catalog import UNCURATED, UNCURATED_TITLE, Catalog, ResourceEntry
from ..resolve.citations import Citation
from .backlinks import backlinks
from .myst import directive, escape_text, generated_note, link_target, role_text

# Entries on one page of a category; more make a page of pages.
ENTRIES_PER_PAGE = 300


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
        rendered = [_resource_entry(entry, citations.get(entry.id, ()), posts) for entry in entries]
        pages.update(_category_pages(key, title, intro, entries, rendered))
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


def _category_pages(
    key: str, title: str, intro: str, entries: Sequence[ResourceEntry], rendered: Sequence[str]
) -> dict[str, str]:
    """A category's page; past ``ENTRIES_PER_PAGE`` entries, a page that lists pages of
    that many entries each, in order (at 3,000 posts the uncurated finds were 12,571
    entries, a 7 MB page, the slowest of the book and the largest in memory)."""
    note = generated_note("content/resources.yaml and the posts")
    heading = f"# {escape_text(title, line_start=True)}"
    if len(entries) <= ENTRIES_PER_PAGE:
        return {f"{RESOURCES_DIR}/{key}.md": "\n\n".join([note, heading, intro, *rendered]) + "\n"}
    pages: dict[str, str] = {}
    listed: list[str] = []
    for number, start in enumerate(range(0, len(entries), ENTRIES_PER_PAGE), start=1):
        part = slice(start, start + ENTRIES_PER_PAGE)
        first, last = entries[part][0].title, entries[part][-1].title
        span = f"{title}: {first} – {last}"
        pages[f"{RESOURCES_DIR}/{key}-{number}.md"] = (
            "\n\n".join([note, f"# {escape_text(span, line_start=True)}", *rendered[part]]) + "\n"
        )
        listed.append(f"{key}-{number}")
    count = f"{len(entries):,} entries, {ENTRIES_PER_PAGE} a page, by title."
    toctree = directive("toctree", options={"titlesonly": ""}, body="\n".join(listed))
    pages[f"{RESOURCES_DIR}/{key}.md"] = "\n\n".join([note, heading, intro, count, toctree]) + "\n"
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
        (
            f"{{ref}}`{role_text(posts[c.post].title)} <{citation_label(posts[c.post].slug, entry.id)}>`",
            c.sentence,
        )
        for c in citations
    ]
    if mentioned:
        lines.append(backlinks("Mentioned in", "mentioned-in", mentioned))
    return "\n\n".join(lines[:1]) + "\n" + "\n\n".join(lines[1:])
