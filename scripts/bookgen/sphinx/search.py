"""Sphinx extension: the book's own full-text search, by section, offline.

Sphinx's search ranks pages by words alone: a page with the query as a phrase came
after one with the words apart, its snippets began with the theme's buttons, and it
needs a web server for snippets. Here each page is cut into its sections (and the
glossary into its terms) when it is read, and its part of the index is made then
(``searchindex.index_page``) and kept per document in the ``booksearch`` domain, so an
incremental or parallel build indexes as a clean one does, and an edit indexes one page.
When the HTML build ends, the pages' parts are joined into the index, written under
``_search/`` as script files (``searchindex``: ``meta.js``, term shards ``t<N>.js``,
text shards ``x<N>.js``).

Script files, not JSON, so the book searches when opened from disk (``file://``, where
a page cannot fetch). ``booksearch.js`` asks the index; words are cut, lower-cased and
stemmed by the same rules here and there (``Stemmer`` from Sphinx's language data).
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.domains import Domain
from sphinx.environment import BuildEnvironment
from sphinx.search import IndexBuilder
from typing_extensions import override

from ..collector import collector_paused
from ..labels import ARCHIVE_DOC, GENERATED_DIR, GLOSSARY_DOC, PARTS_DIR, POSTS_DIR, RESOURCES_DIR, TAGS_DOC
from . import timings
from .book import book_metadata
from .searchindex import FORMAT, PageFacts, Section, Terms, build_index, index_page, packed, script, unpacked

INDEX_DIR = "_search"


# --- reading: a page's sections ---------------------------------------------------------

_SKIPPED = (nodes.comment, nodes.raw, nodes.system_message, nodes.target, nodes.substitution_definition)
# Classes of what a reader does not read as the page's text: what the converter marks
# no-search (the meta line, a chapter's closing sections, glossary tooltips), and the
# landing page's cards (each post's title and first sentence again, its date).
_HIDDEN = frozenset({"no-search", "sd-card"})


def page_sections(doctree: nodes.document) -> list[Section]:
    """The page's sections in order, each with its own text only (not its subsections');
    what is marked ``no-search`` (the meta line, a chapter's closing sections, tooltips)
    is left out, and each glossary term is a section of its own."""
    found: list[tuple[str, str, list[str]]] = []

    def visit(node: nodes.Element, into: list[str]) -> None:
        for child in node.children:
            if isinstance(child, nodes.Text):
                into.append(child.astext())
            elif not isinstance(child, nodes.Element) or _unsearched(child):
                continue
            elif isinstance(child, nodes.section):
                title = child.next_node(nodes.title)
                # The page's own title: its top. A section has its heading's id and often
                # a label too (chapter-<slug>--3); any lands there, the shortest costs least.
                anchor = min(child["ids"] or [""], key=len) if found else ""
                found.append((anchor, title.astext() if title else "", []))
                visit(child, found[-1][2])
            elif (term := _glossary_term(child)) is not None:
                found.append((term["ids"][0], term.astext(), []))
                visit(child, found[-1][2])
            else:
                visit(child, into)
                if not isinstance(child, nodes.Inline):  # blocks end with a space, inline text runs on
                    into.append("\n")

    top: list[str] = []
    visit(doctree, top)
    sections = [Section(anchor, title, _one_line(text)) for anchor, title, text in found]
    if _one_line(top):
        sections.insert(0, Section("", "", _one_line(top)))
    return sections


def _one_line(pieces: list[str]) -> str:
    return " ".join("".join(pieces).split())


def _unsearched(node: nodes.Element) -> bool:
    """Left out: what the reader does not read as text of the page (``_HIDDEN``),
    titles (each section's own) and a glossary entry's term (its title)."""
    if isinstance(node, _SKIPPED) or not _HIDDEN.isdisjoint(node["classes"]):
        return True
    if isinstance(node, (addnodes.toctree, nodes.title)):
        return True
    return isinstance(node, nodes.term) and node.parent is not None and _glossary_term(node.parent) is node


def _glossary_term(node: nodes.Element) -> nodes.term | None:
    """The term of a glossary entry (with its target), else None."""
    if not isinstance(node, nodes.definition_list_item) or node.parent is None:
        return None
    if not isinstance(node.parent.parent, addnodes.glossary):
        return None
    term = node.next_node(nodes.term)
    return term if isinstance(term, nodes.term) and term["ids"] else None


class SearchDomain(Domain):
    """Each page's part of the index (``searchindex.PageIndex``), kept per document like
    any other page data, packed: the environment, which every worker of a parallel build
    inherits, holds them as a few bytes objects, quick to load and pickle."""

    name = "booksearch"
    label = "Book search"
    initial_data: ClassVar[dict[str, Any]] = {"pages": {}}

    def __init__(self, env: BuildEnvironment) -> None:
        super().__init__(env)
        self._terms: Terms | None = None

    @property
    def pages(self) -> dict[str, bytes]:
        """Each page's part of the index (``searchindex.packed``)."""
        pages: dict[str, bytes] = self.data.setdefault("pages", {})
        return pages

    def clear_doc(self, docname: str) -> None:
        self.pages.pop(docname, None)

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        for docname in docnames:
            if docname in otherdata["pages"]:
                self.pages[docname] = otherdata["pages"][docname]

    @override
    def resolve_any_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        target: str,
        node: addnodes.pending_xref,
        contnode: nodes.Element,
    ) -> list[tuple[str, nodes.reference]]:
        """No object of this domain is a link target."""
        return []

    @property
    def terms(self) -> Terms:
        """Words to terms with the search language Sphinx chooses for the book (its
        stemmer), made once per process: each word is stemmed once, not once a page."""
        if self._terms is None:
            config = self.env.config
            chosen = IndexBuilder(
                self.env,
                config.html_search_language or config.language,
                config.html_search_options,
                config.html_search_scorer,
            )
            self._terms = Terms(chosen.lang)
        return self._terms

    def language_key(self) -> str:
        """Which stemmer, with which options, made the pages' terms."""
        language = self.terms.language
        kind = type(language)
        return json.dumps(
            [f"{kind.__module__}.{kind.__qualname__}", language.options], sort_keys=True, default=str
        )

    def pages_of_another_language(self, found: Set[str]) -> list[str]:
        """All pages, when their terms were made by another stemmer than the book's now
        (``html_search_language`` changed: Sphinx reads no page again for that)."""
        key = self.language_key()
        before = self.data.setdefault("language", key)
        self.data["language"] = key
        return sorted(found) if before != key and self.pages else []

    def note_page(self, docname: str, sections: Sequence[Section], title: str) -> None:
        self.pages[docname] = packed(index_page(sections, title, self.terms))


def collect_sections(app: Sphinx, doctree: nodes.document) -> None:
    """The page's part of the index. A page that lists posts (tags, archive, a part)
    keeps only its headings (a tag, a year): its text is the posts' titles again, and at
    a thousand posts it weighed megabytes that any query's snippets would load."""
    domain = app.env.get_domain(SearchDomain.name)
    assert isinstance(domain, SearchDomain)
    sections = page_sections(doctree)
    docname = app.env.docname
    if page_kind(docname, app.config.root_doc) == "listing" and docname != app.config.root_doc:
        sections = [Section(section.anchor, section.title, "") for section in sections]
    domain.note_page(docname, sections, page_title(app.env, docname))


def reindex_on_language_change(
    app: Sphinx, env: BuildEnvironment, added: Set[str], changed: Set[str], removed: Set[str]
) -> list[str]:
    domain = env.get_domain(SearchDomain.name)
    assert isinstance(domain, SearchDomain)
    return domain.pages_of_another_language(env.found_docs)


def page_title(env: BuildEnvironment, docname: str) -> str:
    """The title a page's results show, and the heading of its top section."""
    return env.titles[docname].astext() if docname in env.titles else docname


# --- writing: the index -----------------------------------------------------------------


def page_kind(docname: str, root_doc: str) -> str:
    """Chapters and reference pages are what a reader looks for; pages that list or
    repeat them (landing, parts, tags, archive) rank below them."""
    inside = docname.removeprefix(f"{GENERATED_DIR}/") if docname.startswith(f"{GENERATED_DIR}/") else None
    if inside is not None and inside.startswith(f"{POSTS_DIR}/"):
        return "post"
    if inside == GLOSSARY_DOC:
        return "glossary"
    if inside is not None and inside.startswith(f"{RESOURCES_DIR}/"):
        return "resource"
    if docname == root_doc or inside in (TAGS_DOC, ARCHIVE_DOC) or (inside or "").startswith(f"{PARTS_DIR}/"):
        return "listing"
    return "page"


def page_facts(app: Sphinx, env: BuildEnvironment) -> dict[str, PageFacts]:
    book = book_metadata(app) or {}
    posts = {post["docname"]: post for post in book.get("posts") or []}
    facts = {}
    for docname in env.found_docs:
        post = posts.get(docname, {})
        facts[docname] = PageFacts(
            url=app.builder.get_target_uri(docname),
            title=page_title(env, docname),
            kind=page_kind(docname, app.config.root_doc),
            part=post.get("part") or "",
            year=(post.get("date") or "")[:4],
            tags=tuple(post.get("tags") or ()),
        )
    return facts


# From this many pages the index is built in a process of its own: at 10,000 posts it
# needed 1.1 GB beside the 1 GB of Sphinx's environment a worker inherits.
OWN_PROCESS_FROM = 2000


@dataclass(frozen=True)
class IndexJob:
    """What the index is made of, for a process of its own (pickled)."""

    pages: Mapping[str, bytes]  # packed, as the domain keeps them
    facts: Mapping[str, PageFacts]
    folder: Path
    signature: str


def write_index(app: Sphinx, exception: Exception | None) -> None:
    """build-finished, HTML: the index under ``_search/``, unless a worker of the
    builder (``parallel``) wrote it beside the pages."""
    if exception is not None or app.builder.format != "html" or app.builder.name.startswith("epub"):
        return
    if not getattr(app.builder, "written_beside", False):
        write_index_now(app)


def write_index_now(app: Sphinx) -> None:
    """The index, joined from every page's part (left as it is when nothing changed)."""
    start = time.perf_counter()
    domain = app.env.get_domain(SearchDomain.name)
    assert isinstance(domain, SearchDomain)
    facts = page_facts(app, app.env)
    folder = Path(app.outdir) / INDEX_DIR
    # The index depends on the pages' parts and facts alone: when they are as at the
    # last build (nothing read changed, as in a no-op build), it is left as it is.
    signature = hashlib.sha256(
        json.dumps(
            [
                FORMAT,
                {d: hashlib.sha256(p).hexdigest() for d, p in domain.pages.items()},
                [facts[d] for d in sorted(facts)],
            ],
            default=str,
            sort_keys=True,  # a parallel read merges the pages in another order
        ).encode()
    ).hexdigest()
    mark = folder / "signature.txt"
    if mark.exists():
        last, *written = mark.read_text(encoding="utf-8").split("\n")
        if last == signature and all((folder / name).is_file() for name in written):
            return
    if len(domain.pages) >= OWN_PROCESS_FROM:
        run_in_own_process(IndexJob(domain.pages, facts, folder, signature), Path(app.doctreedir))
    else:
        write_index_files(folder, joined_index(domain.pages, facts), signature)
    timings.record("search index", time.perf_counter() - start)


def joined_index(pages: Mapping[str, bytes], facts: Mapping[str, PageFacts]) -> dict[str, str]:
    """The index's files (name -> literal) from the pages' packed parts."""
    with collector_paused():
        return build_index({docname: unpacked(data) for docname, data in pages.items()}, facts)


def write_index_files(folder: Path, files: Mapping[str, str], signature: str) -> None:
    """The index's script files, each written only if changed, and its signature."""
    folder.mkdir(parents=True, exist_ok=True)
    wanted = {f"{name}.js" for name in files}
    for stale in folder.glob("*.js"):
        if stale.name not in wanted:
            stale.unlink()
    for name, content in files.items():
        _write_if_changed(folder / f"{name}.js", script(name, content))
    (folder / "signature.txt").write_text("\n".join([signature, *sorted(wanted)]), encoding="utf-8")


def run_in_own_process(job: IndexJob, scratch: Path) -> None:
    """Build and write the index in a fresh Python process (``python -m`` this module)."""
    scratch.mkdir(parents=True, exist_ok=True)
    path = scratch / f"search-index-job-{os.getpid()}.pickle"
    path.write_bytes(pickle.dumps(job, pickle.HIGHEST_PROTOCOL))
    scripts = str(Path(__file__).resolve().parents[2])
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [scripts, os.environ.get("PYTHONPATH")])),
    }
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bookgen.sphinx.search", str(path)],
            env=environment, capture_output=True, text=True, check=False,
        )  # fmt: skip
    finally:
        path.unlink(missing_ok=True)
    if done.returncode != 0:
        raise RuntimeError(f"the search index could not be built: {done.stderr.strip()[-2000:]}")


