"""Resources the posts cite: the curated catalogue, URL identity, and finding mentions.

A post cites a resource by a link or bare URL, by naming it in a "Links"-style list,
by a link whose target is only its own title, or by a curated name in running text.
Every citation found is kept: one the catalogue does not know becomes a "not yet
curated" entry, so nothing the author pointed to is dropped.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from slugify import slugify
from url_normalize import url_normalize

from .curated import load_yaml
from .glossary import Glossary, PhraseMatcher, sentence_around
from .model import (
    Block,
    Book,
    Code,
    Emphasis,
    Heading,
    Inline,
    LazyText,
    Link,
    ListBlock,
    NamedRef,
    Paragraph,
    Post,
    Report,
    ReportKind,
    ResourceRef,
    Strikethrough,
    Strong,
    TermRef,
    Text,
    map_running_text,
    plain_text,
    text_width,
)

UNCURATED = "uncurated"
UNCURATED_TITLE = "Not yet curated"
FOUND_ID_SLUG_MAX = 60
LINK_SECTIONS = frozenset({"links", "resources", "further reading", "references", "reading list", "sources"})
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "ref_src",
        "igshid",
        "_hsenc",
        "_hsmi",
        "yclid",
    }
)


class ResourceFileError(ValueError):
    """The resource file is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class ResourceEntry:
    id: str
    title: str
    category: str
    note: str = ""
    url: str = ""
    terms: tuple[str, ...] = ()
    names: tuple[str, ...] = ()

    @property
    def curated(self) -> bool:
        return self.category != UNCURATED


@dataclass(frozen=True)
class Catalog:
    categories: tuple[tuple[str, str], ...]
    entries: tuple[ResourceEntry, ...]

    def by_id(self) -> dict[str, ResourceEntry]:
        return {entry.id: entry for entry in self.entries}


@dataclass(frozen=True)
class Citation:
    """A post's first mention of a resource, with its sentence for context."""

    resource: str
    post: str
    sentence: str


# --- URLs -------------------------------------------------------------------------------


@functools.lru_cache(maxsize=65536)
def normalise_url(url: str) -> str:
    """The URL to show and link: case, ports and escapes normalised, tracking removed."""
    normal = url_normalize(url.strip()) or url.strip()
    parts = urlsplit(normal)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _tracking(k)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


def url_key(url: str) -> str:
    """The identity of a URL: one resource however a post spells its address.

    Scheme, ``www.``, a trailing slash, the fragment and tracking parameters do not count.
    """
    parts = urlsplit(normalise_url(url))
    host = parts.netloc.lower().removeprefix("www.")
    path = parts.path.rstrip("/")
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return f"{host}{path}" + (f"?{query}" if query else "")


def _tracking(parameter: str) -> bool:
    return parameter.lower().startswith("utm_") or parameter.lower() in TRACKING_PARAMETERS


def name_key(name: str) -> str:
    return "".join(char for char in name.casefold() if char.isalnum())


def entry_label(resource: str) -> str:
    """The target name of a resource's entry on the resource pages."""
    return f"res-{resource}"


def citation_label(post_slug: str, resource: str) -> str:
    """The target name of a post's first citation of a resource (shared with Sphinx)."""
    return f"res-use-{post_slug}-{resource}"


# --- the catalogue file -----------------------------------------------------------------


def parse_resources(text: str, source: str, glossary: Glossary | None = None) -> Catalog:
    """Read and check the resource file; raise ``ResourceFileError`` naming the entry."""
    data, _ = load_yaml(text, source, ResourceFileError)
    if not isinstance(data, Mapping) or not isinstance(data.get("resources"), list):
        raise ResourceFileError(f"{source}: expected a mapping with categories and a list of resources")
    categories = data.get("categories") or {}
    if not isinstance(categories, Mapping) or not all(isinstance(v, str) for v in categories.values()):
        raise ResourceFileError(f"{source}: categories: expected a mapping of key to title")
    known_terms = {entry.term for entry in glossary.entries} if glossary else None
    entries: list[ResourceEntry] = []
    seen: dict[str, str] = {}
    for index, item in enumerate(data["resources"]):
        entry = _read_entry(item, f"{source}: resources[{index}]", categories, known_terms)
        where = f"{source}: resources[{index}] {entry.id!r}"
        keys = [("id", entry.id)] + [("url", url_key(entry.url))] * bool(entry.url)
        keys += [("name", name_key(n)) for n in (entry.title, *entry.names)]
        for kind, key in keys:
            owner = seen.setdefault(f"{kind}:{key}", entry.id)
            if owner != entry.id:
                raise ResourceFileError(f"{where}: duplicate {kind} (already used by {owner!r})")
        entries.append(entry)
    return Catalog(tuple((str(k), str(v)) for k, v in categories.items()), tuple(entries))


