"""Sphinx extension: the book's own full-text search, by section, offline.

Sphinx's search ranks pages by words alone: a page with the query as a phrase came
after one with the words apart, its snippets began with the theme's buttons, and it
needs a web server for snippets. Here each page is cut into its sections (and the
glossary into its terms) when it is read; their words are kept per document in the
``booksearch`` domain, so an incremental or parallel build indexes as a clean one does.
When the HTML build ends, the index is written under ``_search/`` as script files:

- ``meta.js``: the pages (address, title, kind, part, year, tags), the sections
  (page, anchor, title, words in the text, place of the text's first word) and the
  vocabulary (for words typed in part, or mistyped);
- ``t<N>.js``: the postings, each term's sections and word positions (phrases), in
  shards chosen by a hash of the term, so a query loads only the shards of its words;
- ``x<N>.js``: the sections' text, for snippets, loaded for the results shown.

Script files, not JSON, so the book searches when opened from disk (``file://``, where
a page cannot fetch). ``booksearch.js`` asks the index; words are cut, lower-cased and
stemmed by the same rules here and there (``Stemmer`` from Sphinx's language data).
"""

from __future__ import annotations

import hashlib
import importlib
import itertools
import json
import math
import os
import pickle
import re
import subprocess
import sys
import time
import unicodedata
import zlib
from collections import defaultdict
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
from sphinx.search import SearchLanguage
from typing_extensions import override

from ..labels import ARCHIVE_DOC, GENERATED_DIR, GLOSSARY_DOC, PARTS_DIR, POSTS_DIR, RESOURCES_DIR, TAGS_DOC
from . import timings
from .book import book_metadata
from .scriptdata import script_literal

INDEX_DIR = "_search"
FORMAT = 1
# Shards of about this many bytes: a query's words load a few of them, not the book.
SHARD_BYTES = 64_000
# Text shards are smaller: the snippets of the first results come from many pages.
TEXT_SHARD_BYTES = 12_000
# Written forms told apart per term: the most used FORMS - 1, and "another".
FORMS = 8

# Words: runs of letters and digits. Han and kana are written without spaces, so each
# run of them is indexed as its overlapping pairs (and a lone character as itself).
# booksearch.js cuts words with the same classes.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
_WORD = re.compile(rf"[{_CJK}]+|[^\W_{_CJK}]+")
_IS_CJK = re.compile(rf"[{_CJK}]")


@dataclass(frozen=True)
class Section:
    """A searchable part of a page: a section, a glossary term, or the page's top."""

    anchor: str
    title: str
    text: str


def words(text: str) -> list[str]:
    """The words of ``text``, normalised and lower-cased, CJK runs as pairs."""
    found = _WORD.findall(unicodedata.normalize("NFKC", text).lower())
    if not _IS_CJK.search(text):  # most texts: no pairs to make
        return found
    out: list[str] = []
    for word in found:
        if _IS_CJK.match(word) and len(word) > 1:
            out.extend(word[i : i + 2] for i in range(len(word) - 1))
        else:
            out.append(word)
    return out


class Terms:
    """Each word's index term: its stem (each word stemmed once a build), CJK pairs as
    they are. Stopwords are terms too: "feeling down" is a phrase, though "down" is
    on the stopword list."""

    def __init__(self, language: SearchLanguage) -> None:
        self.language = language
        self.stems: dict[str, str] = {}

    def __call__(self, text: str) -> list[tuple[str, str]]:
        stems = self.stems
        out = []
        for word in words(text):
            term = stems.get(word)
            if term is None:
                term = stems[word] = word if _IS_CJK.match(word) else self.language.stem(word)
            out.append((word, term))
        return out


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
    """Each page's sections, kept per document like any other page data, compressed:
    the text of every page stays in the environment, which every worker of a parallel
    build inherits (68 MB of it pickled at 10,000 posts, a few times that in memory)."""

    name = "booksearch"
    label = "Book search"
    initial_data: ClassVar[dict[str, Any]] = {"pages": {}}

    @property
    def pages(self) -> dict[str, bytes]:
        """Each page's sections (``packed_sections``)."""
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

    def note_page(self, docname: str, sections: Sequence[Section]) -> None:
        self.pages[docname] = packed_sections([(s.anchor, s.title, s.text) for s in sections])


def packed_sections(sections: Sequence[tuple[str, str, str]]) -> bytes:
    """A page's sections as the domain keeps them: JSON, compressed."""
    return zlib.compress(json.dumps(sections, ensure_ascii=False).encode(), 6)


def unpacked_pages(pages: Mapping[str, bytes]) -> dict[str, list[tuple[str, str, str]]]:
    """Every page's sections, as ``build_index`` reads them."""
    return {
        docname: [(anchor, title, text) for anchor, title, text in json.loads(zlib.decompress(packed))]
        for docname, packed in pages.items()
    }


