"""``convert``: posts folder (+ book file) -> generated MyST pages. The I/O edge."""

from __future__ import annotations

import argparse
import errno
import os
import stat
import sys
from collections.abc import Sequence
from pathlib import Path

from .book import BookFileError, assemble_book, parse_book_file
from .cache import PreparedCache, inputs_fingerprint, source_digest
from .chars import shown_name
from .decode import BinaryFileError, check_not_binary
from .glossary import Glossary, GlossaryFileError, Mention, candidate_terms, parse_glossary
from .model import Book, Report
from .output import OutputError, sync_tree, tree_matches_manifest
from .pages import post_docname, render_book
from .post import post_texts, word_count
from .prepare import PostContext, settle
from .resources import ResourceFileError, parse_resources, resource_reports

EXIT_OK, EXIT_STALE, EXIT_ERROR = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="convert",
        description="Convert a folder of blog posts into the book's generated MyST pages.",
    )
    parser.add_argument("--posts", type=Path, default=Path("content/posts"), help="folder of raw posts")
    parser.add_argument("--book", type=Path, help="book file (YAML): title, author, intro, parts")
    parser.add_argument("--glossary", type=Path, help="glossary file (YAML): terms, aliases, definitions")
    parser.add_argument(
        "--resources", type=Path, help="resource file (YAML): curated resources the posts cite"
    )
    parser.add_argument(
        "--report", action="store_true", help="also list unused glossary terms and candidate new ones"
    )
    parser.add_argument("--out", type=Path, default=Path("docs/generated"), help="generated pages folder")
    parser.add_argument("--docs", type=Path, default=Path("docs"), help="Sphinx source folder holding --out")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if pages are stale")
    parser.add_argument("--strict", action="store_true", help="exit 1 if any post needed a repair")
    parser.add_argument(
        "--cache", type=Path, help="folder for prepared posts and the last run's fingerprint (speed only)"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print only problems and the summary")
    return parser


def print_glossary_report(
    glossary: Glossary, usage: dict[str, list[Mention]], book: Book, console: Console
) -> None:
    """For the curator: terms no post uses, and terms the posts use that are missing."""
    unused = [entry.term for entry in glossary.entries if not usage.get(entry.term)]
    console.out(
        f"glossary: {len(glossary.entries) - len(unused)} of {len(glossary.entries)} terms used in the posts"
    )
    for term in unused:
        console.out(f"  glossary: unused term {term!r} (no post mentions it in running text)")
    texts = [text for post in book.posts for text in post_texts(post)]
    for name, count in candidate_terms(texts, glossary):
        console.out(f"  glossary: candidate term {name!r} ({count} mention{'s' * (count != 1)})")


def display_name(name: str) -> str:
    """A file name as text: bytes that are not UTF-8 (surrogate-escaped by ``os``) as ``\\xNN``."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def read_post_files(folder: Path) -> tuple[list[tuple[str, bytes]], list[str]]:
    """Name and bytes of every visible regular file of the folder, and one line for each
    entry skipped: links are never followed (a link could publish any file of the
    machine), and a FIFO, socket or device is never opened (reading one could hang).

    Hidden files (``.name``) are not posts and are passed over quietly.
    """
    files: list[tuple[str, bytes]] = []
    skipped: list[str] = []
    with os.scandir(folder) as entries:
        found = sorted((entry.name, entry.path) for entry in entries if not entry.name.startswith("."))
    names = {name for name, _ in found}
    for name, path in found:
        shown = display_name(name)
        if shown != name:
            if shown in names:
                skipped.append(f"{shown}: file name is not valid UTF-8 and its safe form is taken; skipped")
                continue
            skipped.append(f"{shown}: file name is not valid UTF-8; read as {shown!r}")
        try:
            data = _read_regular_file(path)
        except _NotAPost as why:
            skipped.append(f"{shown}: {why}; skipped")
            continue
        except OSError as error:
            skipped.append(f"{shown}: unreadable ({error.strerror or error}); skipped")
            continue
        files.append((shown, data))
    return files, skipped


class _NotAPost(Exception):
    """The entry is no regular file of the folder; the message says what it is."""


def _read_regular_file(path: str) -> bytes:
    """The bytes of a regular file, opened without following a link or blocking on a FIFO;
    the open file itself is checked, so an entry swapped after listing is still refused."""
    status = os.lstat(path)
    if stat.S_ISLNK(status.st_mode):
        raise _NotAPost(_describe_link(path))
    if not stat.S_ISREG(status.st_mode):
        raise _NotAPost(_describe_mode(status.st_mode))
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as error:
        if error.errno == errno.ELOOP:  # O_NOFOLLOW met a link put there after the lstat
            raise _NotAPost(_describe_link(path)) from None
        raise
    with os.fdopen(descriptor, "rb") as file:
        mode = os.fstat(file.fileno()).st_mode
        if not stat.S_ISREG(mode):
            raise _NotAPost(_describe_mode(mode))
        return file.read()


def _describe_link(path: str) -> str:
    try:
        Path(path).stat()  # follows the link, only to say what it points to
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "symbolic link loop, not followed"
        if error.errno == errno.ENOENT:
            return "dangling symbolic link, not followed"
        return "symbolic link, not followed"
    return "symbolic link, not followed (posts must be files in the folder itself)"


def _describe_mode(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "subfolder (subfolders of posts are not supported yet)"
    if stat.S_ISFIFO(mode):
        return "named pipe (FIFO), not a file"
    if stat.S_ISSOCK(mode):
        return "socket, not a file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device, not a file"
    return "not a regular file"


class Console:
    """What a run prints, kept so a no-op re-run can show the same report.

    Each report is one line: a file name holding a line end or control character is
    printed with it spelled as an escape, so no name can split or forge a line."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def out(self, line: str) -> None:
        line = shown_name(line)
        self.lines.append(line)
        print(line)

    def err(self, line: str) -> None:
        line = shown_name(line)
        self.lines.append(ERR_PREFIX + line)
        print(line, file=sys.stderr)

    @staticmethod
    def replay(lines: Sequence[str]) -> None:
        for line in lines:
            if line.startswith(ERR_PREFIX):
                print(line.removeprefix(ERR_PREFIX), file=sys.stderr)
            else:
                print(line)


ERR_PREFIX = "\0err\0"


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if not args.posts.is_dir():
        print(f"convert: {args.posts}: no such folder of posts", file=sys.stderr)
        return EXIT_ERROR
    try:
        files, errors = read_post_files(args.posts)
    except OSError as error:
        print(f"convert: {args.posts}: {error.strerror or error}", file=sys.stderr)
        return EXIT_ERROR
    try:  # read once: for the fingerprint, and then parsed
        curated = {p: p.read_bytes() for p in (args.book, args.glossary, args.resources) if p is not None}
    except OSError as error:
        print(f"convert: {error}", file=sys.stderr)
        return EXIT_ERROR

    # --check writes nothing, not even the cache.
    cache = PreparedCache(None if args.check else args.cache, source_digest())
    settings = [f"{key}={value}" for key, value in sorted(vars(args).items()) if key != "cache"]
    curated_files = [(f"curated:{path}", data) for path, data in curated.items()]
    fingerprint = inputs_fingerprint(cache.code, [*settings, *errors], [*files, *curated_files])
    last = cache.last_run(fingerprint)
    if last is not None and tree_matches_manifest(args.out):
        status, lines = last
        Console.replay(lines)
        print(f"converted {len(files)} posts: nothing to write, inputs unchanged since the last run")
        return status
    console = Console()
    status = convert(args, files=files, curated=curated, errors=errors, cache=cache, console=console)
    cache.store_run(fingerprint, status, console.lines)
    return status


def convert(
    args: argparse.Namespace,
    *,
    files: list[tuple[str, bytes]],
    curated: dict[Path, bytes],
    errors: list[str],
    cache: PreparedCache,
    console: Console,
) -> int:
    """The run proper: prepare (or load) every post, assemble, settle, render, write."""
    readable: list[tuple[str, bytes]] = []
    for name, data in files:
        try:
            check_not_binary(data, name)
            readable.append((name, data))
        except BinaryFileError as error:
            errors.append(str(error))
    reports: list[Report] = []
    try:
        spec = parse_book_file(curated[args.book].decode("utf-8"), str(args.book)) if args.book else None
        glossary = None
        if args.glossary:
            glossary = parse_glossary(curated[args.glossary].decode("utf-8"), str(args.glossary))
        resources = None
        if args.resources:
            text = curated[args.resources].decode("utf-8")
            resources = parse_resources(text, str(args.resources), glossary)
        context = PostContext(args.posts.as_posix(), glossary, resources)
        prepared = cache.prepare(readable, context)
        posts = [ready.post for ready in prepared]
        book = assemble_book(spec, posts, args.posts.resolve().name.replace("-", " ").title(), str(args.book))
        settled = settle(book, {ready.post.source: ready for ready in prepared}, dict(readable), context)
        book, catalog, citations, usage = settled.book, settled.catalog, settled.citations, settled.usage
        if catalog is not None:
            reports.extend(resource_reports(catalog, citations, str(args.resources)))
        docs_prefix = os.path.relpath(args.out.resolve(), args.docs.resolve()).replace(os.sep, "/")
        pages = render_book(
            book,
            args.posts.as_posix(),
            docs_prefix,
            glossary=glossary,
            usage=usage,
            catalog=catalog,
            citations=citations,
            post_pages=settled.pages,
        )
        result = sync_tree(args.out, pages, check=args.check)
    except (BookFileError, GlossaryFileError, ResourceFileError, OutputError, OSError) as error:
        console.err(f"convert: {error}")
        return EXIT_ERROR

    reports.extend(book.reports)
    for post in book.posts:
        reports.extend(post.reports)
        if not args.quiet:
            repairs = len(post.reports)
            console.out(
                f"{post.source}: {post.shape.value}, {word_count(post)} words, "
                f"{repairs} report{'s' * (repairs != 1)} -> {post_docname(post)}.md"
            )
    for line in [*map(str, reports), *errors]:
        console.out(f"  {line}")
    if args.report and glossary is not None:
        print_glossary_report(glossary, usage, book, console)

    verb = "would write" if args.check else "wrote"
    if result.stale:
        print(
            f"converted {len(posts)} posts: {verb} {len(result.written)}, "
            f"{'would remove' if args.check else 'removed'} {len(result.removed)}, "
            f"{len(result.unchanged)} unchanged in {args.out}"
        )
    else:
        print(f"converted {len(posts)} posts: nothing to write, all {len(result.unchanged)} files up to date")
    if args.check and result.stale:
        return EXIT_STALE
    if args.strict and (reports or errors):
        console.err(f"convert: --strict: {len(reports) + len(errors)} report(s)")
        return EXIT_STALE
    return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
