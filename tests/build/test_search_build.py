"""The search index of an incremental build is the one a clean build writes."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import build_book, write_posts

POSTS = {
    "2021-06-01-walk.md": "---\ntitle: Randonnées\n---\n\nNous marchions, heureuses, dans les Pyrénées.\n",
    "2021-07-01-rest.md": "---\ntitle: Repos\n---\n\nLes randonneurs se reposent.\n",
}


def index_files(html: Path) -> dict[str, bytes]:
    folder = html / "_search"
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir()) if path.suffix == ".js"}


def test_a_new_search_language_indexes_every_page_again(tmp_path: Path) -> None:
    """``html_search_language`` makes Sphinx read no page again; the pages' terms were
    stemmed when they were read, so the book reads them all again itself."""
    posts = write_posts(tmp_path / "posts", POSTS)
    first = build_book(tmp_path / "incremental", posts, None)
    assert first.status == 0 and first.warnings == ""
    english = index_files(first.html)
    french = ["-D", "html_search_language=fr"]
    again = build_book(tmp_path / "incremental", posts, None, extra_args=french)
    clean = build_book(tmp_path / "clean", posts, None, extra_args=french)
    assert again.status == 0 and clean.status == 0 and again.warnings == ""
    assert index_files(again.html) == index_files(clean.html)
    assert index_files(again.html) != english
    assert b'"heureux"' in index_files(clean.html)["t0.js"]  # French stems, not "heureus"


def test_an_edit_built_on_two_cpus_writes_the_index_and_inventory_of_a_clean_build(tmp_path: Path) -> None:
    """After an edit the search index and the inventory are written by workers forked
    before the pages are written; they must see the edited page as read."""
    posts = write_posts(tmp_path / "posts", POSTS)
    two = ["-j", "2"]
    first = build_book(tmp_path / "incremental", posts, None, extra_args=two)
    assert first.status == 0 and first.warnings == ""
    edited = posts / "2021-07-01-rest.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n## Zeppelins\n\nUn zeppelin passe.\n", "utf-8")
    again = build_book(tmp_path / "incremental", posts, None, extra_args=two)
    clean = build_book(tmp_path / "clean", posts, None, extra_args=two)
    assert again.status == 0 and clean.status == 0 and again.warnings == ""
    assert index_files(again.html) == index_files(clean.html)
    assert b'"zeppelin"' in b"".join(index_files(again.html).values())
    inventory = "objects.inv"
    assert (again.html / inventory).read_bytes() == (clean.html / inventory).read_bytes()