def collect_sections(app: Sphinx, doctree: nodes.document) -> None:
    """The page's sections. A page that lists posts (tags, archive, a part) keeps only its
    headings (a tag, a year): its text is the posts' titles again, and at a thousand
    posts it weighed megabytes that any query's snippets would load."""
    domain = app.env.get_domain(SearchDomain.name)
    assert isinstance(domain, SearchDomain)
    sections = page_sections(doctree)
    docname = app.env.docname
    if page_kind(docname, app.config.root_doc) == "listing" and docname != app.config.root_doc:
        sections = [Section(section.anchor, section.title, "") for section in sections]
    domain.note_page(docname, sections)


# --- writing: the index -----------------------------------------------------------------


@dataclass(frozen=True)
class PageFacts:
    """What a result shows and filters on, beside its words."""

    url: str
    title: str
    kind: str  # post, glossary, resource, listing, page
    part: str = ""
    year: str = ""
    tags: tuple[str, ...] = ()


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


def build_index(
    pages: Mapping[str, Sequence[tuple[str, str, str]]],
    facts: Mapping[str, PageFacts],
    language: SearchLanguage,
) -> dict[str, Any]:
    """The whole index as data: ``meta`` and the shards (name -> content). Pure."""
    docs = sorted(docname for docname in pages if docname in facts)
    terms = Terms(language)
    sections: list[list[Any]] = []
    texts: list[str] = []
    postings: dict[str, dict[int, list[int]]] = defaultdict(dict)
    # Each term keeps its first FORMS - 1 written forms, and each position says which
    # form stood there (position * FORMS + form; the last number for any other), so
    # "blogging" ranks a post that says "blogging" above one that says "blog", though
    # both are the term "blog".
    forms: dict[str, dict[str, int]] = defaultdict(dict)
    for doc_number, docname in enumerate(docs):
        fact = facts[docname]
        for anchor, title, text in pages[docname]:
            number = len(sections)
            # The heading's words first, then the text's, one place apart: no phrase
            # runs from the heading into the text.
            heading = terms(title or fact.title)
            body = terms(text)
            for position, (word, term) in enumerate([*heading, ("", ""), *body]):
                if not term:
                    continue
                known = forms[term]
                if word not in known and len(known) < FORMS - 1:
                    known[word] = len(known)
                postings[term].setdefault(number, []).append(position * FORMS + known.get(word, FORMS - 1))
            sections.append([doc_number, anchor, title, len(body), len(heading) + 1])
            texts.append(text)
    vocabulary = sorted(postings)
    shard_count = max(1, math.ceil(sum(_posting_bytes(postings[t]) for t in vocabulary) / SHARD_BYTES))
    shards: dict[str, dict[str, list[list[Any]]]] = {f"t{n}": {} for n in range(shard_count)}
    for term in vocabulary:
        shards[f"t{shard_of(term, shard_count)}"][term] = [list(forms[term]), _flat_postings(postings[term])]
    text_shard_of, text_shards = _text_shards(texts)
    values: dict[str, list[str]] = {"part": [], "year": [], "tag": []}
    for docname in docs:
        fact = facts[docname]
        for key, found in (("part", [fact.part]), ("year", [fact.year]), ("tag", list(fact.tags))):
            values[key].extend(value for value in found if value and value not in values[key])
    values["year"].sort(reverse=True)
    values["tag"].sort(key=str.casefold)
    meta = {
        "format": FORMAT,
        "forms": FORMS,
        "shards": shard_count,
        "docs": [_doc_entry(facts[d], values) for d in docs],
        "sections": sections,
        "texts": text_shard_of,
        "filters": values,
        "vocabulary": vocabulary,
    }
    files: dict[str, Any] = {"meta": meta, **shards}
    for number, content in enumerate(text_shards):
        files[f"x{number}"] = content
    return files


def _doc_entry(fact: PageFacts, values: Mapping[str, list[str]]) -> list[Any]:
    return [
        fact.url,
        fact.title,
        fact.kind,
        values["part"].index(fact.part) if fact.part else -1,
        values["year"].index(fact.year) if fact.year else -1,
        [values["tag"].index(tag) for tag in fact.tags],
    ]


def _flat_postings(by_section: Mapping[int, list[int]]) -> list[int]:
    """``[section, count, place, gap...]`` for each section in order: each place after
    the first as its distance from the one before, which keeps the numbers short."""
    flat: list[int] = []
    for section in sorted(by_section):
        places = by_section[section]
        flat += (section, len(places), places[0])
        flat += [later - earlier for earlier, later in itertools.pairwise(places)]
    return flat


