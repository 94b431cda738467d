"""Links between posts: each link into the blog found as a chapter of the book.

Reading leaves two kinds of link a post may make to its own blog: ``SiteLink`` (a path,
a source file, a Jekyll post) and ``Link`` to the blog's address (``SITE_URL``). Here,
once per book, ``SiteMap`` learns every post's names (its file, its slug, the addresses
its front matter gives, its headings' anchors); ``resolve_targets`` then says where each
of a post's link targets lands, and ``link_post`` (run with the post's page) rewrites
the links into ``ChapterLink`` nodes and records the sentence of each, for the
target's backlinks.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import posixpath
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from slugify import slugify

from ..labels import chapter_label, heading_label
from ..model import (
    CONTAINERS,
    Block,
    ChapterLink,
    DefinitionList,
    Details,
    Figure,
    Footnote,
    Heading,
    Inline,
    Link,
    ListBlock,
    Paragraph,
    Post,
    Quote,
    Report,
    ReportKind,
    SiteLink,
    Table,
    Text,
    plain_text,
)
from ..read.site_links import FILE, PATH, POST
from .walker import RunningTextWalker

URL = "url"  # the form of an absolute address, which lands in the book if it is the blog's
POST_SUFFIXES = (".md", ".markdown", ".mdown", ".txt", ".html", ".htm", ".php", ".adoc", ".rst", ".org")
INDEX_NAMES = frozenset({"index", "_index", "index.html", "index.htm", "index.php", "readme"})
# A path under these names is a listing of posts (by tag, by category, a feed), never a post.
LISTING_SEGMENTS = frozenset({"tags", "tag", "categories", "category", "feed", "rss"})
# Files a link may name that are never posts: such a link is left alone, not reported.
FILE_SUFFIXES = frozenset(
    {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".pdf", ".zip", ".gz", ".mp3", ".mp4", ".mov", ".xml",
     ".json", ".csv", ".txt", ".py", ".js", ".css", ".ico", ".tar", ".tgz", ".ipynb", ".key", ".ppt", ".pptx"}
)  # fmt: skip


# --- what reading a post tells about its links -----------------------------------------


@dataclass(frozen=True)
class LinkFacts:
    """A post's link targets, and the anchors its headings answer to (for a fragment)."""

    targets: tuple[tuple[str, str], ...]  # (form, target): each SiteLink, each absolute Link
    anchors: tuple[frozenset[str], ...]  # per top-level heading, in order


def link_facts(post: Post) -> LinkFacts:
    targets: dict[tuple[str, str], None] = {}
    for node in _links(post):
        if isinstance(node, SiteLink):
            targets[node.form, node.target] = None
        elif isinstance(node, Link) and urlsplit(node.url).scheme.lower() in ("http", "https"):
            targets[URL, node.url] = None
    return LinkFacts(tuple(targets), heading_anchors(post.body))


def heading_anchors(blocks: Sequence[Block]) -> tuple[frozenset[str], ...]:
    """For each top-level heading, the fragments that name it: its anchor as GitHub, Hugo
    and most generators make it (numbered when repeated), and its letters and digits
    alone, plain and transliterated, as kramdown's and Zola's anchors reduce to."""
    seen: dict[str, int] = {}
    anchors = []
    for block in blocks:
        if not isinstance(block, Heading):
            continue
        text = plain_text(block.children)
        anchor = github_anchor(text)
        count = seen.get(anchor, 0)
        seen[anchor] = count + 1
        numbered = f"{anchor}-{count}" if count else anchor
        anchors.append(frozenset({numbered, _letters(text), _letters(slugify(text))} - {""}))
    return tuple(anchors)


def github_anchor(text: str) -> str:
    """A heading's anchor as GitHub and Hugo make it: lower case, punctuation dropped,
    spaces as hyphens."""
    kept = (ch for ch in text.strip().lower() if ch in " -_" or unicodedata.category(ch)[0] in "LNM")
    return "".join(kept).replace(" ", "-")


