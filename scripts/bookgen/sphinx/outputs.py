"""Sphinx extension: what the output folder holds is the book as it is now.

Sphinx builds incrementally and trusts its own records; these keep the outputs honest
when the posts change or a build is cut short:

- pages, their ``_sources`` copies and doctrees, of documents that no longer exist are
  removed (a deleted or renamed post's old address stops answering); only under the
  converter's folder, so hand-written pages, static and extra files are never touched;
- the sitemap lists every page, also after an incremental build (sphinx-sitemap only
  sees the pages written in this run);
- a build that did not finish (killed mid-write) leaves a marker; the next build starts
  from a fresh environment, so every page and the search index are written again.

Everything runs in the main process, so parallel builds are unaffected.
"""

from __future__ import annotations

import queue
from pathlib import Path
from typing import Any

from sphinx.application import ENV_PICKLE_FILENAME, Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx_sitemap import add_html_link

from ..labels import GENERATED_DIR  # only the converter's pages are ever pruned

logger = logging.getLogger(__name__)


UNFINISHED = "bookgen-build-unfinished"


def start_build(app: Sphinx, config: Config) -> None:
    """config-inited, before Sphinx loads its environment: after an unfinished build,
    drop the environment so that nothing written by halves is trusted."""
    doctrees = Path(app.doctreedir)
    marker = doctrees / UNFINISHED
    if marker.exists():
        logger.info("bookgen: the last build did not finish; building every page again")
        (doctrees / ENV_PICKLE_FILENAME).unlink(missing_ok=True)
    doctrees.mkdir(parents=True, exist_ok=True)
    marker.write_text(f"a build into {app.outdir} started and has not finished\n", encoding="utf-8")


def finish_build(app: Sphinx, exception: Exception | None) -> None:
    """build-finished: only a build that ran to the end clears the marker."""
    if exception is None:
        (Path(app.doctreedir) / UNFINISHED).unlink(missing_ok=True)


def stale_outputs(app: Sphinx, env: BuildEnvironment) -> list[Path]:
    """Pages, source copies and doctrees under the converter's folder that no document makes."""
    outdir, doctrees, builder = Path(app.outdir), Path(app.doctreedir), app.builder
    current = [docname for docname in env.found_docs if docname.startswith(f"{GENERATED_DIR}/")]
    trees = {doctrees / f"{docname}.doctree" for docname in current}
    stale = [p for p in (doctrees / GENERATED_DIR).rglob("*.doctree") if p not in trees]
    if not isinstance(builder, StandaloneHTMLBuilder):  # HTML pages only from HTML builders
        return sorted(stale)
    pages = {Path(builder.get_outfilename(docname)) for docname in current}
    stale.extend(p for p in (outdir / GENERATED_DIR).rglob(f"*{builder.out_suffix}") if p not in pages)
    sources = outdir / "_sources" / GENERATED_DIR
    if builder.copysource and sources.is_dir():
        suffix = app.config.html_sourcelink_suffix
        copies = set()
        for docname in current:
            name = str(env.doc2path(docname, False))  # as Sphinx names the copy
            copies.add(outdir / "_sources" / (name if name[len(docname) :] == suffix else name + suffix))
        stale.extend(p for p in sources.rglob("*") if p.is_file() and p not in copies)
    return sorted(stale)


def prune_outputs(app: Sphinx, env: BuildEnvironment) -> None:
    """env-updated (after reading, before writing; the EPUB is packed from the folder)."""
    for path in stale_outputs(app, env):
        path.unlink(missing_ok=True)
        logger.info("bookgen: removed %s (its document no longer exists)", path)
        directory = path.parent
        while directory.name != GENERATED_DIR and not any(directory.iterdir()):
            directory.rmdir()
            directory = directory.parent


def complete_sitemap(app: Sphinx, exception: Exception | None) -> None:
    """build-finished, before sphinx-sitemap writes: add every page this run did not write.

    The workers are done by now, so the links move from sphinx-sitemap's cross-process
    queue to a plain one (each item through the former costs a round trip).
    """
    links = getattr(app, "sitemap_links", None)
    if exception is not None or links is None or not isinstance(app.builder, StandaloneHTMLBuilder):
        return
    if app.builder.name.startswith("epub"):
        return
    written = _drain(links)
    complete: queue.Queue[tuple[str, str | None]] = queue.Queue()
    app.sitemap_links = complete  # type: ignore[attr-defined]
    for docname in sorted(app.env.found_docs):
        add_html_link(app, docname, "page.html", {}, None)  # the link exactly as the sitemap makes it
    pages = dict(_drain(complete))
    pages.update(written)
    for link in sorted(pages):
        complete.put((link, pages[link]))


def _drain(links: Any) -> list[tuple[str, str | None]]:
    drained = []
    while True:
        try:
            drained.append(links.get_nowait())
        except queue.Empty:
            return drained


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", start_build)
    app.connect("env-updated", prune_outputs)
    app.connect("build-finished", complete_sitemap, priority=400)  # sphinx-sitemap writes at 500
    app.connect("build-finished", finish_build, priority=900)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
