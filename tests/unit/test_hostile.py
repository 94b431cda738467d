"""Hostile and broken posts through the converter alone: one clear line each, nothing
read that is not a regular file of the folder, the last good output kept.

The corpus is ``tests/hostile/posts`` with the expected outcome of each file in
``tests/hostile/expected.yaml``; the books built from it are checked in
``tests/build/test_hostile.py`` and ``tests/browser/test_hostile.py``.
"""

from __future__ import annotations

import os
import socket
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from bookgen import api
from bookgen.cli import main as convert
from bookgen.model import Post
from bookgen.read.post import read_post
from bookgen.sphinx.feed import atom_feed
from tests.helpers import EXPECTED, HOSTILE


def test_corpus_and_expectations_match() -> None:
    assert set(EXPECTED) == {p.name for p in (HOSTILE / "posts").iterdir()} | {"huge.txt"}


def test_binary_file_gets_one_line_and_strict_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "gen"
    assert convert(["--posts", str(HOSTILE / "posts"), "--out", str(out), "-q"]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert [line.strip() for line in printed if "binary.dat" in line] == [EXPECTED["binary.dat"]["error"]]
    assert convert(["--posts", str(HOSTILE / "posts"), "--out", str(out), "-q", "--strict"]) == 1


def test_failed_run_leaves_the_last_good_output(tmp_path: Path) -> None:
    out = tmp_path / "gen"
    assert convert(["--posts", str(HOSTILE / "posts"), "--out", str(out), "-q"]) == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    bad_book = tmp_path / "book.yaml"
    bad_book.write_text("title: [broken\n", encoding="utf-8")
    assert convert(["--posts", str(HOSTILE / "posts"), "--out", str(out), "--book", str(bad_book)]) == 2
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_feed_drops_characters_xml_forbids() -> None:
    book = {"title": "B\x01ook", "posts": [{"docname": "p", "title": "T\x0b\x1f\ufffe", "tags": ["a\x02"]}]}
    feed = ET.fromstring(atom_feed(book, "http://example.org/").encode("utf-8"))
    assert [t.text for t in feed.iter("{http://www.w3.org/2005/Atom}title")] == ["Book", "T"]


def test_control_characters_in_fields_are_dropped_and_reported() -> None:
    data = b'---\ntitle: "A\\x01B\\u2028C"\ntags: ["x\\r# h", "\\x07"]\ndescription: "d\\x85e"\n---\nBody.\n'
    post = read_post(data, "c.md")
    assert (post.title, post.tags, post.description) == ("AB C", ("x # h",), "d e")
    assert [str(r) for r in post.reports] == [
        # Line ends in a title or description are white space, as YAML folds them.
        "c.md: front-matter: title: control characters U+0001 removed (line ends as spaces)",
        "c.md: front-matter: tags: control characters U+000D, U+0007 removed (line ends as spaces)",
    ]


def test_only_regular_files_of_the_folder_are_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Links are never followed (to files or folders), FIFOs never opened; each skipped
    entry gets one line; subfolders are read."""
    secret = tmp_path / "secret.txt"
    secret.write_text("Secret\n\nhunter2 zanzibar-password\n", encoding="utf-8")
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "fine.md").write_text("# Fine\n\nA post that builds.\n", encoding="utf-8")
    (posts / "passwd.md").symlink_to(secret)
    (posts / "inside.md").symlink_to(posts / "fine.md")
    (posts / "dangling.md").symlink_to(tmp_path / "nowhere.md")
    (posts / "loop.md").symlink_to(posts / "loop.md")
    (posts / "sub").mkdir()
    (posts / "sub" / "nested.md").write_text("# Nested\n", encoding="utf-8")
    (posts / "outside-dir").symlink_to(tmp_path, target_is_directory=True)
    os.mkfifo(posts / "fifo.md")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(posts / "sock.md"))
    (posts / os.fsdecode(b"caf\xe9.md")).write_bytes(b"# Cafe\n\nA post whose name is Latin-1.\n")
    (posts / "locked.md").write_text("# Locked\n", encoding="utf-8")
    (posts / "locked.md").chmod(0)
    out = tmp_path / "gen"
    try:
        assert convert(["--posts", str(posts), "--out", str(out), "-q"]) == 0
    finally:
        server.close()
    printed = [line.strip() for line in capsys.readouterr().out.splitlines()]
    assert "dangling.md: dangling symbolic link, not followed; skipped" in printed
    assert "loop.md: symbolic link loop, not followed; skipped" in printed
    outside = "symbolic link, not followed (posts must be files in the posts folder itself); skipped"
    assert f"passwd.md: {outside}" in printed and f"inside.md: {outside}" in printed
    assert f"outside-dir: {outside}" in printed
    assert (out / "posts" / "nested.md").exists()  # a subfolder's post is a post
    assert not any(line.startswith("sub") for line in printed)
    assert "fifo.md: named pipe (FIFO), not a file; skipped" in printed
    assert "sock.md: socket, not a file; skipped" in printed
    if os.geteuid() != 0:  # root reads any file
        assert "locked.md: unreadable (Permission denied); skipped" in printed
    assert "caf\\xe9.md: file name is not valid UTF-8; read as 'caf\\\\xe9.md'" in printed
    generated = "\n".join(p.read_text(encoding="utf-8") for p in out.rglob("*.md"))
    assert "zanzibar" not in generated  # the linked secret, nor anything behind outside-dir
    assert (out / "posts" / "cafe.md").exists() and (out / "posts" / "fine.md").exists()
    assert len(list((out / "posts").glob("*.md"))) == (4 if os.geteuid() == 0 else 3)


def test_a_fault_on_one_post_publishes_it_as_preformatted_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever the converter trips on in one post, that post gets one report line and
    is published whole as preformatted text; the other posts are converted as usual."""
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "fine.md").write_text("# Fine\n\nA post that converts.\n", encoding="utf-8")
    (posts / "boom.md").write_text("# Boom\n\nEvery *word* of zanzibar stays.\n", encoding="utf-8")

    def read_post_or_fail(data: bytes, name: str) -> Post:
        if name == "boom.md":
            raise RecursionError("maximum recursion depth exceeded\nwith more lines")
        return read_post(data, name)

    monkeypatch.setattr(api, "read_post", read_post_or_fail)
    out = tmp_path / "gen"
    assert convert(["--posts", str(posts), "--out", str(out), "-q"]) == 0
    printed = [line.strip() for line in capsys.readouterr().out.splitlines()]
    failed = "could not be converted (RecursionError: maximum recursion depth exceeded)"
    assert printed.count(f"boom.md: internal-error: {failed}; published as preformatted text") == 1
    page = (out / "posts" / "boom.md").read_text(encoding="utf-8")
    assert "Every *word* of zanzibar stays." in page
    assert "A post that converts." in (out / "posts" / "fine.md").read_text(encoding="utf-8")


def test_each_printed_report_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A name with a line end cannot split the converter's report or forge a line of it."""
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "a\nforged.md: markdown, 1 words").write_text("# A\n\nText with [x](javascript:y).\n", "utf-8")
    assert convert(["--posts", str(posts), "--out", str(tmp_path / "gen")]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert not [line for line in printed if line.lstrip().startswith("forged.md")]
    assert [line for line in printed if line.startswith("a\\nforged.md: markdown")]
    assert [line for line in printed if line.strip().startswith("a\\nforged.md: markdown, 1 words:")]
