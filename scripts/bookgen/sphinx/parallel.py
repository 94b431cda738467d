"""Sphinx extension: reading and writing the HTML pages on every CPU.

Sphinx's own parallel write keeps the main process resolving every page (loading its
doctree, running the post-transforms) and gives only the translation to HTML to
``-j N - 1`` workers. On two CPUs that is one worker, and writing 1,000 posts took
44 s where serial writing took 37 s. Here each worker resolves and writes its own share
of the pages, so every CPU does the whole work; the one thing the main process needs
back from a page, the images to copy, returns with the worker's result. Its parallel
read forked each chunk's worker after merging the chunks before it, so every worker sent
back all that was read so far; here the readers are forked at once, each with a share
of about equal size, and each sends back only what it read. With 2 CPUs and 1,000 posts:
reading 8.5 s and writing 11 s, where serial they took 32 s and 37 s.

The first page of each folder is written in the main process before any worker starts,
so the compiled templates and the folder's sidebar (``nav``) are inherited by every
worker instead of being made again in each. Work that needs the environment alone (the
search index, and Sphinx's inventory) runs in a worker beside the pages. A write of few
pages (an edit) stays in the main process, where forking for the pages would cost more
than the work, with two workers beside it (the index, the inventory); a read of few
pages stays in one process.
After an edit's read the workers beside are forked at once, as soon as the environment
is complete (``env-get-updated``), so that their work runs while Sphinx pickles the
environment, not only while the pages are written: at 1,000 posts the main process
waited 0.28 s for the search index after writing its two pages.
"""

from __future__ import annotations

import math
import pickle
import posixpath
import time
from collections.abc import Callable, Sequence, Set
from contextlib import ExitStack, nullcontext, suppress
from pathlib import Path
from typing import Any

from docutils import nodes
from jinja2 import Environment, FileSystemBytecodeCache
from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.build_phase import BuildPhase
from sphinx.util.display import status_iterator
from sphinx.util.parallel import ParallelTasks, parallel_available

from ..collector import collector_paused, frozen_heap, settled_heap
from . import timings

logger = logging.getLogger(__name__)

# Tasks per worker: enough that the workers finish close together, few enough that
# forking stays a small cost; and the fewest pages in a task.
CHUNKS_PER_WORKER = 4
MIN_CHUNK = 10
# Fewer pages than this to read: one process (forking and pickling the environment
# for each worker cost more than they save).
READ_PARALLEL_FROM = 24
# Fewer pages than this to write (beyond the first of each folder): the pages in one
# process, and what needs only the environment in two workers beside it.
PARALLEL_FROM = 8
# Doctrees a serial read keeps in memory for the write (Sphinx keeps them all).
KEEP_IN_MEMORY = 100


def first_of_each_folder(docnames: Sequence[str]) -> list[str]:
    """The first page of every folder, in order: what the main process writes itself."""
    firsts: dict[str, str] = {}
    for docname in docnames:
        firsts.setdefault(posixpath.dirname(docname), docname)
    return list(firsts.values())


def balanced_shares(docnames: Sequence[str], count: int, size: Callable[[str], int]) -> list[list[str]]:
    """``docnames`` in ``count`` shares of about equal total size (largest first, each to
    the lightest share), each share in the given order."""
    shares: list[list[str]] = [[] for _ in range(count)]
    loads = [0] * count
    order = {docname: index for index, docname in enumerate(docnames)}
    sizes = {docname: size(docname) for docname in docnames}
    for docname in sorted(docnames, key=sizes.__getitem__, reverse=True):
        lightest = loads.index(min(loads))
        shares[lightest].append(docname)
        loads[lightest] += sizes[docname]
    return [sorted(share, key=order.__getitem__) for share in shares if share]


def chunks(docnames: Sequence[str], size: int) -> list[list[str]]:
    """Consecutive runs of pages (neighbours share a folder, and so a sidebar)."""
    return [list(docnames[start : start + size]) for start in range(0, len(docnames), size)]


def write_plan(pages: int, nproc: int) -> str:
    """How ``pages`` pages (beyond each folder's first) are written with ``nproc``
    processes: ``serial``; ``beside``, the pages in this process and the work that needs
    only the environment in a worker meanwhile (an edit); or ``parallel``."""
    if nproc < 2:
        return "serial"
    return "beside" if pages < PARALLEL_FROM else "parallel"


