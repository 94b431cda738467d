"""The book on paper: the PDF read back (chapters, bookmarks, every word), and the EPUB
checked with epubcheck. Both need Debian packages (`make system-deps`)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader
from sphinx.cmd.build import build_main

from bookgen.post import read_post
from tests.conftest import BOOK_FILE, GLOSSARY_FILE, POSTS, RESOURCES_FILE, ROOT, convert_book, need, words
from tests.test_build import raw_post_words

pytestmark = pytest.mark.build


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


@pytest.fixture(scope="module")
def paper(tmp_path_factory: pytest.TempPathFactory) -> Paper:
    need(bool(shutil.which("xelatex") and shutil.which("latexmk")), "TeX (xelatex, latexmk) is not installed")
    need(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils) is not installed")
    tmp = tmp_path_factory.mktemp("paper")
    docs = convert_book(tmp, POSTS, BOOK_FILE, glossary_file=GLOSSARY_FILE, resources_file=RESOURCES_FILE)
    latex = tmp / "latex"
    assert (
        build_main(["-b", "latex", "-c", str(ROOT), str(docs), str(latex), "-W", "--keep-going", "-n", "-q"])
        == 0
    )
    subprocess.run(
        ["make", "-C", str(latex), "all-pdf", "LATEXMKOPTS=-silent"], check=True, capture_output=True
    )
    reader = PdfReader(latex / "book.pdf")
    # pdftotext reads every font of the PDF; pypdf misses the sans-serif headings.
    text = subprocess.run(
        ["pdftotext", str(latex / "book.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    log = (latex / "book.log").read_text(encoding="utf-8", errors="replace")
    return Paper(latex / "book.pdf", log, text, outline_titles(reader.outline, reader))


def test_every_post_is_a_chapter_and_a_bookmark(paper: Paper) -> None:
    toc = (paper.pdf.parent / "book.toc").read_text(encoding="utf-8")
    for path in POSTS.iterdir():
        title = read_post(path.read_bytes(), path.name).title
        assert title in paper.outline, title
        assert "{chapter}{\\numberline {" in toc
    for number, part in enumerate(
        ("Finding a way in", "Careers and the industry", "Learning journeys", "Reference")
    ):
        assert f"{['I', 'II', 'III', 'IV'][number]} {part}" in paper.outline
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
