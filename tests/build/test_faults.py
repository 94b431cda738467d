"""After Sphinx was killed, or posts were removed, the next build is the complete,
correct book.

Faults are injected at points the test chooses, never by timing: Sphinx is run in a
subprocess that ends itself with ``os._exit`` at a named page, as a kill would leave it.
The converter's faults: ``tests/unit/test_faults.py``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bookgen.sphinx.outputs import UNFINISHED
from tests.helpers import CORPUS_A, CORPUS_B, ROOT, build_book, convert_book, write_posts

# --- Sphinx -------------------------------------------------------------------------

# The project's configuration, plus a conf.py ``setup`` that ends the build at a page (a
# setup, not an extension: a changed extension list would make Sphinx read everything).
KILLING_CONF = """\
import os, runpy
globals().update({{k: v for k, v in runpy.run_path({conf!r}).items() if not k.startswith("__")}})


def setup(app):
    target, written = os.environ["KILL_AT_PAGE"], []

    def page(app, pagename, templatename, context, doctree):
        written.append(pagename)
        if target in (pagename, str(len(written))):
            os._exit(17)  # before this page is written, as a kill would leave it

    app.connect("html-page-context", page)
"""


def sitemap(html: Path) -> list[str]:
    import xml.etree.ElementTree as ET

    namespace = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    return [str(loc.text) for loc in ET.parse(html / "sitemap.xml").getroot().iter(f"{namespace}loc")]


def search_index(html: Path) -> dict[str, str]:
    """What the search finds: every file of its index, as written."""
    return {path.name: path.read_text(encoding="utf-8") for path in sorted((html / "_search").glob("*.js"))}


def book_pages(html: Path) -> dict[str, str]:
    """Every page a reader can open, with the text of its article."""
    from bs4 import BeautifulSoup

    pages = {}
    for page in sorted(html.rglob("*.html")):
        relative = page.relative_to(html)
        if relative.parts[0].startswith((".", "_")):
            continue
        article = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select_one("article")
        pages[str(relative)] = " ".join(article.get_text(" ").split()) if article else ""
    return pages


def sources(html: Path) -> list[str]:
    return sorted(str(p.relative_to(html)) for p in (html / "_sources").rglob("*") if p.is_file())


def assert_same_book(built: Path, clean: Path) -> None:
    assert book_pages(built) == book_pages(clean)
    assert sources(built) == sources(clean)
    assert search_index(built) == search_index(clean)
    assert sitemap(built) == sitemap(clean)


def test_removed_posts_leave_no_pages_and_the_sitemap_keeps_every_page(tmp_path: Path) -> None:
    posts = write_posts(tmp_path / "posts", CORPUS_A)
    first = build_book(tmp_path / "work", posts, None)
    assert first.status == 0 and first.warnings == ""
    assert not (first.html / ".doctrees" / UNFINISHED).exists()  # a finished build leaves no marker
    full = sitemap(first.html)
    assert len(full) == len(book_pages(first.html)) > 10
    (first.html / "stray.html").write_text("<p>put here by hand</p>", encoding="utf-8")
    (first.html / "generated" / "notes.txt").write_text("kept", encoding="utf-8")

    again = build_book(tmp_path / "work", posts, None)  # nothing changed
    assert again.status == 0 and sitemap(again.html) == full

    write_posts(posts, CORPUS_B)
    after = build_book(tmp_path / "work", posts, None)
    assert after.status == 0 and after.warnings == ""
    assert not list(after.html.rglob("old-notes*")) and not list(after.html.rglob("*marsupials*"))
    assert (after.html / "stray.html").exists() and (after.html / "generated" / "notes.txt").exists()
    (after.html / "stray.html").unlink()
    (after.html / "generated" / "notes.txt").unlink()
    assert_same_book(after.html, build_book(tmp_path / "clean", posts, None).html)


@pytest.mark.parametrize("kill_at", ["2", "search"])
def test_killed_sphinx_is_followed_by_a_complete_book(tmp_path: Path, kill_at: str) -> None:
    posts = write_posts(tmp_path / "posts", CORPUS_A)
    work = tmp_path / "work"
    assert build_book(work, posts, None).status == 0
    write_posts(posts, CORPUS_B)
    docs = convert_book(work, posts, None)
    conf = tmp_path / "conf"
    conf.mkdir()
    (conf / "conf.py").write_text(KILLING_CONF.format(conf=str(ROOT / "conf.py")))
    log = tmp_path / "killed.log"
    with log.open("wb") as stream:  # not a pipe: Sphinx's helper processes outlive the kill
        command = ["-b", "html", "-c", str(conf), str(docs), str(work / "html"), "-q"]
        killed = subprocess.Popen(
            [sys.executable, "-m", "sphinx", *command],
            env={**os.environ, "KILL_AT_PAGE": kill_at},
            stdout=stream,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        status = killed.wait()
    with contextlib.suppress(ProcessLookupError):
        os.killpg(killed.pid, signal.SIGKILL)  # what the kill left behind (sphinx-sitemap's manager)
    assert status == 17, log.read_text(encoding="utf-8")
    again = build_book(work, posts, None)
    assert again.status == 0 and again.warnings == ""
    assert_same_book(again.html, build_book(tmp_path / "clean", posts, None).html)