class BookHTMLBuilder(StandaloneHTMLBuilder):
    """Sphinx's HTML builder, with a parallel read and write that pay on two CPUs, and
    without Sphinx's own search index: the book has its own (``search``), and feeding
    Sphinx's took seconds for a file no page loads. The search page, the language's
    stemmer (``language_data.js``) and the indexer's language stay as Sphinx makes them.
    """

    seconds: dict[str, float]  # this process's time resolving and translating pages

    def init(self) -> None:
        super().init()
        # Work that needs only the environment (the search index), which extensions add
        # on builder-inited: run beside the pages with Sphinx's inventory, by one worker
        # in a parallel write, by one worker each after an edit.
        self.alongside: list[Callable[[], None]] = []
        self.beside: list[ParallelTasks] = []  # those workers, while they run
        # This build's workers did that work and wrote the inventory: the main process
        # does neither again when the build finishes.
        self.written_beside = False
        self.pages_read = 0

    def init_templates(self) -> None:
        """Compiled templates are kept between builds (checked against their source):
        compiling the theme's took 0.17 s of every build, a tenth of an edit's."""
        super().init_templates()
        environment = getattr(self.templates, "environment", None)
        if isinstance(environment, Environment):
            folder = Path(self.doctreedir) / "templates"
            folder.mkdir(parents=True, exist_ok=True)
            environment.bytecode_cache = FileSystemBytecodeCache(str(folder))

    def _read_parallel(self, docnames: list[str], nproc: int) -> None:
        """Read in ``nproc`` workers forked at once, each with a share of the pages of about
        equal size, each sending back (pickled) what it read.

        Sphinx's own parallel read forks each chunk's worker after merging the chunks
        before it, so each worker sent back everything read so far: reading 3,000 posts
        took 4.3 times as long as 1,000 (79 s against 18 s)."""
        if len(docnames) < READ_PARALLEL_FROM:
            self._read_serial(docnames)
            return
        self.pages_read = len(docnames)
        for docname in docnames:
            self.events.emit("env-purge-doc", self.env, docname)
            self.env.clear_doc(docname)
        shares = balanced_shares(docnames, nproc, self._source_size)
        progress = status_iterator(
            shares, "reading sources... ", "purple", len(shares), self.config.verbosity
        )

        def read_share(share: list[str]) -> bytes:
            self.env._app = self._app
            with settled_heap() as settle:
                for docname in share:
                    self.read_doc(docname, _cache=False)
                    settle()
            return pickle.dumps(self.env, pickle.HIGHEST_PROTOCOL)

        def merge(share: list[str], read: bytes) -> None:
            with collector_paused():  # a share's environment: many objects, none garbage
                other = pickle.loads(read)
            self.env.merge_info_from(share, other, self._app)
            next(progress, None)

        with frozen_heap():
            tasks = ParallelTasks(nproc)
            for share in shares:
                tasks.add_task(read_share, share, merge)
            tasks.join()
        logger.info("")

    def _read_serial(self, docnames: list[str]) -> None:
        self.pages_read = len(docnames)
        super()._read_serial(docnames)

    def _source_size(self, docname: str) -> int:
        try:
            return self.env.doc2path(docname).stat().st_size
        except OSError:
            return 0

    def load_indexer(self, docnames: Set[str]) -> None:
        pass

    def index_page(self, pagename: str, doctree: nodes.document, title: str) -> None:
        pass

    def dump_search_index(self) -> None:
        """Removes the index an earlier build of Sphinx's own left."""
        (self.outdir / self.searchindex_filename).unlink(missing_ok=True)

    def handle_finish(self) -> None:
        """As Sphinx's, less the inventory when a worker wrote it beside the pages. Workers
        forked after an edit's read are joined first, had no page been written."""
        self.join_beside()
        self.finish_tasks.add_task(self.dump_search_index)
        if not self.written_beside:
            self.finish_tasks.add_task(self.dump_inventory)

    def write_documents(self, docnames: Set[str]) -> None:
        ordered = sorted(docnames)
        nproc = self._app.parallel
        warm = first_of_each_folder(ordered)
        rest = [docname for docname in ordered if docname not in set(warm)]
        self.seconds = {"resolve": 0.0, "translate": 0.0}
        self.written_beside = False
        plan = write_plan(len(rest), nproc if self.parallel_ok else 1)
        try:
            if plan == "serial":
                self.write_serially(ordered)
            elif plan == "beside":
                # An edit: the pages here, the work that needs only the environment
                # in workers meanwhile (forked already, unless nothing was read).
                self.start_beside()
                self.write_serially(ordered)
            else:
                self.write_in_parallel(warm, rest, nproc)
        finally:
            self.join_beside()
        for stage, seconds in self.seconds.items():
            timings.record(stage, seconds)

    def write_in_parallel_allowed(self) -> bool:
        """Whether the write will be parallel, known before Sphinx decides it (as its
        ``Builder.build`` does, without its warnings about extensions, said once there)."""
        if not (parallel_available and self._app.parallel > 1 and self.allow_parallel):
            return False
        return all(extension.parallel_write_safe for extension in self._app.extensions.values())

    def start_beside(self) -> None:
        """Fork the workers beside the pages (once a build): the search index and the
        inventory, each in a queue of its own (Sphinx's queue may drop a task that fails
        while the next one is added)."""
        if self.beside:
            return
        with frozen_heap():
            self.beside = [ParallelTasks(1), ParallelTasks(1)]
            self.beside[0].add_task(self.run_alongside)
            self.beside[1].add_task(self.dump_inventory)

    def join_beside(self) -> None:
        """Wait for the workers beside the pages, every one even if one failed."""
        workers, self.beside = self.beside, []
        with ExitStack() as joins:
            for worker in workers:
                joins.callback(worker.join)
        self.written_beside = self.written_beside or bool(workers)

    def run_alongside(self) -> None:
        """In a worker: the extensions' work that needs only the environment."""
        for beside in self.alongside:
            beside()

    def beside_the_pages(self) -> None:
        """In a worker, beside the pages: the extensions' work, then the inventory."""
        self.run_alongside()
        self.dump_inventory()

    def write_serially(self, docnames: list[str]) -> None:
        """As Sphinx's serial write: warnings held back until the progress line is done."""
        exception_on_warning = getattr(self._app, "_exception_on_warning", False)
        with nullcontext() if exception_on_warning else logging.pending_warnings():
            progress = status_iterator(
                docnames, "writing output... ", "darkgreen", len(docnames), self.config.verbosity
            )
            for docname in progress:
                self.write_page(docname)

    def write_in_parallel(self, warm: list[str], rest: list[str], nproc: int) -> None:
        for docname in warm:
            self.write_page(docname)
        tasks = ParallelTasks(nproc)
        work = chunks(rest, max(MIN_CHUNK, math.ceil(len(rest) / (CHUNKS_PER_WORKER * nproc))))
        progress = status_iterator(work, "writing output... ", "darkgreen", len(work), self.config.verbosity)

        def collect(_chunk: list[str], result: tuple[dict[str, str], dict[str, float]]) -> None:
            images, seconds = result
            self.images.update(images)
            for stage, value in seconds.items():
                self.seconds[stage] += value
            next(progress, None)

        with frozen_heap():
            if not self.beside:
                tasks.add_task(self.beside_the_pages)
                self.written_beside = True
            for chunk in work:
                tasks.add_task(self.write_chunk, chunk, collect)
            tasks.join()
        logger.info("")

    def write_page(self, docname: str) -> None:
        """Resolve and write one page (as Sphinx's serial write does)."""
        start = time.perf_counter()
        self.phase = BuildPhase.RESOLVING
        doctree = self.env.get_and_resolve_doctree(docname, self, tags=self.tags)
        # Sphinx keeps each doctree it loads, pickled, for the rest of the build (1.3 GB
        # at 3,000 posts written serially); a written page's is not needed again.
        getattr(self.env, "_pickled_doctree_cache", {}).pop(docname, None)
        resolved = time.perf_counter()
        self.phase = BuildPhase.WRITING
        self.write_doc_serialized(docname, doctree)
        self.write_doc(docname, doctree)
        self.seconds["resolve"] += resolved - start
        self.seconds["translate"] += time.perf_counter() - resolved

    def write_chunk(self, docnames: list[str]) -> tuple[dict[str, str], dict[str, float]]:
        """In a worker: write the pages; the images they use, for the main process to copy,
        and the worker's seconds."""
        known = set(self.images)
        self.seconds = dict.fromkeys(self.seconds, 0.0)
        with settled_heap() as settle:
            for docname in docnames:
                self.write_page(docname)
                settle()
        return {source: name for source, name in self.images.items() if source not in known}, self.seconds


