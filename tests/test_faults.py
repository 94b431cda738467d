"""After a fault the next run makes the complete, correct book.

Faults are injected at points the test chooses, never by timing: the converter or
Sphinx is run in a subprocess that ends itself with ``os._exit`` right after its Nth
write (or at a named page), as a kill would leave it; the cache is damaged byte by byte.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bookgen.cli import main as convert
from bookgen.jobs import JOBS_FILE, LAST_RUN
from bookgen.sphinx.outputs import UNFINISHED
from bookgen.write.sealed import seal
from tests.conftest import ROOT

# A small book of our own; B is A after an edit, a removal and an addition.
CORPUS_A = {
    "2021-03-01-first-steps.md": "---\ntitle: First steps\ntags: [start]\n---\n\n"
    "Wombats dig burrows with strong claws.\n\n## Tunnels\n\nThe quokka smiles at visitors.\n",
    "2022-05-09-second-look.md": "---\ntitle: A second look\n---\n\nNumbats eat termites by the thousand.\n",
    "old-notes.txt": "Old notes on marsupials\n\nThe bilby has long ears and a pointed snout.\n",
    "2023-01-15-winter.md": "---\ntitle: Winter field trip\ntags: [field, start]\n---\n\n"
    "Echidnas curl into a spiky ball when frightened.\n",
}
CORPUS_B = {
    **{name: text for name, text in CORPUS_A.items() if name != "old-notes.txt"},
    "2022-05-09-second-look.md": "---\ntitle: A second look\n---\n\nNumbats eat termites, and "
    "Zanzibarian gravel gardens are a word of their own.\n",
    "2024-06-30-summer.md": "---\ntitle: Summer by the river\n---\n\nPlatypus hunt at dusk.\n",
}
CORPUS_C = {**CORPUS_B, "2023-01-15-winter.md": CORPUS_B["2023-01-15-winter.md"].replace("Winter", "Cold")}

# Runs the converter and ends the process right after its Nth atomic write (any file).
KILLED_CONVERTER = """
import os, sys
sys.path.insert(0, sys.argv[1])
from bookgen import jobs
from bookgen.write import sealed, tree
from bookgen.cli import main
limit, writes, write = int(sys.argv[2]), [], sealed.write_atomic
def write_then_die(path, content):
    write(path, content)
    writes.append(path)
    if len(writes) == limit:
        os._exit(17)