def _letters(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _links(post: Post) -> Iterator[Inline]:
    """Every link of the post, in reading order, wherever it stands."""
    yield from _inline_links(post.lead)
    for nodes in _block_inlines(post.body):
        yield from _inline_links(nodes)


def _inline_links(nodes: Iterable[Inline]) -> Iterator[Inline]:
    for node in nodes:
        if isinstance(node, Link | SiteLink):
            yield node
        elif isinstance(node, CONTAINERS):
            yield from _inline_links(node.children)


def _block_inlines(blocks: Iterable[Block]) -> Iterator[tuple[Inline, ...]]:
    for block in blocks:
        yield from _own_inlines(block)
        for children in _nested_blocks(block):
            yield from _block_inlines(children)


def _own_inlines(block: Block) -> Iterator[tuple[Inline, ...]]:
    if isinstance(block, Paragraph | Heading):
        yield block.children
    elif isinstance(block, Details):
        yield block.summary
    elif isinstance(block, Table):
        yield from block.header
        for row in block.rows:
            yield from row
    elif isinstance(block, Figure):
        yield block.caption
    elif isinstance(block, DefinitionList):
        yield from (term for term, _ in block.items)


def _nested_blocks(block: Block) -> Iterator[Sequence[Block]]:
    if isinstance(block, ListBlock):
        yield from block.items
    elif isinstance(block, Quote | Footnote | Details):
        yield block.children
    elif isinstance(block, DefinitionList):
        for _, definitions in block.items:
            yield from definitions


# --- the blog's map of its posts -------------------------------------------------------


@dataclass(frozen=True)
class Site:
    """The blog's own address: links to it are links into the book."""

    hosts: frozenset[str] = frozenset()  # without "www."
    base: str = "/"  # the blog's path on its host, "/" or "/blog/"

    @classmethod
    def of(cls, addresses: Iterable[str]) -> Site:
        """The site of ``SITE_URL``-like addresses (the first gives the base path)."""
        hosts: set[str] = set()
        base = ""
        for address in addresses:
            parts = urlsplit(address.strip())
            if parts.scheme in ("http", "https") and parts.hostname:
                hosts.add(_host(parts.hostname))
                base = base or "/" + parts.path.strip("/") + "/" * bool(parts.path.strip("/"))
        return cls(frozenset(hosts), base or "/")

    def path_of(self, url: str) -> str | None:
        """The path (with fragment) of an address of the blog; None for another site's."""
        try:
            parts = urlsplit(url)
        except ValueError:
            return None
        if not parts.hostname or _host(parts.hostname) not in self.hosts:
            return None
        path = parts.path or "/"
        if self.base != "/" and (path + "/").startswith(self.base):
            path = "/" + path[len(self.base) :]
        return path + (f"#{parts.fragment}" if parts.fragment else "")


def _path_part(address: str) -> str:
    """The path of an address a post gives itself (``https://x.org/a/`` or ``/a/``)."""
    try:
        return urlsplit(address).path if "//" in address else address
    except ValueError:
        return ""


def _host(host: str) -> str:
    return host.lower().removeprefix("www.")


@dataclass(frozen=True)
class LinkTarget:
    """Where a link lands: a post (its source) and its book label (chapter or heading)."""

    source: str
    label: str
    heading: int | None = None  # the heading's number among the post's top-level headings


@dataclass(frozen=True)
class Unresolved:
    """A link into the blog that names no post: ``why`` says so for the report (empty for
    a file of the blog, an image or a PDF, which is no post and not reported);
    ``address`` is where it pointed, when the blog's address is known (it goes there)."""

    why: str
    address: str = ""


Resolution = LinkTarget | Unresolved


class SiteMap:
    """Every name a link may give a post, built once per book (in book order)."""

    def __init__(
        self,
        posts: Sequence[Post],
        anchors: Mapping[str, Sequence[frozenset[str]]],
        site: Site,
        assets: Iterable[str] = (),
    ) -> None:
        self.site = site
        self.assets = frozenset(asset.lower() for asset in assets)  # the blog's other files
        self.posts = {post.source: post for post in posts}
        self.anchors = anchors
        self.paths: dict[str, list[str]] = {}  # an address the post gives -> sources
        self.files: dict[str, list[str]] = {}  # a source path, without suffix -> sources
        self.slugs: dict[str, list[str]] = {}  # the last part of an address -> sources
        self.titles: dict[str, list[str]] = {}  # the slug of a title -> sources
        for post in posts:
            for address in post.addresses:
                path = _clean_path(_path_part(address))
                if path:
                    self._add(self.paths, path, post.source)
                    self._add(self.slugs, path.rsplit("/", 1)[-1], post.source)
            file = _without_suffix(post.source.lower())
            self._add(self.files, file, post.source)
            for slug in _slugs(post):
                self._add(self.slugs, slug, post.source)
            self._add(self.titles, slugify(post.title), post.source)

    @staticmethod
    def _add(index: dict[str, list[str]], key: str, source: str) -> None:
        sources = index.setdefault(key, [])
        if source not in sources:
            sources.append(source)

    def resolve(self, form: str, target: str, source: str) -> Resolution | None:
        """Where ``target`` (of a link of post ``source``) lands; None for an address out
        of the blog, or a file of it (an image, a PDF)."""
        if form == URL:
            path = self.site.path_of(target)
            if path is None:
                return None
            form, target = PATH, path
        target, _, fragment = target.partition("#")
        if form == PATH:
            found = self._path(target, source)
        elif form == FILE:
            found = self._file(target.lstrip("/"))
        elif form == POST:
            found = self._post(target)
        else:
            return None
        if isinstance(found, str):
            return self._landing(found, fragment)
        if form == PATH and target.startswith("/") and self.site.hosts:
            host = sorted(self.site.hosts)[0]
            address = f"https://{host}{self.site.base.rstrip('/')}{target}" + (
                f"#{fragment}" if fragment else ""
            )
            return dataclasses.replace(found, address=address)
        return found

    def _landing(self, source: str, fragment: str) -> LinkTarget:
        slug = self.posts[source].slug
        if fragment:
            wanted = unquote(fragment).strip()
            anchors = self.anchors.get(source, ())
            for forms in (wanted.lower(), _letters(wanted)):
                for number, names in enumerate(anchors, start=1):
                    if forms in names:
                        return LinkTarget(source, heading_label(slug, number), number)
        return LinkTarget(source, chapter_label(slug))

    def _path(self, target: str, source: str) -> str | Unresolved:
        if not target:
            return source  # "#setup": a heading of the post itself
        if _is_file(target):
            return Unresolved("")
        if not target.startswith("/"):  # relative to the post's file: "../x.md", "x/"
            if _looks_like_host(target):
                address = "https://" + target
                return Unresolved(f"link {target!r} lacks https:// (the blog's link was broken too)", address)
            here = posixpath.dirname(source)
            relative = posixpath.normpath(posixpath.join(here, target)).lower()
            if relative in self.assets:
                return Unresolved("")
            found = self._unique(self.files.get(_without_suffix(relative), []))
            if found:
                return found
        path = _clean_path(target)
        exact = self._unique(self.paths.get(path, []))
        if exact:
            return exact
        return self._file(path, target)

    def _by_slug(self, path: str, target: str) -> str | Unresolved:
        segments = [segment for segment in path.split("/") if segment and segment not in (".", "..")]
        if not segments:
            return Unresolved(f"link {target!r} names the blog's front page, not a post")
        *folders, last = segments
        if any(folder in LISTING_SEGMENTS for folder in folders):
            return Unresolved(f"link {target!r} names a listing of the blog, not a post")
        named = self.slugs.get(last) or self.titles.get(last, [])
        candidates = [s for s in named if _date_fits(folders, self.posts[s].date)]
        if len(candidates) > 1:  # the one whose folders the path names best, if one does
            fits = {s: _shared_tail(folders, _without_suffix(s.lower()).split("/")[:-1]) for s in candidates}
            best = max(fits.values())
            closest = [s for s in candidates if fits[s] == best]
            candidates = closest if best and len(closest) == 1 else candidates
        if len(candidates) == 1:
            return candidates[0]
        if candidates:
            return Unresolved(f"link {target!r} may name any of {len(candidates)} posts")
        return Unresolved(f"link {target!r} names no post of the book")

    def _file(self, target: str, typed: str = "") -> str | Unresolved:
        """A source file, as Zola's ``@/`` and Hugo's ``ref`` name it from the content
        folder (``blog/x.md``, ``/blog/x``, ``x.md``), which may hold the posts' folder;
        also an address that is a file's path, as Hugo and Zola make them by default."""
        path = _without_suffix(posixpath.normpath(unquote(target)).lower().strip("/"))
        parts = path.split("/")
        for start in range(len(parts)):
            found = self._unique(self.files.get("/".join(parts[start:]), []))
            if found:
                return found
        return self._by_slug(path, typed or target)

    def _post(self, target: str) -> str | Unresolved:
        """A Jekyll post by its file name without suffix: ``2019-05-01-x`` or ``dir/2019-05-01-x``."""
        stem = target.strip().strip("/").rsplit("/", 1)[-1].lower()
        found = [s for s in self.posts if _without_suffix(posixpath.basename(s.lower())) == stem]
        if len(found) == 1:
            return found[0]
        count = f"{len(found)} posts" if found else "no post"
        return Unresolved(f"post_url {target!r} names {count} of the book")

    @staticmethod
    def _unique(sources: list[str]) -> str | None:
        return sources[0] if len(sources) == 1 else None


def _slugs(post: Post) -> Iterator[str]:
    """The last parts of the addresses a blog gives a post: its slug, its file's stem
    or its bundle's folder (without a Jekyll date)."""
    if post.address_slug:
        yield post.address_slug.lower().strip("/").rsplit("/", 1)[-1]
    name = _without_suffix(post.source.lower()).rsplit("/", 1)[-1]
    yield name
    if len(name) > 11 and name[10] in "-_" and name[:4].isdigit():
        yield name[11:]  # 2019-05-01-x


def _shared_tail(folders: Sequence[str], dirs: Sequence[str]) -> int:
    """How many of a link's last folders are the last folders of a post's file."""
    count = 0
    while count < min(len(folders), len(dirs)) and folders[-1 - count] == dirs[-1 - count]:
        count += 1
    return count


def _without_suffix(path: str) -> str:
    """``a/x.md`` and ``a/x/index.md`` as ``a/x``; ``a/x/`` as ``a/x``."""
    path = path.strip("/")
    for suffix in POST_SUFFIXES:
        if path.endswith(suffix):
            path = path[: -len(suffix)]
            break
    head, _, tail = path.rpartition("/")
    return head if tail in INDEX_NAMES and head else path


def _clean_path(path: str) -> str:
    """An address's path as the map keys it: lower case, no query, no suffix, no index."""
    path = unquote(path.split("?", 1)[0].split("#", 1)[0]).strip().lower()
    return "/" + _without_suffix(path) if path else ""


def _looks_like_host(target: str) -> bool:
    """``github.com/x`` or ``www.example.org``: an address typed without its scheme."""
    host = target.split("/", 1)[0].lower()
    labels = host.split(".")
    return (
        ("/" in target or host.startswith("www."))
        and len(labels) >= 2
        and all(labels)
        and labels[-1].isalpha()
        and 2 <= len(labels[-1]) <= 6
        and "." + labels[-1] not in (*POST_SUFFIXES, *FILE_SUFFIXES)
    )


def _is_file(target: str) -> bool:
    suffix = posixpath.splitext(target.split("?", 1)[0].rstrip("/"))[1].lower()
    return suffix in FILE_SUFFIXES


def _date_fits(folders: Sequence[str], date: dt.date | None) -> bool:
    """Date folders of an address (``2019/05/01``) that agree with the post's date."""
    numbers = [folder for folder in folders if folder.isdigit()]
    if not numbers:
        return True
    if date is None:
        return False
    wanted = (date.year, date.month, date.day)
    return all(int(n) == wanted[i] for i, n in enumerate(numbers[:3]))


def resolve_targets(facts: LinkFacts, source: str, site_map: SiteMap) -> dict[tuple[str, str], Resolution]:
    """Where each internal link target of a post lands (external ones are absent)."""
    resolved: dict[tuple[str, str], Resolution] = {}
    for form, target in facts.targets:
        found = site_map.resolve(form, target, source)
        if found is not None:
            resolved[form, target] = found
    return resolved


# --- the links of one post, rewritten ---------------------------------------------------


@dataclass(frozen=True)
class LinkUse:
    """A post's first link to another post, with its sentence: a backlink of the target."""

    source: str  # the linking post
    target: str  # the post linked to
    sentence: str


@dataclass(frozen=True)
class LinkCounts:
    internal: int = 0  # links that land in the book
    external: int = 0
    unresolved: int = 0  # links that look internal and name no post


class _LinkRewriter(RunningTextWalker):
    def __init__(self, source: str, resolutions: Mapping[tuple[str, str], Resolution]) -> None:
        super().__init__()
        self.source = source
        self.resolutions = resolutions
        self.uses: dict[str, LinkUse] = {}
        self.reports: list[Report] = []
        self.internal = self.external = self.unresolved = 0

    def node(self, node: Inline, offset: int) -> Inline:
        if isinstance(node, SiteLink):
            return self.land(node, (node.form, node.target), offset)
        if isinstance(node, Link):
            key = (URL, node.url)
            if key in self.resolutions:
                return self.land(node, key, offset)
            self.external += 1
        return node

    def land(self, node: Link | SiteLink, key: tuple[str, str], offset: int) -> Inline:
        found = self.resolutions.get(key)
        if isinstance(found, LinkTarget):
            self.internal += 1
            if found.source != self.source and found.source not in self.uses:
                sentence = self.sentence(offset, offset + len(plain_text(node.children)))
                self.uses[found.source] = LinkUse(self.source, found.source, sentence)
            return ChapterLink(node.children, found.label)
        why = found.why if found is not None else f"link {key[1]!r} names no post of the book"
        address = found.address if found is not None else ""
        kept: Inline = node if isinstance(node, Link) else _words(node.children)
        if address and not isinstance(node, Link):
            kept = Link(node.children, address, node.line)
        if why:
            self.unresolved += 1
            outcome = (
                "kept as typed" if kept is node else f"linked to {address}" if address else "kept its words"
            )
            self.reports.append(Report(self.source, ReportKind.LINK, f"{why}; {outcome}", node.line))
        else:
            self.external += 1
        return kept


def _words(children: tuple[Inline, ...]) -> Inline:
    return children[0] if len(children) == 1 else Text(plain_text(children))


def link_post(
    post: Post, resolutions: Mapping[tuple[str, str], Resolution], headings: frozenset[int] = frozenset()
) -> tuple[Post, tuple[LinkUse, ...], LinkCounts, tuple[Report, ...]]:
    """The post with its links rewritten (internal ones as ``ChapterLink``) and its
    headings that links land on labelled (``headings``: their numbers, from 1); the
    first link to each other post with its sentence; the counts; one report per link
    that names no post."""
    rewriter = _LinkRewriter(post.source, resolutions)
    lead, body = rewriter.post(post)
    body = tuple(_labelled(body, post.slug, headings)) if headings else body
    counts = LinkCounts(rewriter.internal, rewriter.external, rewriter.unresolved)
    linked = dataclasses.replace(post, lead=lead, body=body)
    return linked, tuple(rewriter.uses.values()), counts, tuple(rewriter.reports)


def _labelled(blocks: Iterable[Block], slug: str, headings: frozenset[int]) -> Iterator[Block]:
    number = 0
    for block in blocks:
        if isinstance(block, Heading):
            number += 1
            if number in headings:
                yield dataclasses.replace(block, label=heading_label(slug, number))
                continue
        yield block
