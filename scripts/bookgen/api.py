"""The library call: a book's sources in, its generated pages and reports out.

    from bookgen.api import Sources, build_book
    build = build_book(Sources.from_folder(Path("content/posts"), glossary=Path("content/glossary.yaml")))
    build.pages["landing.md"], build.reports

The stages run forward, each once: read (each post's bytes to a ``Post``; cached,
parallel), assemble (the book: order, parts, slugs), resolve (book-wide indexes built
once, then each post resolved against them), render (each kind of page in one place).
Writing is the caller's: ``write.tree.sync_tree`` is the one writer, as the CLI uses it.
"""

from __future__ import annotations

import dataclasses
import functools
import posixpath
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .assemble.bookfile import BookFileError, BookSpec, parse_book_file
from .assemble.parts import assemble_book
from .jobs import Job, JobCache, Progress, converter_digest, job_key
from .labels import GENERATED_DIR
from .model import Book, Post, Report, ReportKind
from .read.decode import BinaryFileError, check_not_binary
from .read.exports import ExportOptions, read_export, read_export_files
from .read.files import PostFiles, list_static_files, read_export_folder, read_post_files
from .read.post import preformatted_post, read_post
from .read.site_links import PATH
from .render import render_book
from .render.post_page import Connection, render_connections, render_post_page
from .resolve.catalog import Catalog, ResourceFileError, parse_resources
from .resolve.citations import Citation, Request, citation_requests
from .resolve.curator import resource_reports
from .resolve.glossary import Glossary, GlossaryFileError, parse_glossary
from .resolve.images import STATIC_ROOT, ImageFiles, resolve_images
from .resolve.index import BookIndex, BookUses, book_uses, build_index, resolve_post
from .resolve.links import (
    URL,
    LinkCounts,
    LinkFacts,
    LinkTarget,
    LinkUse,
    Resolution,
    Site,
    SiteMap,
    link_facts,
    link_post,
    resolve_targets,
)
from .resolve.redirects import old_addresses
from .resolve.related import PostTraits, post_words, related_posts
from .resolve.terms import Mention
from .words import minutes_to_read, post_texts, word_count


@dataclass(frozen=True)
class CuratedFile:
    name: str  # as reports name it
    data: bytes


@dataclass(frozen=True)
class Sources:
    """Everything a book is made of, as bytes: what the build reads and nothing else."""

    posts: Sequence[tuple[str, bytes]]  # (file name, bytes), each a post
    source_dir: str = "posts"  # the posts' folder, as generated pages name it
    book: CuratedFile | None = None  # book file: title, author, intro, parts
    glossary: CuratedFile | None = None
    resources: CuratedFile | None = None
    skipped: Sequence[str] = ()  # one line per folder entry that is not a post
    title: str = "Book"  # the book's title when no book file gives one
    assets: Sequence[tuple[str, str]] = ()  # (file, the post it belongs to or ""), e.g. images
    static: Sequence[str] = ()  # files of the site's static folder (root-relative images)
    static_dir: str = ""  # that folder, as copies name it
    site_url: str = ""  # the blog's own address (else the book file's): links to it land in the book

    @classmethod
    def from_folder(
        cls,
        posts: Path,
        *,
        book: Path | None = None,
        glossary: Path | None = None,
        resources: Path | None = None,
        static: Path | None = None,
        site_url: str = "",
    ) -> Sources:
        """A posts folder, the curated files and the static folder (for ``/images/x.png``);
        raises ``OSError`` if one cannot be read."""
        found = read_post_files(posts)
        statics = list_static_files(static) if static is not None else PostFiles()

        return cls(
            found.posts,
            posts.as_posix(),
            _curated(book),
            _curated(glossary),
            _curated(resources),
            [*found.skipped, *(f"static folder: {line}" for line in statics.skipped)],
            folder_title(posts),
            found.assets,
            [name for name, _ in statics.assets],
            static.as_posix() if static is not None else "",
            site_url,
        )

    @classmethod
    def from_export(
        cls,
        export: Path,
        *,
        book: Path | None = None,
        glossary: Path | None = None,
        resources: Path | None = None,
        site_url: str = "",
        options: ExportOptions | None = None,
    ) -> Sources:
        """A platform's export file or unpacked folder (``read.exports``) and the curated
        files; raises ``OSError`` if one cannot be read and ``ExportError`` for an
        unreadable export. The export's own address is the blog's unless ``site_url``
        is given."""
        if export.is_dir():
            found = read_export_files(export.name, read_export_folder(export), options)
        else:
            found = read_export(export.name, export.read_bytes(), options)

        return cls(
            found.posts,
            export.as_posix(),
            _curated(book),
            _curated(glossary),
            _curated(resources),
            found.skipped,
            found.title or folder_title(export.with_suffix("")),
            site_url=site_url or found.site_url,
        )

    def image_files(self) -> ImageFiles:
        return ImageFiles(frozenset(name for name, _ in self.assets), frozenset(self.static))

    def file_path(self, root: str, path: str) -> str:
        """The path on disk of a file ``ImageFiles.find`` found."""
        return posixpath.join(self.static_dir if root == STATIC_ROOT else self.source_dir, path)

    def curated_files(self) -> list[CuratedFile]:
        return [file for file in (self.book, self.glossary, self.resources) if file is not None]


