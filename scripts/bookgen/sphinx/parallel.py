"""Sphinx extension: writing the HTML pages on every CPU.

Sphinx's own parallel write keeps the main process resolving every page (loading its
doctree, running the post-transforms) and gives only the translation to HTML to
``-j N - 1`` workers. On two CPUs that is one worker, and writing 1,000 posts took
44 s where serial writing took 37 s. Here each worker resolves and writes its own share
of the pages, so every CPU does the whole work; the one thing the main process needs
back from a page, the images to copy, returns with the worker's result. (With 2 CPUs and
1,000 posts: writing 20 s, reading 21 s, where serial took 37 s and 32 s.)

The first page of each folder is written in the main process before any worker starts,
so the compiled templates and the folder's sidebar (``nav``) are inherited by every
worker instead of being made again in each. A write of few pages (an edit) stays in one
process, where forking would cost more than the work.
"""

from __future__ import annotations

import posixpath
import time
from collections.abc import Sequence, Set
from contextlib import nullcontext
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.util import logging
from sphinx.util.build_phase import BuildPhase
from sphinx.util.display import status_iterator
from sphinx.util.parallel import ParallelTasks

from . import timings

logger = logging.getLogger(__name__)

# Pages per worker task: large enough that forking is a small cost, small enough that
# the workers finish close together.
CHUNK = 40
# Fewer pages than this to write (beyond the first of each folder): one process.
PARALLEL_FROM = 8
# Doctrees a serial read keeps in memory for the write (Sphinx keeps them all).
KEEP_IN_MEMORY = 100


def first_of_each_folder(docnames: Sequence[str]) -> list[str]:
    """The first page of every folder, in order: what the main process writes itself."""
    firsts: dict[str, str] = {}
    for docname in docnames:
        firsts.setdefault(posixpath.dirname(docname), docname)
    return list(firsts.values())


def chunks(docnames: Sequence[str], size: int) -> list[list[str]]:
    """Consecutive runs of pages (neighbours share a folder, and so a sidebar)."""
    return [list(docnames[start : start + size]) for start in range(0, len(docnames), size)]


class BookHTMLBuilder(StandaloneHTMLBuilder):
    """Sphinx's HTML builder, with a parallel write in which every worker resolves, and
    without Sphinx's own search index: the book has its own (``search``), and feeding
    Sphinx's took seconds for a file no page loads. The search page, the language's
    stemmer (``language_data.js``) and the indexer's language stay as Sphinx makes them.
    """

    seconds: dict[str, float]  # this process's time resolving and translating pages

    def load_indexer(self, docnames: Set[str]) -> None:
        pass

    def index_page(self, pagename: str, doctree: nodes.document, title: str) -> None:
        pass

    def dump_search_index(self) -> None:
        """Removes the index an earlier build of Sphinx's own left."""
        (self.outdir / self.searchindex_filename).unlink(missing_ok=True)

    def write_documents(self, docnames: Set[str]) -> None:
        ordered = sorted(docnames)
        nproc = self._app.parallel
        warm = first_of_each_folder(ordered)
        rest = [docname for docname in ordered if docname not in set(warm)]
        self.seconds = {"resolve": 0.0, "translate": 0.0}
        if not self.parallel_ok or nproc < 2 or len(rest) < PARALLEL_FROM:
            self.write_serially(ordered)
        else:
            self.write_in_parallel(warm, rest, nproc)
        for stage, seconds in self.seconds.items():
            timings.record(stage, seconds)

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
        work = chunks(rest, min(CHUNK, max(1, len(rest) // (2 * nproc))))
        progress = status_iterator(work, "writing output... ", "darkgreen", len(work), self.config.verbosity)

        def collect(_chunk: list[str], result: tuple[dict[str, str], dict[str, float]]) -> None:
            images, seconds = result
            self.images.update(images)
            for stage, value in seconds.items():
                self.seconds[stage] += value
            next(progress, None)

        for chunk in work:
            tasks.add_task(self.write_chunk, chunk, collect)
        tasks.join()
        logger.info("")

    def write_page(self, docname: str) -> None:
        """Resolve and write one page (as Sphinx's serial write does)."""
        start = time.perf_counter()
        self.phase = BuildPhase.RESOLVING
        doctree = self.env.get_and_resolve_doctree(docname, self, tags=self.tags)
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
        for docname in docnames:
            self.write_page(docname)
        return {source: name for source, name in self.images.items() if source not in known}, self.seconds


def bounded_doctree_cache(app: Sphinx, doctree: nodes.document) -> None:
    """doctree-read: a serial read keeps every page's doctree in memory until it is
    written (about 1 GB at 1,000 posts); past ``KEEP_IN_MEMORY`` pages the oldest are let
    go, and the write reads them back from disk, as a parallel build always does."""
    kept = getattr(app.env, "_write_doc_doctree_cache", None)
    if isinstance(kept, dict):
        while len(kept) >= KEEP_IN_MEMORY:
            kept.pop(next(iter(kept)))


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_builder(BookHTMLBuilder, override=True)
    app.connect("doctree-read", bounded_doctree_cache)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
