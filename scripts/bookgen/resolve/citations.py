"""Resources the posts cite: each citation links to its entry, the first one is a target.

A post cites a resource by a link or bare URL, by naming it in a "Links"-style list,
by a link whose target is only its own title, or by a curated name in running text.
Every citation is kept: one the catalogue does not know becomes a "not yet curated"
entry, so nothing the author pointed to is dropped.

Which entry an unknown address or name becomes depends on the book: the first post, in
book order, to cite it makes the entry, and later posts share it. So citing runs in two
steps. ``citation_requests`` lists what one post asks for (a pure function of the
post, done once per post and cached); ``ResourceIndex.add_requests`` builds the one
book-wide index from every post's requests, in book order; then ``cite_post`` resolves
each post against that finished index, in any order and any process.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from slugify import slugify

from ..model import (
    LINKS,
    Block,
    Code,
    Heading,
    Inline,
    LazyText,
    Link,
    ListBlock,
    NamedRef,
    Paragraph,
    Post,
    ResourceRef,
    TermRef,
    Text,
    plain_text,
)
from .catalog import UNCURATED, Catalog, ResourceEntry, name_key, normalise_url, url_key
from .matcher import PhraseMatcher
from .walker import RunningTextWalker, replace_matches

FOUND_ID_SLUG_MAX = 60
LINK_SECTIONS = frozenset({"links", "resources", "further reading", "references", "reading list", "sources"})


@dataclass(frozen=True)
class Citation:
    """A post's first mention of a resource, with its sentence for context."""

    resource: str
    post: str
    sentence: str


@dataclass(frozen=True)
class Request:
    """One citation by address or name: the key to look up, and the entry it becomes if
    no earlier post or curated entry has the key (its id made unique when added)."""

    kind: str  # "url" or "name"
    key: str
    proposed: ResourceEntry


class ResourceIndex:
    """Lookups over the catalogue and the uncurated finds of the whole book.

    Curated entries win, and then the first post to cite a key: a later find never takes
    over a URL or name already known.
    """

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.by_url: dict[str, ResourceEntry] = {}
        self.by_name: dict[str, ResourceEntry] = {}
        self.by_id = catalog.by_id()
        self.found: dict[str, ResourceEntry] = {}
        self.matcher = PhraseMatcher({n: e.id for e in catalog.entries for n in e.names})
        for entry in catalog.entries:
            self._add(entry, url_key(entry.url) if entry.url else "")

    def _add(self, entry: ResourceEntry, address: str) -> None:
        if address:
            self.by_url.setdefault(address, entry)
        for name in (entry.title, *entry.names):
            self.by_name.setdefault(name_key(name), entry)

    def add_requests(self, requests: Iterable[Request]) -> None:
        """Add what one post asks for and nothing earlier knew, under ids no other entry
        has ("-2" added if need be). Called for each post in book order."""
        for request in requests:
            if self.known(request.kind, request.key) is not None:
                continue
            resource, counter = request.proposed.id, 2
            while resource in self.found or resource in self.by_id:
                resource, counter = f"{request.proposed.id}-{counter}", counter + 1
            entry = dataclasses.replace(request.proposed, id=resource)
            self.found[entry.id] = entry
            self._add(entry, request.key if request.kind == "url" else "")

    def known(self, kind: str, key: str) -> ResourceEntry | None:
        """The entry cited by this address (``kind`` "url") or name, if any."""
        return (self.by_url if kind == "url" else self.by_name).get(key)

    def entry(self, resource: str) -> ResourceEntry:
        return self.found.get(resource) or self.by_id[resource]

    def grown_catalog(self) -> Catalog:
        """The catalogue with the uncurated finds, by title."""
        found = tuple(sorted(self.found.values(), key=lambda e: e.title.casefold()))
        return Catalog(self.catalog.categories, self.catalog.entries + found)


# How a finder gets the entry for a key: (kind, key, the entry it would propose) -> entry.
Lookup = Callable[[str, str, Callable[[], ResourceEntry]], ResourceEntry]


