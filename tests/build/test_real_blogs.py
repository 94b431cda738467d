"""The small blogs of tests/blogs/, shaped like Hugo, Jekyll and Zola sites and a folder
of notes, built as ``make html POSTS=...`` builds them: strict, with every word of every
post in its page (code and link text included), and as a PDF with every character."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from sphinx.cmd.build import build_main

from bookgen.api import Sources
from bookgen.api import build_book as convert_only
from tests.helpers import ROOT, BuiltBook, build_book, convert_book, need, page_words, post_text_words

BLOGS = {
    "hugo": ROOT / "tests" / "blogs" / "hugo" / "posts",
    "jekyll": ROOT / "tests" / "blogs" / "jekyll" / "_posts",
    "zola": ROOT / "tests" / "blogs" / "zola" / "blog",
    "notes": ROOT / "tests" / "blogs" / "notes",
    "links": ROOT / "tests" / "blogs" / "links" / "blog",
}


@pytest.fixture(scope="module", params=sorted(BLOGS))
def blog(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuiltBook]:
    folder = BLOGS[request.param]
    return folder, build_book(tmp_path_factory.mktemp(request.param), folder, None)


def test_builds_with_zero_warnings(blog: tuple[Path, BuiltBook]) -> None:
    _, built = blog
    assert built.status == 0 and built.warnings == ""


def test_every_word_of_every_post_is_in_its_page(blog: tuple[Path, BuiltBook]) -> None:
    folder, built = blog
    book = convert_only(Sources.from_folder(folder)).book
    assert book.posts
    for post in book.posts:
        page = built.html / "generated" / "posts" / f"{post.slug}.html"
        missing = post_text_words(folder / post.source, post.source) - page_words(page)
        assert not missing, (post.source, sorted(missing))


def test_notes_in_any_script_print_every_character(tmp_path: Path) -> None:
    """Hangul, CJK, Greek and emoji: each printed from a font that has it, none a box."""
    need(
        bool(shutil.which("lualatex") and shutil.which("latexmk")), "TeX (lualatex, latexmk) is not installed"
    )
    need(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils) is not installed")
    docs = convert_book(tmp_path, BLOGS["notes"], None)
    latex = tmp_path / "latex"
    assert (
        build_main(["-b", "latex", "-c", str(ROOT), str(docs), str(latex), "-W", "--keep-going", "-q"]) == 0
    )
    subprocess.run(
        ["make", "-C", str(latex), "all-pdf", "LATEXMKOPTS=-silent"], check=True, capture_output=True
    )
    log = (latex / "book.log").read_text(encoding="utf-8", errors="replace")
    assert "Missing character" not in log
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(latex / "book.pdf"), "-"], check=True,
                          capture_output=True, text=True).stdout  # fmt: skip
    for sample in ("안녕하세요", "你好", "こんにちは", "Καλημέρα", "😀"):
        assert sample in text, sample
    assert "Contents" in text or "CONTENTS" in text
    assert "\\contentsname" not in (latex / "book.tex").read_text(encoding="utf-8")  # not a part's title


def test_pictures_footnotes_and_captions_reach_the_pdf(tmp_path: Path) -> None:
    """The bundle's picture (as a figure and inline) is embedded, and its caption, the
    footnote and the aligned table's cells are text of the PDF."""
    need(
        bool(shutil.which("lualatex") and shutil.which("latexmk")), "TeX (lualatex, latexmk) is not installed"
    )
    need(bool(shutil.which("pdftotext") and shutil.which("pdfimages")), "poppler-utils is not installed")
    docs = convert_book(tmp_path, BLOGS["hugo"], None)
    latex = tmp_path / "latex"
    assert (
        build_main(["-b", "latex", "-c", str(ROOT), str(docs), str(latex), "-W", "--keep-going", "-q"]) == 0
    )
    subprocess.run(
        ["make", "-C", str(latex), "all-pdf", "LATEXMKOPTS=-silent"], check=True, capture_output=True
    )
    assert "{|L|C|R|}" in (latex / "book.tex").read_text(encoding="utf-8")  # the table's columns aligned
    pdf = str(latex / "book.pdf")
    images = subprocess.run(["pdfimages", "-list", pdf], check=True, capture_output=True, text=True).stdout
    assert len(images.strip().splitlines()) - 2 >= 2  # two header lines, then one line per image shown
    text = " ".join(
        subprocess.run(
            ["pdftotext", "-enc", "UTF-8", pdf, "-"], check=True, capture_output=True, text=True
        ).stdout.split()
    )
    for sample in (
        "A narwhal in blue, drawn for the bundle",
        "A spiral canine tooth",
        "1.6 t",
        "YouTube video",
    ):
        assert sample in text, sample


def test_pictures_are_in_the_epub_and_it_passes_epubcheck(tmp_path: Path) -> None:
    need(bool(shutil.which("epubcheck") and shutil.which("java")), "epubcheck/java not installed")
    docs = convert_book(tmp_path, BLOGS["hugo"], None)
    out = tmp_path / "epub"
    doctrees = str(tmp_path / "doctrees")
    assert (
        build_main(["-b", "epub", "-c", str(ROOT), "-d", doctrees, str(docs), str(out), "-W", "-n", "-q"])
        == 0
    )
    with zipfile.ZipFile(out / "book.epub") as epub:
        assert any(name.endswith("cover.png") for name in epub.namelist())
        page = epub.read("generated/posts/a-page-bundle-with-its-pictures.xhtml").decode("utf-8")
        assert "Where narwhals live" in page and "under the pack ice" in page  # details shown open
    epubcheck = str(Path(shutil.which("epubcheck") or "epubcheck").resolve())  # a jar, run by java
    result = subprocess.run(
        ["java", "-jar", epubcheck, str(out / "book.epub")], check=False, capture_output=True, text=True
    )
    assert result.returncode == 0 and "No errors or warnings detected" in result.stdout + result.stderr, (
        result.stdout + result.stderr
    )