def run_index_job(path: Path) -> None:
    """In the index's own process: read the job, build the index, write it."""
    job = pickle.loads(path.read_bytes())  # written by run_in_own_process, just before
    assert isinstance(job, IndexJob)
    write_index_files(job.folder, joined_index(job.pages, job.facts), job.signature)


def write_alongside(app: Sphinx) -> None:
    """builder-inited: a builder that writes its pages beside a worker (``parallel``)
    has the worker write the index meanwhile."""
    alongside = getattr(app.builder, "alongside", None)
    if isinstance(alongside, list):
        alongside.append(lambda: write_index_now(app))


def _write_if_changed(path: Path, text: str) -> None:
    data = text.encode("utf-8")
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)


def search_page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: nodes.document | None
) -> None:
    """The search page finds its index's folder (``_search/``) through the template."""
    if pagename == "search":
        context["book_search_index"] = INDEX_DIR


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_domain(SearchDomain)
    # After the other extensions marked what the search leaves out (priority 500).
    app.connect("doctree-read", collect_sections, priority=700)
    app.connect("env-get-outdated", reindex_on_language_change)
    app.connect("builder-inited", write_alongside)
    app.connect("build-finished", write_index)
    app.connect("html-page-context", search_page_context)
    return {"version": "0.1", "env_version": 3, "parallel_read_safe": True, "parallel_write_safe": True}


if __name__ == "__main__":
    # The job's classes are the package module's, not this __main__'s copies.
    from bookgen.sphinx.search import run_index_job as run_job

    run_job(Path(sys.argv[1]))