def _read_entry(
    item: object, where: str, categories: Mapping[str, str], known_terms: set[str] | None
) -> ResourceEntry:
    if not isinstance(item, Mapping):
        raise ResourceFileError(f"{where}: expected a mapping with id, title and category")
    values: dict[str, str] = {}
    for key in ("id", "title", "category", "note", "url"):
        value = item.get(key, "")
        if not isinstance(value, str):
            raise ResourceFileError(f"{where}: {key}: expected text")
        values[key] = " ".join(value.split())
    if values["id"]:
        where = f"{where} {values['id']!r}"
    for key in ("id", "title", "category"):
        if not values[key]:
            raise ResourceFileError(f"{where}: {key}: missing")
    if values["id"] != slugify(values["id"]):
        raise ResourceFileError(f"{where}: id: use lower case letters, digits and hyphens")
    if values["category"] not in categories:
        raise ResourceFileError(f"{where}: category: {values['category']!r} is not under categories")
    if values["url"] and urlsplit(values["url"]).scheme not in ("http", "https"):
        raise ResourceFileError(f"{where}: url: expected an http or https address")
    lists: dict[str, tuple[str, ...]] = {}
    for key in ("terms", "names"):
        value = item.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise ResourceFileError(f"{where}: {key}: expected a list of names")
        lists[key] = tuple(" ".join(v.split()) for v in value)
    if known_terms is not None:
        for term in lists["terms"]:
            if term not in known_terms:
                raise ResourceFileError(f"{where}: terms: no glossary term named {term!r}")
    return ResourceEntry(
        values["id"],
        values["title"],
        values["category"],
        values["note"],
        normalise_url(values["url"]) if values["url"] else "",
        lists["terms"],
        lists["names"],
    )


# --- finding citations in posts ---------------------------------------------------------


@dataclass(frozen=True)
class Lookup:
    """One citation resolved by URL or by name: the key asked for and the entry it gave."""

    kind: str  # "url" or "name"
    key: str
    entry: ResourceEntry


class ResourceIndex:
    """Lookups over the catalogue, built once per book and grown as uncurated finds come in.

    Curated entries win: a later find never takes over a curated URL or name.
    """

    def __init__(self, catalog: Catalog) -> None:
        self.by_url: dict[str, ResourceEntry] = {}
        self.by_name: dict[str, ResourceEntry] = {}
        self.by_id = catalog.by_id()
        self.found: dict[str, ResourceEntry] = {}
        self.matcher = PhraseMatcher({n: e.id for e in catalog.entries for n in e.names})
        for entry in catalog.entries:
            self._add(entry, url_key(entry.url) if entry.url else "")

    def copy(self) -> ResourceIndex:
        """An index to grow apart from this one (for one post), sharing what never grows."""
        other = copy.copy(self)
        other.by_url, other.by_name, other.found = dict(self.by_url), dict(self.by_name), dict(self.found)
        return other

    def _add(self, entry: ResourceEntry, address: str) -> None:
        if address:
            self.by_url.setdefault(address, entry)
        for name in (entry.title, *entry.names):
            self.by_name.setdefault(name_key(name), entry)

    def add_found(self, entry: ResourceEntry, address: str = "") -> ResourceEntry:
        """Add an uncurated find under an id no other entry has ("-2" added if need be);
        ``address`` is the ``url_key`` it was cited by, if any."""
        resource, counter = entry.id, 2
        while self.taken(resource):
            resource, counter = f"{entry.id}-{counter}", counter + 1
        entry = dataclasses.replace(entry, id=resource)
        self.found[entry.id] = entry
        self._add(entry, address)
        return entry

    def taken(self, resource: str) -> bool:
        return resource in self.found or resource in self.by_id

    def entry(self, resource: str) -> ResourceEntry:
        return self.found.get(resource) or self.by_id[resource]

    def agrees(self, lookups: Iterable[Lookup]) -> bool:
        """Whether a post cited against a copy of the curated index finds the same entries
        here, where earlier posts' finds are known; its own finds are added as it goes.

        Lookups are replayed in order: up to the first disagreement this index changes
        exactly as citing the post against it would have changed it.
        """
        for lookup in lookups:
            known = (self.by_url if lookup.kind == "url" else self.by_name).get(lookup.key)
            if known is None:  # the post made it: nothing earlier knew the key
                if self.taken(lookup.entry.id):
                    return False  # an earlier find has its id; citing again picks another
                self.add_found(lookup.entry, lookup.key if lookup.kind == "url" else "")
            elif known != lookup.entry:
                return False
        return True


