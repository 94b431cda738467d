"""A post's own work, done once per post and in any process: parse, cite, link, render.

All of it depends on the post and the curated files alone but for one thing: an
address or name no curated entry knows becomes an uncurated entry the first time a
post, in book order, cites it, and later posts share that entry. So each post is cited
against its own copy of the curated index and keeps every lookup it made; ``settle``
replays the lookups in book order against one shared index. A post whose lookups all
agree found the very entries a one-process run gives it, so its work, page included,
stands; one that disagrees (an earlier post cited the same address under another
title, or took the id of its find) is prepared again against the shared index.
The book is the same whatever order the posts were prepared in, by however many
processes, and whichever of them came from the cache.
"""

from __future__ import annotations

import dataclasses
import hashlib
import pickle
from collections.abc import Mapping
from dataclasses import dataclass

from .glossary import Glossary, Mention, link_terms, term_matcher
from .model import Book, Post
from .pages import render_post_page
from .post import preformatted_post, read_post
from .resources import Catalog, Citation, Lookup, ResourceIndex, cite_post, grown_catalog


class PostContext:
    """What preparing a post reads besides the post: built once, shared by every worker."""

    def __init__(self, source_dir: str, glossary: Glossary | None, catalog: Catalog | None) -> None:
        self.source_dir = source_dir
        self.glossary = glossary
        self.catalog = catalog
        self.matcher = term_matcher(glossary) if glossary is not None else None
        self.index = ResourceIndex(catalog) if catalog is not None else None
        # Work prepared under another glossary, catalogue or posts folder is not reused.
        self.signature = hashlib.sha256(pickle.dumps((source_dir, glossary, catalog))).hexdigest()


@dataclass(frozen=True)
class PreparedPost:
    post: Post  # parsed, its citations and first mentions of terms marked
    page: str  # its generated page
    citations: tuple[Citation, ...]
    mentions: tuple[Mention, ...]
    lookups: tuple[Lookup, ...]


def prepare_post(
    name: str, data: bytes, context: PostContext, index: ResourceIndex | None = None
) -> PreparedPost:
    """Everything one post file becomes; cited against ``index``, else its own copy of
    the curated index. Whatever goes wrong with one post is reported and the post is
    published as preformatted text: one post never stops the book."""
    try:
        return _prepare_post(name, data, context, index)
    except Exception as error:  # any fault of the converter on this one post
        post = preformatted_post(data, name, error)
        return PreparedPost(post, render_post_page(post, context.source_dir, {}), (), (), ())


def _prepare_post(name: str, data: bytes, context: PostContext, index: ResourceIndex | None) -> PreparedPost:
    post = read_post(data, name)
    citations: tuple[Citation, ...] = ()
    lookups: tuple[Lookup, ...] = ()
    if context.index is not None:
        index = index if index is not None else context.index.copy()
        post, citations, lookups = cite_post(post, index)
    mentions: tuple[Mention, ...] = ()
    if context.matcher is not None:
        post, mentions = link_terms(post, context.matcher)
    cited = {resource: index.entry(resource) for resource in post.resources} if index is not None else {}
    page = render_post_page(post, context.source_dir, cited)
    return PreparedPost(post, page, citations, mentions, lookups)


@dataclass(frozen=True)
class SettledBook:
    book: Book
    catalog: Catalog | None  # the curated entries and the uncurated finds
    citations: dict[str, list[Citation]]  # by resource, in book order
    usage: dict[str, list[Mention]]  # by glossary term, in book order
    pages: dict[str, str]  # each post's page, by post file name


def settle(
    book: Book, prepared: Mapping[str, PreparedPost], files: Mapping[str, bytes], context: PostContext
) -> SettledBook:
    """The book made of prepared posts, as citing and linking it in one pass would make it.

    ``book`` is assembled from the prepared posts; ``files`` holds each post's bytes,
    read again for a post whose citations must be found again.
    """
    index = context.index.copy() if context.index is not None else None
    citations: dict[str, list[Citation]] = {}
    usage: dict[str, list[Mention]] = {}
    if context.glossary is not None:
        usage = {entry.term: [] for entry in context.glossary.entries}
    settled: dict[str, PreparedPost] = {}
    for post in book.posts:
        ready = prepared[post.source]
        if index is not None and not index.agrees(ready.lookups):
            again = prepare_post(post.source, files[post.source], context, index)
            ready = dataclasses.replace(again, post=dataclasses.replace(again.post, slug=post.slug))
        else:
            ready = dataclasses.replace(ready, post=post)
        settled[post.source] = ready
        for citation in ready.citations:
            citations.setdefault(citation.resource, []).append(citation)
        for mention in ready.mentions:
            usage[mention.term].append(mention)

    catalog = None
    if context.catalog is not None and index is not None:
        catalog = grown_catalog(context.catalog, index)
    pages = {source: ready.page for source, ready in settled.items()}
    posts = {source: ready.post for source, ready in settled.items()}
    parts = tuple(
        dataclasses.replace(part, posts=tuple(posts[post.source] for post in part.posts))
        for part in book.parts
    )
    return SettledBook(dataclasses.replace(book, parts=parts), catalog, citations, usage, pages)