def bounded_doctree_cache(app: Sphinx, doctree: nodes.document) -> None:
    """doctree-read: a serial read keeps every page's doctree in memory until it is
    written (about 1 GB at 1,000 posts); past ``KEEP_IN_MEMORY`` pages the oldest are let
    go, and the write reads them back from disk, as a parallel build always does."""
    kept = getattr(app.env, "_write_doc_doctree_cache", None)
    if isinstance(kept, dict):
        while len(kept) >= KEEP_IN_MEMORY:
            kept.pop(next(iter(kept)))


def start_beside_after_edit(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """env-get-updated, after every other handler: the environment is complete, so after
    a read of few pages the workers beside the pages start now (a read of few pages is
    mostly a write of few: the pages read and those listing them)."""
    builder = app.builder
    if (
        isinstance(builder, BookHTMLBuilder)
        and 0 < builder.pages_read < PARALLEL_FROM
        and builder.write_in_parallel_allowed()
    ):
        builder.start_beside()
    return []


def join_beside_on_failure(app: Sphinx, exception: Exception | None) -> None:
    """build-finished: a build that failed before its write still waits for its workers."""
    builder = app.builder
    if exception is not None and isinstance(builder, BookHTMLBuilder):
        with suppress(Exception):  # the build's own exception is the one to report
            builder.join_beside()


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_builder(BookHTMLBuilder, override=True)
    app.connect("env-get-updated", start_beside_after_edit, priority=900)
    app.connect("build-finished", join_beside_on_failure, priority=100)
    app.connect("doctree-read", bounded_doctree_cache)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