def _curated(path: Path | None) -> CuratedFile | None:
    """A curated file's bytes (book, glossary, resources), if one is given."""
    return CuratedFile(str(path), path.read_bytes()) if path is not None else None


def folder_title(folder: Path) -> str:
    """A book's title from its posts folder's name ("_posts" is "Posts", "my-blog" "My Blog")."""
    words = folder.resolve().name.replace("-", " ").replace("_", " ").split()
    return " ".join(words).title() or "Book"


# Words kept of each post for related posts: enough that a book's common words ("some",
# "here") are seen in most posts and so known as no topic (with 40, "some" was in 18%
# of a 392-post blog's lists; with 100, in half).
WORDS_READ = 100


@dataclass(frozen=True)
class ReadPost:
    """A post as read, and the addresses and names it cites (for the resource index)."""

    post: Post
    requests: tuple[Request, ...]
    links: LinkFacts
    words: tuple[tuple[str, int], ...] = ()  # its most frequent words, for related posts


@dataclass(frozen=True)
class PostPage:
    """A post resolved and rendered: its page, and what it cites and mentions."""

    page: str
    citations: tuple[Citation, ...]
    mentions: tuple[Mention, ...]
    reports: tuple[Report, ...] = ()
    copies: tuple[tuple[str, str, str], ...] = ()  # (output path, root, path) of each image shown
    links: tuple[LinkUse, ...] = ()  # its first link to each other post
    link_counts: LinkCounts = field(default_factory=LinkCounts)
    word_count: int | None = None  # the post's words as read, counted once for the book's lists


@dataclass(frozen=True)
class PageInput:
    """What a post's page is made of besides the book's index: the post, where each of
    its links lands, and which of its headings links land on."""

    post: Post
    links: dict[tuple[str, str], Resolution]
    headings: frozenset[int]


@dataclass(frozen=True)
class BookBuild:
    """What ``build_book`` returns."""

    pages: dict[str, str]  # every generated file, by path relative to the output folder
    book_reports: list[Report]  # about the curated files and the book as a whole
    post_reports: dict[str, list[Report]]  # each post's repairs and problems, by file name
    skipped: list[str]  # folder entries that are no post, one line each
    book: Book  # the posts as read, in book order, each with its slug
    index: BookIndex
    uses: BookUses
    copies: dict[str, str] = field(default_factory=dict)  # output path -> file on disk to copy there
    reused: dict[str, int] = field(default_factory=dict)  # per-post results from the cache, by job
    link_counts: dict[str, LinkCounts] = field(default_factory=dict)  # by post file name
    word_counts: dict[str, int] = field(default_factory=dict)  # by post file name, as its page counted them
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage of the build

    @property
    def reports(self) -> list[Report]:
        """Every report: the book's first, then each post's in book order."""
        return [*self.book_reports, *(r for post in self.book.posts for r in self.post_reports[post.source])]


