"""``convert``: posts folder (+ curated files) -> generated MyST pages. A client of
``api.build_book``: it parses arguments, calls it, writes through the one writer and
prints the report."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

from tqdm import tqdm

from .api import BookBuild, Sources, build_book
from .assemble.bookfile import BookFileError
from .chars import shown_name
from .jobs import JobCache, LastRun, Progress, converter_digest, inputs_fingerprint
from .labels import GENERATED_DIR, post_docname
from .read.exports import ExportError, ExportOptions, is_export_folder
from .read.files import input_stamps, read_regular_file
from .resolve.catalog import ResourceFileError
from .resolve.curator import candidate_terms
from .resolve.glossary import GlossaryFileError
from .resolve.links import LinkCounts
from .words import post_texts
from .write.tree import OutputError, WriteResult, output_stamps, sync_tree, tree_matches_manifest

EXIT_OK, EXIT_STALE, EXIT_ERROR = 0, 1, 2
CURATED_ERRORS = (BookFileError, GlossaryFileError, ResourceFileError)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="convert",
        description="Convert a folder of blog posts into the book's generated MyST pages.",
    )
    parser.add_argument(
        "--posts",
        type=Path,
        default=Path("content/posts"),
        help="folder of raw posts, or a platform's export file (WordPress .xml)",
    )
    parser.add_argument("--book", type=Path, help="book file (YAML): title, author, intro, parts")
    parser.add_argument("--glossary", type=Path, help="glossary file (YAML): terms, aliases, definitions")
    parser.add_argument(
        "--resources", type=Path, help="resource file (YAML): curated resources the posts cite"
    )
    parser.add_argument(
        "--report", action="store_true", help="also list unused glossary terms and candidate new ones"
    )
    parser.add_argument(
        "--out", type=Path, default=Path("docs") / GENERATED_DIR, help="generated pages folder"
    )
    parser.add_argument("--docs", type=Path, default=Path("docs"), help="Sphinx source folder holding --out")
    parser.add_argument(
        "--static",
        type=Path,
        help="the site's static folder, where images named from its root (/images/x.png) are",
    )
    parser.add_argument(
        "--site-url",
        default="",
        help="the blog's own address (https://blog.example/): links to it land in the book",
    )
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if pages are stale")
    parser.add_argument("--strict", action="store_true", help="exit 1 if any post needed a repair")
    parser.add_argument("--drafts", action="store_true", help="keep posts marked as drafts in the book")
    parser.add_argument(
        "--no-pages", action="store_true", help="an export's pages (About, Contact) are left out of the book"
    )
    parser.add_argument(
        "--cache", type=Path, help="folder for per-post work and the last run's fingerprint (speed only)"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print only problems and the summary")
    parser.add_argument(
        "--timings", action="store_true", help="also print the seconds each stage took (where the time goes)"
    )
    return parser


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


def read_sources(args: argparse.Namespace) -> Sources:
    """The posts folder, or the export file, with the curated files."""
    curated = {"book": args.book, "glossary": args.glossary, "resources": args.resources}
    if args.posts.is_file() or is_export_folder([entry.name for entry in args.posts.iterdir()]):
        options = ExportOptions(pages=not args.no_pages)
        return Sources.from_export(args.posts, site_url=args.site_url, options=options, **curated)
    return Sources.from_folder(args.posts, static=args.static, site_url=args.site_url, **curated)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if not args.posts.is_dir() and not args.posts.is_file():
        print(f"convert: {args.posts}: no such folder of posts or export file", file=sys.stderr)
        return EXIT_ERROR
    if args.site_url and urlsplit(args.site_url).scheme not in ("http", "https"):
        print(f"convert: --site-url {args.site_url!r}: expected an http or https address", file=sys.stderr)
        return EXIT_ERROR
    if args.static is not None and not args.static.is_dir():
        print(f"convert: {args.static}: no such static folder", file=sys.stderr)
        return EXIT_ERROR
    # --check writes nothing, not even the cache.
    cache = JobCache(None if args.check else args.cache, converter_digest())
    settings = [f"{key}={value}" for key, value in sorted(vars(args).items()) if key != "cache"]
    # Before reading anything: the inputs' names, sizes and times as the last run found
    # them, and the output as it left it, make a no-op (at 10,000 posts, reading them
    # took 0.3 s of the converter's 0.6 s no-op).
    stamped = stamped_fingerprint(args, cache.code, settings)
    if (
        stamped
        and (last := cache.last_run(stamped)) is not None
        and tree_matches_manifest(args.out, last.stamps)
    ):
        return replay(last)
    try:
        sources = read_sources(args)
    except OSError as error:
        where = error.filename or args.posts
        print(f"convert: {where}: {error.strerror or error}", file=sys.stderr)
        return EXIT_ERROR
    except ExportError as error:
        print(f"convert: {error}", file=sys.stderr)
        return EXIT_ERROR

    curated = [(f"curated:{file.name}", file.data) for file in sources.curated_files()]
    files = [*sources.skipped, *file_stamps(sources)]
    fingerprint = inputs_fingerprint(cache.code, [*settings, *files], [*sources.posts, *curated])
    if (last := cache.last_run(fingerprint)) is not None and tree_matches_manifest(args.out, last.stamps):
        # Touched, not changed: known by its new times from now on.
        cache.store_run(fingerprint, dataclasses.replace(last, stamps=output_stamps(args.out)), stamped)
        return replay(last)
    console = Console()
    status = convert(args, sources, console)
    stamps = {} if args.check else output_stamps(args.out)
    cache.store_run(fingerprint, LastRun(status, console.lines, stamps, len(sources.posts)), stamped)
    return status


# Inputs changed more recently than this (ns) are read however they look: a file
# rewritten within one tick of the clock, after it was read, would keep its time.
SETTLED_AFTER = 2_000_000_000


def stamped_fingerprint(args: argparse.Namespace, code: str, settings: list[str]) -> str:
    """The inputs known by their names, sizes and times ("" when one of them changed in
    the last two seconds, or cannot be looked at: the run then reads them all)."""
    try:
        stamps = input_stamps([args.posts, args.static, args.book, args.glossary, args.resources])
    except OSError:
        return ""
    if stamps.newest > time.time_ns() - SETTLED_AFTER:
        return ""
    return inputs_fingerprint(code, [*settings, *stamps.lines], [])


def replay(last: LastRun) -> int:
    """A run with the inputs of the last one: its report again, and its status."""
    Console.replay(last.output)
    print(f"converted {last.posts} posts: nothing to write, inputs unchanged since the last run")
    return last.status


# What each per-post job is called on a progress bar.
PROGRESS_LABELS = {"read": "reading posts", "page": "writing pages"}


@contextlib.contextmanager
def terminal_progress(stream: TextIO, *, quiet: bool = False) -> Iterator[Progress | None]:
    """A progress bar per job on a terminal (tqdm); elsewhere, or quiet, none: the run
    ends with its one summary line either way."""
    if quiet or not stream.isatty():
        yield None
        return
    bars: dict[str, tqdm[Any]] = {}

    def progress(job: str, done: int, total: int) -> None:
        bar = bars.get(job)
        if bar is None:
            bar = bars[job] = tqdm(
                total=total, desc=PROGRESS_LABELS.get(job, job), unit="post", file=stream, leave=False
            )
        bar.update(done - bar.n)

    try:
        yield progress
    finally:
        for bar in bars.values():
            bar.close()


def convert(args: argparse.Namespace, sources: Sources, console: Console) -> int:
    """Build the book, write it (or, with ``--check``, compare it) and report."""
    try:
        cache = None if args.check else args.cache
        with terminal_progress(sys.stderr, quiet=args.quiet) as progress:
            build = build_book(
                sources, cache=cache, docs_prefix=docs_prefix(args), drafts=args.drafts, progress=progress
            )
        copies = {name: read_regular_file(path) for name, path in build.copies.items()}
        result = sync_tree(args.out, {**build.pages, **copies}, check=args.check)
    except (*CURATED_ERRORS, OutputError, OSError) as error:
        console.err(f"convert: {error}")
        return EXIT_ERROR
    print_report(build, console, quiet=args.quiet, curator=args.report)
    print_summary(len(build.book.posts), result, args.out, check=args.check)
    if args.timings:
        print("stages: " + " · ".join(f"{stage} {seconds:.2f} s" for stage, seconds in build.timings.items()))
    if args.check and result.stale:
        return EXIT_STALE
    problems = len(build.reports) + len(build.skipped)
    if args.strict and problems:
        console.err(f"convert: --strict: {problems} report(s)")
        return EXIT_STALE
    return EXIT_OK


def file_stamps(sources: Sources) -> list[str]:
    """Each file an image may copy, with its size and time: a changed image is a change."""
    stamps = []
    for root, names in (
        (sources.source_dir, (name for name, _ in sources.assets)),
        (sources.static_dir, sources.static),
    ):
        for name in names:
            try:
                info = (Path(root) / name).lstat()
            except OSError:
                continue
            stamps.append(f"file {root}/{name} {info.st_size} {info.st_mtime_ns}")
    return stamps


def docs_prefix(args: argparse.Namespace) -> str:
    """The output folder's path from the Sphinx source folder, as pages link to each other."""
    return os.path.relpath(Path(args.out).resolve(), Path(args.docs).resolve()).replace(os.sep, "/")