class _Finder(RunningTextWalker):
    """Turns a post's citations into ``ResourceRef`` nodes, each entry given by ``lookup``."""

    def __init__(
        self,
        post: Post,
        lookup: Lookup,
        names: PhraseMatcher | None = None,
        by_id: Mapping[str, ResourceEntry] | None = None,
    ) -> None:
        super().__init__()
        self.source = post.source
        self.lookup = lookup
        self.names = names  # curated names to find in running text (None: not looked for)
        self.by_id = by_id or {}  # the curated entries the names stand for
        self.citations: dict[str, Citation] = {}

    def blocks(self, blocks: Sequence[Block]) -> tuple[Block, ...]:
        out: list[Block] = []
        section = ""
        for block in blocks:
            if isinstance(block, Heading):
                section = plain_text(block.children).strip().casefold()
                out.append(block)
            elif isinstance(block, ListBlock) and section in LINK_SECTIONS:
                out.append(
                    dataclasses.replace(block, items=tuple(self._link_item(item) for item in block.items))
                )
            else:
                out.append(self.block(block))
        return tuple(out)

    def _link_item(self, item: tuple[Block, ...]) -> tuple[Block, ...]:
        """An item of a "Links" list that is only a name: the name is the citation."""
        if len(item) == 1 and isinstance(item[0], Paragraph):
            children = item[0].children
            name = plain_text(children).strip()
            if name and not any(isinstance(n, (*LINKS, ResourceRef)) for n in children):
                self.context = LazyText(text=name)
                return (Paragraph((self._cite(self._by_name(name), children),)),)
        return self.blocks(item)

    def node(self, node: Inline, offset: int) -> Inline:
        if isinstance(node, Link):
            return self._cite(self._by_url(node.url, plain_text(node.children)), node.children)
        if isinstance(node, NamedRef):
            return self._cite(self._by_name(node.text), (Text(node.text),))
        return node

    def text(self, text: str, offset: int) -> list[Inline]:
        if self.names is None:
            return [Text(text)]

        def citation(start: int, end: int, resource: str) -> Inline | None:
            if resource in self.citations:
                return None
            sentence = self.sentence(offset + start, offset + end)
            return self._cite(self.by_id[resource], (Text(text[start:end]),), sentence)

        return replace_matches(text, self.names.find(text), citation)

    def _by_url(self, url: str, text: str) -> ResourceEntry:
        key = url_key(url)

        def proposed() -> ResourceEntry:
            title = text if text.strip() and url_key(text) != key else key
            return ResourceEntry(
                _found_id("web", key), " ".join(title.split()), UNCURATED, url=normalise_url(url)
            )

        return self.lookup("url", key, proposed)

    def _by_name(self, name: str) -> ResourceEntry:
        def proposed() -> ResourceEntry:
            return ResourceEntry(_found_id("name", name), " ".join(name.split()), UNCURATED)

        return self.lookup("name", name_key(name), proposed)

    def _cite(self, entry: ResourceEntry, children: tuple[Inline, ...], sentence: str = "") -> ResourceRef:
        """The citation node; the post's first citation of ``entry`` is the anchored one."""
        first = entry.id not in self.citations
        if first:
            context = sentence or " ".join(str(self.context).split())
            self.citations[entry.id] = Citation(entry.id, self.source, context)
        return ResourceRef(tuple(_strip_refs(children)), entry.id, entry.url, anchor=first)


def _strip_refs(nodes: Sequence[Inline]) -> list[Inline]:
    """Inside a citation, mentions of terms or names are plain text."""
    out: list[Inline] = []
    for node in nodes:
        if isinstance(node, TermRef | NamedRef):
            out.append(Text(node.text))
        elif isinstance(node, Code | Text):
            out.append(node)
        else:
            out.append(Text(plain_text((node,))))
    return out


def _found_id(prefix: str, key: str) -> str:
    """The id of an uncurated find: readable, and distinct for distinct keys even when
    the slug had to be cut short (two long addresses on one site)."""
    slug = slugify(key) or "untitled"
    if len(slug) > FOUND_ID_SLUG_MAX:
        slug = slug[: FOUND_ID_SLUG_MAX - 9].rstrip("-") + "-" + hashlib.sha256(key.encode()).hexdigest()[:8]
    return f"{prefix}-{slug}"


def citation_requests(post: Post) -> tuple[Request, ...]:
    """Every address and name the post cites, in reading order: what building the
    book-wide index needs of the post."""
    requests: list[Request] = []

    def record(kind: str, key: str, proposed: Callable[[], ResourceEntry]) -> ResourceEntry:
        requests.append(Request(kind, key, proposed()))
        return requests[-1].proposed

    _Finder(post, record).post(post)
    return tuple(requests)


def cite_post(post: Post, index: ResourceIndex) -> tuple[Post, tuple[Citation, ...]]:
    """The post with ``ResourceRef`` nodes, and its first citation of each resource.

    ``index`` holds every post's requests already, so it is only read.
    """

    def lookup(kind: str, key: str, _: Callable[[], ResourceEntry]) -> ResourceEntry:
        entry = index.known(kind, key)
        if entry is None:
            raise LookupError(f"{kind} {key!r} is not in the book's resource index")
        return entry

    finder = _Finder(post, lookup, index.matcher, index.by_id)
    lead, body = finder.post(post)
    cited = dataclasses.replace(post, lead=lead, body=body, resources=tuple(finder.citations))
    return cited, tuple(finder.citations.values())