def build_book(
    sources: Sources,
    *,
    cache: Path | None = None,
    docs_prefix: str = GENERATED_DIR,
    drafts: bool = False,
    progress: Progress | None = None,
) -> BookBuild:
    """The book of ``sources``: read, assemble, resolve, render.

    ``cache`` is a folder for per-post work (speed only); ``docs_prefix`` the output
    folder's path from the Sphinx source folder; ``drafts`` puts posts marked as drafts
    in the book (else each is left out with a report); ``progress`` is told how far the
    per-post work is (reading, then pages). A malformed curated file raises its
    ``...FileError`` (one line naming the file and entry); a bad post never raises.
    """
    clock = StageClock()
    spec, glossary, catalog = read_curated(sources)
    jobs = JobCache(cache, converter_digest(), progress)
    readable, skipped = _readable(sources.posts)
    read_keys = [job_key(name, data) for name, data in readable]
    read = jobs.run(Job("read", _read_job, ReadPost), readable, read_keys)
    placed = {name for part in spec.parts for name in part.posts} if spec else set()
    left_out = {
        r.post.source: why for r in read if (why := _left_out(r.post, drafts)) and r.post.source not in placed
    }
    read = [r for r in read if r.post.source not in left_out]
    clock.mark("read")

    book = assemble_book(
        spec, [r.post for r in read], sources.title, sources.book.name if sources.book else ""
    )
    clock.mark("assemble")

    requests = {r.post.source: r.requests for r in read}
    index = build_index(glossary, catalog, (requests[post.source] for post in book.posts))
    keys = {name: key for (name, _), key in zip(readable, read_keys, strict=True)}
    files = sources.image_files()
    clock.mark("index")
    site_url = sources.site_url or (spec.site_url if spec else "")
    assets = [name for name, _ in sources.assets]
    inputs, redirects = link_book(book, {r.post.source: r.links for r in read}, site_url, assets)
    clock.mark("links")
    page_keys = [
        job_key(
            keys[p.post.source],
            p.post.slug,
            index.signature,
            sources.source_dir,
            files.signature,
            _links_key(p),
        )
        for p in inputs
    ]
    page_job = Job("page", functools.partial(_page_job, index, sources.source_dir, files), PostPage)
    post_pages = jobs.run(page_job, inputs, page_keys)
    jobs.save()
    clock.mark("pages")

    uses = book_uses(index, ((p.citations, p.mentions) for p in post_pages))
    words = {r.post.source: r.words for r in read}
    endings = chapter_endings(book, post_pages, book_traits(book, post_pages, words, index))
    clock.mark("backlinks and related")
    pages_by_post = list(zip(book.posts, post_pages, strict=True))
    word_counts = {
        post.source: page.word_count if page.word_count is not None else word_count(post)
        for post, page in pages_by_post
    }
    pages = render_book(
        book,
        {post.source: page.page + endings.get(post.source, "") for post, page in pages_by_post},
        docs_prefix,
        index,
        uses,
        redirects=redirects,
        reading={source: minutes_to_read(count) for source, count in word_counts.items()},
    )
    clock.mark("render")
    reports: list[Report] = []
    if index.catalog is not None and sources.resources is not None:
        reports.extend(resource_reports(index.catalog, uses.citations, sources.resources.name))
    reports.extend(book.reports)
    reports.extend(Report(source, ReportKind.LEFT_OUT, why) for source, why in left_out.items())
    post_reports = {
        post.source: [*post.reports, *page.reports] for post, page in zip(book.posts, post_pages, strict=True)
    }
    skipped_lines = [*sources.skipped, *skipped]
    copies = {out: sources.file_path(root, path) for page in post_pages for out, root, path in page.copies}
    counts = {post.source: page.link_counts for post, page in pages_by_post}
    build = BookBuild(pages, reports, post_reports, skipped_lines, book, index, uses, copies, jobs.hits)
    return dataclasses.replace(build, link_counts=counts, word_counts=word_counts, timings=clock.seconds)