sealed.write_atomic = tree.write_atomic = jobs.write_atomic = write_then_die
raise SystemExit(main(sys.argv[3:]))
"""


def write_posts(folder: Path, posts: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    for name, text in posts.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def convert_args(work: Path, posts: Path | None = None) -> list[str]:
    docs = work / "docs"
    return [
        "--posts", str(posts or work / "posts"), "--out", str(docs / "generated"), "--docs", str(docs),
        "--cache", str(work / "cache"), "-q",
    ]  # fmt: skip


def clean_conversion(work: Path) -> dict[str, bytes]:
    """What one uninterrupted run on the same posts writes into a new folder."""
    clean = work.parent / "clean"
    assert convert(convert_args(clean, work / "posts")) == 0
    return tree(clean / "docs" / "generated")


@pytest.mark.parametrize("before", ["nothing", "corpus A"])
@pytest.mark.parametrize("kill_after", [2, 5])
@pytest.mark.parametrize("then", ["same posts", "edited posts"])
def test_killed_converter_is_followed_by_a_complete_book(
    tmp_path: Path, before: str, kill_after: int, then: str
) -> None:
    work = tmp_path / "work"
    if before == "corpus A":
        write_posts(work / "posts", CORPUS_A)
        assert convert(convert_args(work)) == 0
    write_posts(work / "posts", CORPUS_B)
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_CONVERTER, str(ROOT / "scripts"), str(kill_after), *convert_args(work)],
        capture_output=True,
        check=False,
    )
    assert killed.returncode == 17, killed.stderr.decode()  # 1: the cache, 2: the manifest, then pages
    if then == "edited posts":
        write_posts(work / "posts", CORPUS_C)
    assert convert(convert_args(work)) == 0
    assert tree(work / "docs" / "generated") == clean_conversion(work)


def test_a_file_never_generated_is_still_refused_after_a_killed_run(tmp_path: Path) -> None:
    work = tmp_path / "work"
    write_posts(work / "posts", CORPUS_B)
    args = [sys.executable, "-c", KILLED_CONVERTER, str(ROOT / "scripts"), "3", *convert_args(work)]
    assert subprocess.run(args, capture_output=True, check=False).returncode == 17
    generated = work / "docs" / "generated"
    manifest = json.loads((generated / ".manifest.json").read_text(encoding="utf-8"))
    hand_written = sorted(set(manifest["pending"]) - set(tree(generated)))[0]
    (generated / hand_written).parent.mkdir(parents=True, exist_ok=True)
    (generated / hand_written).write_text("mine", encoding="utf-8")
    assert convert(convert_args(work)) == 2
    assert (generated / hand_written).read_text(encoding="utf-8") == "mine"


def flip(path: Path, positions: list[int]) -> None:
    data = bytearray(path.read_bytes())
    for position in positions:
        data[position] ^= 0x20
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("seed", range(4))
def test_damaged_cache_is_prepared_again_not_published(tmp_path: Path, seed: int) -> None:
    work = tmp_path / "work"
    write_posts(work / "posts", CORPUS_B)
    assert convert(convert_args(work)) == 0
    cache = work / "cache" / JOBS_FILE
    data = cache.read_bytes()
    if seed == 0:  # one letter of a word, the worst case: a pickle of other words
        positions = [data.index(b"Zanzibarian") + 3]
    else:
        rng = random.Random(seed)
        positions = [rng.randrange(len(data)) for _ in range(seed * 3)]
    flip(cache, positions)
    (work / "docs" / "generated" / "book.json").unlink()  # the run must not stop early
    assert convert(convert_args(work)) == 0
    assert tree(work / "docs" / "generated") == clean_conversion(work)


@pytest.mark.parametrize("sealed", [False, True], ids=["as-is", "sealed"])
@pytest.mark.parametrize("content", ["[]", "null", '"a string"', "3", '{"fingerprint": 1}', "{", "\xff"])
def test_last_run_file_of_another_shape_is_ignored(tmp_path: Path, content: str, sealed: bool) -> None:
    """Damaged bytes fail the checksum; a sealed record of another shape fails its check."""
    work = tmp_path / "work"
    write_posts(work / "posts", CORPUS_B)
    assert convert(convert_args(work)) == 0
    data = content.encode("latin-1")
    (work / "cache" / LAST_RUN).write_bytes(seal(data) if sealed else data)
    assert convert(convert_args(work)) == 0
    assert tree(work / "docs" / "generated") == clean_conversion(work)


def test_edited_last_run_report_is_not_repeated(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    work = tmp_path / "work"
    write_posts(work / "posts", {**CORPUS_B, "empty.md": ""})
    assert convert(convert_args(work)) == 0
    first = capsys.readouterr().out
    last_run = work / "cache" / LAST_RUN
    assert b"empty" in last_run.read_bytes()
    last_run.write_bytes(last_run.read_bytes().replace(b"empty", b"EMPTY"))
    assert convert(convert_args(work)) == 0
    again = capsys.readouterr().out
    assert "EMPTY" not in again and "empty.md" in first and "empty.md" in again


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


def search_index(html: Path) -> dict[str, object]:
    """What the search finds; an incremental build keeps words of removed pages as
    empty lists (they find nothing), which a clean build leaves out."""
    text = (html / "searchindex.js").read_text(encoding="utf-8")
    index = json.loads(text.removeprefix("Search.setIndex(").removesuffix(")"))
    found = {key: index[key] for key in ("docnames", "titles", "alltitles")}
    for key in ("terms", "titleterms"):
        found[key] = {term: docs for term, docs in index[key].items() if docs != []}
    return found


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


@pytest.mark.build
def test_removed_posts_leave_no_pages_and_the_sitemap_keeps_every_page(tmp_path: Path) -> None:
    from tests.conftest import build_book

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


@pytest.mark.build
@pytest.mark.parametrize("kill_at", ["2", "search"])
def test_killed_sphinx_is_followed_by_a_complete_book(tmp_path: Path, kill_at: str) -> None:
    from tests.conftest import build_book, convert_book

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
