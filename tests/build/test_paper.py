"""The book on paper: the PDF read back (chapters, bookmarks, every word), and the EPUB
checked with epubcheck. Both need Debian packages (`make system-deps`)."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader
from sphinx.cmd.build import build_main

from bookgen.read.post import read_post
from tests.helpers import (
    BOOK_FILE,
    GLOSSARY_FILE,
    HOSTILE,
    POSTS,
    RESOURCES_FILE,
    ROOT,
    convert_book,
    need,
    part_titles,
    raw_post_words,
    roman,
    words,
    write_hostile_names,
)


@dataclass(frozen=True)
class Paper:
    pdf: Path
    log: str
    text: str
    outline: list[str]


def outline_titles(entries: Sequence[object], reader: PdfReader) -> list[str]:
    titles: list[str] = []
    for entry in entries:
        if isinstance(entry, list):
            titles.extend(outline_titles(entry, reader))
        else:
            titles.append(str(getattr(entry, "title", "")))
    return titles


def build_pdf(docs: Path, latex: Path) -> str:
    """Build the PDF of ``docs`` in ``latex`` as ``make pdf`` does (strict); its text.

    pdftotext reads every font of the PDF and keeps the spaces between words, where
    pypdf misses the sans-serif headings and runs some lines together."""
    assert (
        build_main(["-b", "latex", "-c", str(ROOT), str(docs), str(latex), "-W", "--keep-going", "-n", "-q"])
        == 0
    )
    subprocess.run(
        ["make", "-C", str(latex), "all-pdf", "LATEXMKOPTS=-silent"], check=True, capture_output=True
    )
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(latex / "book.pdf"), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


@pytest.fixture(scope="module")
def paper(tmp_path_factory: pytest.TempPathFactory) -> Paper:
    need(
        bool(shutil.which("lualatex") and shutil.which("latexmk")), "TeX (lualatex, latexmk) is not installed"
    )
    need(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils) is not installed")
    tmp = tmp_path_factory.mktemp("paper")
    docs = convert_book(tmp, POSTS, BOOK_FILE, glossary_file=GLOSSARY_FILE, resources_file=RESOURCES_FILE)
    latex = tmp / "latex"
    text = build_pdf(docs, latex)
    reader = PdfReader(latex / "book.pdf")
    log = (latex / "book.log").read_text(encoding="utf-8", errors="replace")
    return Paper(latex / "book.pdf", log, text, outline_titles(reader.outline, reader))


def test_every_post_is_a_chapter_and_a_bookmark(paper: Paper) -> None:
    toc = (paper.pdf.parent / "book.toc").read_text(encoding="utf-8")
    for path in POSTS.iterdir():
        title = read_post(path.read_bytes(), path.name).title
        assert title in paper.outline, title
        assert "{chapter}{\\numberline {" in toc
    for number, part in enumerate([*part_titles(), "Reference"], 1):
        assert f"{roman(number)} {part}" in paper.outline
    assert {"Glossary", "Resources", "Index"} <= set(paper.outline)


def test_every_character_has_a_glyph(paper: Paper) -> None:
    assert "Missing character" not in paper.log


def pdf_words(text: str) -> set[str]:
    """Words of the PDF text, with words split across lines by hyphenation rejoined."""
    joined = text.replace("-\n", "")
    return words(text) | words(joined)


@pytest.mark.parametrize("path", sorted(POSTS.iterdir()), ids=lambda p: p.name)
def test_every_word_of_each_post_is_in_the_pdf(paper: Paper, path: Path) -> None:
    missing = sorted(raw_post_words(path) - pdf_words(paper.text))
    # Addresses of links are clickable in the PDF but not printed.
    missing = [w for w in missing if not any(w in uri for uri in _uris(paper))]
    assert not missing, f"{path.name}: {missing}"


def _uris(paper: Paper) -> list[str]:
    reader = PdfReader(paper.pdf)
    uris = []
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action and "/URI" in action:
                uris.append(str(action["/URI"]).casefold())
    return uris


def test_glossary_terms_and_index_are_in_the_pdf(paper: Paper) -> None:
    for term in ("Machine learning", "Kubeflow", "Taylor series", "Quantization"):
        assert term in paper.text
    assert "Index" in paper.outline


def test_epub_passes_epubcheck(tmp_path: Path) -> None:
    need(
        shutil.which("epubcheck") is not None and shutil.which("java") is not None,
        "epubcheck/java not installed",
    )
    docs = convert_book(
        tmp_path, POSTS, BOOK_FILE, glossary_file=GLOSSARY_FILE, resources_file=RESOURCES_FILE
    )
    out = tmp_path / "epub"
    assert (
        build_main(
            ["-b", "epub", "-c", str(ROOT), "-d", str(tmp_path / "dt"), str(docs), str(out), "-W", "-n", "-q"]
        )
        == 0
    )
    epubcheck = str(Path(shutil.which("epubcheck") or "epubcheck").resolve())  # a jar, run by java
    result = subprocess.run(
        ["java", "-jar", epubcheck, str(out / "book.epub")], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No errors or warnings detected" in result.stdout + result.stderr


# --- hostile posts on paper -----------------------------------------------------------------

LONG_LINE_WORDS = 33_000  # "w0 w1 ...": over 200,000 characters on one line, TeX's buffer
LONG_WORD = "q" * 5_000
CODE_LINES = 3_000  # one framed block of 2,800 such lines overflows TeX's main memory


def write_long_posts(folder: Path) -> None:
    line = "alphastart " + " ".join(f"w{i}" for i in range(LONG_LINE_WORDS)) + " omegaend."
    assert len(line) > 200_000
    (folder / "long-line.md").write_text(f"# A very long line\n\n{line}\n", encoding="utf-8")
    (folder / "long-word.md").write_text(f"# A long word\n\nBefore {LONG_WORD} after.\n", encoding="utf-8")
    code = "\n".join(f"code line {i} " + "z" * 50 for i in range(CODE_LINES)) + "\n" + "k" * 3_000
    (folder / "long-code.md").write_text(f"# Long code\n\n```\n{code}\n```\n", encoding="utf-8")
    # An inline image cut into blocks for TeX: the pieces no longer lex as HTML.
    image = '<img src="data:image/png;base64,' + "iVBORw0KGgo+/AAA" * 2_000 + '">'
    (folder / "long-html.md").write_text(f"# Long HTML\n\n```html\n{image}\n```\n", encoding="utf-8")


# Lists and quotes nested deeper than LaTeX's own limit of six.
DEEP_POSTS = ("lists-15-deep.md", "quotes-25-deep.md", "emphasis-500-deep.md")
ON_PAPER = (*DEEP_POSTS, "math-tex.md", "images-hostile.md")  # TeX in formulas, images of private addresses


def run_lengths(text: str, char: str) -> int:
    """How many ``char`` the text holds in runs of five or more: a long word, wrapped."""
    return sum(len(run) for run in re.findall(re.escape(char) + "{5,}", text))


@pytest.fixture(scope="module")
def hostile_paper(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """The .tex and the PDF text of a small book of hostile posts."""
    need(
        bool(shutil.which("lualatex") and shutil.which("latexmk")), "TeX (lualatex, latexmk) is not installed"
    )
    need(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils) is not installed")
    tmp = tmp_path_factory.mktemp("hostile-paper")
    write_hostile_names(tmp / "posts")
    write_long_posts(tmp / "posts")
    for name in ON_PAPER:
        shutil.copy(HOSTILE / "posts" / name, tmp / "posts" / name)
    docs = convert_book(tmp, tmp / "posts", None)
    latex = tmp / "latex"
    text = build_pdf(docs, latex)
    return (latex / "book.tex").read_text(encoding="utf-8"), text


def test_no_post_writes_latex(hostile_paper: tuple[str, str]) -> None:
    tex, text = hostile_paper
    assert "\\input" not in tex and "\\write18" not in tex and "\\csname" not in tex
    assert "includegraphics" not in tex  # no image of a private address or another scheme reached LaTeX
    # The names and bodies that tried are printed as text.
    assert "\\input{conf.py}" in text
    assert "onerror=alert(1)" in text.replace("\n", "")


def test_over_long_lines_words_and_code_blocks_are_printed_whole(hostile_paper: tuple[str, str]) -> None:
    tex, text = hostile_paper
    assert max(map(len, tex.split("\n"))) < 50_000
    long_line = {"alphastart", "omegaend", *(f"w{i}" for i in range(LONG_LINE_WORDS))}
    assert not long_line - words(text)
    assert run_lengths(text, "q") == len(LONG_WORD)
    assert run_lengths(text, "z") == 50 * CODE_LINES and run_lengths(text, "k") == 3_000
    assert f"code line {CODE_LINES - 1}" in text
    assert "Control characters # not a heading" in text


def test_deeply_nested_posts_are_printed_whole(hostile_paper: tuple[str, str]) -> None:
    _, text = hostile_paper
    for name in DEEP_POSTS:
        missing = raw_post_words(HOSTILE / "posts" / name) - words(text)
        assert not missing, (name, sorted(missing)[:10])


def test_epub_of_any_folder_builds_again_after_the_title_changes(tmp_path: Path) -> None:
    """``make epub POSTS=dir`` (no book file, no author), then a new title, same _build."""
    need(
        shutil.which("epubcheck") is not None and shutil.which("java") is not None,
        "epubcheck/java not installed",
    )
    write_hostile_names(tmp_path / "posts")
    book = tmp_path / "book.yaml"
    book.write_text("title: A new title\n", encoding="utf-8")
    out = tmp_path / "epub"
    for book_file in (None, book):
        docs = convert_book(tmp_path, tmp_path / "posts", book_file)
        doctrees = str(tmp_path / "dt")
        args = ["-b", "epub", "-c", str(ROOT), "-d", doctrees, str(docs), str(out), "-W", "-n", "-q"]
        assert build_main(args) == 0
    assert (out / ".buildinfo.bak").exists()  # what used to end every later build
    opf = (out / "content.opf").read_text(encoding="utf-8")
    assert "<dc:title>A new title</dc:title>" in opf and "<dc:creator>A new title</dc:creator>" in opf
    epubcheck = str(Path(shutil.which("epubcheck") or "epubcheck").resolve())
    result = subprocess.run(
        ["java", "-jar", epubcheck, str(out / "book.epub")], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_titles_from_folders_and_book_files_are_text_in_latex(tmp_path: Path) -> None:
    """A folder named like Jekyll's ``_posts``, or a book title with ``$``, ``_``, ``%``
    and ``\\``, is the PDF's title as text: Sphinx takes it as LaTeX markup."""
    posts = tmp_path / "_posts"
    posts.mkdir()
    (posts / "a.md").write_text("# A post\n\nWords.\n", encoding="utf-8")
    for book_text, title in [(None, "Posts"), ('title: "50% of $x_1 \\\\ y"\n', r"50\% of \$x\_1")]:
        book = None
        if book_text is not None:
            book = tmp_path / "book.yaml"
            book.write_text(book_text, encoding="utf-8")
        docs = convert_book(tmp_path, posts, book)
        latex = tmp_path / "latex"
        assert build_main(["-b", "latex", "-c", str(ROOT), str(docs), str(latex), "-W", "-n", "-q"]) == 0
        line = next(
            x
            for x in (latex / "book.tex").read_text(encoding="utf-8").splitlines()
            if x.startswith("\\title{")
        )
        assert line.startswith(f"\\title{{{title}"), line
        assert "$" not in line.replace("\\$", "") and "_" not in line.replace("\\_", "")
