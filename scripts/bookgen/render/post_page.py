"""A post's page: title, meta line, lead, body, and its resources and key terms."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..chars import one_line, shown_name
from ..labels import chapter_end_label, chapter_label, entry_label
from ..model import Post
from ..resolve.catalog import ResourceEntry
from ..words import reading_minutes, summary_sentence
from .myst import (
    code_span,
    directive,
    escape_text,
    front_matter,
    generated_note,
    render_blocks,
    render_inlines,
    role_text,
    target,
)


def format_date(post: Post) -> str:
    if post.date is None:
        return "Undated"
    return f"{post.date:%B %Y}" if post.month_only else f"{post.date.day} {post.date:%B %Y}"


def post_meta_line(post: Post) -> str:
    """Authors, date, reading time, tags and source file, as shown under a post's title."""
    pieces = [escape_text(format_date(post)), f"{reading_minutes(post)} min read"]
    if post.authors:
        pieces.insert(0, "By " + escape_text(", ".join(post.authors)))
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
        target(chapter_label(post.slug)) if post.slug else "",
        "# " + escape_text(post.title, line_start=True),
        # The meta line is no text of the post: kept out of the search index and snippets.
        directive("container", "post-meta no-search", body=post_meta_line(post)),
    ]
    if post.lead:
        sections.append(directive("container", "lead", body=render_inlines(post.lead)))
    sections.append(render_blocks(post.body))
    if post.resources:
        cited = "\n".join(
            f"- {{ref}}`{role_text(catalog[r].title)} <{entry_label(r)}>`" for r in post.resources
        )
        sections.extend([_closing_heading(post.slug, "resources", "Resources in this post"), cited])
    if post.key_terms:
        terms = ", ".join(f"{{term}}`{term}`" for term in post.key_terms)
        sections.extend(
            [
                _closing_heading(post.slug, "key-terms", "Key terms"),
                directive("container", "key-terms", body=terms),
            ]
        )
    return "\n\n".join(section.rstrip("\n") for section in sections if section) + "\n"


def _closing_heading(slug: str, end: str, title: str) -> str:
    """A closing section's heading, labelled so the search index leaves it out."""
    label = f"{target(chapter_end_label(slug, end))}\n" if slug else ""
    return f"{label}## {title}"


@dataclass(frozen=True)
class Connection:
    """Another post as a chapter's end names it: a post linking here, with the sentence
    of its link, or a related post, with what the two share."""

    title: str
    slug: str
    sentence: str = ""  # a backlink: the linking sentence
    shared: tuple[str, ...] = ()  # a related post: what they share


def render_connections(slug: str, backlinks: Sequence[Connection], related: Sequence[Connection]) -> str:
    """The sections that end chapter ``slug`` when other posts link to it or are like it:
    "Linked from" and "Related posts" (empty text when neither), each labelled so the
    search index can leave them out (they quote other posts)."""
    sections = []
    if backlinks:
        lines = (f"- {_chapter_ref(c)}: “{escape_text(c.sentence)}”" for c in backlinks)
        heading = f"{target(chapter_end_label(slug, 'linked-from'))}\n## Linked from"
        sections.extend([heading, "\n".join(lines)])
    if related:
        lines = (f"- {_chapter_ref(c)} · Also about: {escape_text(', '.join(c.shared))}" for c in related)
        heading = f"{target(chapter_end_label(slug, 'related-posts'))}\n## Related posts"
        sections.extend([heading, "\n".join(lines)])
    return "\n\n".join(sections)


def _chapter_ref(connection: Connection) -> str:
    return f"{{ref}}`{role_text(connection.title)} <{chapter_label(connection.slug)}>`"