class _Finder:
    """Turns a post's citations into ``ResourceRef`` nodes, growing the uncurated list."""

    def __init__(self, index: ResourceIndex, post: Post) -> None:
        self.index = index
        self.post = post
        self.citations: dict[str, Citation] = {}
        self.lookups: list[Lookup] = []
        self._context = LazyText()

    # blocks

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

    def block(self, block: Block) -> Block:
        return map_running_text(block, self.inlines, self.blocks)

    def _link_item(self, item: tuple[Block, ...]) -> tuple[Block, ...]:
        """An item of a "Links" list that is only a name: the name is the citation."""
        if len(item) == 1 and isinstance(item[0], Paragraph):
            children = item[0].children
            name = plain_text(children).strip()
            if name and not any(isinstance(n, Link | ResourceRef) for n in children):
                self._context = LazyText(text=name)
                return (Paragraph((self._cite(self._by_name(name), children),)),)
        return self.blocks(item)

    # inlines

    def inlines(self, nodes: tuple[Inline, ...]) -> tuple[Inline, ...]:
        self._context = LazyText(nodes)
        return self._inlines(nodes, 0)[0]

    def _inlines(self, nodes: Sequence[Inline], offset: int) -> tuple[tuple[Inline, ...], int]:
        out: list[Inline] = []
        for node in nodes:
            width = text_width(node)
            if isinstance(node, Link):
                out.append(self._cite(self._by_url(node.url, plain_text(node.children)), node.children))
            elif isinstance(node, NamedRef):
                out.append(self._cite(self._by_name(node.text), (Text(node.text),)))
            elif isinstance(node, Text):
                out.extend(self._names_in(node.text, offset))
            elif isinstance(node, Emphasis | Strong | Strikethrough):
                children, _ = self._inlines(node.children, offset)
                out.append(type(node)(children))
            else:
                out.append(node)
            offset += width
        return tuple(out), offset

    def _names_in(self, text: str, offset: int) -> list[Inline]:
        out: list[Inline] = []
        position = 0
        for start, end, resource in self.index.matcher.find(text):
            if resource in self.citations:
                continue
            out.extend([Text(text[position:start])] if start > position else [])
            sentence = sentence_around(str(self._context), offset + start, offset + end)
            out.append(self._cite(self.index.by_id[resource], (Text(text[start:end]),), sentence))
            position = end
        if position < len(text):
            out.append(Text(text[position:]))
        return out

    # lookup

    def _by_url(self, url: str, text: str) -> ResourceEntry:
        key = url_key(url)
        entry = self.index.by_url.get(key)
        if entry is None:
            title = text if text.strip() and url_key(text) != key else key
            made = ResourceEntry(
                _found_id("web", key), " ".join(title.split()), UNCURATED, url=normalise_url(url)
            )
            entry = self.index.add_found(made, key)
        self.lookups.append(Lookup("url", key, entry))
        return entry

    def _by_name(self, name: str) -> ResourceEntry:
        key = name_key(name)
        entry = self.index.by_name.get(key)
        if entry is None:
            made = ResourceEntry(_found_id("name", name), " ".join(name.split()), UNCURATED)
            entry = self.index.add_found(made)
        self.lookups.append(Lookup("name", key, entry))
        return entry

    def _cite(self, entry: ResourceEntry, children: tuple[Inline, ...], sentence: str = "") -> ResourceRef:
        """The citation node; the post's first citation of ``entry`` is the anchored one."""
        first = entry.id not in self.citations
        if first:
            context = sentence or " ".join(str(self._context).split())
            self.citations[entry.id] = Citation(entry.id, self.post.source, context)
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


def cite_post(post: Post, index: ResourceIndex) -> tuple[Post, tuple[Citation, ...], tuple[Lookup, ...]]:
    """Find the post's citations against ``index`` (which grows by the post's finds).

    Returns the post with ``ResourceRef`` nodes, its first citation of each resource,
    and every lookup made, in order, so another index can check it agrees.
    """
    finder = _Finder(index, post)
    lead = finder.inlines(post.lead) if post.lead else ()
    body = finder.blocks(post.body)
    cited = dataclasses.replace(post, lead=lead, body=body, resources=tuple(finder.citations))
    return cited, tuple(finder.citations.values()), tuple(finder.lookups)


def grown_catalog(catalog: Catalog, index: ResourceIndex) -> Catalog:
    """The catalogue with the index's uncurated finds, by title."""
    found = tuple(sorted(index.found.values(), key=lambda e: e.title.casefold()))
    return Catalog(catalog.categories, catalog.entries + found)


def cite_resources(book: Book, catalog: Catalog) -> tuple[Book, Catalog, dict[str, list[Citation]]]:
    """Find every post's citations; return the book, the catalogue grown by uncurated
    finds, and each resource's citations in book order."""
    index = ResourceIndex(catalog)
    citations: dict[str, list[Citation]] = {}
    parts = []
    for part in book.parts:
        posts = []
        for post in part.posts:
            cited, found, _ = cite_post(post, index)
            posts.append(cited)
            for citation in found:
                citations.setdefault(citation.resource, []).append(citation)
        parts.append(dataclasses.replace(part, posts=tuple(posts)))
    return dataclasses.replace(book, parts=tuple(parts)), grown_catalog(catalog, index), citations


def resource_reports(
    catalog: Catalog, citations: Mapping[str, Sequence[Citation]], source: str
) -> list[Report]:
    """Citations the catalogue does not know yet, and curated entries no post cites."""
    reports = []
    for entry in catalog.entries:
        cited = citations.get(entry.id, ())
        if not entry.curated:
            where = ", ".join(sorted({c.post for c in cited}))
            reports.append(
                Report(source, ReportKind.RESOURCE, f"not yet curated: {entry.title!r} (cited in {where})")
            )
        elif not cited:
            reports.append(
                Report(source, ReportKind.RESOURCE, f"curated entry {entry.id!r} is cited in no post")
            )
    return reports
