"""The fast sidebar (bookgen.sphinx_nav) and incremental rebuilds.

The fast sidebar must be the stock one, page for page; what it saves is resolving the
whole toctree for every page. An edited post must make Sphinx re-read only the pages
the edit changed, and a renamed post must reach every page's sidebar.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.util.docutils import docutils_namespace, patch_docutils

from bookgen.sphinx.parallel import BookHTMLBuilder, first_of_each_folder
from booktools.corpus import glossary_terms, synthetic_posts, write_corpus
from tests.helpers import GLOSSARY_FILE, RESOURCES_FILE, ROOT, BuiltBook, build_book, convert_book

POST_COUNT = 24
INCREMENTAL_POSTS = 12  # the synthetic book the incremental tests edit


def sidebar(page: Path) -> str:
    """The page's sidebar navigation, whitespace normalised."""
    nav = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select_one("nav.bd-docs-nav")
    assert nav is not None, f"{page}: no sidebar navigation"
    return " ".join(str(nav).split())


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus") / "posts"
    write_corpus(folder, synthetic_posts(POST_COUNT, seed=7, terms=glossary_terms(GLOSSARY_FILE)))
    return folder


def counting_toctree_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every whole-toctree resolution (the per-page cost the fast path removes)."""
    calls: list[str] = []
    stock = StandaloneHTMLBuilder._get_local_toctree

    def counted(self: StandaloneHTMLBuilder, docname: str, *args: object, **kwargs: object) -> str:
        calls.append(docname)
        return stock(self, docname, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(StandaloneHTMLBuilder, "_get_local_toctree", counted)
    return calls


@dataclass(frozen=True)
class Builds:
    """The same book built with the fast sidebar and with the stock one."""

    fast: BuiltBook
    stock: BuiltBook
    fast_calls: list[str]  # documents whose whole toctree was resolved
    stock_calls: list[str]


def counted_build(tmp: Path, corpus: Path, extra_args: list[str]) -> tuple[BuiltBook, list[str]]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        calls = counting_toctree_calls(monkeypatch)
        book = build_book(
            tmp,
            corpus,
            None,
            extra_args=extra_args,
            glossary_file=GLOSSARY_FILE,
            resources_file=RESOURCES_FILE,
        )
    return book, calls


@pytest.fixture(scope="module")
def both_builds(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Builds:
    fast, fast_calls = counted_build(tmp_path_factory.mktemp("fast"), corpus, [])
    stock, stock_calls = counted_build(
        tmp_path_factory.mktemp("stock"), corpus, ["-D", "book_fast_navigation=0"]
    )
    return Builds(fast, stock, fast_calls, stock_calls)


def built_with_two_workers(corpus: Path, tmp: Path) -> BuiltBook:
    return build_book(
        tmp, corpus, None, extra_args=["-j", "2"], glossary_file=GLOSSARY_FILE, resources_file=RESOURCES_FILE
    )


def test_parallel_fast_sidebar_equals_serial(corpus: Path, tmp_path: Path, both_builds: Builds) -> None:
    serial = both_builds.fast
    parallel = built_with_two_workers(corpus, tmp_path)
    assert (parallel.status, parallel.warnings) == (0, "")
    for page in sorted((serial.html / "generated" / "posts").glob("*.html")):
        assert sidebar(parallel.html / page.relative_to(serial.html)) == sidebar(page), page.name


def test_both_builds_are_clean(both_builds: Builds) -> None:
    fast, stock = both_builds.fast, both_builds.stock
    assert (fast.status, fast.warnings) == (0, "")
    assert stock.status == 0


def test_sidebar_equals_stock_on_every_page(
    both_builds: Builds,
) -> None:
    fast, stock = both_builds.fast, both_builds.stock
    pages = sorted(p.relative_to(fast.html) for p in fast.html.rglob("*.html") if "_static" not in p.parts)
    assert len(pages) > POST_COUNT
    differing = [str(page) for page in pages if sidebar(fast.html / page) != sidebar(stock.html / page)]
    assert differing == []


def test_toctree_resolved_once_per_folder_not_per_page(
    both_builds: Builds,
) -> None:
    fast, fast_calls, stock_calls = both_builds.fast, both_builds.fast_calls, both_builds.stock_calls
    pages = list(fast.html.rglob("*.html"))
    assert len(stock_calls) >= POST_COUNT  # stock: at least once for every page
    folders = {str(Path(name).parent) for name in fast_calls}
    assert len(fast_calls) <= len(folders) + 3  # fast: once a folder (+ search, 404, index pages)
    assert len(fast_calls) < len(pages) / 4


def test_current_post_is_marked_and_its_part_expanded(
    both_builds: Builds,
) -> None:
    fast = both_builds.fast
    for page in sorted((fast.html / "generated" / "posts").glob("*.html"))[:5]:
        nav = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select_one("nav.bd-docs-nav")
        assert nav is not None
        current = nav.select("a.current")
        assert len(current) == 1 and current[0]["href"] == "#", page.name
        item = current[0].find_parent("li")
        assert item is not None and {"current", "active"} <= set(item.get_attribute_list("class"))
        part_list = item.find_parent("ul")
        assert part_list is not None and "current" in part_list.get_attribute_list("class")
        # every other post is still listed, linked
        assert len(nav.select("a.reference.internal")) >= POST_COUNT


# --- incremental rebuilds ------------------------------------------------------------


class IncrementalBook:
    """A converted book in ``tmp`` built in-process, recording what Sphinx re-reads."""

    def __init__(self, tmp: Path, posts: Path) -> None:
        self.tmp = tmp
        self.posts = posts
        self.docs = convert_book(tmp, posts, None, glossary_file=GLOSSARY_FILE)

    def build(self) -> tuple[list[str], list[str]]:
        """Convert and build; return the documents read and the pages written."""
        convert_book(self.tmp, self.posts, None, glossary_file=GLOSSARY_FILE)
        read: list[str] = []
        written: list[str] = []
        # As sphinx-build does: directives and roles registered by this build stay in it.
        with patch_docutils(ROOT), docutils_namespace():
            app = Sphinx(
                str(self.docs),
                str(ROOT),
                str(self.tmp / "html"),
                str(self.tmp / "doctrees"),
                "html",
                status=io.StringIO(),
                warning=io.StringIO(),
            )
            app.connect("env-before-read-docs", lambda app, env, docnames: read.extend(docnames))
            app.connect("html-page-context", lambda app, pagename, *rest: written.append(pagename))
            app.build()
        assert app.statuscode == 0
        return sorted(read), written


@pytest.fixture
def incremental(tmp_path: Path) -> IncrementalBook:
    posts = tmp_path / "posts"
    write_corpus(posts, synthetic_posts(INCREMENTAL_POSTS, seed=11, terms=glossary_terms(GLOSSARY_FILE)))
    book = IncrementalBook(tmp_path, posts)
    book.build()
    return book


def changed_files(docs: Path, before: dict[Path, int]) -> set[str]:
    return {
        path.relative_to(docs).with_suffix("").as_posix()
        for path, mtime in before.items()
        if path.stat().st_mtime_ns != mtime
    }


def test_no_op_rebuild_reads_nothing(incremental: IncrementalBook) -> None:
    read, _ = incremental.build()
    assert read == []


def test_edited_post_rereads_only_what_changed(incremental: IncrementalBook) -> None:
    generated = incremental.docs / "generated"
    before = {path: path.stat().st_mtime_ns for path in generated.rglob("*.md")}
    post = sorted(incremental.posts.glob("*.md"))[0]
    post.write_text(
        post.read_text(encoding="utf-8") + "\nOne more closing thought, added later.\n", encoding="utf-8"
    )
    read, _ = incremental.build()
    changed = changed_files(incremental.docs, before)
    page = next(name for name in changed if name.startswith("generated/posts/"))
    assert page in read
    # Only the edited post's page and pages built from it (landing card -> index) move.
    assert changed <= {page, "generated/landing"}
    assert set(read) <= {page, "index"}
    assert len(before) > INCREMENTAL_POSTS  # the untouched pages kept their mtimes and were not re-read


def test_renamed_post_reaches_every_sidebar(incremental: IncrementalBook) -> None:
    post = sorted(incremental.posts.glob("*.md"))[0]
    text = post.read_text(encoding="utf-8")
    title_line = next(line for line in text.splitlines() if line.startswith("title:"))
    post.write_text(text.replace(title_line, 'title: "A title nobody had before"'), encoding="utf-8")
    _, written = incremental.build()
    html = incremental.tmp / "html"
    sources = sorted((incremental.docs / "generated" / "posts").glob("*.md"))
    assert len(sources) == INCREMENTAL_POSTS
    for source in sources:  # (Sphinx leaves the renamed post's old page behind, unlisted)
        page = html / "generated" / "posts" / f"{source.stem}.html"
        assert "A title nobody had before" in sidebar(page), page.name
    assert len(written) > INCREMENTAL_POSTS


def test_parallel_workers_resolve_and_write_every_page_once(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, both_builds: Builds
) -> None:
    """With -j 2 the main process writes the first page of each folder and the workers
    all the others, each page once; a worker writes the book's search index, the same as
    a serial build's; Sphinx's own search index is not written."""
    log = tmp_path / "written.txt"
    stock = BookHTMLBuilder.write_page

    def logged(self: BookHTMLBuilder, docname: str) -> None:
        stock(self, docname)
        with log.open("a", encoding="utf-8") as stream:  # workers are forked: one file for all
            stream.write(f"{os.getpid()} {docname}\n")

    monkeypatch.setattr(BookHTMLBuilder, "write_page", logged)
    book = built_with_two_workers(corpus, tmp_path)
    assert (book.status, book.warnings) == (0, "")
    written = [line.split(" ", 1) for line in log.read_text(encoding="utf-8").splitlines()]
    docnames = [docname for _, docname in written]
    assert len(docnames) == len(set(docnames)) > POST_COUNT
    in_main = sorted(docname for pid, docname in written if int(pid) == os.getpid())
    assert in_main == sorted(first_of_each_folder(sorted(docnames)))
    assert len({pid for pid, _ in written} - {str(os.getpid())}) >= 2  # more than one worker
    assert (book.html / "search.html").is_file() and not (book.html / "searchindex.js").exists()
    serial_index = both_builds.fast.html / "_search"
    index_files = sorted(path.name for path in serial_index.iterdir())
    assert (
        "meta.js" in index_files
        and sorted(path.name for path in (book.html / "_search").iterdir()) == index_files
    )
    for name in index_files:
        assert (book.html / "_search" / name).read_bytes() == (serial_index / name).read_bytes(), name