def print_report(build: BookBuild, console: Console, *, quiet: bool, curator: bool) -> None:
    """One line per post (unless quiet), then one per report and skipped file."""
    if not quiet:
        for post in build.book.posts:
            count = len(build.post_reports[post.source])
            console.out(
                f"{post.source}: {post.shape.value}, {build.word_counts.get(post.source, 0)} words, "
                f"{link_summary(build.link_counts.get(post.source))}"
                f"{count} report{'s' * (count != 1)} -> {post_docname(post.slug)}.md"
            )
    for line in [*map(str, build.reports), *build.skipped]:
        console.out(f"  {line}")
    if curator and build.index.glossary is not None:
        print_glossary_report(build, console)


def link_summary(counts: LinkCounts | None) -> str:
    """A post's links for its report line: those landing in the book, the external ones
    and those that look internal but name no post; nothing for a post with no links."""
    if counts is None or not (counts.internal or counts.external or counts.unresolved):
        return ""
    return (
        f"links: {counts.internal} in the book, {counts.external} external, {counts.unresolved} unresolved, "
    )


def print_glossary_report(build: BookBuild, console: Console) -> None:
    """For the curator: terms no post uses, and terms the posts use that are missing."""
    glossary = build.index.glossary
    assert glossary is not None
    unused = [entry.term for entry in glossary.entries if not build.uses.mentions.get(entry.term)]
    console.out(
        f"glossary: {len(glossary.entries) - len(unused)} of {len(glossary.entries)} terms used in the posts"
    )
    for term in unused:
        console.out(f"  glossary: unused term {term!r} (no post mentions it in running text)")
    texts = [text for post in build.book.posts for text in post_texts(post)]
    for name, count in candidate_terms(texts, glossary):
        console.out(f"  glossary: candidate term {name!r} ({count} mention{'s' * (count != 1)})")


def print_summary(posts: int, result: WriteResult, out: Path, *, check: bool) -> None:
    verb = "would write" if check else "wrote"
    if result.stale:
        print(
            f"converted {posts} posts: {verb} {len(result.written)}, "
            f"{'would remove' if check else 'removed'} {len(result.removed)}, "
            f"{len(result.unchanged)} unchanged in {out}"
        )
    else:
        print(f"converted {posts} posts: nothing to write, all {len(result.unchanged)} files up to date")


if __name__ == "__main__":
    raise SystemExit(main())