def _posting_bytes(by_section: Mapping[int, list[int]]) -> int:
    return 6 * len(by_section) + 5 * sum(map(len, by_section.values()))


def _text_shards(texts: Sequence[str]) -> tuple[list[int], list[dict[str, str]]]:
    """The sections' texts in shards of about ``TEXT_SHARD_BYTES``, in book order (a
    page's sections mostly share one): each section's shard number, and the shards."""
    shard_of_section: list[int] = []
    shards: list[dict[str, str]] = [{}]
    size = 0
    for number, text in enumerate(texts):
        if size > TEXT_SHARD_BYTES:
            shards.append({})
            size = 0
        shards[-1][str(number)] = text
        size += len(text.encode("utf-8")) + 8
        shard_of_section.append(len(shards) - 1)
    return shard_of_section, shards


def shard_of(term: str, shard_count: int) -> int:
    """FNV-1a over the term's UTF-8 bytes: booksearch.js finds the same shard."""
    value = 0x811C9DC5
    for byte in term.encode("utf-8"):
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value % shard_count


def script(name: str, content: Any) -> str:
    """A shard as a script that hands its data to the search (loads from ``file://``)."""
    return f"BookSearch.loaded({json.dumps(name)},{script_literal(content)});\n"


def page_facts(app: Sphinx, env: BuildEnvironment) -> dict[str, PageFacts]:
    book = book_metadata(app) or {}
    posts = {post["docname"]: post for post in book.get("posts") or []}
    facts = {}
    for docname in env.found_docs:
        post = posts.get(docname, {})
        title = env.titles[docname].astext() if docname in env.titles else docname
        facts[docname] = PageFacts(
            url=app.builder.get_target_uri(docname),
            title=title,
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
    language: str  # the class of the search language Sphinx chose, as module.name
    options: Mapping[str, Any]  # html_search_options
    folder: Path
    signature: str


def write_index(app: Sphinx, exception: Exception | None) -> None:
    """HTML: the index under ``_search/``, from every page's sections."""
    if exception is not None or app.builder.format != "html" or app.builder.name.startswith("epub"):
        return
    start = time.perf_counter()
    domain = app.env.get_domain(SearchDomain.name)
    assert isinstance(domain, SearchDomain)
    indexer = getattr(app.builder, "indexer", None)
    language = indexer.lang if indexer is not None else SearchLanguage({})
    facts = page_facts(app, app.env)
    folder = Path(app.outdir) / INDEX_DIR
    # The index depends on the pages' sections and facts alone: when they are as at the
    # last build (nothing read changed, as in a no-op build), it is left as it is.
    signature = hashlib.sha256(
        json.dumps(
            [
                FORMAT,
                language.lang,
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
        kind = type(language)
        options = app.config.html_search_options
        job = IndexJob(
            domain.pages, facts, f"{kind.__module__}.{kind.__qualname__}", options, folder, signature
        )
        run_in_own_process(job, Path(app.doctreedir))
    else:
        write_index_files(folder, build_index(unpacked_pages(domain.pages), facts, language), signature)
    timings.record("search index", time.perf_counter() - start)


def write_index_files(folder: Path, files: Mapping[str, Any], signature: str) -> None:
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


def search_language(name: str, options: Mapping[str, Any]) -> SearchLanguage:
    """The search language of class ``name`` (module.name), as Sphinx chose it."""
    module, _, kind = name.rpartition(".")
    language: SearchLanguage = getattr(importlib.import_module(module), kind)(dict(options))
    return language


def run_index_job(path: Path) -> None:
    """In the index's own process: read the job, build the index, write it."""
    job = pickle.loads(path.read_bytes())  # written by run_in_own_process, just before
    assert isinstance(job, IndexJob)
    files = build_index(unpacked_pages(job.pages), job.facts, search_language(job.language, job.options))
    write_index_files(job.folder, files, job.signature)


def write_alongside(app: Sphinx, builder: Builder) -> None:
    """write-started: a builder that writes its pages in parallel (``parallel``) writes
    the index in one of its workers meanwhile; build-finished then finds it written."""
    alongside = getattr(builder, "alongside", None)
    if isinstance(alongside, list):
        alongside.append(lambda: write_index(app, None))


def _write_if_changed(path: Path, text: str) -> None:
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


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
    app.connect("write-started", write_alongside)
    app.connect("build-finished", write_index)
    app.connect("html-page-context", search_page_context)
    return {"version": "0.1", "env_version": 2, "parallel_read_safe": True, "parallel_write_safe": True}


if __name__ == "__main__":
    # The job's classes are the package module's, not this __main__'s copies.
    from bookgen.sphinx.search import run_index_job as run_job

    run_job(Path(sys.argv[1]))