class StageClock:
    """Seconds each stage of a build took: where the time goes, for the benchmark."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._last = time.perf_counter()

    def mark(self, stage: str) -> None:
        """The time since the last mark was ``stage``'s."""
        now = time.perf_counter()
        self.seconds[stage] = self.seconds.get(stage, 0.0) + now - self._last
        self._last = now


def link_book(
    book: Book, facts: dict[str, LinkFacts], site_url: str, assets: Sequence[str] = ()
) -> tuple[list[PageInput], dict[str, str]]:
    """Each post with where its links land (resolved against every post of the book)
    and the headings other posts' links land on; and, when the blog's address is known,
    the old address of each post that has a known one (redirect page -> post source).
    ``assets`` are the blog's other files."""
    site = Site.of([site_url] if site_url else [])
    anchors = {source: f.anchors for source, f in facts.items()}
    site_map = SiteMap(book.posts, anchors, site, assets)
    links = {post.source: resolve_targets(facts[post.source], post.source, site_map) for post in book.posts}
    headings: dict[str, set[int]] = {}
    linked: dict[str, list[str]] = {}  # the blog paths each post is linked by
    for resolved in links.values():
        for (form, target), found in resolved.items():
            if not isinstance(found, LinkTarget):
                continue
            if found.heading is not None:
                headings.setdefault(found.source, set()).add(found.heading)
            path = site.path_of(target) if form == URL else target if form == PATH else None
            if path and path.startswith("/"):
                linked.setdefault(found.source, []).append(path)
    inputs = [
        PageInput(post, links[post.source], frozenset(headings.get(post.source, ()))) for post in book.posts
    ]
    # Redirects only for a book that says it is the blog (its address is given): it is
    # then meant to be published there.
    return inputs, old_addresses(book.posts, linked, site.base) if site.hosts else {}


def _links_key(page: PageInput) -> str:
    """The part of a page's cache key its links make: a renamed post, a link that lands
    elsewhere, a heading newly linked to all change it."""
    return job_key(repr((sorted(page.links.items(), key=repr), sorted(page.headings))))


def book_traits(
    book: Book, pages: Sequence[PostPage], words: Mapping[str, tuple[tuple[str, int], ...]], index: BookIndex
) -> list[PostTraits]:
    """What each post is about, for related posts: the terms it mentions, the resources
    it cites, its tags and its words."""
    traits = []
    for post, page in zip(book.posts, pages, strict=True):
        resources = (
            tuple(index.resources.entry(c.resource).title for c in page.citations) if index.resources else ()
        )
        terms = tuple(mention.term for mention in page.mentions)
        traits.append(PostTraits(post.source, terms, resources, post.tags, words.get(post.source, ())))
    return traits


def chapter_endings(book: Book, pages: Sequence[PostPage], traits: Sequence[PostTraits]) -> dict[str, str]:
    """What ends each chapter after its own text: the posts linking to it (each with the
    sentence of its link, in book order) and its related posts, with what they share."""
    posts = {post.source: post for post in book.posts}
    backlinks: dict[str, list[Connection]] = {}
    for page in pages:
        for use in page.links:
            linking = posts[use.source]
            backlinks.setdefault(use.target, []).append(Connection(linking.title, linking.slug, use.sentence))
    related = related_posts(traits)
    endings = {}
    for post in book.posts:
        alike = [  # a suggestion says what the posts share, or is none
            Connection(posts[r.source].title, posts[r.source].slug, shared=r.shared)
            for r in related.get(post.source, ())
            if r.shared
        ]
        text = render_connections(post.slug, backlinks.get(post.source, ()), alike)
        if text:
            endings[post.source] = "\n" + text + "\n"
    return endings


