"""The resolve stage: book-wide indexes built once, then each post resolved against them.

Resolving a post reads the post and the ``BookIndex`` alone, so posts resolve in any
order, in any process, and a post resolved before is reused while its index is the same.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..model import Post
from .catalog import Catalog
from .citations import Citation, Request, ResourceIndex, cite_post
from .glossary import Glossary
from .matcher import PhraseMatcher
from .terms import Mention, link_terms, term_matcher


@dataclass(frozen=True)
class BookIndex:
    """What resolving a post reads besides the post."""

    glossary: Glossary | None
    terms: PhraseMatcher | None
    resources: ResourceIndex | None
    catalog: Catalog | None  # the curated entries and every uncurated find
    signature: str = field(compare=False)  # work resolved under another index is not reused


def build_index(
    glossary: Glossary | None, catalog: Catalog | None, requests: Iterable[Sequence[Request]]
) -> BookIndex:
    """The index for a book: ``requests`` holds each post's ``citation_requests``, in
    book order, since the first post to cite an unknown address makes its entry."""
    resources = None
    if catalog is not None:
        resources = ResourceIndex(catalog)
        for post_requests in requests:
            resources.add_requests(post_requests)
        catalog = resources.grown_catalog()
    terms = term_matcher(glossary) if glossary is not None else None
    signature = hashlib.sha256(pickle.dumps((glossary, catalog), protocol=pickle.HIGHEST_PROTOCOL))
    return BookIndex(glossary, terms, resources, catalog, signature.hexdigest())


@dataclass(frozen=True)
class ResolvedPost:
    post: Post  # its citations and first mentions of terms marked
    citations: tuple[Citation, ...]
    mentions: tuple[Mention, ...]


def resolve_post(post: Post, index: BookIndex) -> ResolvedPost:
    """Mark the post's citations of resources, then its first mentions of terms."""
    citations: tuple[Citation, ...] = ()
    if index.resources is not None:
        post, citations = cite_post(post, index.resources)
    mentions: tuple[Mention, ...] = ()
    if index.terms is not None:
        post, mentions = link_terms(post, index.terms)
    return ResolvedPost(post, citations, mentions)


@dataclass(frozen=True)
class BookUses:
    """Where the posts use each resource and term, in book order: the backlinks."""

    citations: dict[str, list[Citation]]  # by resource id
    mentions: dict[str, list[Mention]]  # by glossary term, every term listed


def book_uses(index: BookIndex, posts: Iterable[tuple[Sequence[Citation], Sequence[Mention]]]) -> BookUses:
    """Each resolved post's citations and mentions (in book order), gathered by target."""
    citations: dict[str, list[Citation]] = {}
    mentions: dict[str, list[Mention]] = {}
    if index.glossary is not None:
        mentions = {entry.term: [] for entry in index.glossary.entries}
    for post_citations, post_mentions in posts:
        for citation in post_citations:
            citations.setdefault(citation.resource, []).append(citation)
        for mention in post_mentions:
            mentions[mention.term].append(mention)
    return BookUses(citations, mentions)
