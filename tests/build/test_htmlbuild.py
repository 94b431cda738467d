"""``make html``'s driver (``booktools.htmlbuild``): convert, then build unless nothing changed."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from tests.helpers import ROOT, write_posts

POSTS = {
    "2022-01-01-first.md": "---\ntitle: First\n---\n\nThe first post.\n",
    "2022-02-01-second.md": "---\ntitle: Second\n---\n\nThe second post.\n",
}


def make_html(
    tmp: Path, posts: Path, sphinx: Sequence[str] = ("-W", "--keep-going", "-n", "-q")
) -> subprocess.CompletedProcess[str]:
    """The driver as the Makefile runs it, on a book in ``tmp``."""
    docs = tmp / "docs"
    if not docs.exists():
        shutil.copytree(ROOT / "docs", docs, ignore=shutil.ignore_patterns("generated"))
    convert = ["--posts", str(posts), "--out", str(docs / "generated"), "--docs", str(docs)]
    command = [sys.executable, "-m", "booktools.htmlbuild", str(tmp / "html"), str(tmp / "doctrees")]
    command += ["--docs", str(docs), "--", *sphinx, "--", *convert, "-q"]
    return subprocess.run(command, cwd=ROOT / "scripts", capture_output=True, text=True, check=False)


def test_builds_the_book_then_leaves_sphinx_alone_until_a_post_changes(tmp_path: Path) -> None:
    posts = write_posts(tmp_path / "posts", POSTS)
    first = make_html(tmp_path, posts)
    assert first.returncode == 0, first.stderr
    assert "WARNING" not in first.stderr
    page = next((tmp_path / "html").rglob("first.html"))
    assert "The first post." in page.read_text(encoding="utf-8")
    # What the build imported, for the next one to import while the converter runs.
    imported = (tmp_path / "doctrees" / "imported-modules.txt").read_text(encoding="utf-8").split()
    assert {"myst_parser.sphinx_ext.main", "sphinx_design.cards"} <= set(imported)
    again = make_html(tmp_path, posts)
    assert again.returncode == 0 and "Sphinx not run" in again.stdout
    (posts / "2022-01-01-first.md").write_text("---\ntitle: First\n---\n\nThe first post, edited.\n", "utf-8")
    edited = make_html(tmp_path, posts)
    assert edited.returncode == 0 and "Sphinx not run" not in edited.stdout, edited.stderr
    assert "The first post, edited." in page.read_text(encoding="utf-8")


def test_a_failed_conversion_fails_the_build_and_builds_nothing(tmp_path: Path) -> None:
    failed = make_html(tmp_path, tmp_path / "no-such-folder")
    assert failed.returncode != 0 and "no such folder of posts" in failed.stderr
    assert not (tmp_path / "html").exists()


def test_a_failed_sphinx_build_fails_and_leaves_no_stamp(tmp_path: Path) -> None:
    """Options reach Sphinx as the shell split them, quotes and all; a build that fails
    (here, strict mode and a setting Sphinx does not know) signs nothing."""
    posts = write_posts(tmp_path / "posts", POSTS)
    failed = make_html(tmp_path, posts, ["-W", "-D", "no_such_setting=a b"])
    assert failed.returncode != 0 and "no_such_setting" in failed.stderr
    assert not (tmp_path / "html" / ".book-stamp").exists()


def test_the_driver_splits_its_words_sphinx_options_and_converter_arguments() -> None:
    from booktools.htmlbuild import sections

    argv = ["out", "trees", "--docs", "d", "--", "-W", "-D", 'html_title=My "book"', "--", "--posts", "p"]
    assert sections(argv) == (
        ["out", "trees", "--docs", "d"],
        ["-W", "-D", 'html_title=My "book"'],
        ["--posts", "p"],
    )
    assert sections(["out", "trees"]) == (["out", "trees"], [], [])