def _left_out(post: Post, drafts: bool) -> str:
    """Why the post is not in the book ("" if it is): a draft, or a section's index page
    (Hugo's and Zola's ``_index.md``) with no text of its own (a ``description`` alone
    is what the site's listing shows of the section, no text of a page)."""
    if post.draft and not drafts:
        return "a draft; left out of the book (convert --drafts keeps drafts)"
    if PurePosixPath(post.source).stem == "_index" and not post.body:
        return "a section's index page with no text of its own; not a post"
    return ""


def read_curated(sources: Sources) -> tuple[BookSpec | None, Glossary | None, Catalog | None]:
    """The curated files parsed; raises the ``...FileError`` of the first bad one."""
    spec = glossary = catalog = None
    if sources.book is not None:
        spec = parse_book_file(_text(sources.book, BookFileError), sources.book.name)
    if sources.glossary is not None:
        glossary = parse_glossary(_text(sources.glossary, GlossaryFileError), sources.glossary.name)
    if sources.resources is not None:
        text = _text(sources.resources, ResourceFileError)
        catalog = parse_resources(text, sources.resources.name, glossary)
    return spec, glossary, catalog


def _text(file: CuratedFile, error_type: type[ValueError]) -> str:
    try:
        return file.data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = file.data[: error.start].count(b"\n") + 1
        raise error_type(f"{file.name}:{line}: not valid UTF-8") from None


def _readable(files: Sequence[tuple[str, bytes]]) -> tuple[list[tuple[str, bytes]], list[str]]:
    """The files that may be posts, and one line for each binary file passed over."""
    readable: list[tuple[str, bytes]] = []
    skipped: list[str] = []
    for name, data in files:
        try:
            check_not_binary(data, name)
        except BinaryFileError as error:
            skipped.append(str(error))
            continue
        readable.append((name, data))
    return readable, skipped


def _read_job(file: tuple[str, bytes]) -> ReadPost:
    """Read one post. Whatever goes wrong is reported and the post is published as
    preformatted text: one post never stops the book."""
    name, data = file
    try:
        post = read_post(data, name)
        words = post_words(post_texts(post), limit=WORDS_READ)
        return ReadPost(post, citation_requests(post), link_facts(post), words)
    except Exception as error:  # any fault of the converter on this one post
        post = preformatted_post(data, name, error)
        return ReadPost(post, (), LinkFacts((), ()))


def _page_job(index: BookIndex, source_dir: str, files: ImageFiles, page_input: PageInput) -> PostPage:
    """Resolve and render one post; if that fails, its text is published unresolved, as
    preformatted text, with one report line."""
    post = page_input.post
    try:
        images = resolve_images(post, files)
        linked, uses, counts, link_reports = link_post(images.post, page_input.links, page_input.headings)
        resolved = resolve_post(linked, index)
        cited = {r: index.resources.entry(r) for r in resolved.post.resources} if index.resources else {}
        page = render_post_page(resolved.post, source_dir, cited)
        copies = tuple((out, root, path) for out, (root, path) in sorted(images.copies.items()))
        reports = (*images.reports, *link_reports)
        words = word_count(post)
        return PostPage(page, resolved.citations, resolved.mentions, reports, copies, uses, counts, words)
    except Exception as error:  # any fault of the converter on this one post
        text = "\n\n".join(post_texts(post)).encode("utf-8")
        fallback = preformatted_post(text, post.source, error)
        page = render_post_page(fallback, source_dir, {})
        return PostPage(page, (), (), fallback.reports)
